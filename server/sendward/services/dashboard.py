"""The dashboard's figures: decisions per day, top rules and file types, overrides, shadow-mode load.

Everything is counted from the audit store, which holds counts, types, rule ids
and hashed users only; so is everything here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sendward.domain.verdict import INTERRUPTING, VERDICT_ACTIONS
from sendward.kernel import utcnow
from sendward.services.ports import Store

ACTIONS = VERDICT_ACTIONS
MAX_DAYS = 366
TOP = 10
MAX_USER_WEEKS = 200


def stats(
    storage: Store, tenant_id: str, days: int = 30, now: datetime | None = None
) -> dict[str, Any]:
    """Figures for the last ``days`` UTC days, today included."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    today = (now or utcnow()).astimezone(timezone.utc).date()
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), tzinfo=timezone.utc)
    until = datetime.combine(today + timedelta(days=1), time(), tzinfo=timezone.utc)
    audit = storage.audit
    per_day = audit.actions_per_day(tenant_id, since, until)
    interrupted, overridden = audit.override_counts(tenant_id, since, until)
    sent_anyway = audit.sent_anyway(tenant_id, since, until)
    return {
        "days": days,
        "since": first.isoformat(),
        "until": today.isoformat(),
        "decisions": sum(row[-1] for row in per_day),
        "per_day": _per_day(per_day, first, days, would=False),
        "would_per_day": _per_day(per_day, first, days, would=True),
        "top_rules": top_rules(audit.rule_counts(tenant_id, since, until)),
        "top_attachment_types": top_attachment_types(
            audit.attachment_types(tenant_id, since, until)
        ),
        "overrides": {
            "interrupted": interrupted,
            "overridden": overridden,  # with an accepted justification
            "sent_anyway": sent_anyway,  # warnings never sent again: Send Anyway (or left unsent)
            "rate": round(min(1.0, (overridden + sent_anyway) / interrupted), 4) if interrupted else None,
        },
        "monitor": shadow_load(audit.would_interrupt(tenant_id, since, until)),
        "misdirected": misdirected_figures(audit, tenant_id, since, until),
    }


MISDIRECTED = "recipients.misdirected"
# A resend of the prompted message with other recipients within this long counts as accepted.
ACCEPTANCE_WINDOW = timedelta(hours=1)


def misdirected_figures(audit, tenant_id: str, since: datetime, until: datetime) -> dict[str, Any]:
    """How often recipients.misdirected prompts, and how often the sender then changed a recipient.

    Accepted: the same user sent the same message (same keyed content hash) within an hour with
    another recipient set. Sent anyway: they overrode it. The rest: abandoned, or sent some other
    way we cannot see.
    """
    sends = audit.sends(tenant_id, since, until)
    prompts = audit.rule_prompts(tenant_id, MISDIRECTED, since, until)
    later = audit.follow_ups(
        tenant_id, sorted({user for _, user, _, _ in prompts}), since, until + ACCEPTANCE_WINDOW
    )
    by_user: dict[str, list] = defaultdict(list)
    for user, when, counts, override_of in later:
        by_user[user].append((when, counts.get("message") or {}, override_of))
    changed = overridden = 0
    for decision_id, user, when, counts in prompts:
        keys = counts.get("message") or {}
        after = [(w, k, o) for w, k, o in by_user[user] if when < w <= when + ACCEPTANCE_WINDOW]
        if any(o == decision_id for _, _, o in after):
            overridden += 1
        elif keys and any(
            o is None and k.get("content") == keys.get("content") and k.get("recipients") != keys.get("recipients")
            for _, k, o in after
        ):
            changed += 1
    return {
        "sends": sends,
        "prompts": len(prompts),
        "per_1000_sends": round(1000 * len(prompts) / sends, 1) if sends else None,
        "changed_recipient": changed,
        "sent_anyway": overridden,
        "acceptance_rate": round(changed / len(prompts), 4) if prompts else None,
    }


def _per_day(rows, first: date, days: int, *, would: bool) -> list[dict[str, Any]]:
    """Decisions per day by action; ``would``: by what enforcement would have done (overrides left out)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for day, action, would_action, is_override, count in rows:
        if would and is_override:
            continue
        counts[day][(would_action or action) if would else action] += count
    series = []
    for offset in range(days):
        day = (first + timedelta(days=offset)).isoformat()
        series.append({"day": day, **{action: counts[day][action] for action in ACTIONS}})
    return series


def top_rules(rows) -> list[dict[str, Any]]:
    """Rules by how often they fired, with their actions and how often monitoring held them back."""
    rules: dict[str, Counter] = defaultdict(Counter)
    for rule, action, would_action, count in rows:
        entry = rules[rule]
        entry["findings"] += count
        entry[action] += count
        if would_action in INTERRUPTING and action == "info":
            entry["would_interrupt"] += count
    ranked = sorted(rules.items(), key=lambda item: (-item[1]["findings"], item[0]))[:TOP]
    return [
        {
            "rule": rule,
            "findings": c["findings"],
            "block": c["block"],
            "warn": c["warn"],
            "info": c["info"],
            "would_interrupt": c["would_interrupt"],
        }
        for rule, c in ranked
    ]


def top_attachment_types(rows) -> list[dict[str, Any]]:
    kinds: dict[str, Counter] = defaultdict(Counter)
    for kind, scanned, count, with_people in rows:
        kinds[kind]["attachments"] += count
        kinds[kind]["with_personal_data"] += with_people
        if not scanned:
            kinds[kind]["unscanned"] += count
    ranked = sorted(kinds.items(), key=lambda item: (-item[1]["attachments"], item[0]))[:TOP]
    return [
        {
            "type": kind,
            "attachments": c["attachments"],
            "with_personal_data": c["with_personal_data"],
            "unscanned": c["unscanned"],
        }
        for kind, c in ranked
    ]


def shadow_load(rows) -> dict[str, Any]:
    """How often each monitored rule would have interrupted each (hashed) user per ISO week."""
    per_user_week: Counter = Counter()
    for rule, user, day, count in rows:
        per_user_week[(rule, user, iso_week(date.fromisoformat(day)))] += count
    by_rule: dict[str, list[int]] = defaultdict(list)
    users: dict[str, set[str]] = defaultdict(set)
    for (rule, user, _week), count in per_user_week.items():
        by_rule[rule].append(count)
        users[rule].add(user)
    summary = [
        {
            "rule": rule,
            "users": len(users[rule]),
            "user_weeks": len(counts),
            "interruptions": sum(counts),
            "mean_per_user_week": round(sum(counts) / len(counts), 2),
            "max_per_user_week": max(counts),
        }
        for rule, counts in by_rule.items()
    ]
    summary.sort(key=lambda s: (-s["interruptions"], s["rule"]))
    heaviest = sorted(per_user_week.items(), key=lambda item: (-item[1], item[0]))[:MAX_USER_WEEKS]
    return {
        "would_interrupt": summary,
        "per_user_week": [
            {"rule": rule, "user": user, "week": week, "count": count}
            for (rule, user, week), count in heaviest
        ],
    }


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
