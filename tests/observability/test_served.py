"""Metrics and logs of a real `sendward serve --workers 2`."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.parser import text_string_to_metric_families

from tests.served import request, serve

pytestmark = pytest.mark.served  # starts a real `sendward serve`: `pytest -m 'not served'` leaves it out

REQUESTS = 24


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("served"), workers=2) as server:
        yield server


def score(served, n_to: int = 157, request_id: str | None = None):
    draft = {"from": {"address": "ils@northshire.gov.uk"}, "to": [{"address": f"c{i}@gmail.com"} for i in range(n_to)]}
    headers = {"X-Request-Id": request_id} if request_id else {}
    return request(served.base + "/api/v1/score", draft, served.token, headers)


def scraped(served) -> dict:
    status, _, body = request(served.base + "/metrics")
    assert status == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def workers_that_scored(served) -> set[str]:
    """The pids whose metrics file counts answered score requests."""
    (directory,) = served.metrics_dirs()
    pids = set()
    for path in directory.glob("counter_*.db"):
        for key, count, *_ in MmapedDict.read_all_values_from_file(str(path)):
            name, _sample, labels, _help = json.loads(key)
            if name == "sendward_http_requests" and labels.get("route") == "/api/v1/score" and count:
                pids.add(path.stem.rpartition("_")[2])
    return pids


KEY = ("sendward_http_requests_total", (("method", "POST"), ("route", "/api/v1/score"), ("status", "200")))
DECISIONS = ("sendward_decisions_total", (("action", "block"), ("purpose", "send")))


def test_every_worker_counts_and_any_worker_reports_the_sum(served):
    before = scraped(served)
    sent = 0
    while sent == 0 or (len(workers_that_scored(served)) < 2 and sent < 5 * REQUESTS):  # the kernel picks the worker
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = [r[0] for r in pool.map(lambda _: score(served), range(REQUESTS))]
        assert statuses == [200] * REQUESTS
        sent += REQUESTS
    assert len(workers_that_scored(served)) == 2, "both workers should have answered some requests"
    for _ in range(6):  # successive scrapes land on either worker
        found = scraped(served)
        assert found[KEY] - before.get(KEY, 0) == sent
        assert found[DECISIONS] - before.get(DECISIONS, 0) == sent


def test_every_log_line_is_a_json_object_and_access_lines_carry_the_request_id(served):
    status, headers, _ = score(served, n_to=3, request_id="trace-7f3a.42")
    assert status == 200
    assert headers["X-Request-Id"] == "trace-7f3a.42"
    status, headers, body = request(served.base + "/api/v1/score", {"to": "nobody"}, served.token)
    assert status == 400
    generated = headers["X-Request-Id"]
    assert json.loads(body)["request_id"] == generated

    lines = [json.loads(line) for line in served.stderr_lines() if line.strip()]
    assert lines, "the server wrote no log lines"
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"] for line in lines)
    access = {line["request_id"]: line for line in lines if line["logger"] == "sendward.access"}
    mine = access["trace-7f3a.42"]
    assert (mine["method"], mine["route"], mine["status"]) == ("POST", "/api/v1/score", 200)
    assert mine["duration_ms"] > 0
    assert access[generated]["status"] == 400


def test_the_metrics_directory_is_removed_when_the_server_stops(tmp_path):
    with serve(tmp_path, workers=1) as server:
        assert len(server.metrics_dirs()) == 1
    assert server.metrics_dirs() == []
