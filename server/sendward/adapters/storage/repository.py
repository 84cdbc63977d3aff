"""Reading and writing tenants, policy versions and decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from sendward.adapters.storage import schema
from sendward.adapters.storage.audit_queries import AuditQueries, filter_condition
from sendward.adapters.storage.errors import translate_errors
from sendward.adapters.storage.tables import (
    admin_sessions,
    decision_attachments,
    decision_findings,
    decisions,
    policy_versions,
    tenants,
)

from sendward.domain.records import (
    DecisionFilter,
    DecisionRecord,
    ExpectedRevision,
    PolicyRecord,
    PolicyState,
    UnknownVersion,
    VersionConflict,
)
from sendward.kernel import as_utc, utcnow


@translate_errors
@dataclass
class Storage:
    engine: Engine
    clock: Any = field(default=utcnow)

    def ping(self) -> bool:
        """Can the database be reached right now?"""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
            return True
        except sa.exc.SQLAlchemyError:
            return False

    # -- policies -----------------------------------------------------------

    def published_policy(self, tenant_id: str) -> PolicyRecord | None:
        query = (
            sa.select(policy_versions)
            .join(tenants, tenants.c.id == policy_versions.c.tenant_id)
            .where(tenants.c.id == tenant_id, policy_versions.c.version == tenants.c.published_version)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return _policy_record(row, published=True) if row else None

    def policy_version(self, tenant_id: str, version: int) -> PolicyRecord:
        query = sa.select(policy_versions).where(
            policy_versions.c.tenant_id == tenant_id, policy_versions.c.version == version
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
            published = self._published_version(connection, tenant_id)
        if row is None:
            raise UnknownVersion(version)
        return _policy_record(row, published=version == published)

    def policy_versions(self, tenant_id: str) -> list[PolicyRecord]:
        query = (
            sa.select(policy_versions)
            .where(policy_versions.c.tenant_id == tenant_id)
            .order_by(policy_versions.c.version.desc())
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
            published = self._published_version(connection, tenant_id)
        return [_policy_record(row, published=row["version"] == published) for row in rows]

    def latest_version(self, tenant_id: str) -> int:
        with self.engine.connect() as connection:
            return self._latest_version(connection, tenant_id)

    def policy_state(self, tenant_id: str) -> PolicyState:
        with self.engine.connect() as connection:
            return self._state(connection, tenant_id)

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
        """Store ``document`` as the next version; raise VersionConflict if the revision is not an expected one."""
        now = self.clock()
        self._ensure_tenant(tenant_id, now)
        try:
            with self.engine.begin() as connection:
                revision = self._next_revision(connection, tenant_id, expected_revision)
                version = self._latest_version(connection, tenant_id) + 1
                connection.execute(
                    policy_versions.insert().values(
                        tenant_id=tenant_id,
                        version=version,
                        document=document,
                        author=author[:320],
                        comment=comment[:500],
                        created_at=now,
                        copied_from=copied_from,
                    )
                )
                if publish:
                    connection.execute(
                        tenants.update().where(tenants.c.id == tenant_id).values(published_version=version)
                    )
        except IntegrityError:
            raise VersionConflict(self.policy_state(tenant_id)) from None
        return PolicyRecord(
            tenant_id,
            version,
            document,
            author,
            comment,
            now,
            published=publish,
            copied_from=copied_from,
            revision=revision,
        )

    def publish(self, tenant_id: str, version: int, *, expected_revision: ExpectedRevision = None) -> PolicyRecord:
        """Make ``version`` the one enforced; raise VersionConflict if the revision is not an expected one."""
        with self.engine.begin() as connection:
            row = (
                connection.execute(
                    sa.select(policy_versions).where(
                        policy_versions.c.tenant_id == tenant_id, policy_versions.c.version == version
                    )
                )
                .mappings()
                .first()
            )
            if row is None:  # versions are never deleted, so this holds once the row is locked too
                raise UnknownVersion(version)
            revision = self._next_revision(connection, tenant_id, expected_revision)
            connection.execute(
                tenants.update().where(tenants.c.id == tenant_id).values(published_version=version)
            )
        return _policy_record(row, published=True, revision=revision)

    def _next_revision(self, connection, tenant_id: str, expected: ExpectedRevision) -> int:
        """Count one more change to the tenant's policy, if its revision is an expected one: the compare-and-set.

        A single conditional UPDATE, run before anything is read, so check and write are one step:
        PostgreSQL keeps the row locked until commit (a concurrent writer waits, then finds the
        revision moved on and updates nothing); SQLite takes its database write lock here.
        """
        condition = tenants.c.id == tenant_id
        if expected is not None:
            accepted = [expected] if isinstance(expected, int) else list(expected)
            condition = condition & tenants.c.policy_revision.in_(accepted)
        changed = connection.execute(
            tenants.update().where(condition).values(policy_revision=tenants.c.policy_revision + 1)
        )
        if changed.rowcount != 1:
            raise VersionConflict(self._state(connection, tenant_id))
        return connection.execute(
            sa.select(tenants.c.policy_revision).where(tenants.c.id == tenant_id)
        ).scalar_one()

    def _ensure_tenant(self, tenant_id: str, now: datetime) -> None:
        with self.engine.connect() as connection:
            if connection.execute(sa.select(tenants.c.id).where(tenants.c.id == tenant_id)).first():
                return
        try:
            with self.engine.begin() as connection:
                connection.execute(tenants.insert().values(id=tenant_id, created_at=now))
        except IntegrityError:
            pass  # created meanwhile by another request

    @classmethod
    def _state(cls, connection, tenant_id: str) -> PolicyState:
        row = connection.execute(
            sa.select(tenants.c.policy_revision, tenants.c.published_version).where(tenants.c.id == tenant_id)
        ).first()
        if row is None:
            return PolicyState()
        return PolicyState(
            revision=row.policy_revision,
            latest=cls._latest_version(connection, tenant_id),
            published=row.published_version or 0,
        )

    @staticmethod
    def _latest_version(connection, tenant_id: str) -> int:
        query = sa.select(sa.func.max(policy_versions.c.version)).where(
            policy_versions.c.tenant_id == tenant_id
        )
        return connection.execute(query).scalar() or 0

    @staticmethod
    def _published_version(connection, tenant_id: str) -> int | None:
        return connection.execute(
            sa.select(tenants.c.published_version).where(tenants.c.id == tenant_id)
        ).scalar()

    # -- decisions ----------------------------------------------------------

    def record_decision(self, record: DecisionRecord) -> None:
        created_at = as_utc(record.created_at)
        with self.engine.begin() as connection:
            connection.execute(
                decisions.insert().values(
                    id=record.id,
                    tenant_id=record.tenant_id,
                    user_hash=record.user_hash,
                    created_at=created_at,
                    action=record.action,
                    would_action=record.would_action,
                    mode=record.mode,
                    score=record.score,
                    policy_version=record.policy_version,
                    counts=record.counts,
                    override_of=record.override_of,
                    justification=record.justification,
                    resends=record.resends,
                    client_platform=record.client_platform,
                    elapsed_ms=record.elapsed_ms,
                    draft_digest=record.draft_digest,
                )
            )
            for table, columns, rows in (
                (decision_findings, FINDING_COLUMNS, record.findings),
                (decision_attachments, ATTACHMENT_COLUMNS, record.attachments),
            ):
                if rows:
                    owner = dict(decision_id=record.id, tenant_id=record.tenant_id, created_at=created_at)
                    connection.execute(table.insert(), [{**owner, **dict(zip(columns, row))} for row in rows])

    def decision(self, tenant_id: str, decision_id: str) -> dict[str, Any] | None:
        query = sa.select(decisions).where(decisions.c.tenant_id == tenant_id, decisions.c.id == decision_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
            if row is None:
                return None
            rules = self._rules_of(connection, [decision_id])
            files = self._attachments_of(connection, [decision_id])
        return _decision_dict(row, rules.get(decision_id, []), files.get(decision_id, []))

    def decision_binding(self, tenant_id: str, decision_id: str) -> tuple[str, str | None] | None:
        """(user hash, draft digest) of a decision, for checking an override; None if unknown."""
        query = sa.select(decisions.c.user_hash, decisions.c.draft_digest).where(
            decisions.c.tenant_id == tenant_id, decisions.c.id == decision_id
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return (row[0], row[1]) if row is not None else None

    def decisions_page(self, tenant_id: str, where: DecisionFilter, *, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Decisions matching ``where``, newest first, and how many match in all."""
        condition = filter_condition(where, tenant_id)
        query = (
            sa.select(decisions)
            .where(condition)
            .order_by(decisions.c.created_at.desc(), decisions.c.id)
            .offset(offset)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            total = connection.execute(sa.select(sa.func.count()).select_from(decisions).where(condition)).scalar()
            rows = connection.execute(query).mappings().all()
            ids = [row["id"] for row in rows]
            rules = self._rules_of(connection, ids)
            files = self._attachments_of(connection, ids)
        return [_decision_dict(row, rules[row["id"]], files[row["id"]]) for row in rows], total

    # -- admin page sessions ----------------------------------------------------------

    def start_admin_session(self, session_hash: str, tenant_id: str, expires_at: datetime) -> None:
        now = utcnow()
        with self.engine.begin() as connection:
            connection.execute(admin_sessions.delete().where(admin_sessions.c.expires_at < now))
            connection.execute(
                admin_sessions.insert().values(id=session_hash, tenant_id=tenant_id, expires_at=expires_at)
            )

    def admin_session_live(self, session_hash: str) -> bool:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.select(admin_sessions.c.expires_at, admin_sessions.c.ended_at).where(
                    admin_sessions.c.id == session_hash
                )
            ).first()
        return row is not None and row.ended_at is None and _aware(row.expires_at) > utcnow()

    def end_admin_session(self, session_hash: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                admin_sessions.update().where(admin_sessions.c.id == session_hash).values(ended_at=utcnow())
            )

    @property
    def audit(self) -> AuditQueries:
        """Aggregates for the dashboard, and the retention purge."""
        return AuditQueries(self.engine)

    def _attachments_of(self, connection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        return _rows_by_decision(connection, decision_attachments, ids, ATTACHMENT_COLUMNS)

    def _rules_of(self, connection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        return _rows_by_decision(connection, decision_findings, ids, FINDING_COLUMNS)


# A decision's child rows: what DecisionRecord.findings and .attachments hold, column by column.
FINDING_COLUMNS = ("rule", "action", "would_action")
ATTACHMENT_COLUMNS = ("file_type", "scanned", "data_subjects")


def _rows_by_decision(connection, table, ids: list[str], columns: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """The rows of a decision's child table (its findings, its attachments), in insertion order, per decision."""
    found: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    query = sa.select(table).where(table.c.decision_id.in_(ids)).order_by(table.c.id)
    for row in connection.execute(query).mappings():
        found[row["decision_id"]].append({column: row[column] for column in columns})
    return found

def _policy_record(row, *, published: bool, revision: int | None = None) -> PolicyRecord:
    return PolicyRecord(
        tenant_id=row["tenant_id"],
        version=row["version"],
        document=row["document"],
        author=row["author"],
        comment=row["comment"],
        created_at=_aware(row["created_at"]),
        published=published,
        copied_from=row["copied_from"],
        revision=revision,
    )


def _decision_dict(row, findings: list[dict[str, Any]], attachments: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "decision_id": row["id"],
        "created_at": _aware(row["created_at"]).isoformat(),
        "user": row["user_hash"],
        "action": row["action"],
        "would_action": row["would_action"],
        "mode": row["mode"],
        "score": row["score"],
        "policy_version": row["policy_version"],
        "findings": findings,
        "attachments": attachments,
        "counts": row["counts"],
        "override_of": row["override_of"],
        "justification": row["justification"],
        "client_platform": row["client_platform"],
        "elapsed_ms": row["elapsed_ms"],
    }


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def open_storage(settings, *, migrate: bool = True) -> Storage:
    """The database ``settings`` (a config.Settings) names, upgraded to this release's schema unless
    ``migrate`` is off: the service's and every command's."""
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # keys and the database live here
    engine = schema.make_engine(settings.sqlalchemy_url)
    if migrate:
        schema.upgrade(engine)
    return Storage(engine)
