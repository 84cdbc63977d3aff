"""attachment.hidden_content: personal data where the sender cannot see it.

The PSNI's August 2023 FOI reply, whose spreadsheet carried a hidden tab of
all 9,483 officers and staff; Islington Council's 2012 FOI replies, whose pivot
tables still held the source rows of 2,375 housing applicants. Hidden and very
hidden sheets, hidden rows and columns, pivot caches, comments and tracked
changes all count.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, ContentRuleConfig, action_for_audience, finding, plural

RULE = "attachment.hidden_content"


class Config(ContentRuleConfig):
    action: Action = "warn"
    internal_action: Action | None = "info"
    min_data_subjects: int = Field(
        default=1, ge=1, description="People in hidden places at which it fires"
    )
    block_at: int | None = Field(
        default=10, ge=1, description="Sent outside, at or above this many people: block"
    )


def evaluate(signals, config: Config, policy):
    all_internal = signals.recipients.all_internal
    base_action = action_for_audience(config, signals.recipients)
    if base_action is None:
        return []
    findings = []
    for index, attachment in enumerate(signals.attachments):
        hidden = attachment.content.hidden_data_subjects
        if hidden < config.min_data_subjects:
            continue
        action = base_action
        if not all_internal and config.block_at is not None and hidden >= config.block_at:
            action = "block"
        places = sorted({loc.hidden for loc in attachment.content.locations if loc.hidden})
        findings.append(
            finding(
                RULE,
                config,
                action=action,
                message=f"{attachment.name} holds personal data about "
                f"{plural(hidden, 'person', 'people')} in places you cannot see "
                f"({', '.join(p.replace('_', ' ') for p in places)}).",
                evidence={
                    "attachment": index,
                    "hidden_data_subjects": hidden,
                    "places": places,
                    "locations": [
                        {"where": loc.where, "entity": loc.entity, "count": loc.count, "hidden": loc.hidden}
                        for loc in attachment.content.locations
                        if loc.hidden
                    ],
                },
                fix="remove_attachment",
                value=hidden,
                threshold=config.min_data_subjects,
            )
        )
    return findings
