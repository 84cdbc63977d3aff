"""The dashboard's figures from recorded decisions: days, rules, file types, overrides, shadow load."""

from datetime import date, datetime, timedelta, timezone

import pytest

from sendward.domain.records import DecisionRecord
from sendward.services.dashboard import iso_week, stats

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)  # a Wednesday


def record(
    storage,
    id,
    at,
    *,
    action="allow",
    would=None,
    findings=(),
    files=(),
    user="u1",
    override_of=None,
    tenant="tenant-a",
    message=None,
    resends=None,
):
    storage.record_decision(
        DecisionRecord(
            id=id,
            tenant_id=tenant,
            user_hash=user,
            created_at=at,
            action=action,
            would_action=would,
            mode="monitor" if would and not override_of else "enforce",
            score=0,
            policy_version=1,
            counts={"message": message} if message else {},
            findings=tuple(findings),
            attachments=tuple(files),
            override_of=override_of,
            resends=resends,
        )
    )


def test_every_day_of_the_window_is_listed_with_zero_filled(store):
    record(store, "a", NOW - timedelta(days=1), action="warn")
    record(store, "b", NOW, action="block")
    record(
        store, "c", NOW - timedelta(days=9), action="block"
    )  # outside a 7-day window
    figures = stats(store, "tenant-a", days=7, now=NOW)
    assert [d["day"] for d in figures["per_day"]] == [f"2026-11-{d}" for d in range(19, 26)]
    assert figures["per_day"][-2] == {"day": "2026-11-24", "allow": 0, "warn": 1, "block": 0}
    assert figures["per_day"][-1] == {"day": "2026-11-25", "allow": 0, "warn": 0, "block": 1}
    assert figures["decisions"] == 2
    assert (figures["since"], figures["until"]) == ("2026-11-19", "2026-11-25")


def test_top_rules_file_types_and_override_rate(store):
    s = store
    record(
        s,
        "w1",
        NOW,
        action="warn",
        findings=[("recipients.exposed", "warn", None)],
        files=[("xlsx", True, 12)],
    )
    record(
        s,
        "w2",
        NOW,
        action="warn",
        findings=[("recipients.exposed", "warn", None), ("body.personal_data", "warn", None)],
        files=[("xlsx", True, 0), ("zip", False, 0)],
    )
    record(
        s,
        "b1",
        NOW,
        action="block",
        findings=[("attachment.personal_data", "block", None)],
        files=[("csv", True, 40)],
    )
    record(
        s,
        "o1",
        NOW,
        action="allow",
        would="warn",
        override_of="w1",
        findings=[("recipients.exposed", "info", "warn")],
    )
    figures = stats(s, "tenant-a", days=1, now=NOW)
    assert figures["top_rules"][0] == {
        "rule": "recipients.exposed",
        "findings": 2,
        "block": 0,
        "warn": 2,
        "info": 0,
        "would_interrupt": 0,
    }
    assert {r["rule"] for r in figures["top_rules"]} == {
        "recipients.exposed",
        "body.personal_data",
        "attachment.personal_data",
    }
    assert figures["top_attachment_types"][0] == {
        "type": "xlsx",
        "attachments": 2,
        "with_personal_data": 1,
        "unscanned": 0,
    }
    assert {"type": "zip", "attachments": 1, "with_personal_data": 0, "unscanned": 1} in figures[
        "top_attachment_types"
    ]
    assert figures["overrides"] == {
        "interrupted": 3,
        "overridden": 1,  # w1, with a justification
        "sent_anyway": 1,  # w2: never sent again
        "rate": pytest.approx(2 / 3, abs=1e-4),
    }
    # the override is one decision to allow; enforcement's view leaves it out
    assert figures["per_day"][0] == {"day": "2026-11-25", "allow": 1, "warn": 2, "block": 1}
    assert figures["would_per_day"][0] == {"day": "2026-11-25", "allow": 0, "warn": 2, "block": 1}


def test_a_warning_sent_again_after_a_fix_is_not_sent_anyway(store):
    s = store
    record(s, "w1", NOW, action="warn")  # Send; Fix it; Send again: allowed
    record(s, "a1", NOW, action="allow", resends="w1")
    record(s, "w2", NOW, action="warn")  # Send; Send Anyway
    record(s, "w3", NOW, action="warn", user="u2")  # another sender cannot settle u1's warning
    record(s, "a2", NOW, action="allow", user="u2", resends="w2")
    record(s, "w4", NOW, action="warn", tenant="tenant-b")  # nor another tenant's
    overrides = stats(s, "tenant-a", days=1, now=NOW)["overrides"]
    assert (overrides["interrupted"], overrides["overridden"], overrides["sent_anyway"]) == (3, 0, 2)
    assert overrides["rate"] == pytest.approx(2 / 3, abs=1e-4)


def test_no_interruptions_means_no_override_rate(store):
    record(store, "a", NOW)
    assert stats(store, "tenant-a", days=1, now=NOW)["overrides"]["rate"] is None


def test_shadow_mode_counts_interruptions_per_user_per_week(store):
    s = store
    monday = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
    for i in range(3):  # alice: three times this week, once last week
        record(
            s,
            f"a{i}",
            monday + timedelta(hours=i),
            would="warn",
            user="alice",
            findings=[("recipients.exposed", "info", "warn")],
        )
    record(
        s,
        "a-last",
        monday - timedelta(days=2),
        would="block",
        user="alice",
        findings=[
            ("recipients.exposed", "info", "block"),
            ("attachment.personal_data", "info", "block"),
        ],
    )
    record(
        s, "b0", monday, would="warn", user="bob", findings=[("recipients.exposed", "info", "warn")]
    )
    record(
        s, "quiet", monday, user="bob", findings=[("recipients.exposed", "info", None)]
    )  # info only: no interruption
    figures = stats(s, "tenant-a", days=14, now=NOW)
    monitor = figures["monitor"]
    exposed = next(r for r in monitor["would_interrupt"] if r["rule"] == "recipients.exposed")
    assert exposed == {
        "rule": "recipients.exposed",
        "users": 2,
        "user_weeks": 3,
        "interruptions": 5,
        "mean_per_user_week": pytest.approx(5 / 3, abs=0.01),
        "max_per_user_week": 3,
    }
    assert monitor["per_user_week"][0] == {
        "rule": "recipients.exposed",
        "user": "alice",
        "week": "2026-W48",
        "count": 3,
    }
    assert {
        "rule": "attachment.personal_data",
        "user": "alice",
        "week": "2026-W47",
        "count": 1,
    } in monitor["per_user_week"]
    assert figures["top_rules"][0]["would_interrupt"] == 5


def test_days_out_of_range_are_refused(store):
    with pytest.raises(ValueError):
        stats(store, "tenant-a", days=0)
    with pytest.raises(ValueError):
        stats(store, "tenant-a", days=367)


def test_iso_weeks_cross_the_year():
    assert iso_week(date(2026, 12, 31)) == "2026-W53"
    assert iso_week(date(2027, 1, 4)) == "2027-W01"


def test_misdirected_prompt_rate_and_acceptance(store):
    """Per 1,000 sends, and how often the sender then sent the same message to other recipients."""
    s = store
    wrong = [("recipients.misdirected", "warn", None)]
    at = NOW - timedelta(hours=5)
    for n in range(16):
        record(s, f"plain-{n}", at + timedelta(minutes=n), user="u9")
    # u1: prompted, then the same message to other recipients ten minutes later: accepted.
    record(s, "p1", at, action="warn", findings=wrong, user="u1", message={"content": "c1", "recipients": "r1"})
    record(s, "p1-again", at + timedelta(minutes=10), user="u1", message={"content": "c1", "recipients": "r2"})
    # u2: prompted, then sent anyway (an override).
    record(s, "p2", at, action="warn", findings=wrong, user="u2", message={"content": "c2", "recipients": "r3"})
    record(s, "p2-override", at + timedelta(minutes=1), action="warn", findings=wrong, user="u2",
           override_of="p2", message={"content": "c2", "recipients": "r3"})
    # u3: prompted; later another message, and the same one only after two hours: not counted.
    record(s, "p3", at, action="warn", findings=wrong, user="u3", message={"content": "c3", "recipients": "r4"})
    record(s, "p3-other", at + timedelta(minutes=5), user="u3", message={"content": "c9", "recipients": "r5"})
    record(s, "p3-late", at + timedelta(hours=2), user="u3", message={"content": "c3", "recipients": "r6"})
    # Another user's resend of u1's keys does not count for u1 (keys are per user anyway).
    figures = stats(s, "tenant-a", days=7, now=NOW)["misdirected"]
    assert figures["sends"] == 16 + 3 + 2 + 1  # the override repeats p2 and is left out
    assert (figures["prompts"], figures["changed_recipient"], figures["sent_anyway"]) == (3, 1, 1)
    assert figures["per_1000_sends"] == round(1000 * 3 / 22, 1)
    assert figures["acceptance_rate"] == round(1 / 3, 4)


def test_no_prompts_no_rates(store):
    record(store, "a", NOW)
    figures = stats(store, "tenant-a", days=7, now=NOW)["misdirected"]
    assert figures == {"sends": 1, "prompts": 0, "per_1000_sends": 0.0, "changed_recipient": 0,
                       "sent_anyway": 0, "acceptance_rate": None}
