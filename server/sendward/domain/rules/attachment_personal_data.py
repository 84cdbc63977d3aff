"""attachment.personal_data: a file holds personal data about many people.

The seed incident: a spreadsheet of 157 vulnerable clients' names, phone numbers
and case references, attached to a mass e-mail. One outside recipient receiving
a file about many people is a breach; a file about one person sent to that
person is not; internal sharing (a staff list to a colleague) is allowed unless
the policy says otherwise.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.entities import describe_content
from sendward.domain.rules._base import (
    Action,
    ContentRuleConfig,
    block_at_not_below,
    exposed_private,
    finding,
    plural,
)

RULE = "attachment.personal_data"


class Config(ContentRuleConfig):
    action: Action = "warn"
    min_data_subjects: int = Field(
        default=2,
        ge=1,
        title="People the content is about",
        description="People a file is about, sent outside, at which it fires",
    )
    block_at: int | None = Field(
        default=10, ge=1, description="At or above this many people, block whatever the action"
    )
    sensitive_action: Action = Field(
        default="block",
        title="Action on a sensitive topic",
        description="What to do when the file is about someone in a special category (health, ethnicity ...)",
    )
    internal_min_data_subjects: int = Field(
        default=500,
        ge=1,
        title="People, when every recipient is inside",
        description="People at which internal sharing fires (internal_action)",
    )

    block_with_exposed_private: int | None = Field(
        default=2,
        ge=2,
        description="Private individuals in To/CC (who see each other) at which personal data about people blocks; empty: off",
    )

    _block_at_above_threshold = block_at_not_below("min_data_subjects")


def evaluate(signals, config: Config, policy):
    findings = []
    for index, attachment in enumerate(signals.attachments):
        content = attachment.content
        if content.data_subjects == 0 or (content.data_subjects == 1 and content.about_recipient):
            continue
        if content.about_recipients_only:
            continue  # an attendee list sent to the attendees
        decided = _action_and_threshold(content, config, signals.recipients.all_internal)
        if decided is None:
            continue
        action, threshold = decided
        if exposed_private(signals.recipients, config):
            action = "block"  # a file about people sent to private individuals who can see each other
        message = (
            f"{attachment.name} holds personal data about "
            f"{plural(content.data_subjects, 'person', 'people')}{describe_content(content)}"
        )
        if content.special_categories:
            message += f", including {', '.join(sorted(content.special_categories))} information"
        message += "." if signals.recipients.all_internal else ", and it is going outside your organisation."
        findings.append(
            finding(
                RULE,
                config,
                action=action,
                message=message,
                evidence={
                    "attachment": index,
                    "data_subjects": content.data_subjects,
                    "entities": dict(content.entities),
                    "special_categories": dict(content.special_categories),
                    "locations": [
                        {"where": loc.where, "entity": loc.entity, "count": loc.count}
                        for loc in content.locations
                    ],
                },
                fix="remove_attachment",
                value=content.data_subjects,
                threshold=threshold,
            )
        )
    return findings


def _action_and_threshold(content, config: Config, all_internal: bool):
    if all_internal:
        if config.internal_action and content.data_subjects >= config.internal_min_data_subjects:
            return config.internal_action, config.internal_min_data_subjects
        return None
    if content.special_categories:
        return config.sensitive_action, 1
    if content.data_subjects < config.min_data_subjects:
        return None
    if config.block_at is not None and content.data_subjects >= config.block_at:
        return "block", config.min_data_subjects
    return config.action, config.min_data_subjects
