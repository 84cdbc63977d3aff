"""Redis stops under a running service and comes back: scoring goes on (every cache misses),
/readyz says "degraded", and once Redis is back the caches are used again, without a restart.

A Redis of this test's own (redis-server on a free port) is stopped, never the machine's.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest

from tests.builders import attachment, draft, people, score_request
from tests.files import client_list_xlsx
from tests.served import free_port, request, scan_cache_hits, serve

pytestmark = [
    pytest.mark.redis,
    pytest.mark.served,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
]


class PrivateRedis:
    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True).stdout != b"PONG\n":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def redis_and_service(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        env = {"SENDWARD_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0", "SENDWARD_RATE_LIMIT_PER_USER": "0"}
        (tmp_path / "service").mkdir()
        with serve(tmp_path / "service", workers=1, env=env) as service:
            yield redis, service
    finally:
        if redis.process.poll() is None:
            redis.stop()


def readiness(service) -> tuple[int, dict]:
    status, _, raw = request(service.base + "/readyz")
    return status, json.loads(raw)


def timed_score(service, body):
    started = time.monotonic()
    status, _, raw = request(service.base + "/api/v1/score", body, token=service.token)
    return status, json.loads(raw), time.monotonic() - started


def test_scoring_goes_on_while_redis_is_stopped_and_the_caches_return_with_it(redis_and_service):
    redis, service = redis_and_service
    sheet = [attachment("clients.xlsx", client_list_xlsx(30))]  # one file: the same bytes every time
    body = score_request(draft(to=people(3), attachments=sheet))
    status, before, _ = timed_score(service, body)
    assert status == 200 and before["action"] == "block"
    assert readiness(service)[1]["status"] == "ready"

    redis.stop()
    answers = [timed_score(service, body) for _ in range(5)]
    assert [status for status, _, _ in answers] == [200] * 5
    assert all(verdict["action"] == "block" for _, verdict, _ in answers)  # the same verdict, scanned again
    assert all(seconds < 4 for _, _, seconds in answers)
    status, ready = readiness(service)
    assert status == 200 and ready["status"] == "degraded" and ready["checks"]["redis"] == "unavailable"

    redis.start()
    deadline = time.monotonic() + 10
    while readiness(service)[1]["status"] != "ready":
        assert time.monotonic() < deadline, "readiness did not recover with Redis"
        time.sleep(0.2)
    time.sleep(2.1)  # the store stops asking for 2 s after a failure
    timed_score(service, body)  # scanned and put in the (empty) restarted Redis
    hits_before = scan_cache_hits(service)
    another_draft = score_request(draft(to=people(4), attachments=sheet))
    status, after, _ = timed_score(service, another_draft)
    assert status == 200 and after["attachments"] == before["attachments"]
    assert scan_cache_hits(service) == hits_before + 1


@pytest.mark.slow
def test_redis_stopping_and_starting_again_and_again_loses_no_answer(redis_and_service):
    """`make soak`: Redis goes away and comes back five times while a client keeps sending drafts."""
    import threading

    redis, service = redis_and_service
    body = score_request(draft(to=people(3), attachments=[attachment("clients.xlsx", client_list_xlsx(30))]))
    answers, stop = [], threading.Event()

    def keep_sending():
        while not stop.is_set():
            answers.append(timed_score(service, body))

    sender = threading.Thread(target=keep_sending)
    sender.start()
    try:
        for _ in range(5):
            time.sleep(3)
            redis.stop()
            time.sleep(3)
            redis.start()
    finally:
        stop.set()
        sender.join(60)
    assert len(answers) > 20
    assert all(status == 200 and verdict["action"] == "block" for status, verdict, _ in answers)
    assert max(seconds for _, _, seconds in answers) < 4
