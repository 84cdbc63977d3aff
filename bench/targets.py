"""The targets of issues 8 and 13, checked against one `make bench` run: each met, or missed by how much."""

from __future__ import annotations

from dataclasses import dataclass

RECIPIENT_CASES = ("recipients_5", "recipients_200", "recipients_2000")
P50_LIMIT_MS = 20.0
MIN_DECISIONS_PER_S = 200.0
MAX_WORKER_RSS_MB = 400.0
SHEET_LIMIT_MS = 500.0
MIN_SPEEDUP = 50.0
MAX_COUNT_ERROR_PERCENT = 1.0
MISDIRECTED_ADDED_LIMIT_MS = 5.0  # issue 17: what recipients.misdirected adds per draft, warm model
SYNC_10K_LIMIT_MS = 60_000.0  # issue 17: a first sync of 10,000 sent messages over the Graph fake
GRAPH_SEND_P95_MS = 1500.0  # issue 13: a Send whose 5 MB attachment is read through Graph
SEND_AFTER_CHECK_P95_MS = 100.0  # issue 13: the same draft's Send after its background check


@dataclass(frozen=True)
class Outcome:
    target: str
    measured: str
    verdict: str  # "met", "missed by ...", or "not measured"


def at_most(target: str, value: float | None, limit: float, unit: str, digits: int = 0) -> Outcome:
    if value is None:
        return Outcome(target, "-", "not measured")
    verdict = "met" if value <= limit else f"missed by {value - limit:.{digits}f} {unit}"
    return Outcome(target, f"{value:.{digits}f} {unit}", verdict)


def at_least(target: str, value: float | None, limit: float, unit: str, digits: int = 0) -> Outcome:
    if value is None:
        return Outcome(target, "-", "not measured")
    verdict = "met" if value >= limit else f"missed by {limit - value:.{digits}f} {unit}"
    return Outcome(target, f"{value:.{digits}f} {unit}", verdict)


def check(results: dict, http_results: dict, worker_rss: list[float]) -> list[Outcome]:
    """``results``: in-process cases by name; ``http_results``: case -> (best LoadResult or None, tried)."""
    outcomes = []
    for case in RECIPIENT_CASES:
        median = results[case]["median_ms"] if case in results else None
        outcomes.append(at_most(f"{case} p50 in process <= 20 ms", median, P50_LIMIT_MS, "ms", 1))
    for case in RECIPIENT_CASES:
        rate = _http_rate(http_results, case)
        outcomes.append(
            at_least(f"{case} over HTTP >= 200/s (p95 < 1 s, 2 workers)", rate, MIN_DECISIONS_PER_S, "/s")
        )
    outcomes.append(at_most("worker RSS <= 400 MB", max(worker_rss, default=None), MAX_WORKER_RSS_MB, "MB"))
    sheet, naive = results.get("sheet_10k"), results.get("sheet_10k_naive")
    outcomes.append(at_most("10k-row sheet < 500 ms", sheet["median_ms"] if sheet else None, SHEET_LIMIT_MS, "ms"))
    speedup = naive["median_ms"] / sheet["median_ms"] if sheet and naive else None
    outcomes.append(at_least("10k-row sheet >= 50x faster than per-cell Presidio", speedup, MIN_SPEEDUP, "x"))
    outcomes.append(
        at_most("10k-row sheet data subjects within 1% of truth", count_error(sheet), MAX_COUNT_ERROR_PERCENT, "%", 2)
    )
    with_history, without = results.get("scorer_5_history"), results.get("scorer_5")
    added = with_history["median_ms"] - without["median_ms"] if with_history and without else None
    outcomes.append(
        at_most("recipients.misdirected adds <= 5 ms a draft (warm model)", added, MISDIRECTED_ADDED_LIMIT_MS, "ms", 2)
    )
    sync = results.get("history_sync_10k")
    outcomes.append(
        at_most("10k sent (+10k received) messages synced < 60 s (Graph fake)", sync["median_ms"] if sync else None,
                SYNC_10K_LIMIT_MS, "ms")
    )
    graph_send, after_check = results.get("graph_send_5mb"), results.get("graph_send_after_check_5mb")
    outcomes.append(_tail_at_most("5 MB attachment via Graph, Send p95 <= 1.5 s", graph_send, GRAPH_SEND_P95_MS, 0))
    outcomes.append(_tail_at_most("its Send after the background check p95 <= 100 ms", after_check,
                                  SEND_AFTER_CHECK_P95_MS, 1))
    return outcomes


def _tail_at_most(target: str, result: dict | None, limit: float, digits: int) -> Outcome:
    """A p95 target: checked on the p95 when the row had enough runs for one, else on the maximum (which
    is never below the p95, so "met" stays true), and the measured value says which."""
    if not result:
        return at_most(target, None, limit, "ms", digits)
    p95 = result.get("p95_ms")
    name, value = ("p95", p95) if p95 is not None else ("max", result.get("max_ms", result.get("tail_ms")))
    outcome = at_most(target, value, limit, "ms", digits)
    return Outcome(outcome.target, f"{outcome.measured} {name}", outcome.verdict)


def _http_rate(http_results: dict, case: str) -> float | None:
    if case not in http_results:
        return None
    best, _ = http_results[case]
    return best.per_second if best is not None else 0.0  # no rate kept p95 under 1 s


def count_error(result: dict | None) -> float | None:
    """How far a case's count of data subjects is from the truth, in percent."""
    if not result or "truth" not in result:
        return None
    return abs(result["data_subjects"] - result["truth"]) / max(result["truth"], 1) * 100


def table(outcomes: list[Outcome]) -> str:
    width = max(len(o.target) for o in outcomes)
    header = f"{'target':<{width}} {'measured':>10}  result"
    lines = ["targets (issues 8, 13 and 17)", header, "-" * len(header)]
    lines += [f"{o.target:<{width}} {o.measured:>10}  {o.verdict}" for o in outcomes]
    met = sum(o.verdict == "met" for o in outcomes)
    lines.append(f"{met} of {len(outcomes)} targets met")
    return "\n".join(lines)
