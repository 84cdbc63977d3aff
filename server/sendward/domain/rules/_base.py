"""What every rule shares: its config fields and how a finding is built and scored."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sendward.domain.signals import RecipientSignals
from sendward.domain.verdict import Finding

# A rule config's action (verdict.FINDING_ACTIONS): a Literal, so the policy JSON and its schema keep plain strings.
Action = Literal["info", "warn", "block"]
Mode = Literal["enforce", "monitor"]

# Base score of a finding by its action; intensity above the threshold adds up to 30.
BASE_SCORE = {"info": 10, "warn": 40, "block": 70}


# A type, not a Field, so a rule that gives it another default keeps its title and description.
InternalAction = Annotated[
    Action | None,
    Field(
        title="Action when every recipient is inside",
        description="What to do when every recipient is inside your organisation; empty: no finding",
    ),
]


class RuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    enabled: bool = Field(default=True, title="On")
    action: Action = "warn"
    mode: Mode | None = Field(
        default=None, description="'monitor' records but never interrupts; empty: the tenant's mode"
    )
    message: str | None = Field(
        default=None,
        max_length=500,
        title="Message shown to the sender",
        description="Your own sentence instead of the built-in one; empty: the built-in one",
    )


class ContentRuleConfig(RuleConfig):
    """A rule about content: it may act differently when every recipient is internal."""

    internal_action: InternalAction = None


def block_at_not_below(threshold: str):
    """A validator for rules with a threshold and an optional ``block_at`` above it."""

    @model_validator(mode="after")
    def check(self):
        if self.block_at is not None and self.block_at < getattr(self, threshold):
            limit = getattr(self, threshold)
            raise ValueError(f"block_at ({self.block_at}) must not be below {threshold} ({limit})")
        return self

    return check


def action_for_audience(config: ContentRuleConfig, recipients: RecipientSignals) -> str | None:
    return config.internal_action if recipients.all_internal else config.action


def exposed_private(recipients: RecipientSignals, config) -> bool:
    """Private individuals outside, in To/CC, at or above the rule's ``block_with_exposed_private``."""
    limit = getattr(config, "block_with_exposed_private", None)
    return limit is not None and not recipients.all_internal and recipients.visible_external_private >= limit


def score(action: str, value: float = 1, threshold: float = 1) -> int:
    intensity = 0
    if threshold > 0 and value > threshold:
        intensity = min(30, round(10 * math.log2(value / threshold)))
    return min(100, BASE_SCORE[action] + intensity)


def finding(
    rule: str,
    config: RuleConfig,
    *,
    action: str,
    message: str,
    evidence: dict[str, Any],
    fix: str = "none",
    value: float = 1,
    threshold: float = 1,
) -> Finding:
    return Finding(
        rule=rule,
        action=action,
        message=config.message or message,
        evidence=evidence,
        fix=fix,
        score=score(action, value, threshold),
    )


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"
