"""recipients.large_audience: the message reaches very many people.

Catches the wrong distribution list: the 2016 NHSmail "reply-all" storm began
with one e-mail to a list of 840,000 staff. Lists are expanded through Graph mail
tips where available; otherwise each address counts once.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, RuleConfig, finding, plural

RULE = "recipients.large_audience"


class Config(RuleConfig):
    action: Action = "warn"
    min_recipients: int = Field(
        default=500, ge=2, description="People reached, when any is outside, at which it fires"
    )
    internal_min_recipients: int = Field(
        default=2000, ge=2, description="People reached when all are internal"
    )


def evaluate(signals, config: Config, policy):
    r = signals.recipients
    threshold = config.internal_min_recipients if r.all_internal else config.min_recipients
    if r.total < threshold:
        return []
    where = "inside your organisation" if r.all_internal else f"including {r.external:,} outside"
    return [
        finding(
            RULE,
            config,
            action=config.action,
            message=f"This message reaches {plural(r.total, 'person', 'people')} ({where}). "
            "Check the distribution list is the one you meant.",
            evidence={"total": r.total, "external": r.external, "groups_expanded": r.groups_expanded},
            value=r.total,
            threshold=threshold,
        )
    ]
