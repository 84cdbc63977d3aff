"""Once through a real `sendward serve` process (gunicorn) on loopback."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.served  # starts a real `sendward serve`: `pytest -m 'not served'` leaves it out

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")  # one server for the module: starting it is most of the time
def server(tmp_path_factory):
    port = free_port()
    env = {**os.environ, "SENDWARD_DATA_DIR": str(tmp_path_factory.mktemp("real-server"))}
    sendward = [sys.executable, "-m", "sendward.entrypoints.cli"]
    process = subprocess.Popen(
        [*sendward, "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("server did not start within 60 s")
    token = subprocess.run([*sendward, "dev-token"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    yield base, token
    process.terminate()
    process.wait(timeout=30)


def post(url, body, token=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_scores_over_http(server):
    base, token = server
    to = [{"address": f"client{i}@gmail.com"} for i in range(157)]
    status, verdict = post(base + "/api/v1/score", {"from": {"address": "ils@northshire.gov.uk"}, "to": to}, token)
    assert status == 200
    assert verdict["action"] == "block"
    assert verdict["recipients"]["visible_external"] == 157


def test_rejects_a_request_without_a_token(server):
    base, _ = server
    status, body = post(base + "/api/v1/score", {"to": []})
    assert status == 401
    assert body["error"] == "missing_token"
