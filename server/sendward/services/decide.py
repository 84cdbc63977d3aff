"""The score request use case: the caller's tenant policy, the verdict, the override, the audit record."""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

from sendward.domain.draft import Draft
from sendward.domain.records import StorageUnavailable
from sendward.domain.overrides import review_override
from sendward.domain.verdict import Verdict
from sendward.services.audit import decision_record, message_keys, user_hash
from sendward.services.outbox import AuditOutbox
from sendward.services.policies import PolicyService
from sendward.services.ports import Store
from sendward.kernel import NO_TELEMETRY, StageTimes, Telemetry
from sendward.services.scoring import Scorer, draft_digest

log = logging.getLogger(__name__)
BUDGET_FLOOR_MS = 1000  # the least budget a score request gets, whatever its budget_ms (docs/reference.md)


@dataclass
class DecisionService:
    scorer: Scorer
    policies: PolicyService
    storage: Store
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
        digest = self._draft_digest(caller, draft)
        override = draft.override
        if override is not None:
            with stages.timing("policy"):
                known, earlier_digest = self._decided_for(caller.tenant_id, override.decision_id, user)
                verdict = review_override(
                    verdict, policy, override.justification,
                    decision_known=known, same_draft=earlier_digest == digest,
                )
        if record:
            self._record(verdict, caller.tenant_id, user, draft, client_platform, digest)
        self._report(verdict, stages, purpose="send" if record else "precheck", tenant_id=caller.tenant_id)
        return verdict

    def _budget_ms(self, requested: int | None, *, precheck: bool) -> int:
        """The client's budget, between the floor and the ceiling for its purpose; without one, the
        configured budget. The floor (BUDGET_FLOOR_MS, or the configured budget if smaller) means a
        client's short budget never buys less work than the recipients and the body: the service
        may answer after the client gave up, never with less checked."""
        configured = self.scorer.time_budget_ms
        if requested is None:
            return configured
        ceiling = configured
        if precheck and self.precheck_budget_ms is not None:
            ceiling = max(configured, self.precheck_budget_ms)
        return max(min(BUDGET_FLOOR_MS, configured), min(ceiling, requested))

    def _report(self, verdict: Verdict, stages: StageTimes, *, purpose: str, tenant_id: str) -> None:
        self.telemetry.stages_finished(stages.seconds())
        self.telemetry.decided(
            verdict.action,
            [(f.rule, f.action) for f in verdict.findings],
            purpose=purpose,
            tenant_id=tenant_id,
        )

    def _draft_digest(self, caller, draft: Draft) -> str:
        """The draft's digest, keyed: the audit store cannot be used to test guesses of a draft."""
        return hmac.new(self.user_hash_key, draft_digest(caller, draft).encode(), hashlib.sha256).hexdigest()

    def _record(
        self, verdict: Verdict, tenant_id: str, user: str, draft: Draft, client_platform: str, digest: str
    ) -> None:
        accepted = bool(verdict.override and verdict.override.get("accepted"))
        record = decision_record(
            verdict,
            tenant_id=tenant_id,
            user=user,
            override_of=draft.override.decision_id if accepted else None,
            justification=draft.override.justification.strip() if accepted else None,
            resends=draft.previous_decision_id,
            client_platform=client_platform,
            message_keys=message_keys(self.user_hash_key, tenant_id, user, draft),
            draft_digest=digest,
        )
        self.outbox.record(record)  # the sender gets the verdict even while the database is away

    def _decided_for(self, tenant_id: str, decision_id: str, user: str) -> tuple[bool, str | None]:
        """(was ``decision_id`` this user's, the digest of the draft it was made for). Unknown while
        the database is away: the override waits. A decision recorded without a digest matches no draft."""
        try:
            earlier = self.storage.decision_binding(tenant_id, decision_id)
        except StorageUnavailable as error:
            log.warning("override check unavailable: %s", _cause(error))
            return False, None
        if earlier is None or earlier[0] != user:
            return False, None
        return True, earlier[1]


def _cause(error: Exception) -> str:
    """The type of the store's underlying error (only the type: a driver's message can quote data)."""
    return type(error.__cause__ or error).__name__
