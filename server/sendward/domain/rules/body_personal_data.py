"""body.personal_data: the message body itself lists personal data about several people.

A list of clients pasted into the body leaks just like an attached spreadsheet.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.entities import describe_content
from sendward.domain.rules._base import (
    Action,
    ContentRuleConfig,
    action_for_audience,
    block_at_not_below,
    exposed_private,
    finding,
    plural,
)

RULE = "body.personal_data"


class Config(ContentRuleConfig):
    action: Action = "warn"
    min_data_subjects: int = Field(
        default=5,
        ge=1,
        title="People the content is about",
        description="People the body is about, sent outside, at which it fires",
    )
    block_at: int | None = Field(
        default=10, ge=1, description="At or above this many people, block whatever the action"
    )

    block_with_exposed_private: int | None = Field(
        default=2,
        ge=2,
        description="Private individuals in To/CC (who see each other) at which personal data about people blocks; empty: off",
    )

    _block_at_above_threshold = block_at_not_below("min_data_subjects")


def evaluate(signals, config: Config, policy):
    body = signals.body
    if body.data_subjects < config.min_data_subjects or body.about_recipients_only:
        return []  # below the threshold, or notes sent to the very people they name
    action = action_for_audience(config, signals.recipients)
    if action is None:
        return []
    if not signals.recipients.all_internal and config.block_at and body.data_subjects >= config.block_at:
        action = "block"
    if exposed_private(signals.recipients, config):
        action = "block"  # a list of people sent to private individuals who can see each other
    return [
        finding(
            RULE,
            config,
            action=action,
            message=f"The message body holds personal data about "
            f"{plural(body.data_subjects, 'person', 'people')}{describe_content(body)}.",
            evidence={"data_subjects": body.data_subjects, "entities": dict(body.entities)},
            value=body.data_subjects,
            threshold=config.min_data_subjects,
        )
    ]
