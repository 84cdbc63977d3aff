"""attachment.unscannable: an attachment could not be read.

Encrypted, corrupt, too large, an unknown type, or the time budget ran out. What
we could not read we cannot vouch for, so this never silently means "allow".
When the failure is ours (Graph unreachable, time budget spent) rather than the
file's, the tenant's fail mode decides: open lets the message go with this
finding on record, closed blocks it.
"""

from __future__ import annotations

from sendward.domain.rules._base import Action, ContentRuleConfig, InternalAction, action_for_audience, finding

RULE = "attachment.unscannable"


class Config(ContentRuleConfig):
    action: Action = "warn"
    internal_action: InternalAction = "info"


def evaluate(signals, config: Config, policy):
    findings = []
    for index, attachment in enumerate(signals.attachments):
        if attachment.error is None:
            continue
        if attachment.infrastructure_failure:
            action = "block" if policy.fail_mode == "closed" else "info"
        else:
            action = action_for_audience(config, signals.recipients)
        if action is None:
            continue
        findings.append(
            finding(
                RULE,
                config,
                action=action,
                message=f"{attachment.name} could not be checked: {attachment.error}. "
                "Make sure it holds no personal data before you send it.",
                evidence={
                    "attachment": index,
                    "reason": attachment.error_code or "unreadable",
                    "scanned": attachment.scanned,
                    "infrastructure_failure": attachment.infrastructure_failure,
                },
                fix="none" if attachment.infrastructure_failure else "remove_attachment",
            )
        )
    return findings
