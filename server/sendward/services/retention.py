"""Retention: each tenant's decisions older than its policy's ``retention_days`` are deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sendward.kernel import utcnow
from sendward.services.policies import PolicyService
from sendward.services.ports import Store


@dataclass(frozen=True)
class PurgeResult:
    tenant_id: str
    retention_days: int
    cutoff: datetime
    decisions: int  # deleted, or that would be deleted on a dry run
    dry_run: bool


def purge(
    storage: Store,
    policies: PolicyService,
    *,
    tenant_id: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[PurgeResult]:
    """Purge one tenant, or every tenant with a policy or a decision."""
    now = now or utcnow()
    audit = storage.audit
    results = []
    for tenant in [tenant_id] if tenant_id else audit.tenants():
        policy, _version = policies.current(tenant)
        cutoff = now - timedelta(days=policy.retention_days)
        count = audit.count_before(tenant, cutoff) if dry_run else audit.purge(tenant, cutoff)
        results.append(PurgeResult(tenant, policy.retention_days, cutoff, count, dry_run))
    return results
