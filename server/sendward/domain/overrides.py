"""A sender's override: send despite the findings, with a written justification."""

from __future__ import annotations

from dataclasses import replace

from sendward.domain.policy import Policy
from sendward.domain.verdict import INTERRUPTING, Verdict


def review_override(
    verdict: Verdict, policy: Policy, justification: str, *, decision_known: bool, same_draft: bool = False
) -> Verdict:
    """Accept the override if the policy allows it for this verdict and the decision it names was
    made for this same draft (so one justification cannot be replayed on another e-mail)."""
    reason = _refusal(verdict, policy, justification.strip(), decision_known, same_draft)
    if reason:
        return replace(verdict, override={"accepted": False, "reason": reason})
    findings = tuple(
        replace(f, action="info", would_action=f.would_action or f.action) if f.action in INTERRUPTING else f
        for f in verdict.findings
    )
    return replace(
        verdict,
        action="allow",
        findings=findings,
        would_action=verdict.would_action or verdict.action,
        override={"accepted": True, "reason": None},
        sender_may_override=False,
        problems=(),
    )


def may_override(action: str, policy: Policy) -> bool:
    """May the sender send a verdict with this action anyway? What the verdict tells the add-in,
    and the same test an override is reviewed with."""
    if action == "warn":
        return policy.overrides.allow_warn_override
    if action == "block":
        return policy.overrides.allow_block_override
    return False


def _refusal(
    verdict: Verdict, policy: Policy, justification: str, decision_known: bool, same_draft: bool
) -> str | None:
    if verdict.action == "allow":
        return "nothing to override"
    if not decision_known:
        return "the decision being overridden is unknown or belongs to someone else"
    if not same_draft:
        return "the decision being overridden was made for a different e-mail"
    if not may_override(verdict.action, policy):
        if verdict.action == "block":
            return "your organisation does not allow blocked messages to be overridden"
        return "your organisation does not allow warnings to be overridden"
    minimum = policy.overrides.justification_min_length
    if len(justification) < minimum:
        return f"the justification must be at least {minimum} characters"
    return None
