"""recipients.large_audience: the message reaches very many people.

Catches the wrong distribution list: the 2016 NHSmail "reply-all" storm began
with one e-mail to a list of 840,000 staff. Lists are expanded through Graph mail
tips where available; otherwise each address counts once. A mailing whose outside
recipients are all in BCC, addressed one by one (no distribution list), is a
deliberate newsletter: its size alone does not fire.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, RuleConfig, finding, plural

RULE = "recipients.large_audience"


class Config(RuleConfig):
    action: Action = "warn"
    min_recipients: int = Field(
        default=500,
        ge=2,
        title="People reached (some outside)",
        description="The rule fires from this many recipients when some are outside",
    )
    internal_min_recipients: int = Field(
        default=2000,
        ge=2,
        title="People reached (all inside)",
        description="The rule fires from this many recipients when all are inside your organisation",
    )


def evaluate(signals, config: Config, policy):
    r = signals.recipients
    threshold = config.internal_min_recipients if r.all_internal else config.min_recipients
    if r.total < threshold:
        return []
    if not r.all_internal and _bcc_only(r):
        return []  # a newsletter typed into BCC: deliberate, and nobody sees anybody; its size alone is no mistake
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


def _bcc_only(r) -> bool:
    """Every outside person is in BCC and no distribution list was expanded."""
    return r.visible_external == 0 and r.groups_expanded == 0
