"""Run every enabled rule over the signals and combine the findings into a verdict."""

from __future__ import annotations

from dataclasses import replace

from sendward.domain.overrides import may_override
from sendward.domain.policy import Policy
from sendward.domain.problems import problems
from sendward.domain.rules import RULE_IDS, RULES
from sendward.domain.signals import Signals
from sendward.domain.verdict import ACTION_RANK, Finding, Verdict, strongest_action


def evaluate(
    signals: Signals,
    policy: Policy,
    *,
    decision_id: str,
    policy_version: int,
    elapsed_ms: int = 0,
) -> Verdict:
    """``policy.fail_mode`` must be resolved (not None) before evaluation."""
    findings: list[Finding] = []
    for rule in RULES:
        config = policy.rule(rule.RULE)
        if not config.enabled:
            continue
        for found in rule.evaluate(signals, config, policy):
            findings.append(_apply_mode(found, policy.effective_mode(rule.RULE)))
    findings.sort(key=lambda f: (-ACTION_RANK[f.action], RULE_IDS.index(f.rule)))
    monitored = [f for f in findings if f.would_action is not None]
    action = strongest_action(f.action for f in findings)
    return Verdict(
        action=action,
        score=max((f.score for f in findings), default=0),
        decision_id=decision_id,
        policy_version=policy_version,
        findings=tuple(findings),
        recipients=signals.recipients,
        attachments=signals.attachments,
        elapsed_ms=elapsed_ms,
        mode=policy.mode,
        would_action=(
            strongest_action(f.would_action or f.action for f in findings) if monitored else None
        ),
        fail_mode=policy.fail_mode or "open",
        sender_may_override=may_override(action, policy),
        problems=tuple(problems(findings)),
    )


def _apply_mode(finding: Finding, mode: str) -> Finding:
    """In monitor mode a finding is recorded with what it would have done, and only informs."""
    if mode != "monitor" or finding.action == "info":
        return finding
    return replace(finding, action="info", would_action=finding.action)
