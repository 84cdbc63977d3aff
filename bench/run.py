"""`make bench`: run every case in its own process and print one table.

Each row shows the median and a tail statistic named for what it is: the 95th percentile with 20 runs
or more, otherwise the maximum. A row that others are compared with runs at least three times.
After the in-process and HTTP tables comes the targets table (met, or the gap);
the last line is the headline of the attachments issue:
`10k-row sheet: <median> ms, <N>x faster than per-cell Presidio`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import targets

HERE = Path(__file__).parent

# (case, repeats, quick repeats, baseline case or None, what it measures)
PLAN = [
    ("recipients_5", 200, 20, "fresh_process_5", "recipients-only draft, 5 recipients: DecisionService.decide"),
    ("recipients_200", 100, 10, "fresh_process_200", "recipients-only draft, 200 recipients: DecisionService.decide"),
    ("recipients_2000", 30, 5, "fresh_process_2000", "recipients-only draft, 2,000 recipients: DecisionService.decide"),
    ("send_after_check_2000", 30, 5, "recipients_2000", "the same 2,000-recipient draft sent after its background check"),
    ("graph_send_5mb", 20, 3, None,
     "Send by reference of a 5 MB attachment: token check, on-behalf-of, Graph list + download, scan (loopback fakes)"),
    ("graph_send_after_check_5mb", 20, 3, "graph_send_5mb",
     "the same kind of draft's Send after its background check sent the bytes inline (not timed)"),
    ("scorer_5", 200, 20, "fresh_process_5", "Scorer.score alone (no policy read, no audit record), 5 recipients"),
    ("scorer_200", 100, 10, "fresh_process_200", "Scorer.score alone, 200 recipients"),
    ("scorer_2000", 30, 5, "fresh_process_2000", "Scorer.score alone, 2,000 recipients"),
    ("scorer_5_history", 200, 20, "scorer_5", "Scorer.score with recipients.misdirected, a warm 5,000-message model, 5 recipients"),
    ("history_check_5", 200, 20, "scorer_5", "recipients.misdirected alone: fit to the warm model + the rule, 5 recipients"),
    ("history_sync_10k", 2, 1, "history_sync_10k_no_graph", "first sync of 10,000 sent and 10,000 received messages over the Graph fake (HTTPS, 200 a page), stored sealed"),
    ("history_sync_10k_no_graph", 2, 1, None, "baseline: the same sync from memory (model and storage only)"),
    ("fresh_process_5", 3, 1, None, "baseline: a new `sendward check` process for the 5-recipient draft"),
    ("fresh_process_200", 3, 1, None, "baseline: a new `sendward check` process for the 200-recipient draft"),
    ("fresh_process_2000", 3, 1, None, "baseline: a new `sendward check` process for the 2,000-recipient draft"),
    ("eml_headers_20000", 20, 3, "eml_headers_20000_stdlib", "parse_eml: an .eml to 20,000 recipients (quoted names, folded)"),
    ("eml_headers_20000_stdlib", 1, 1, None, "baseline: email.policy.default's address parser on the same headers"),
    ("check_eml_20000", 3, 1, "fresh_process_5", "a new `sendward check` process for the 20,000-recipient .eml"),
    ("sheet_10k", 9, 3, "sheet_10k_naive", "10k-row x 4-column xlsx, in process"),
    ("sheet_10k_in_process", 9, 3, "sheet_10k", "the same sheet parsed in process, without an extraction worker"),
    ("sheet_10k_naive", 1, 1, None, "baseline: Presidio analyze() on every cell"),
    ("docx_1mb", 5, 2, "docx_1mb_naive", "1 MB docx report, in process"),
    ("docx_1mb_naive", 1, 1, None, "baseline: Presidio analyze() on every paragraph"),
    ("pdf_20_pages", 5, 2, "pdf_20_pages_naive", "20-page pdf with 160 contacts, in process"),
    ("pdf_20_pages_in_process", 5, 2, "pdf_20_pages", "the same pdf parsed in process, without an extraction worker"),
    ("pdf_bomb", 3, 1, None, "one-page PDF bomb (48 MB of text operators, ~120 KB), 4 s budget: unscannable"),
    ("largest_policy_300k", 3, 1, None, "largest policy the limits allow, 300k recipients with distinct domains"),
    ("pdf_20_pages_naive", 3, 1, None, "baseline: Presidio analyze() on every page"),
    ("nested_zip", 5, 2, "nested_zip_naive", "zip in zip, a sheet, a docx, a csv and an attached e-mail"),
    ("nested_zip_naive", 1, 1, None, "baseline: Presidio analyze() on every cell, paragraph and body of every member"),
]

# A row that others are compared with runs at least this often (its median is the baseline), quick or not.
MIN_BASELINE_RUNS = 3

# Compared with the start-up baseline by difference, not ratio: what the draft adds to a fresh process.
OVER_START_UP = {"check_eml_20000"}

# Over HTTP: the same drafts against `sendward serve` (gunicorn, 2 workers), driven by wrk.
HTTP_CASES = ["recipients_5", "recipients_200", "recipients_2000", "sheet_10k", "docx_1mb", "pdf_20_pages", "nested_zip"]


def run_case(name: str, repeats: int) -> dict:
    completed = subprocess.run(
        [sys.executable, str(HERE / "cases.py"), name, str(repeats)], capture_output=True, text=True, timeout=3600
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench case {name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", help="run one case (and its baseline)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurements")
    parser.add_argument(
        "--worker-configs", action="store_true",
        help="only compare gunicorn workers x threads on recipient-only drafts (a few minutes)",
    )
    args = parser.parse_args(argv)
    if args.worker_configs:
        import over_http

        print(over_http.worker_config_table(over_http.compare_worker_configs(seconds=2 if args.quick else 4)))
        return 0
    plan = selected(PLAN, args.only)
    results = {}
    for entry in plan:
        results[entry[0]] = run_case(entry[0], runs(entry, quick=args.quick))
    print(table(plan, results))
    http_results, rss = {}, []
    if not args.no_http:
        import over_http

        cases = [c for c in HTTP_CASES if not args.only or args.only == c]
        http_results, rss = over_http.measure(cases, seconds=2 if args.quick else 5)
        print()
        print(over_http.table(http_results, rss, results))
    print()
    print(targets.table(targets.check(results, http_results, rss)))
    if "sheet_10k" in results and "sheet_10k_naive" in results:
        ours, naive = results["sheet_10k"]["median_ms"], results["sheet_10k_naive"]["median_ms"]
        print(f"10k-row sheet: {ours:.0f} ms, {naive / ours:.0f}x faster than per-cell Presidio")
    return 0


def runs(entry, *, quick: bool = False, plan=None) -> int:
    """How often a row runs: its repeats (or quick repeats), and never fewer than MIN_BASELINE_RUNS
    when it is the baseline of another row."""
    name, repeats, quick_repeats, _, _ = entry
    wanted = quick_repeats if quick else repeats
    if any(other[3] == name for other in (plan or PLAN)):
        return max(wanted, MIN_BASELINE_RUNS)
    return wanted


def tail_text(result: dict) -> str:
    """The tail statistic, named: "812.3 p95", or "812.3 max" when there were too few runs for a p95."""
    name = result.get("tail", "p95" if result.get("p95_ms") is not None else "max")
    value = result.get("tail_ms", result.get("p95_ms") if name == "p95" else result.get("max_ms"))
    return f"{value:.1f} {name}"


def selected(plan, only: str | None) -> list:
    """The whole plan, or the case named and the baseline it is compared with."""
    if not only:
        return list(plan)
    by_name = {entry[0]: entry for entry in plan}
    if only not in by_name:
        raise SystemExit(f"no bench case {only!r}; the cases are: {', '.join(by_name)}")
    baseline = by_name[only][3]
    return [entry for entry in plan if entry[0] in (only, baseline)]


def table(plan, results) -> str:
    header = f"{'case':<26} {'median ms':>10} {'tail ms':>13} {'runs':>5} {'peak RSS MB':>12} {'vs baseline':>14}  notes"
    lines = [header, "-" * len(header)]
    for name, _, _, baseline, what in plan:
        r = results[name]
        ratio = ""
        if baseline and baseline in results and name in OVER_START_UP:
            ratio = f"+{r['median_ms'] - results[baseline]['median_ms']:.0f} ms"  # beyond a fresh start
        elif baseline and baseline in results:
            base = results[baseline]["median_ms"]
            speedup = base / r["median_ms"]
            if speedup >= 1:
                ratio = f"{speedup:.{0 if speedup >= 10 else 1}f}x faster"
            else:  # a case that does more than its baseline (a rule added) shows what it adds
                ratio = f"+{r['median_ms'] - base:.2f} ms"
        notes = what
        if r.get("note"):
            notes += f"; {r['note']}"
        if r.get("error_code"):
            notes += f"; reported unscannable ({r['error_code']})"
        if "graph_downloads" in r:
            notes += f"; {r['graph_downloads']} Graph downloads, {r['token_exchanges']} token exchanges in all"
        if "truth" in r:
            notes += f"; {r['data_subjects']:,} people found of {r['truth']:,} ({targets.count_error(r):.1f}% off)"
        lines.append(
            f"{name:<26} {r['median_ms']:>10.1f} {tail_text(r):>13} {r['runs']:>5} {r['rss_mb']:>12.0f} {ratio:>14}  {notes}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
