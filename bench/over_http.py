"""The HTTP half of `make bench`: capacity of `sendguard serve` (2 workers) per draft kind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import inputs
import loadgen

WORKERS = 2
P95_LIMIT_MS = 1000.0


def bodies_for(case: str) -> tuple[list[dict], bool]:
    """Request bodies for a case, and whether each request needs a fresh tenant (to miss the scan cache)."""
    sender_only = inputs.recipients_draft(5)
    if case.startswith("recipients_"):
        return [loadgen.draft_json(inputs.recipients_draft(int(case.split("_")[1])))], False
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
            tokens = loadgen.dev_tokens(data_dir, 4000, prefix="bench")
            for case in cases:
                bodies, fresh = bodies_for(case)
                load_dir = loadgen.write_load(data_dir / "load", bodies, tokens)
                # one request first, so no case pays for another's first-use costs
                loadgen.run_wrk(server.url, load_dir, connections=1, seconds=1, offset=3999, fresh_tenants=fresh)
                best, tried = loadgen.capacity(
                    server.url, load_dir, seconds=seconds, fresh_tenants=fresh, p95_limit_ms=P95_LIMIT_MS
                )
                results[case] = (best, tried)
            rss = server.worker_rss_mb()
    return results, rss


def table(results, rss: list[float], fresh_process: dict | None) -> str:
    title = f"over HTTP: sendguard serve, {WORKERS} workers, wrk on loopback; best rate with p95 under 1 s"
    header = f"{'case':<18} {'req/s':>8} {'conns':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7} {'vs baseline':>12}"
    lines = [title, header, "-" * len(header)]
    baseline_rate = 1000 / fresh_process["median_ms"] if fresh_process else None
    for case, (best, tried) in results.items():
        errors = sum(t.errors for t in tried)
        if best is None:
            lines.append(f"{case:<18} {'-':>8} {'-':>6} {'-':>8} {tried[0].p95_ms:>8.0f} {errors:>7}  p95 over 1 s at 1 connection")
            continue
        ratio = f"{best.per_second / baseline_rate:.0f}x" if baseline_rate and case.startswith("recipients_") else ""
        lines.append(
            f"{case:<18} {best.per_second:>8.1f} {best.connections:>6} {best.p50_ms:>8.0f} {best.p95_ms:>8.0f} "
            f"{errors:>7} {ratio:>12}"
        )
    lines.append(f"worker RSS after the run: {', '.join(f'{r:.0f} MB' for r in rss)} (target <= 400 MB each)")
    if baseline_rate:
        lines.append(f"baseline: a new process per draft manages {baseline_rate:.2f} drafts/s")
    return "\n".join(lines)
