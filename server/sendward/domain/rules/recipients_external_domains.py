"""recipients.external_domains: visible recipients span many outside organisations.

A message addressed to many unrelated organisations reveals who works with whom.
Each consumer webmail address (gmail.com, hotmail.co.uk, ...) is a private
person and counts as its own organisation, so 157 webmail clients on a handful
of domains still fire (a domain count alone would miss them).
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, RuleConfig, finding, plural

RULE = "recipients.external_domains"


class Config(RuleConfig):
    action: Action = "warn"
    min_organisations: int = Field(
        default=10,
        ge=2,
        title="Outside organisations in To/CC",
        description="The rule fires from this many different outside organisations in To/CC",
    )


def evaluate(signals, config: Config, policy):
    count = signals.recipients.external_organisations
    if count < config.min_organisations:
        return []
    return [
        finding(
            RULE,
            config,
            action=config.action,
            message=f"To/CC span {plural(count, 'outside organisation')} (each private webmail "
            "address counts as one). Use BCC unless they should know about each other.",
            evidence={"external_organisations": count},
            fix="move_to_bcc",
            value=count,
            threshold=config.min_organisations,
        )
    ]
