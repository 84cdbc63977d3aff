"""A real `sendward serve` (gunicorn, several workers) on loopback, for tests that need one."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENDWARD = [sys.executable, "-m", "sendward.entrypoints.cli"]


@dataclass
class Served:
    base: str
    token: str
    tmp: Path  # the server's TMPDIR: its metrics directory is made in here
    stderr_path: Path
    env: dict

    def dev_token(self, *args: str) -> str:
        return subprocess.run(
            [*SENDWARD, "dev-token", *args], env=self.env, capture_output=True, text=True, check=True
        ).stdout.strip()

    def stderr_lines(self) -> list[str]:
        return self.stderr_path.read_text("utf-8", errors="replace").splitlines()

    def metrics_dirs(self) -> list[Path]:
        return sorted(self.tmp.glob("sendward-metrics-*"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(root: Path, workers: int = 2, env: dict | None = None):
    """Start the service with its data, TMPDIR and stderr under ``root``; stop it afterwards."""
    data, tmp = root / "data", root / "tmp"
    data.mkdir()
    tmp.mkdir()
    # TMPDIR through a short link to ``tmp``: the extraction forkserver's Unix socket is made in it, and a
    # socket path must fit in 107 bytes, which a long test name under an xdist worker's directory does not.
    link = Path(tempfile.mkdtemp(prefix="sw-")) / "tmp"
    link.symlink_to(tmp)
    environment = {
        **os.environ,
        "SENDWARD_DATA_DIR": str(data),
        "TMPDIR": str(link),
        "PYTHONPATH": str(ROOT / "server"),
        **(env or {}),
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    port = free_port()
    stderr_path = root / "stderr.log"
    with open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [*SENDWARD, "serve", "--port", str(port), "--workers", str(workers)],
            env=environment, stdout=subprocess.DEVNULL, stderr=stderr,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base, process, stderr_path)
        served = Served(base, "", tmp, stderr_path, environment)
        served.token = served.dev_token()
        yield served
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(link.parent)  # the link only: what it points to stays under ``root``


def _wait_until_up(base: str, process, stderr_path: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {stderr_path.read_text()[-2000:]}") from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start within 90 s")


def request(url: str, body=None, token: str | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body bytes) of one request; JSON bodies are sent as JSON (POST unless ``method``)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def metric(server, name: str, labels: str) -> float:
    """One series of a running server's /metrics (all its workers together), e.g. labels 'result="hit"'."""
    _, _, raw = request(server.base + "/metrics")
    found = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", raw.decode(), re.M)
    return float(found.group(1)) if found else 0.0


def scan_cache_hits(server) -> float:
    return metric(server, "sendward_scan_cache_lookups_total", 'result="hit"')
