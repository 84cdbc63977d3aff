"""The score request use case: the caller's tenant policy, the verdict, the override, the audit record."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from sendward.adapters.storage.repository import Storage
from sendward.domain.draft import Draft
from sendward.domain.overrides import review_override
from sendward.domain.verdict import Verdict
from sendward.services.audit import decision_record, user_hash
from sendward.services.outbox import AuditOutbox
from sendward.services.policies import PolicyService
from sendward.services.scoring import Scorer
from sendward.services.telemetry import NO_TELEMETRY, StageTimes, Telemetry

log = logging.getLogger(__name__)


@dataclass
class DecisionService:
    scorer: Scorer
    policies: PolicyService
    storage: Storage
    user_hash_key: bytes
    outbox: AuditOutbox | None = None
    telemetry: Telemetry = NO_TELEMETRY
    # A background check may take this long when the client waits for it; a Send gets the scorer's budget.
    precheck_budget_ms: int | None = None

    def __post_init__(self):
        if self.outbox is None:
            self.outbox = AuditOutbox(self.storage)

    def decide(
        self, caller, draft: Draft, *, client_platform: str = "", record: bool = True, budget_ms: int | None = None
    ) -> Verdict:
        """``budget_ms``: how long the client still waits; the answer must come before it gives up."""
        stages = StageTimes()
        with stages.timing("policy"):
            policy, version = self.policies.current(caller.tenant_id)
        verdict = self.scorer.score(
            draft, policy, version, caller=caller, tenant_id=caller.tenant_id, stages=stages,
            budget_ms=self._budget_ms(budget_ms, precheck=not record),
        )
        user = user_hash(self.user_hash_key, caller.tenant_id, caller.user_id)
        override = draft.override
        if override is not None:
            with stages.timing("policy"):
                known = self._decided_for(caller.tenant_id, override.decision_id, user)
                verdict = review_override(verdict, policy, override.justification, decision_known=known)
        if record:
            self._record(verdict, caller.tenant_id, user, draft, client_platform)
        self._report(verdict, stages, purpose="send" if record else "precheck", tenant_id=caller.tenant_id)
        return verdict

    def _budget_ms(self, requested: int | None, *, precheck: bool) -> int:
        """The client's budget, up to the ceiling for its purpose; without one, the configured budget."""
        configured = self.scorer.time_budget_ms
        if requested is None:
            return configured
        ceiling = configured
        if precheck and self.precheck_budget_ms is not None:
            ceiling = max(configured, self.precheck_budget_ms)
        return min(ceiling, requested)

    def _report(self, verdict: Verdict, stages: StageTimes, *, purpose: str, tenant_id: str) -> None:
        self.telemetry.stages_finished(stages.seconds())
        self.telemetry.decided(
            verdict.action,
            [(f.rule, f.action) for f in verdict.findings],
            purpose=purpose,
            tenant_id=tenant_id,
        )

    def _record(self, verdict: Verdict, tenant_id: str, user: str, draft: Draft, client_platform: str) -> None:
        accepted = bool(verdict.override and verdict.override.get("accepted"))
        record = decision_record(
            verdict,
            tenant_id=tenant_id,
            user=user,
            override_of=draft.override.decision_id if accepted else None,
            justification=draft.override.justification.strip() if accepted else None,
            resends=draft.previous_decision_id,
            client_platform=client_platform,
        )
        self.outbox.record(record)  # the sender gets the verdict even while the database is away

    def _decided_for(self, tenant_id: str, decision_id: str, user: str) -> bool:
        """Was ``decision_id`` this user's? Unknown while the database is away: the override waits."""
        try:
            earlier = self.storage.decision(tenant_id, decision_id)
        except SQLAlchemyError as error:
            log.warning("override check unavailable: %s", type(error).__name__)
            return False
        return earlier is not None and earlier["user"] == user
