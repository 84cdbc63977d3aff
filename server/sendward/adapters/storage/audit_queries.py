"""Reading the audit store: filters for the decision log, aggregates for the dashboard, the purge.

Aggregates are grouped by UTC day in SQL (the rows can be many); the services
fold days into weeks and shape the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from sendward.adapters.storage.tables import (
    decision_attachments,
    decision_findings,
    decisions,
    tenants,
)
from sendward.adapters.storage.errors import translate_errors
from sendward.domain import verdict
from sendward.domain.records import DecisionFilter
from sendward.kernel import as_utc

PURGE_BATCH = 5000
INTERRUPTING = tuple(map(str, verdict.INTERRUPTING))  # plain strings for the database driver


class utc_day(FunctionElement):
    """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD'."""

    type = sa.String()
    name = "utc_day"
    inherit_cache = True


@compiles(utc_day)
def _utc_day_sqlite(element, compiler, **kw):
    # SQLite keeps DateTime as text 'YYYY-MM-DD HH:MM:SS.ffffff', and we only ever store UTC.
    return "substr(%s, 1, 10)" % compiler.process(element.clauses, **kw)


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return "to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM-DD')" % compiler.process(element.clauses, **kw)


def filter_condition(where: DecisionFilter, tenant_id: str):
    """The SQL condition for the tenant's decisions that ``where`` selects."""
    parts = [decisions.c.tenant_id == tenant_id]
    if where.since is not None:
        parts.append(decisions.c.created_at >= as_utc(where.since))
    if where.until is not None:
        parts.append(decisions.c.created_at < as_utc(where.until))
    if where.action:
        parts.append(decisions.c.action == where.action)
    if where.user:
        parts.append(decisions.c.user_hash == where.user)
    if where.rule:
        with_rule = sa.select(decision_findings.c.decision_id).where(
            decision_findings.c.tenant_id == tenant_id, decision_findings.c.rule == where.rule
        )
        parts.append(decisions.c.id.in_(with_rule))
    return sa.and_(*parts)


@translate_errors
@dataclass
class AuditQueries:
    engine: Engine

    def actions_per_day(
        self, tenant_id: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, str | None, bool, int]]:
        """(day, action, would_action, is an override, decisions)."""
        day = utc_day(decisions.c.created_at)
        is_override = decisions.c.override_of.is_not(None)
        query = (
            sa.select(
                day, decisions.c.action, decisions.c.would_action, is_override, sa.func.count()
            )
            .where(_window(decisions, tenant_id, since, until))
            .group_by(day, decisions.c.action, decisions.c.would_action, is_override)
        )
        return [(d, a, w, bool(o), n) for d, a, w, o, n in self._rows(query)]

    def rule_counts(
        self, tenant_id: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, str | None, int]]:
        """(rule, action, would_action, findings), overrides left out: they repeat the decision they override."""
        query = (
            sa.select(
                decision_findings.c.rule,
                decision_findings.c.action,
                decision_findings.c.would_action,
                sa.func.count(),
            )
            .join(decisions, decisions.c.id == decision_findings.c.decision_id)
            .where(
                _window(decision_findings, tenant_id, since, until),
                decisions.c.override_of.is_(None),
            )
            .group_by(
                decision_findings.c.rule,
                decision_findings.c.action,
                decision_findings.c.would_action,
            )
        )
        return self._rows(query)

    def attachment_types(
        self, tenant_id: str, since: datetime, until: datetime
    ) -> list[tuple[str, bool, int, int]]:
        """(file type, scanned, attachments, attachments holding personal data)."""
        with_people = sa.func.sum(sa.case((decision_attachments.c.data_subjects > 0, 1), else_=0))
        query = (
            sa.select(
                decision_attachments.c.file_type,
                decision_attachments.c.scanned,
                sa.func.count(),
                with_people,
            )
            .join(decisions, decisions.c.id == decision_attachments.c.decision_id)
            .where(
                _window(decision_attachments, tenant_id, since, until),
                decisions.c.override_of.is_(None),
            )
            .group_by(decision_attachments.c.file_type, decision_attachments.c.scanned)
        )
        return [
            (kind, bool(scanned), count, int(people or 0))
            for kind, scanned, count, people in self._rows(query)
        ]

    def override_counts(self, tenant_id: str, since: datetime, until: datetime) -> tuple[int, int]:
        """(senders interrupted, overrides accepted) in the window."""
        window = _window(decisions, tenant_id, since, until)
        interrupted = sa.func.sum(sa.case((decisions.c.action.in_(INTERRUPTING), 1), else_=0))
        overridden = sa.func.sum(sa.case((decisions.c.override_of.is_not(None), 1), else_=0))
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(interrupted, overridden).where(window)).first()
        return int(row[0] or 0), int(row[1] or 0)

    def sent_anyway(self, tenant_id: str, since: datetime, until: datetime) -> int:
        """Warnings on Send whose e-mail the same sender never sent again: sent with Send Anyway
        (or the second Send of clients without it), or left unsent. A warning followed by another
        Send of the same e-mail (``resends``, kept by the add-in) or overridden with a justification
        (``override_of``, counted as such) did not go as it was."""
        later = decisions.alias("later")
        resent = (
            sa.exists()
            .where(
                later.c.tenant_id == decisions.c.tenant_id,
                sa.or_(later.c.resends == decisions.c.id, later.c.override_of == decisions.c.id),
                later.c.user_hash == decisions.c.user_hash,
            )
        )
        query = sa.select(sa.func.count()).where(
            _window(decisions, tenant_id, since, until),
            decisions.c.action == "warn",
            ~resent,
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def would_interrupt(
        self, tenant_id: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, str, int]]:
        """(rule, user hash, day, decisions) for monitored findings that enforcement would have shown."""
        day = utc_day(decisions.c.created_at)
        query = (
            sa.select(
                decision_findings.c.rule,
                decisions.c.user_hash,
                day,
                sa.func.count(sa.distinct(decisions.c.id)),
            )
            .join(decisions, decisions.c.id == decision_findings.c.decision_id)
            .where(
                _window(decision_findings, tenant_id, since, until),
                decision_findings.c.action == "info",
                decision_findings.c.would_action.in_(INTERRUPTING),
                decisions.c.override_of.is_(None),
            )
            .group_by(decision_findings.c.rule, decisions.c.user_hash, day)
        )
        return self._rows(query)

    def rule_prompts(
        self, tenant_id: str, rule: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, datetime, dict]]:
        """(decision id, user hash, time, counts) of decisions where ``rule`` warned or blocked (overrides left out)."""
        fired = sa.select(decision_findings.c.decision_id).where(
            _window(decision_findings, tenant_id, since, until),
            decision_findings.c.rule == rule,
            decision_findings.c.action.in_(INTERRUPTING),
        )
        query = sa.select(decisions.c.id, decisions.c.user_hash, decisions.c.created_at, decisions.c.counts).where(
            _window(decisions, tenant_id, since, until),
            decisions.c.id.in_(fired),
            decisions.c.override_of.is_(None),
        )
        return [(i, u, as_utc(t), c or {}) for i, u, t, c in self._rows(query)]

    def follow_ups(
        self, tenant_id: str, users: list[str], since: datetime, until: datetime
    ) -> list[tuple[str, datetime, dict, str | None]]:
        """(user hash, time, counts, override_of) of these users' decisions in the window."""
        if not users:
            return []
        query = sa.select(
            decisions.c.user_hash, decisions.c.created_at, decisions.c.counts, decisions.c.override_of
        ).where(_window(decisions, tenant_id, since, until), decisions.c.user_hash.in_(users))
        return [(u, as_utc(t), c or {}, o) for u, t, c, o in self._rows(query)]

    def sends(self, tenant_id: str, since: datetime, until: datetime) -> int:
        """Decisions recorded (each a Send), overrides left out: they repeat the decision they override."""
        query = sa.select(sa.func.count()).select_from(decisions).where(
            _window(decisions, tenant_id, since, until), decisions.c.override_of.is_(None)
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def tenants(self) -> list[str]:
        """Every tenant with a policy or a decision."""
        query = sa.union(sa.select(tenants.c.id), sa.select(decisions.c.tenant_id).distinct())
        with self.engine.connect() as connection:
            return sorted(row[0] for row in connection.execute(query))

    def count_before(self, tenant_id: str, before: datetime) -> int:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(sa.func.count()).select_from(decisions).where(_older(tenant_id, before))
            ).scalar()

    def purge(self, tenant_id: str, before: datetime) -> int:
        """Delete the tenant's decisions (with their findings and attachments) older than ``before``."""
        deleted = 0
        while True:
            with self.engine.begin() as connection:
                ids = [
                    row[0]
                    for row in connection.execute(
                        sa.select(decisions.c.id)
                        .where(_older(tenant_id, before))
                        .limit(PURGE_BATCH)
                    )
                ]
                if not ids:
                    return deleted
                connection.execute(
                    decision_findings.delete().where(decision_findings.c.decision_id.in_(ids))
                )
                connection.execute(
                    decision_attachments.delete().where(decision_attachments.c.decision_id.in_(ids))
                )
                connection.execute(decisions.delete().where(decisions.c.id.in_(ids)))
            deleted += len(ids)

    def _rows(self, query) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(query)]


def _window(table, tenant_id: str, since: datetime, until: datetime):
    return sa.and_(
        table.c.tenant_id == tenant_id,
        table.c.created_at >= as_utc(since),
        table.c.created_at < as_utc(until),
    )


def _older(tenant_id: str, before: datetime):
    return sa.and_(decisions.c.tenant_id == tenant_id, decisions.c.created_at < as_utc(before))
