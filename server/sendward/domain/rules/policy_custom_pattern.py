"""policy.custom_pattern: a tenant-defined identifier appears (e.g. a case reference).

The seed incident's spreadsheet carried case reference numbers no generic
detector knows; the tenant describes its own formats in the policy. A file or
body about one person, sent to that person, does not count.
"""

from __future__ import annotations

from collections import Counter

from sendward.domain.rules._base import Action, ContentRuleConfig, action_for_audience, finding

RULE = "policy.custom_pattern"


class Config(ContentRuleConfig):
    action: Action = "warn"


def evaluate(signals, config: Config, policy):
    action = action_for_audience(config, signals.recipients)
    if action is None:
        return []
    totals: Counter[str] = Counter()
    in_body = bool(signals.body.custom_patterns) and not _about_recipient(signals.body)
    if in_body:
        totals.update(signals.body.custom_patterns)
    attachments_with_hits = []
    for index, attachment in enumerate(signals.attachments):
        if attachment.content.custom_patterns and not _about_recipient(attachment.content):
            totals.update(attachment.content.custom_patterns)
            attachments_with_hits.append(index)
    minimum = {p.name: p.min_count for p in policy.custom_patterns}
    hits = {name: n for name, n in sorted(totals.items()) if n >= minimum.get(name, 1)}
    if not hits:
        return []
    only_in_attachments = not in_body
    names = ", ".join(f"{n:,} × {name}" for name, n in hits.items())
    return [
        finding(
            RULE,
            config,
            action=action,
            message=f"Your organisation's identifiers appear in this message ({names}).",
            evidence={"patterns": hits, "attachments": attachments_with_hits, "in_body": not only_in_attachments},
            fix="remove_attachment" if only_in_attachments else "none",
            value=sum(hits.values()),
        )
    ]


def _about_recipient(content) -> bool:
    """A letter to one person quoting their own reference is how casework is done."""
    return content.data_subjects == 1 and content.about_recipient
