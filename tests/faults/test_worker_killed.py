"""A gunicorn worker dies under load: the master replaces it and the service keeps answering.

SIGTERM (a rolling restart, an OOM-killer warning) lets the worker finish what it holds: no
request fails. SIGKILL cuts the connections that worker held (in flight or kept alive between requests);
their clients see a broken connection (the add-in treats that like any outage: the tenant's fail mode), never a
silent allow, and nothing else is lost.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import inputs  # noqa: E402
import loadgen  # noqa: E402

CONNECTIONS = 8
pytestmark = [
    pytest.mark.served,
    pytest.mark.skipif(not loadgen.wrk_available(), reason="wrk is not installed (scripts/install-system-deps.sh)"),
]


def load_while(server, load_dir, seconds: float, action) -> loadgen.LoadResult:
    outcome = {}

    def run():
        outcome["result"] = loadgen.run_wrk(server.url, load_dir, connections=CONNECTIONS, seconds=seconds)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(seconds / 3)
    action()
    thread.join(seconds + 60)
    return outcome["result"]


def wait_for_workers(server, count: int, excluding: int, seconds: float = 60) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if len(pids) == count and excluding not in pids:
            return pids
        time.sleep(0.2)
    raise AssertionError("gunicorn did not replace the worker")


@pytest.fixture(scope="module")  # one server for both signals: each test ends with two live workers again
def server_and_load(tmp_path_factory):
    root = tmp_path_factory.mktemp("worker-killed")
    with loadgen.running_server(root, workers=2) as server:
        sheet, _ = inputs.sheet_10k(rows=300)
        bodies = [
            loadgen.draft_json(inputs.recipients_draft(200)),
            loadgen.draft_json(inputs.recipients_draft(5), {"clients.xlsx": sheet}),
        ]
        load_dir = loadgen.write_load(root / "load", bodies, loadgen.dev_tokens(root, 8))
        yield server, load_dir


@pytest.mark.parametrize(
    "signal_number, failures_allowed",
    [(signal.SIGTERM, 0), (signal.SIGKILL, CONNECTIONS)],
    ids=["graceful", "killed"],
)
def test_a_worker_that_dies_is_replaced_and_service_continues(server_and_load, signal_number, failures_allowed):
    server, load_dir = server_and_load
    victim = server.worker_pids()[0]

    result = load_while(server, load_dir, 6, lambda: os.kill(victim, signal_number))

    assert result.requests > 50
    assert result.errors <= failures_allowed  # at most one per connection the dead worker held
    wait_for_workers(server, 2, excluding=victim)
    after = loadgen.run_wrk(server.url, load_dir, connections=4, seconds=2)
    assert after.requests > 0 and after.errors == 0


@pytest.mark.slow
def test_workers_killed_again_and_again_under_sustained_load(server_and_load):
    """`make soak`: from 20 s into a 60 s run, a worker is killed (SIGKILL) every 8 s, four times; each kill
    costs at most the connections the dead worker held, and the run ends with two live workers."""
    server, load_dir = server_and_load
    kills = []

    def keep_killing():
        for _ in range(4):
            time.sleep(8)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)

    result = load_while(server, load_dir, 60, keep_killing)
    assert len(kills) == 4
    assert result.requests > 500
    assert result.errors <= CONNECTIONS * len(kills)
    wait_for_workers(server, 2, excluding=kills[-1])
    after = loadgen.run_wrk(server.url, load_dir, connections=4, seconds=2)
    assert after.requests > 0 and after.errors == 0
