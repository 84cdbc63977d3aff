"""Try a draft against a policy (the published one, a saved version or a candidate) without recording it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sendward.domain.draft import Draft
from sendward.domain.policy import Policy
from sendward.domain.verdict import Verdict
from sendward.services.policies import PolicyService
from sendward.services.scoring import Scorer


@dataclass(frozen=True)
class Simulation:
    verdict: Verdict
    source: str  # "published", "version" or "candidate"
    version: int | None  # the policy version scored against; None for a candidate


def simulate(
    scorer: Scorer,
    policies: PolicyService,
    tenant_id: str,
    draft: Draft,
    *,
    candidate: Policy | None = None,
    version: int | None = None,
    history=None,
) -> Simulation:
    """Score ``draft`` as the add-in would, but record nothing and call nothing outside.

    The caller is not passed to the scorer, so nothing is fetched through Graph:
    the draft is judged on the content it carries (an .eml or .msg holds its attachments).
    ``history`` (a CorrespondentHistory, e.g. an uploaded HISTORY.jsonl) lets recipients.misdirected
    judge the draft's recipients against its From's earlier mail; without it that rule judges nobody.
    """
    if candidate is not None:
        policy, source, number = candidate, "candidate", None
    elif version is not None:
        record = policies.version(tenant_id, version)
        policy, source, number = Policy.from_stored(record.document), "version", version
    else:
        policy, number = policies.current(tenant_id)
        source = "published"
    # An override in the draft is ignored: overrides are reviewed only when a decision is recorded.
    scorer = replace(scorer, history=history)
    verdict = scorer.score(draft, policy, number or 0, tenant_id=tenant_id)
    return Simulation(verdict=verdict, source=source, version=number)
