"""Several processes writing to one PROMETHEUS_MULTIPROC_DIR are added up by /metrics."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sendward.adapters.metrics.prometheus import PrometheusMetrics
from sendward.entrypoints import gunicorn_observe

ROOT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent(
    """
    import sys
    from sendward.adapters.metrics.prometheus import PrometheusMetrics

    metrics = PrometheusMetrics()
    blocks = int(sys.argv[1])
    for _ in range(blocks):
        metrics.decided("block", [("recipients.exposed", "block")], purpose="send", tenant_id="t")
        metrics.request_answered("POST", "/api/v1/score", 200, 0.2)
        metrics.stages_finished({"detection": 0.05})
    metrics.request_started()  # still in flight when the process ends: a live gauge
    """
)


def run_worker(directory: Path, blocks: int) -> subprocess.CompletedProcess:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "PYTHONPATH": str(ROOT / "server")}
    process = subprocess.run([sys.executable, "-c", WORKER, str(blocks)], env=env, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr
    return process


def exposed(directory: Path, monkeypatch) -> dict:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    body, content_type = PrometheusMetrics().exposition()
    assert content_type.startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def test_two_processes_are_added_up(tmp_path, monkeypatch):
    run_worker(tmp_path, 3)
    run_worker(tmp_path, 4)
    found = exposed(tmp_path, monkeypatch)
    assert found[("sendward_decisions_total", (("action", "block"), ("purpose", "send")))] == 7
    assert found[("sendward_findings_total", (("action", "block"), ("rule", "recipients.exposed")))] == 7
    route = (("method", "POST"), ("route", "/api/v1/score"))
    assert found[("sendward_http_request_duration_seconds_count", route)] == 7
    assert found[("sendward_http_request_duration_seconds_bucket", (("le", "0.25"), *route))] == 7
    assert found[("sendward_stage_duration_seconds_count", (("stage", "detection"),))] == 7
    assert found[("sendward_http_requests_in_flight", ())] == 2


def test_a_dead_workers_live_gauge_is_dropped_and_its_counts_kept(tmp_path, monkeypatch):
    run_worker(tmp_path, 2)
    pids = {p.stem.rpartition("_")[2] for p in tmp_path.glob("gauge_livesum_*.db")}
    assert len(pids) == 1
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_observe.child_exit(server=None, worker=SimpleNamespace(pid=int(pids.pop())))
    assert list(tmp_path.glob("gauge_livesum_*.db")) == []
    found = exposed(tmp_path, monkeypatch)
    assert found[("sendward_decisions_total", (("action", "block"), ("purpose", "send")))] == 2
    assert found.get(("sendward_http_requests_in_flight", ()), 0) == 0


def test_child_exit_without_multiprocess_mode_does_nothing(monkeypatch, tmp_path):
    from prometheus_client import multiprocess

    marked = []
    monkeypatch.setattr(multiprocess, "mark_process_dead", lambda pid, path=None: marked.append(pid))
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    gunicorn_observe.child_exit(server=None, worker=SimpleNamespace(pid=1))
    assert marked == []
    # the same call in multiprocess mode does mark the worker dead: the recorder above is the one used
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_observe.child_exit(server=None, worker=SimpleNamespace(pid=2))
    assert marked == [2]


def test_the_directory_must_be_set_before_prometheus_client_is_imported():
    # In this process prometheus_client is already imported: values would silently stay per process.
    with pytest.raises(RuntimeError, match="imported before"), gunicorn_observe.multiprocess_metrics():
        pass


def test_serve_makes_a_fresh_private_directory_and_removes_it(tmp_path):
    script = textwrap.dedent(
        """
        import os, stat
        from sendward.entrypoints.gunicorn_observe import multiprocess_metrics
        with multiprocess_metrics() as directory:
            assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == directory
            assert os.listdir(directory) == []
            assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
            print(directory)
        assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
        """
    )
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(ROOT / "server")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr
    directory = Path(process.stdout.strip())
    assert directory.parent == tmp_path
    assert not directory.exists()
