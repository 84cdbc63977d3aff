"""Charts as inline SVG drawn on the server: no script, no build step.

Each chart is an image with a title and a description for screen readers,
text labels on the bars, and the same figures as a table beside it
(templates/admin/_chart.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from sendward.domain.verdict import VERDICT_ACTIONS

COLOURS = {
    "allow": "#4b7f52",
    "warn": "#b25e00",
    "block": "#b3261e",
    "value": "#1f5fa8",
    "rest": "#c9d3df",
}
LABEL = "#1b1f24"
MUTED = "#57606a"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    columns: tuple[str, ...]  # the data table's header
    rows: tuple[tuple, ...]  # ...and its rows


def stacked_columns(
    id: str, title: str, series: list[dict], keys=VERDICT_ACTIONS
) -> Chart:
    """One column per day, stacked by action; ``series`` items are {"day": ..., key: count, ...}."""
    width, height, left, bottom, top = 760, 260, 44, 34, 28
    plot_w, plot_h = width - left - 12, height - top - bottom
    totals = [sum(point[k] for k in keys) for point in series]
    peak = max(totals, default=0) or 1
    step = plot_w / max(len(series), 1)
    bar = max(2.0, step * 0.7)
    parts = [_axis_labels(left, top, plot_h, peak, width)]
    every = max(1, len(series) // 10)
    for i, point in enumerate(series):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for key in keys:
            h = plot_h * point[key] / peak
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLOURS[key]}">'
                    f"<title>{escape(point['day'])}: {point[key]} {key}</title></rect>"
                )
        if totals[i]:
            parts.append(_text(x + bar / 2, y - 4, str(totals[i]), anchor="middle", size=10))
        if i % every == 0:
            parts.append(
                _text(
                    x + bar / 2,
                    top + plot_h + 16,
                    point["day"][5:],
                    anchor="middle",
                    size=10,
                    fill=MUTED,
                )
            )
    parts.append(_legend(keys, left, 14))
    description = _describe_days(series, keys)
    return Chart(
        id,
        title,
        description,
        _svg(id, title, description, width, height, parts),
        ("Day", *[k.capitalize() for k in keys]),
        tuple((p["day"], *[p[k] for k in keys]) for p in series),
    )


def horizontal_bars(
    id: str, title: str, rows: list[tuple[str, int]], unit: str, colour: str = "value"
) -> Chart:
    """One bar per label, longest first, each with its value written at its end."""
    label_w, width, row_h, top = 230, 760, 26, 8
    height = top + row_h * max(len(rows), 1) + 8
    peak = max((v for _, v in rows), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        w = (width - label_w - 70) * value / peak
        parts.append(_text(label_w - 8, y + 16, label, anchor="end", size=12))
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="{row_h - 8}" fill="{COLOURS[colour]}">'
            f"<title>{escape(label)}: {value} {escape(unit)}</title></rect>"
        )
        parts.append(_text(label_w + w + 6, y + 16, f"{value:,}", size=12))
    if not rows:
        parts.append(_text(8, top + 16, "Nothing recorded in this period.", size=12, fill=MUTED))
    description = (
        "; ".join(f"{label}: {value} {unit}" for label, value in rows)
        or "Nothing recorded in this period."
    )
    return Chart(
        id,
        title,
        description,
        _svg(id, title, description, width, height, parts),
        ("", unit.capitalize()),
        tuple(rows),
    )


def proportion(
    id: str, title: str, part: int, whole: int, part_label: str, rest_label: str
) -> Chart:
    """One bar split into ``part`` and the rest of ``whole``, with the percentage."""
    width, height, left = 760, 70, 8
    share = part / whole if whole else 0
    bar_w = width - 2 * left
    parts = [
        f'<rect x="{left}" y="24" width="{bar_w}" height="22" fill="{COLOURS["rest"]}">'
        f"<title>{escape(rest_label)}: {whole - part}</title></rect>",
        f'<rect x="{left}" y="24" width="{bar_w * share:.1f}" height="22" fill="{COLOURS["value"]}">'
        f"<title>{escape(part_label)}: {part}</title></rect>",
        _text(
            left,
            16,
            f"{share:.0%} {part_label}: {part} of {whole}"
            if whole
            else "No e-mail was warned or blocked in this period.",
            size=13,
        ),
    ]
    description = (
        f"{part} of {whole} ({share:.0%}) {part_label}" if whole else "No e-mail was warned or blocked."
    )
    return Chart(
        id,
        title,
        description,
        _svg(id, title, description, width, height, parts),
        ("", "Count"),
        ((part_label.capitalize(), part), (rest_label.capitalize(), whole - part)),
    )


def _svg(
    id: str, title: str, description: str, width: int, height: int, parts: list[str]
) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img" '
        f'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{id}-title">{escape(title)}</title><desc id="{id}-desc">{escape(description)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def _text(
    x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = LABEL
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-family="system-ui, sans-serif">{escape(text)}</text>'
    )


def _axis_labels(left: int, top: int, plot_h: int, peak: int, width: int) -> str:
    return (
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 12}" y2="{top + plot_h}" stroke="{MUTED}"/>'
        + _text(left - 6, top + 4, str(peak), anchor="end", size=10, fill=MUTED)
        + _text(left - 6, top + plot_h, "0", anchor="end", size=10, fill=MUTED)
    )


def _legend(keys, x: int, y: int) -> str:
    parts = []
    for key in keys:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[key]}"/>')
        parts.append(_text(x + 14, y, key.capitalize(), size=11))
        x += 70
    return "".join(parts)


def _describe_days(series: list[dict], keys) -> str:
    totals = {k: sum(p[k] for p in series) for k in keys}
    busiest = max(series, key=lambda p: sum(p[k] for k in keys), default=None)
    summary = ", ".join(f"{totals[k]} {k}" for k in keys)
    if not busiest or not sum(busiest[k] for k in keys):
        return f"No decisions in these {len(series)} days."
    return f"{len(series)} days: {summary}. Busiest day {busiest['day']} with {sum(busiest[k] for k in keys)}."
