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


def test_every_baseline_runs_at_least_three_times_quick_or_not():
    baselines = {entry[3] for entry in run.PLAN if entry[3]}
    for entry in run.PLAN:
        if entry[0] in baselines:
            assert run.runs(entry) >= 3 and run.runs(entry, quick=True) >= 3, entry[0]
    assert run.runs(("sheet_10k_naive", 1, 1, None, "")) == 3  # a one-run baseline is raised to three


def test_a_tail_under_twenty_runs_is_named_the_maximum():
    import cases

    assert cases.tail([float(n) for n in range(1, 10)]) == ("max", 9.0)
    name, value = cases.tail([float(n) for n in range(1, 101)])
    assert (name, value) == ("p95", 95.0)
    few = cases.summary([1.0, 2.0, 30.0])
    assert (few["tail"], few["tail_ms"], few["p95_ms"], few["max_ms"]) == ("max", 30.0, None, 30.0)
    assert "30.0 max" in run.table([("x", 3, 1, None, "")], {"x": few})


def test_a_p95_target_with_too_few_runs_is_checked_on_the_maximum_and_says_so():
    import targets

    few = {"median_ms": 900.0, "p95_ms": None, "max_ms": 1600.0, "tail": "max", "tail_ms": 1600.0, "runs": 3}
    outcome = next(o for o in targets.check({"graph_send_5mb": few}, {}, []) if o.target.startswith("5 MB"))
    assert outcome.measured.endswith("max") and outcome.verdict.startswith("missed")


def test_cold_rows_find_the_domain_caches_empty():
    import cases

    from sendward.signals import domains

    domains.split_domain("mail.northshire.gov.uk")
    assert domains.split_domain.cache_info().currsize > 0
    seen = []
    cases.timings(lambda: seen.append(domains.split_domain.cache_info().currsize), 2,
                  before=cases.cold_domain_caches)
    assert seen[1:] == [0, 0]  # each timed run starts with none (the warm-up before it may find them)
