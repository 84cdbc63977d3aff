"""The audit store on SQLite and PostgreSQL: filters, day buckets in UTC, the purge."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from sendward.adapters.storage.repository import Storage
from sendward.domain.records import (
    DecisionFilter,
    DecisionRecord,
    PolicyState,
    UnknownVersion,
    VersionConflict,
)

UTC = timezone.utc
NOV = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday


def record(
    storage,
    id,
    at,
    *,
    tenant="tenant-a",
    action="allow",
    would=None,
    findings=(),
    files=(),
    user="u1",
    override_of=None,
    mode="enforce",
):
    storage.record_decision(
        DecisionRecord(
            id=id,
            tenant_id=tenant,
            user_hash=user,
            created_at=at,
            action=action,
            would_action=would,
            mode=mode,
            score=0,
            policy_version=1,
            counts={"attachments": len(files)},
            findings=tuple(findings),
            attachments=tuple(files),
            override_of=override_of,
        )
    )


@pytest.fixture
def storage(engine):
    return Storage(engine)


def test_decisions_are_filtered_and_paged(storage):
    for i in range(5):
        record(
            storage,
            f"w{i}",
            NOV + timedelta(hours=i),
            action="warn",
            findings=[("recipients.exposed", "warn", None)],
        )
    record(
        storage,
        "b1",
        NOV + timedelta(days=1),
        action="block",
        findings=[("attachment.personal_data", "block", None)],
        files=[("xlsx", True, 163)],
    )
    record(storage, "other", NOV, tenant="tenant-b", action="warn")

    rows, total = storage.decisions_page("tenant-a", DecisionFilter(), offset=0, limit=4)
    assert total == 6
    assert [r["decision_id"] for r in rows] == ["b1", "w4", "w3", "w2"]
    assert rows[0]["attachments"] == [{"file_type": "xlsx", "scanned": True, "data_subjects": 163}]

    _, total = storage.decisions_page("tenant-a", DecisionFilter(action="warn"), offset=0, limit=50)
    assert total == 5
    rows, total = storage.decisions_page(
        "tenant-a", DecisionFilter(rule="attachment.personal_data"), offset=0, limit=50
    )
    assert [r["decision_id"] for r in rows] == ["b1"]
    window = DecisionFilter(since=NOV + timedelta(hours=1), until=NOV + timedelta(hours=3))
    rows, _ = storage.decisions_page("tenant-a", window, offset=0, limit=50)
    assert sorted(r["decision_id"] for r in rows) == ["w1", "w2"]
    assert storage.decisions_page("tenant-b", DecisionFilter(), offset=0, limit=50)[1] == 1


def test_days_are_utc_days(storage):
    london_evening = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    new_york = timezone(timedelta(hours=-5))
    record(storage, "late", london_evening, action="warn")
    record(
        storage, "ny", datetime(2026, 11, 2, 20, 0, tzinfo=new_york), action="block"
    )  # 01:00 UTC on the 3rd
    rows = storage.audit.actions_per_day("tenant-a", NOV, NOV + timedelta(days=7))
    assert sorted(rows) == [
        ("2026-11-02", "warn", None, False, 1),
        ("2026-11-03", "block", None, False, 1),
    ]


def test_aggregates_leave_out_other_tenants_and_overrides(storage):
    record(
        storage,
        "d1",
        NOV,
        action="warn",
        findings=[("recipients.exposed", "warn", None)],
        files=[("xlsx", True, 3), ("pdf", False, 0)],
    )
    record(
        storage,
        "o1",
        NOV + timedelta(minutes=1),
        action="allow",
        would="warn",
        override_of="d1",
        findings=[("recipients.exposed", "info", "warn")],
        files=[("xlsx", True, 3)],
    )
    record(
        storage,
        "m1",
        NOV,
        action="allow",
        would="block",
        mode="monitor",
        user="u2",
        findings=[("attachment.personal_data", "info", "block")],
    )
    record(
        storage,
        "b",
        NOV,
        tenant="tenant-b",
        action="block",
        findings=[("recipients.exposed", "block", None)],
    )
    audit = storage.audit
    window = (NOV, NOV + timedelta(days=1))
    assert sorted(audit.rule_counts("tenant-a", *window)) == [
        ("attachment.personal_data", "info", "block", 1),
        ("recipients.exposed", "warn", None, 1),
    ]
    assert sorted(audit.attachment_types("tenant-a", *window)) == [
        ("pdf", False, 1, 0),
        ("xlsx", True, 1, 1),
    ]
    assert audit.override_counts("tenant-a", *window) == (1, 1)
    assert audit.would_interrupt("tenant-a", *window) == [
        ("attachment.personal_data", "u2", "2026-11-02", 1)
    ]
    assert audit.tenants() == ["tenant-a", "tenant-b"]


def test_purge_deletes_old_decisions_with_their_rows(storage):
    record(
        storage,
        "old",
        NOV - timedelta(days=400),
        findings=[("recipients.exposed", "warn", None)],
        files=[("xlsx", True, 2)],
    )
    record(storage, "new", NOV, findings=[("recipients.exposed", "warn", None)])
    record(storage, "old-b", NOV - timedelta(days=400), tenant="tenant-b")
    cutoff = NOV - timedelta(days=365)
    assert storage.audit.count_before("tenant-a", cutoff) == 1
    assert storage.audit.purge("tenant-a", cutoff) == 1
    assert storage.decision("tenant-a", "old") is None
    assert storage.decision("tenant-a", "new") is not None
    assert storage.decision("tenant-b", "old-b") is not None
    assert storage.audit.rule_counts(
        "tenant-a", NOV - timedelta(days=500), NOV + timedelta(days=1)
    ) == [("recipients.exposed", "warn", None, 1)]
    assert (
        storage.audit.attachment_types(
            "tenant-a", NOV - timedelta(days=500), NOV + timedelta(days=1)
        )
        == []
    )


def test_publish_checks_the_expected_revision(storage):
    storage.save_policy("tenant-a", {"mode": "enforce"}, author="a", publish=True)
    storage.save_policy("tenant-a", {"mode": "monitor"}, author="a", publish=False)
    with pytest.raises(VersionConflict):
        storage.publish("tenant-a", 2, expected_revision=1)
    assert storage.publish("tenant-a", 2, expected_revision=2).revision == 3
    assert storage.published_policy("tenant-a").version == 2
    with pytest.raises(VersionConflict):
        storage.publish("tenant-a", 1, expected_revision=2)  # publishing changes the revision too
    assert storage.policy_state("tenant-a") == PolicyState(revision=3, latest=2, published=2)
    with pytest.raises(UnknownVersion):
        storage.publish("tenant-b", 2)


def test_a_rollback_copy_remembers_its_source(storage):
    storage.save_policy("tenant-a", {"mode": "enforce"}, author="a", publish=True)
    copy = storage.save_policy(
        "tenant-a", {"mode": "enforce"}, author="b", publish=True, copied_from=1
    )
    assert copy.copied_from == 1
    assert storage.policy_version("tenant-a", 2).copied_from == 1
    assert storage.policy_versions("tenant-a")[0].copied_from == 1
