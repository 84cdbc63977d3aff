"""Each tenant's decisions are kept for its policy's retention_days, then purged."""

from datetime import datetime, timedelta, timezone

from sendward.domain.records import DecisionRecord
from sendward.services.retention import purge

NOW = datetime(2026, 11, 25, tzinfo=timezone.utc)


def record(storage, id, age_days, tenant):
    storage.record_decision(
        DecisionRecord(
            id=id,
            tenant_id=tenant,
            user_hash="u",
            created_at=NOW - timedelta(days=age_days),
            action="allow",
            would_action=None,
            mode="enforce",
            score=0,
            policy_version=0,
            counts={},
            findings=(),
            attachments=(),
        )
    )


def test_each_tenant_keeps_its_own_retention(store, policies):
    s = store
    policies.replace("short", {"retention_days": 30}, author="a")
    for tenant in ("short", "default"):
        record(s, f"{tenant}-40", 40, tenant)
        record(s, f"{tenant}-400", 400, tenant)
    dry = purge(s, policies, dry_run=True, now=NOW)
    assert {(r.tenant_id, r.retention_days, r.decisions) for r in dry} == {
        ("short", 30, 2),
        ("default", 365, 1),
    }
    assert s.decision("short", "short-40") is not None  # a dry run deletes nothing

    done = purge(s, policies, now=NOW)
    assert sum(r.decisions for r in done) == 3
    assert s.decision("short", "short-40") is None
    assert s.decision("default", "default-40") is not None
    assert s.decision("default", "default-400") is None


def test_one_tenant_only(store, policies):
    record(store, "a", 400, "tenant-a")
    record(store, "b", 400, "tenant-b")
    [result] = purge(store, policies, tenant_id="tenant-a", now=NOW)
    assert (result.tenant_id, result.decisions) == ("tenant-a", 1)
    assert store.decision("tenant-b", "b") is not None
