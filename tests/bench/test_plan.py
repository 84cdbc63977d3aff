"""`bench/run.py --only NAME`: the case and its baseline, so the ratio (and the headline) can be printed."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import run  # noqa: E402


def names(only):
    return [entry[0] for entry in run.selected(run.PLAN, only)]


def test_a_case_comes_with_its_baseline():
    assert names("sheet_10k") == ["sheet_10k", "sheet_10k_naive"]
    assert names("recipients_200") == ["recipients_200", "fresh_process_200"]
    assert names("nested_zip") == ["nested_zip", "nested_zip_naive"]


def test_a_baseline_runs_alone():
    assert names("sheet_10k_naive") == ["sheet_10k_naive"]
    assert names("fresh_process_5") == ["fresh_process_5"]


def test_no_selection_runs_everything():
    assert names(None) == [entry[0] for entry in run.PLAN]


def test_an_unknown_case_is_refused_with_the_list():
    with pytest.raises(SystemExit, match="sheet_10k"):
        run.selected(run.PLAN, "sheet10k")


def test_the_address_header_cases_come_with_their_baselines():
    assert names("eml_headers_20000") == ["eml_headers_20000", "eml_headers_20000_stdlib"]
    assert names("check_eml_20000") == ["fresh_process_5", "check_eml_20000"]


def test_a_case_over_start_up_is_shown_as_the_time_it_adds():
    plan = run.selected(run.PLAN, "check_eml_20000")
    results = {
        "fresh_process_5": {"median_ms": 1400.0, "p95_ms": 1500.0, "runs": 3, "rss_mb": 170},
        "check_eml_20000": {"median_ms": 1650.0, "p95_ms": 1700.0, "runs": 3, "rss_mb": 180},
    }
    assert "+250 ms" in run.table(plan, results)
