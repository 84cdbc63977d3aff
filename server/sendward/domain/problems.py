"""What the Send dialog lists: one line per problem, strongest first.

Several findings can be one problem for the sender: "recipients can see each other" and "many
outside organisations" are both fixed by BCC; an attachment's personal data, its hidden part and
the identifiers it holds are one file to deal with. The details pane still shows every finding.
"""

from __future__ import annotations

from typing import Any

from sendward.domain.verdict import ACTION_RANK, Finding

INTERRUPTING = ("warn", "block")
# A finding that only restates another one present in the same verdict.
RESTATES = {"recipients.external_domains": "recipients.exposed"}
# Attachment findings whose count the attachment's main line already gives.
SECONDARY_ATTACHMENT_RULES = ("attachment.hidden_content", "policy.custom_pattern")


def problems(findings: tuple[Finding, ...] | list[Finding]) -> list[dict[str, Any]]:
    """``[{"action", "rules", "message"}]``: one per problem, strongest first (then in rule order)."""
    shown = [f for f in findings if f.action in INTERRUPTING]
    rules_present = {f.rule for f in shown}
    groups: dict[Any, list[Finding]] = {}
    for f in shown:
        groups.setdefault(_key(f, rules_present, shown), []).append(f)
    lines = []
    for order, members in enumerate(groups.values()):
        members.sort(key=lambda f: (-ACTION_RANK[f.action], f.rule in SECONDARY_ATTACHMENT_RULES))
        lead = members[0]
        message = lead.message
        hidden = next((f for f in members[1:] if f.rule == "attachment.hidden_content"), None)
        if hidden is not None:
            message = f"{message} Some of it is hidden ({_hidden_places(hidden)})."
        lines.append(
            (-ACTION_RANK[lead.action], order, {
                "action": lead.action,
                "rules": [f.rule for f in members],
                "message": message,
            })
        )
    return [line for _, _, line in sorted(lines, key=lambda item: item[:2])]


def _key(finding: Finding, rules_present: set[str], shown: list[Finding]):
    restated = RESTATES.get(finding.rule)
    if restated in rules_present:
        return restated
    attachment = finding.evidence.get("attachment")
    if isinstance(attachment, int):
        return ("attachment", attachment)
    if finding.rule == "policy.custom_pattern" and not finding.evidence.get("in_body"):
        # identifiers found only in attachments that have a line of their own: part of that line
        inside = finding.evidence.get("attachments") or []
        listed = {f.evidence.get("attachment") for f in shown if f.rule != finding.rule}
        if inside and all(index in listed for index in inside):
            return ("attachment", inside[0])
    return finding.rule


def _hidden_places(finding: Finding) -> str:
    from sendward.domain.rules.attachment_hidden_content import places_text

    return places_text(finding.evidence.get("locations") or [], finding.evidence.get("places") or [])
