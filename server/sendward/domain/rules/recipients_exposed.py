"""recipients.exposed: outside recipients in To/CC can see each other's addresses.

Hundreds of clients in To is the classic breach (the 2013 welfare-to-work
mailing, the 2015 HIV clinic newsletter). On a sensitive topic even a few
private individuals in CC reveal something about each other. Colleagues in To,
several people from one outside organisation, or professionals from a few
organisations at their work addresses (a multi-agency meeting, however sensitive
its topic) are normal and do not fire.
"""

from __future__ import annotations

from pydantic import Field

from sendward.domain.rules._base import Action, RuleConfig, block_at_not_below, finding, plural

RULE = "recipients.exposed"


class Config(RuleConfig):
    action: Action = "warn"
    min_visible_external: int = Field(
        default=10,
        ge=2,
        title="Outside people in To/CC",
        description="The rule fires from this many people outside your organisation who can see "
        "each other's addresses",
    )
    block_at: int | None = Field(
        default=50, ge=2, description="At or above this many, block whatever the action"
    )
    sensitive_min_visible_external: int = Field(
        default=2,
        ge=2,
        title="Outside people in To/CC on a sensitive topic",
        description="A lower count for e-mails on a sensitive topic (a clinic, a debt service): even two "
        "people who can see each other reveal something about each other",
    )
    sensitive_action: Action = Field(
        default="block",
        title="Action on a sensitive topic",
        description="What to do when the e-mail is on a sensitive topic and reaches that lower count",
    )
    ignore_single_organisation: bool = Field(
        default=True,
        title="Ignore people from one outside organisation",
        description="Colleagues at one partner can see each other anyway: only people from several "
        "organisations count",
    )

    _block_at_above_threshold = block_at_not_below("min_visible_external")


def evaluate(signals, config: Config, policy):
    r = signals.recipients
    if r.visible_external < 2:
        return []  # a single outside person sees nobody else from outside
    if config.ignore_single_organisation and _one_outside_organisation(r):
        return []
    topics = sorted(signals.context.sensitive_categories)
    exposed = _exposed(r, config)
    private = r.visible_external_private if config.ignore_single_organisation else r.visible_external
    if topics and private >= config.sensitive_min_visible_external:
        # Professionals at their organisations' addresses are not private individuals exposed by
        # the topic: a multi-agency safeguarding meeting invitation is normal.
        action, threshold = config.sensitive_action, config.sensitive_min_visible_external
    elif exposed >= config.min_visible_external:
        threshold = config.min_visible_external
        blocking = config.block_at is not None and exposed >= config.block_at
        action = "block" if blocking else config.action
    else:
        return []
    message = (
        f"{plural(r.visible_external, 'person', 'people')} outside your organisation are in "
        "To/CC and will see each other's e-mail addresses."
    )
    if topics and threshold == config.sensitive_min_visible_external:
        message += f" The message is about a sensitive topic ({', '.join(topics)})."
    message += " Move them to BCC."
    return [
        finding(
            RULE,
            config,
            action=action,
            message=message,
            evidence={
                "visible_external": r.visible_external,
                "visible_external_private": r.visible_external_private,
                "external_organisations": r.external_organisations,
                "sensitive_context": topics,
            },
            fix="move_to_bcc",
            value=r.visible_external,
            threshold=threshold,
        )
    ]


def _exposed(r, config: Config) -> int:
    """Everyone outside in To/CC when a private individual is among them; among professionals
    only (no private address), people at outside organisations count when they come from many
    organisations (each at their own employer: customers, not a few partner agencies). When the time
    budget ran out before organisations were worked out (``complete`` False), everyone counts."""
    if not config.ignore_single_organisation or r.visible_external_private or not r.complete:
        return r.visible_external
    at_organisations = r.visible_external - r.visible_external_private
    organisations = r.external_organisations - r.visible_external_private
    return r.visible_external_private + (at_organisations if organisations >= config.min_visible_external else 0)


def _one_outside_organisation(r) -> bool:
    return r.complete and r.visible_external_private == 0 and r.largest_external_organisation == r.visible_external
