"""The SVG charts: accessible names, labels on the bars, escaped text, a table of the same figures."""

import pytest

from sendward.entrypoints.http.admin_page import charts


@pytest.fixture
def drawn(app):
    """The SVG that templates/admin/_chart.html draws for a chart, as the dashboard renders it."""
    return lambda chart: str(app.jinja_env.get_template("admin/_chart.html").module.svg(chart))


def test_stacked_columns_label_each_day_and_total(drawn):
    series = [
        {"day": "2026-11-23", "allow": 3, "warn": 1, "block": 0},
        {"day": "2026-11-24", "allow": 0, "warn": 0, "block": 2},
    ]
    chart = charts.stacked_columns("c", "Decisions", series)
    svg = drawn(chart)
    assert 'role="img"' in svg and '<title id="c-title">Decisions</title>' in svg
    assert "Busiest day 2026-11-23 with 4" in chart.description
    assert ">4</text>" in svg and ">2</text>" in svg
    assert svg.count("<rect") == 3 + 3  # three bars, three legend keys
    assert chart.rows == (("2026-11-23", 3, 1, 0), ("2026-11-24", 0, 0, 2))


def test_horizontal_bars_escape_their_labels(drawn):
    chart = charts.horizontal_bars("h", "Top <rules>", [("<script>", 5), ("b", 2)], "findings")
    svg = drawn(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "Top &lt;rules&gt;" in svg
    assert (
        chart.description == "<script>: 5 findings; b: 2 findings"
    )  # escaped by the template, not twice here


def test_empty_charts_say_so(drawn):
    assert "Nothing recorded" in drawn(charts.horizontal_bars("e", "Empty", [], "x"))
    assert charts.stacked_columns(
        "e", "Empty", [{"day": "2026-11-25", "allow": 0, "warn": 0, "block": 0}]
    ).description.startswith("No decisions")
    assert "No e-mail was warned or blocked" in drawn(charts.proportion("p", "Rate", 0, 0, "a", "b"))


def test_proportion_states_the_rate(drawn):
    chart = charts.proportion("p", "Override rate", 1, 4, "overrode", "did not")
    assert "25% overrode: 1 of 4" in drawn(chart)
    assert chart.rows == (("Overrode", 1), ("Did not", 3))
