"""Findings and the verdict, shaped exactly as docs/reference.md says."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sendward.domain.signals import AttachmentSignals, RecipientSignals



class Action(StrEnum):
    """What a verdict or a finding says, weakest first. Members are plain strings in JSON and storage."""

    ALLOW = "allow"  # a verdict when nothing (or only info) fired; never a finding's action
    INFO = "info"  # a finding that interrupts nobody; never a verdict's action
    WARN = "warn"
    BLOCK = "block"


VERDICT_ACTIONS = (Action.ALLOW, Action.WARN, Action.BLOCK)
FINDING_ACTIONS = (Action.INFO, Action.WARN, Action.BLOCK)
INTERRUPTING = (Action.WARN, Action.BLOCK)  # what stops a Send (an info finding or an allow does not)
# Strength of each action; "allow" is what a verdict says when nothing fired.
ACTION_RANK = {action: rank for rank, action in enumerate(Action)}
FIXES = ("move_to_bcc", "remove_attachment", "remove_recipient", "none")


@dataclass(frozen=True)
class Finding:
    rule: str
    action: str  # "info", "warn" or "block"
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    fix: str = "none"
    score: int = 0
    # Set when the rule runs in monitor mode: what enforcement would have done.
    would_action: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {
            "rule": self.rule,
            "action": self.action,
            "message": self.message,
            "evidence": self.evidence,
            "fix": self.fix,
        }
        if self.would_action is not None:
            data["would_action"] = self.would_action
        return data


def strongest_action(actions) -> str:
    """The verdict's action: block > warn > allow (an "info" finding still allows)."""
    best = max(actions, key=ACTION_RANK.__getitem__, default=Action.ALLOW)
    return str(Action.ALLOW if best == Action.INFO else best)


@dataclass(frozen=True)
class Verdict:
    action: str
    score: int
    decision_id: str
    policy_version: int
    findings: tuple[Finding, ...]
    recipients: RecipientSignals
    attachments: tuple[AttachmentSignals, ...]
    elapsed_ms: int = 0
    mode: str = "enforce"
    would_action: str | None = None  # in monitor mode: the action enforcement would take
    fail_mode: str = "open"
    override: dict[str, Any] | None = None  # {"accepted": bool, "reason": str | None}
    # Checks that could not be made (e.g. "distribution_lists", "verified_domains"): the verdict stands without them
    not_checked: tuple[str, ...] = ()
    # Whether the tenant's policy lets the sender send this anyway (Send Anyway on a warning, a
    # justification on a block): the add-in renders it and decides nothing itself.
    sender_may_override: bool = False
    # What the Send dialog lists: one line per problem, strongest first (domain/problems.py, made
    # with the findings by evaluate(); none once an override let the e-mail go).
    problems: tuple[dict[str, Any], ...] = ()
    # The addresses the move-to-BCC fix moves (the visible outside people, as counted), for the
    # sender's own add-in; only when a finding offers that fix. Never in the audit record.
    move_to_bcc: tuple[str, ...] = ()

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(f.rule for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        data = {
            "action": self.action,
            "score": self.score,
            "decision_id": self.decision_id,
            "policy_version": self.policy_version,
            "findings": [f.to_json() for f in self.findings],
            "recipients": {
                **recipients_json(self.recipients),
                "internal_domains": list(self.recipients.internal_domains),
                "move_to_bcc": list(self.move_to_bcc),
            },
            "attachments": [attachment_json(a) for a in self.attachments],
            "elapsed_ms": self.elapsed_ms,
            "mode": self.mode,
            "fail_mode": self.fail_mode,
            "sender_may_override": self.sender_may_override,
            "problems": list(self.problems),
        }
        if self.would_action is not None:
            data["would_action"] = self.would_action
        if self.override is not None:
            data["override"] = self.override
        if self.not_checked:
            data["not_checked"] = list(self.not_checked)
        return data


def recipients_json(r: RecipientSignals) -> dict[str, int]:
    """The contract's recipient counts: what the audit record keeps of them."""
    return {
        "total": r.total,
        "visible": r.visible,
        "external": r.external,
        "visible_external": r.visible_external,
        "external_domains": r.external_organisations,
    }


def attachment_json(a: AttachmentSignals) -> dict[str, Any]:
    return {
        "name": a.name,
        "scanned": a.scanned,
        "data_subjects": a.content.data_subjects,
        "entities": dict(a.content.entities),
        "hidden_content": a.hidden_content,
        "error": a.error,
        "note": a.note,
        "special_categories": dict(a.content.special_categories),
        "locations": [
            {"where": loc.where, "entity": loc.entity, "count": loc.count, "hidden": loc.hidden}
            for loc in a.content.locations
        ],
    }
