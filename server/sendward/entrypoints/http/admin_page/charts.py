"""Charts as inline SVG drawn on the server: no script, no build step.

This module says what each chart shows (its figures, a description for screen readers, the
same figures as a table); templates/admin/_chart.html draws it: an image with a title and that
description, text labels on the bars, and the table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sendward.domain.verdict import VERDICT_ACTIONS


@dataclass(frozen=True)
class Chart:
    kind: str  # the macro of _chart.html that draws it: stacked_columns, horizontal_bars or proportion
    id: str
    title: str
    description: str
    columns: tuple[str, ...]  # the data table's header
    rows: tuple[tuple, ...]  # ...and its rows: a label, then the figures drawn
    keys: tuple[str, ...] = ()  # what each figure of a row is (an action, a proportion's two parts)
    unit: str = ""
    colour: str = "value"
    headline: str = ""  # the sentence above a proportion's bar

    @property
    def peak(self) -> int:
        """The top of the scale: the longest bar or the tallest column, 1 when all are empty."""
        return max((sum(row[1:]) for row in self.rows), default=0) or 1


def stacked_columns(
    id: str, title: str, series: list[dict], keys=VERDICT_ACTIONS
) -> Chart:
    """One column per day, stacked by action; ``series`` items are {"day": ..., key: count, ...}."""
    return Chart(
        "stacked_columns",
        id,
        title,
        _describe_days(series, keys),
        ("Day", *[k.capitalize() for k in keys]),
        tuple((p["day"], *[p[k] for k in keys]) for p in series),
        keys=tuple(keys),
    )


def horizontal_bars(
    id: str, title: str, rows: list[tuple[str, int]], unit: str, colour: str = "value"
) -> Chart:
    """One bar per label, longest first, each with its value written at its end."""
    description = (
        "; ".join(f"{label}: {value} {unit}" for label, value in rows)
        or "Nothing recorded in this period."
    )
    return Chart(
        "horizontal_bars", id, title, description, ("", unit.capitalize()), tuple(rows), unit=unit, colour=colour
    )


def proportion(
    id: str, title: str, part: int, whole: int, part_label: str, rest_label: str
) -> Chart:
    """One bar split into ``part`` and the rest of ``whole``, with the percentage."""
    share = part / whole if whole else 0
    return Chart(
        "proportion",
        id,
        title,
        f"{part} of {whole} ({share:.0%}) {part_label}" if whole else "No e-mail was warned or blocked.",
        ("", "Count"),
        ((part_label.capitalize(), part), (rest_label.capitalize(), whole - part)),
        keys=(part_label, rest_label),
        headline=f"{share:.0%} {part_label}: {part} of {whole}"
        if whole
        else "No e-mail was warned or blocked in this period.",
    )


def _describe_days(series: list[dict], keys) -> str:
    totals = {k: sum(p[k] for p in series) for k in keys}
    busiest = max(series, key=lambda p: sum(p[k] for k in keys), default=None)
    summary = ", ".join(f"{totals[k]} {k}" for k in keys)
    if not busiest or not sum(busiest[k] for k in keys):
        return f"No decisions in these {len(series)} days."
    return f"{len(series)} days: {summary}. Busiest day {busiest['day']} with {sum(busiest[k] for k in keys)}."
