"""attachment.hidden_content: personal data where the sender cannot see it.

The PSNI's August 2023 FOI reply, whose spreadsheet carried a hidden tab of
all 9,483 officers and staff; Islington Council's 2012 FOI replies, whose pivot
tables still held the source rows of 2,375 housing applicants. Hidden and very
hidden sheets, hidden rows and columns, pivot caches, comments and tracked
changes all count.
"""

from __future__ import annotations

import re

from pydantic import Field

from sendward.domain.rules._base import (
    Action,
    ContentRuleConfig,
    InternalAction,
    action_for_audience,
    finding,
    plural,
)

RULE = "attachment.hidden_content"


class Config(ContentRuleConfig):
    action: Action = "warn"
    internal_action: InternalAction = "info"
    min_data_subjects: int = Field(
        default=1,
        ge=1,
        title="People the content is about",
        description="People in hidden places at which it fires",
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
                message=message(attachment.name, hidden, attachment.content.locations),
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


# How each kind of hidden place reads, and what the sender can do about it.
_NAMED_PLACES = {  # places with a name of their own: (one, several)
    "hidden_sheet": ("the hidden sheet", "the hidden sheets"),
    "very_hidden_sheet": ("the very hidden sheet", "the very hidden sheets"),
    "hidden_slide": ("the hidden slide", "the hidden slides"),
}
_OTHER_PLACES = {
    "hidden_rows": "hidden rows",
    "hidden_columns": "hidden columns",
    "pivot_cache": "a pivot table's saved source data",
    "comments": "comments",
    "tracked_changes": "tracked changes",
    "hidden_text": "hidden text",
    "defined_names": "named ranges",
}
_ADVICE = {
    "hidden_sheet": "Unhide it and check it, delete the sheet, or send a PDF of the visible part instead.",
    "very_hidden_sheet": "Delete the sheet (it can only be unhidden with the VBA editor), "
    "or send a PDF of the visible part instead.",
    "hidden_slide": "Delete the hidden slide, or send a PDF of the visible slides instead.",
    "hidden_rows": "Unhide them and check them, delete what should not go, or send a PDF of the visible part instead.",
    "hidden_columns": "Unhide them and check them, delete what should not go, or send a PDF of the visible part instead.",
    "pivot_cache": "Paste the pivot table as values into a new file, or send a PDF of it instead.",
    "comments": "Delete the comments, or send a PDF instead.",
    "tracked_changes": "Accept or reject the tracked changes, or send a PDF instead.",
}
_ADVICE_OTHERWISE = "Check what is hidden and delete what should not go, or send a PDF of the visible part instead."
_NAME = re.compile(r"^(?:sheet|slide) '((?:[^']|'')*)'")


def message(name: str, people: int, locations) -> str:
    """e.g. "report.xlsx has the hidden sheet 'Staff list' with personal data about 500 people that
    you cannot see. Unhide it and check it, delete the sheet, or send a PDF of the visible part instead." """
    hidden = [loc for loc in locations if loc.hidden]
    places = sorted({loc.hidden for loc in hidden})
    described = [_describe(place, [loc.where or "" for loc in hidden if loc.hidden == place]) for place in places]
    advice = _ADVICE.get(places[0], _ADVICE_OTHERWISE) if len(places) == 1 else _ADVICE_OTHERWISE
    return (
        f"{name} has {_and(described) or 'hidden places'} with personal data about "
        f"{plural(people, 'person', 'people')} that you cannot see. {advice}"
    )


def places_text(locations: list[dict], places: list[str]) -> str:
    """The hidden places of a finding's evidence, as its message names them ("the hidden sheet 'Staff'")."""
    described = [_describe(p, [loc.get("where") or "" for loc in locations if loc.get("hidden") == p]) for p in places]
    return _and(described) or "hidden places"


def _describe(place: str, wheres: list[str]) -> str:
    names = sorted({match.group(1).replace("''", "'") for where in wheres if (match := _NAME.match(where))})
    if place in _NAMED_PLACES:
        one, several = _NAMED_PLACES[place]
        if not names:
            return several
        shown = ", ".join(f"'{n}'" for n in names[:3]) + (" ..." if len(names) > 3 else "")
        return f"{one if len(names) == 1 else several} {shown}"
    label = _OTHER_PLACES.get(place, place.replace("_", " "))
    if len(names) == 1:
        return f"{label} in sheet '{names[0]}'"
    return label


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""
