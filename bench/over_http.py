"""The HTTP half of `make bench`: capacity of `sendward serve` (2 workers) per draft kind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import inputs
import loadgen

WORKERS = 2
P95_LIMIT_MS = 1000.0


def bodies_for(case: str) -> tuple[list[dict], bool]:
    """Request bodies for a case, and whether each request needs a fresh tenant: every request then misses
    the caches (scan results, a draft's signals), as a first Send of a new draft does."""
    sender_only = inputs.recipients_draft(5)
    if case.startswith("recipients_"):
        return [loadgen.draft_json(inputs.recipients_draft(int(case.split("_")[1])))], True
    files = {
        "sheet_10k": lambda: ("clients.xlsx", inputs.sheet_10k()[0]),
        "docx_1mb": lambda: ("report.docx", inputs.docx_1mb()[0]),
        "pdf_20_pages": lambda: ("report.pdf", inputs.pdf_pages(20)[0]),
        "nested_zip": lambda: ("bundle.zip", inputs.nested_zip()[0]),
    }
    name, data = files[case]()
    return [loadgen.draft_json(sender_only, {name: data})], True


def measure(cases: list[str], seconds: float):
    if not loadgen.wrk_available():
        raise SystemExit("the HTTP bench needs wrk (scripts/install-system-deps.sh installs it)")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        with loadgen.running_server(data_dir, workers=WORKERS) as server:
            tokens = loadgen.dev_tokens(data_dir, 20000, prefix="bench")  # more than one case sends: no tenant twice
            for case in cases:
                bodies, fresh = bodies_for(case)
                load_dir = loadgen.write_load(data_dir / "load", bodies, tokens)
                # one request first, so no case pays for another's first-use costs
                loadgen.run_wrk(server.url, load_dir, connections=1, seconds=1, offset=19000, fresh_tenants=fresh)
                best, tried = loadgen.capacity(
                    server.url, load_dir, seconds=seconds, fresh_tenants=fresh, p95_limit_ms=P95_LIMIT_MS
                )
                results[case] = (best, tried)
            rss = server.worker_rss_mb()
    return results, rss


def table(results, rss: list[float], in_process: dict) -> str:
    """Beside each case its baselines: the same draft in process (what HTTP adds) and, for
    recipient-only drafts, a fresh process per draft of the same size (what a server saves)."""
    title = f"over HTTP: sendward serve, {WORKERS} workers, wrk on loopback; best rate with p95 under 1 s"
    header = (
        f"{'case':<18} {'req/s':>8} {'conns':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} "
        f"{'1-conn p50':>11} {'in-process':>11} {'HTTP adds':>10} {'vs fresh process':>17}"
    )
    lines = [title, header, "-" * len(header)]
    for case, (best, tried) in results.items():
        errors = sum(t.errors for t in tried)
        single = tried[0].p50_ms  # one connection: latency without queueing
        local = in_process.get(case, {}).get("median_ms")
        adds = f"{single - local:>8.0f} ms" if local is not None else f"{'-':>10}"
        local_text = f"{local:>8.1f} ms" if local is not None else f"{'-':>11}"
        if best is None:
            lines.append(
                f"{case:<18} {'-':>8} {'-':>6} {'-':>8} {tried[0].p95_ms:>8.0f} {errors:>7} "
                f"{single:>8.0f} ms {local_text} {adds}  p95 over 1 s at 1 connection"
            )
            continue
        fresh = in_process.get(case.replace("recipients_", "fresh_process_"), {}).get("median_ms")
        ratio = f"{best.per_second * fresh / 1000:.0f}x the rate" if fresh and case.startswith("recipients_") else ""
        lines.append(
            f"{case:<18} {best.per_second:>8.1f} {best.connections:>6} {best.p50_ms:>8.0f} {best.p95_ms:>8.0f} "
            f"{errors:>7} {single:>8.0f} ms {local_text} {adds} {ratio:>17}"
        )
    lines.append(f"worker RSS after the run: {', '.join(f'{r:.0f} MB' for r in rss)} (target <= 400 MB each)")
    lines.append(
        "in-process: the same case's median in the table above (attachment rows there time the scan alone;"
        " over HTTP the request also carries base64, JSON and a 5-recipient decision)"
    )
    return "\n".join(lines)


# gunicorn gthread configurations compared by `bench/run.py --worker-configs` (workers, threads per worker).
# gevent is not compared: it is not installed, and its monkey-patching would fight the asyncio loop
# thread that runs the msgraph client (sendward/adapters/graph/client.py).
WORKER_CONFIGS = [(2, 1), (2, 4), (4, 1), (4, 2)]
CONFIG_CASES = ["recipients_5", "recipients_200"]


def compare_worker_configs(seconds: float) -> dict:
    """Best recipient-only rate (p95 under 1 s) for each workers x threads, one fresh server each."""
    if not loadgen.wrk_available():
        raise SystemExit("the HTTP bench needs wrk (scripts/install-system-deps.sh installs it)")
    outcomes = {}
    for workers, threads in WORKER_CONFIGS:
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp)
            env = {"SENDWARD_THREADS": str(threads)}
            with loadgen.running_server(data_dir, workers=workers, env=env) as server:
                tokens = loadgen.dev_tokens(data_dir, 8, prefix="config")
                for case in CONFIG_CASES:
                    bodies, _ = bodies_for(case)
                    load_dir = loadgen.write_load(data_dir / "load", bodies, tokens)
                    loadgen.run_wrk(server.url, load_dir, connections=workers * threads, seconds=1)  # warm every worker
                    outcomes[(workers, threads, case)] = loadgen.capacity(
                        server.url, load_dir, seconds=seconds, fresh_tenants=False, p95_limit_ms=P95_LIMIT_MS
                    )
                outcomes[(workers, threads, "rss")] = server.worker_rss_mb()
    return outcomes


def worker_config_table(outcomes: dict) -> str:
    header = f"{'workers x threads':<18} {'case':<16} {'req/s':>8} {'conns':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}"
    lines = ["gunicorn gthread configurations, recipient-only drafts, best rate with p95 under 1 s", header,
             "-" * len(header)]
    for workers, threads in WORKER_CONFIGS:
        label = f"{workers} x {threads}"
        for case in CONFIG_CASES:
            best, tried = outcomes[(workers, threads, case)]
            errors = sum(t.errors for t in tried)
            if best is None:
                lines.append(f"{label:<18} {case:<16} {'-':>8} {'-':>6} {'-':>8} {tried[0].p95_ms:>8.0f} {errors:>7}")
                continue
            lines.append(
                f"{label:<18} {case:<16} {best.per_second:>8.1f} {best.connections:>6} {best.p50_ms:>8.0f} "
                f"{best.p95_ms:>8.0f} {errors:>7}"
            )
        rss = outcomes[(workers, threads, "rss")]
        lines.append(f"{label:<18} worker RSS: {', '.join(f'{r:.0f} MB' for r in rss)}")
    lines.append("gevent: not compared (not installed; it would conflict with the msgraph asyncio loop thread)")
    return "\n".join(lines)
