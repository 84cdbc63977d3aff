"""Load on a real `sendward serve` (2 workers) with wrk: mixed drafts, no errors, every answer recorded.

The short run is part of `make test`; the long one (`make soak`) holds the load for minutes.
Latency percentiles are printed (pytest -s shows them); docs/performance.md records a run.
Speed targets are not asserted here: they live in `make bench`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import inputs  # noqa: E402
import loadgen  # noqa: E402

from sendward.domain.draft import Address, Draft  # noqa: E402

pytestmark = [
    pytest.mark.served,
    pytest.mark.skipif(not loadgen.wrk_available(), reason="wrk is not installed (scripts/install-system-deps.sh)"),
]


def mixed_drafts() -> list[dict]:
    """What a busy office sends: small notes, newsletters, a clinic reminder in CC, files about people."""
    sender = inputs.recipients_draft(5)
    clinic = Draft(
        sender=Address("sexual.health@northshire.gov.uk"),
        cc=tuple(Address(f"patient.{i}@gmail.com") for i in range(4)),
        subject="Reminder: HIV clinic appointment",
    )
    sheet, _ = inputs.sheet_10k(rows=200)
    report, _ = inputs.docx_1mb(target_bytes=40_000)
    return [
        loadgen.draft_json(inputs.recipients_draft(5)),
        loadgen.draft_json(inputs.recipients_draft(200)),
        loadgen.draft_json(clinic),
        loadgen.draft_json(sender, {"clients.xlsx": sheet}),
        loadgen.draft_json(inputs.recipients_draft(2000)),
        loadgen.draft_json(sender, {"report.docx": report}),
    ]


def recorded_decisions(data_dir: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{data_dir / 'sendward.db'}")
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar_one()
    finally:
        engine.dispose()


def run_load(tmp_path: Path, *, seconds: float, connections: int) -> loadgen.LoadResult:
    with loadgen.running_server(tmp_path, workers=2) as server:
        tokens = loadgen.dev_tokens(tmp_path, 400)
        load_dir = loadgen.write_load(tmp_path / "load", mixed_drafts(), tokens)
        result = loadgen.run_wrk(
            server.url, load_dir, connections=connections, seconds=seconds, fresh_tenants=True
        )
        time.sleep(1.0)  # answers still in flight when wrk stopped are recorded too
        print(
            f"\nload: {result.requests} requests in {result.seconds:.1f} s ({result.per_second:.0f}/s), "
            f"p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
            f"max {result.max_ms:.0f} ms, errors {result.errors}"
        )
    return result


def assert_every_request_answered(result: loadgen.LoadResult, tmp_path: Path) -> None:
    assert result.requests > 0
    assert result.errors == 0, "socket errors, timeouts or non-2xx answers under load"
    # every answer the client saw has its decision in the audit store (none lost)
    assert recorded_decisions(tmp_path) >= result.requests


def test_mixed_load_is_answered_without_errors(tmp_path):
    result = run_load(tmp_path, seconds=5, connections=8)
    assert_every_request_answered(result, tmp_path)


@pytest.mark.slow
def test_sustained_mixed_load(tmp_path):
    result = run_load(tmp_path, seconds=180, connections=16)
    assert_every_request_answered(result, tmp_path)
    assert result.p99_ms < 4000, "p99 past the 4 s budget under sustained load"
