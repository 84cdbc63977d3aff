"""A sender's override: send despite the findings, with a written justification."""

from __future__ import annotations

from dataclasses import replace

from sendward.domain.policy import Policy
from sendward.domain.verdict import Verdict


def review_override(verdict: Verdict, policy: Policy, justification: str, *, decision_known: bool) -> Verdict:
    """Accept the override if the policy allows it for this verdict; record why not otherwise."""
    reason = _refusal(verdict, policy, justification.strip(), decision_known)
    if reason:
        return replace(verdict, override={"accepted": False, "reason": reason})
    findings = tuple(
        replace(f, action="info", would_action=f.would_action or f.action) if f.action in ("warn", "block") else f
        for f in verdict.findings
    )
    return replace(
        verdict,
        action="allow",
        findings=findings,
        would_action=verdict.would_action or verdict.action,
        override={"accepted": True, "reason": None},
    )


def sender_may_override(action: str, policy: Policy) -> bool:
    """Whether the policy lets a sender send an e-mail with this verdict as it is: a warning with
    Send Anyway (``allow_warn_override``), a block with a justification (``allow_block_override``)."""
    if action == "warn":
        return policy.overrides.allow_warn_override
    if action == "block":
        return policy.overrides.allow_block_override
    return False


def _refusal(verdict: Verdict, policy: Policy, justification: str, decision_known: bool) -> str | None:
    if verdict.action == "allow":
        return "nothing to override"
    if not decision_known:
        return "the decision being overridden is unknown or belongs to someone else"
    if verdict.action == "block" and not policy.overrides.allow_block_override:
        return "your organisation does not allow blocked messages to be overridden"
    if verdict.action == "warn" and not policy.overrides.allow_warn_override:
        return "your organisation does not allow warnings to be overridden"
    minimum = policy.overrides.justification_min_length
    if len(justification) < minimum:
        return f"the justification must be at least {minimum} characters"
    return None
