"""An in-memory store implementing the storage port (``sendward.services.ports.Store``).

Service tests run on it without a database: it keeps policy versions, decisions and their
aggregates in dictionaries, with the same semantics as the SQLAlchemy adapter (revisions and
their compare-and-set, versions never deleted, UTC days, overrides left out of the counts,
windows that include ``since`` and exclude ``until``). ``tests/services`` runs the same tests
on it and on SQLite, so the two cannot drift apart unnoticed.

Switches: ``down = True`` makes every call raise StorageUnavailable (a database that went
away); ``calls`` counts calls per method.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Callable

from sendward.domain.records import (
    DecisionFilter,
    DecisionRecord,
    ExpectedRevision,
    PolicyRecord,
    PolicyState,
    StorageUnavailable,
    UnknownVersion,
    VersionConflict,
)
from sendward.domain.verdict import INTERRUPTING
from sendward.kernel import as_utc, utcnow

_INTERRUPTING = {str(action) for action in INTERRUPTING}


def _reachable(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.calls[method.__name__] += 1
        if self.down:
            raise StorageUnavailable("OperationalError")
        return method(self, *args, **kwargs)

    return wrapper


def _stored(value):
    """What a JSON column gives back: an equal copy, never the caller's object."""
    return json.loads(json.dumps(value))


@dataclass
class _Tenant:
    revision: int = 0
    published: int | None = None
    versions: dict[int, PolicyRecord] = field(default_factory=dict)


class FakeAudit:
    """The dashboard's aggregates and the purge over the fake's decisions (the port's AuditStore)."""

    def __init__(self, store: FakeStorage):
        self._store = store

    @_reachable
    def actions_per_day(self, tenant_id: str, since: datetime, until: datetime):
        counted = Counter(
            (_day(d), d.action, d.would_action, d.override_of is not None)
            for d in self._window(tenant_id, since, until)
        )
        return [(*key, n) for key, n in counted.items()]

    @_reachable
    def rule_counts(self, tenant_id: str, since: datetime, until: datetime):
        counted = Counter(
            finding
            for d in self._window(tenant_id, since, until, overrides=False)
            for finding in d.findings
        )
        return [(*key, n) for key, n in counted.items()]

    @_reachable
    def attachment_types(self, tenant_id: str, since: datetime, until: datetime):
        counted: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
        for d in self._window(tenant_id, since, until, overrides=False):
            for file_type, scanned, subjects in d.attachments:
                figures = counted[(file_type, bool(scanned))]
                figures[0] += 1
                figures[1] += subjects > 0
        return [(kind, scanned, n, people) for (kind, scanned), (n, people) in counted.items()]

    @_reachable
    def override_counts(self, tenant_id: str, since: datetime, until: datetime) -> tuple[int, int]:
        window = self._window(tenant_id, since, until)
        return (
            sum(d.action in _INTERRUPTING for d in window),
            sum(d.override_of is not None for d in window),
        )

    @_reachable
    def sent_anyway(self, tenant_id: str, since: datetime, until: datetime) -> int:
        everything = [d for d in self._store._decisions.values() if d.tenant_id == tenant_id]

        def resent(warning: DecisionRecord) -> bool:
            return any(
                warning.id in (later.resends, later.override_of) and later.user_hash == warning.user_hash
                for later in everything
            )

        return sum(d.action == "warn" and not resent(d) for d in self._window(tenant_id, since, until))

    @_reachable
    def would_interrupt(self, tenant_id: str, since: datetime, until: datetime):
        decisions: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for d in self._window(tenant_id, since, until, overrides=False):
            for rule, action, would in d.findings:
                if action == "info" and would in _INTERRUPTING:
                    decisions[(rule, d.user_hash, _day(d))].add(d.id)
        return [(*key, len(ids)) for key, ids in decisions.items()]

    @_reachable
    def rule_prompts(self, tenant_id: str, rule: str, since: datetime, until: datetime):
        return [
            (d.id, d.user_hash, d.created_at, _stored(d.counts or {}))
            for d in self._window(tenant_id, since, until, overrides=False)
            if any(r == rule and action in _INTERRUPTING for r, action, _ in d.findings)
        ]

    @_reachable
    def follow_ups(self, tenant_id: str, users: list[str], since: datetime, until: datetime):
        return [
            (d.user_hash, d.created_at, _stored(d.counts or {}), d.override_of)
            for d in self._window(tenant_id, since, until)
            if d.user_hash in users
        ]

    @_reachable
    def sends(self, tenant_id: str, since: datetime, until: datetime) -> int:
        return len(self._window(tenant_id, since, until, overrides=False))

    @_reachable
    def tenants(self) -> list[str]:
        return sorted(set(self._store._tenants) | {d.tenant_id for d in self._store._decisions.values()})

    @_reachable
    def count_before(self, tenant_id: str, before: datetime) -> int:
        return len(self._older(tenant_id, before))

    @_reachable
    def purge(self, tenant_id: str, before: datetime) -> int:
        with self._store._lock:
            old = self._older(tenant_id, before)
            for d in old:
                del self._store._decisions[d.id]
        return len(old)

    # the switches live on the store
    @property
    def down(self) -> bool:
        return self._store.down

    @property
    def calls(self) -> Counter:
        return self._store.calls

    def _window(self, tenant_id: str, since: datetime, until: datetime, *, overrides: bool = True):
        since, until = as_utc(since), as_utc(until)
        return [
            d
            for d in self._store._decisions.values()
            if d.tenant_id == tenant_id
            and since <= d.created_at < until
            and (overrides or d.override_of is None)
        ]

    def _older(self, tenant_id: str, before: datetime) -> list[DecisionRecord]:
        before = as_utc(before)
        return [d for d in self._store._decisions.values() if d.tenant_id == tenant_id and d.created_at < before]


class FakeStorage:
    def __init__(self, clock: Callable[[], datetime] = utcnow):
        self.clock = clock
        self.down = False
        self.calls: Counter = Counter()
        self._tenants: dict[str, _Tenant] = {}
        self._decisions: dict[str, DecisionRecord] = {}  # in the order recorded
        self._lock = threading.Lock()  # one writer at a time, like the database's
        self._audit = FakeAudit(self)

    def ping(self) -> bool:
        return not self.down

    @property
    def audit(self) -> FakeAudit:
        return self._audit

    # -- policies -----------------------------------------------------------

    @_reachable
    def published_policy(self, tenant_id: str) -> PolicyRecord | None:
        tenant = self._tenants.get(tenant_id)
        if tenant is None or tenant.published is None:
            return None
        return self._record(tenant, tenant.published)

    @_reachable
    def policy_version(self, tenant_id: str, version: int) -> PolicyRecord:
        tenant = self._tenants.get(tenant_id)
        if tenant is None or version not in tenant.versions:
            raise UnknownVersion(version)
        return self._record(tenant, version)

    @_reachable
    def policy_versions(self, tenant_id: str) -> list[PolicyRecord]:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            return []
        return [self._record(tenant, version) for version in sorted(tenant.versions, reverse=True)]

    @_reachable
    def latest_version(self, tenant_id: str) -> int:
        tenant = self._tenants.get(tenant_id)
        return max(tenant.versions, default=0) if tenant else 0

    @_reachable
    def policy_state(self, tenant_id: str) -> PolicyState:
        return self._state(tenant_id)

    @_reachable
    def save_policy(
        self,
        tenant_id: str,
        document: dict[str, Any],
        *,
        author: str,
        comment: str = "",
        publish: bool,
        expected_revision: ExpectedRevision = None,
        copied_from: int | None = None,
    ) -> PolicyRecord:
        now = as_utc(self.clock())
        with self._lock:
            tenant = self._tenants.setdefault(tenant_id, _Tenant())
            revision = self._next_revision(tenant_id, expected_revision)
            version = max(tenant.versions, default=0) + 1
            tenant.versions[version] = PolicyRecord(
                tenant_id, version, _stored(document), author[:320], comment[:500], now, copied_from=copied_from
            )
            if publish:
                tenant.published = version
        return PolicyRecord(
            tenant_id, version, document, author, comment, now,
            published=publish, copied_from=copied_from, revision=revision,
        )

    @_reachable
    def publish(self, tenant_id: str, version: int, *, expected_revision: ExpectedRevision = None) -> PolicyRecord:
        with self._lock:
            tenant = self._tenants.get(tenant_id)
            if tenant is None or version not in tenant.versions:
                raise UnknownVersion(version)
            revision = self._next_revision(tenant_id, expected_revision)
            tenant.published = version
            return replace(self._record(tenant, version), revision=revision)

    def _next_revision(self, tenant_id: str, expected: ExpectedRevision) -> int:
        tenant = self._tenants.get(tenant_id)
        accepted = None if expected is None else ([expected] if isinstance(expected, int) else list(expected))
        if tenant is None or (accepted is not None and tenant.revision not in accepted):
            raise VersionConflict(self._state(tenant_id))
        tenant.revision += 1
        return tenant.revision

    def _state(self, tenant_id: str) -> PolicyState:
        tenant = self._tenants.get(tenant_id)
        if tenant is None:
            return PolicyState()
        return PolicyState(
            revision=tenant.revision, latest=max(tenant.versions, default=0), published=tenant.published or 0
        )

    @staticmethod
    def _record(tenant: _Tenant, version: int) -> PolicyRecord:
        stored = tenant.versions[version]
        return replace(stored, document=copy.deepcopy(stored.document), published=tenant.published == version)

    # -- decisions ----------------------------------------------------------

    @_reachable
    def record_decision(self, record: DecisionRecord) -> None:
        with self._lock:
            if record.id in self._decisions:  # the primary key
                raise StorageUnavailable("IntegrityError")
            self._decisions[record.id] = replace(
                record, created_at=as_utc(record.created_at), counts=_stored(record.counts)
            )

    @_reachable
    def decision(self, tenant_id: str, decision_id: str) -> dict[str, Any] | None:
        found = self._decisions.get(decision_id)
        return _decision_dict(found) if found is not None and found.tenant_id == tenant_id else None

    @_reachable
    def decision_binding(self, tenant_id: str, decision_id: str) -> tuple[str, str | None] | None:
        found = self._decisions.get(decision_id)
        if found is None or found.tenant_id != tenant_id:
            return None
        return found.user_hash, found.draft_digest

    @_reachable
    def decisions_page(
        self, tenant_id: str, where: DecisionFilter, *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        matching = [d for d in self._decisions.values() if d.tenant_id == tenant_id and _matches(d, where)]
        matching.sort(key=lambda d: d.id)
        matching.sort(key=lambda d: d.created_at, reverse=True)
        return [_decision_dict(d) for d in matching[offset : offset + limit]], len(matching)


def _matches(d: DecisionRecord, where: DecisionFilter) -> bool:
    return (
        (where.since is None or d.created_at >= as_utc(where.since))
        and (where.until is None or d.created_at < as_utc(where.until))
        and (not where.action or d.action == where.action)
        and (not where.user or d.user_hash == where.user)
        and (not where.rule or any(rule == where.rule for rule, _, _ in d.findings))
    )


def _day(d: DecisionRecord) -> str:
    return d.created_at.date().isoformat()


def _decision_dict(d: DecisionRecord) -> dict[str, Any]:
    """The shape the SQLAlchemy adapter gives (``Storage.decision``)."""
    return {
        "decision_id": d.id,
        "created_at": d.created_at.isoformat(),
        "user": d.user_hash,
        "action": d.action,
        "would_action": d.would_action,
        "mode": d.mode,
        "score": d.score,
        "policy_version": d.policy_version,
        "findings": [{"rule": r, "action": a, "would_action": w} for r, a, w in d.findings],
        "attachments": [
            {"file_type": t, "scanned": s, "data_subjects": n} for t, s, n in d.attachments
        ],
        "counts": _stored(d.counts),
        "override_of": d.override_of,
        "justification": d.justification,
        "client_platform": d.client_platform,
        "elapsed_ms": d.elapsed_ms,
    }
