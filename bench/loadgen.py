"""Load over real HTTP: a `sendward serve` on loopback, driven by wrk with a Lua script.

Used by `make bench` (the HTTP columns) and by the load tests. Each request body
is a JSON draft written to a file; the Lua script sends them in turn. Tokens come
from the server's own dev identity. A request never reuses another's tenant when
``fresh_tenants`` is set, so attachment scans miss the scan cache (a retried send
would hit it and measure the cache, not the scanner).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

LUA = r"""
local bodies, tokens = {}, {}
local counter, id, nthreads, offset, fresh = 0, 0, 1, 0, false
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  offset = tonumber(args[2]) or 0
  fresh = args[3] == "fresh"
  id = tonumber(wrk.thread:get("id")) or 0
  nthreads = tonumber(args[4]) or 1
  for line in io.lines(dir .. "/tokens.txt") do tokens[#tokens + 1] = line end
  local i = 1
  while true do
    local f = io.open(dir .. "/body" .. i .. ".json", "rb")
    if not f then break end
    bodies[#bodies + 1] = f:read("*a")
    f:close()
    i = i + 1
  end
end

function request()
  local n = counter * nthreads + id
  counter = counter + 1
  local body = bodies[(n % #bodies) + 1]
  local token
  if fresh then token = tokens[((offset + n) % #tokens) + 1] else token = tokens[(n % 8) + 1] end
  return wrk.format("POST", "/api/v1/score", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass
class LoadResult:
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors, timeouts and non-2xx answers

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`sendward serve` in a subprocess, with its own data directory."""

    def __init__(self, data_dir: Path, workers: int = 2, env: dict | None = None):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.data_dir / "server.log", "wb")
        # Load measures capacity: a handful of tokens sends far more than a person's rate limit allows.
        environment = {
            **os.environ, "SENDWARD_DATA_DIR": str(self.data_dir), "SENDWARD_RATE_LIMIT_PER_USER": "0", **(env or {})
        }
        command = [sys.executable, "-m", "sendward.entrypoints.cli", "serve", "--port", str(self.port)]
        command += ["--workers", str(workers)]
        self.process = subprocess.Popen(command, env=environment, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_until_healthy(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sendward serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("sendward serve did not become healthy")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()] if path.exists() else []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


@contextmanager
def running_server(data_dir: Path, workers: int = 2, env: dict | None = None):
    server = Server(data_dir, workers, env)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


def dev_tokens(data_dir: Path, count: int, prefix: str = "load") -> list[str]:
    """Tokens from the server's dev identity, one tenant each (the key file is in its data dir)."""
    from sendward.adapters.identity.dev import DevIdentity

    identity = DevIdentity(data_dir)
    return [identity.issue(f"{prefix}-{i}", f"sender{i}@northshire.gov.uk") for i in range(count)]


def draft_json(draft, files: dict[str, bytes] | None = None) -> dict:
    """The API's JSON body for a Draft, with files inline (base64) as the embedded default sends them."""
    def address(a):
        return {"address": a.address, "name": a.name}

    return {
        "from": address(draft.sender),
        "to": [address(a) for a in draft.to],
        "cc": [address(a) for a in draft.cc],
        "bcc": [address(a) for a in draft.bcc],
        "subject": draft.subject,
        "body": {"type": draft.body.type, "content": draft.body.content},
        "attachments": [
            {"name": name, "content_type": "application/octet-stream", "size": len(data),
             "content_base64": base64.b64encode(data).decode()}
            for name, data in (files or {}).items()
        ],
    }


def write_load(directory: Path, bodies: list[dict], tokens: list[str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("body*.json"):
        old.unlink()
    for i, body in enumerate(bodies, start=1):
        (directory / f"body{i}.json").write_text(json.dumps(body))
    (directory / "tokens.txt").write_text("\n".join(tokens) + "\n")
    (directory / "load.lua").write_text(LUA)
    return directory


def run_wrk(
    url: str, load_dir: Path, *, connections: int, seconds: float, offset: int = 0, fresh_tenants: bool = False
) -> LoadResult:
    threads = max(1, min(2, connections))
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
        "-s", str(load_dir / "load.lua"), url,
        "--", str(load_dir), str(offset), "fresh" if fresh_tenants else "same", str(threads),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90)
    line = next((ln for ln in completed.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr[-2000:]}")
    raw = json.loads(line[len("RESULT "):])
    return LoadResult(
        connections=connections,
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        errors=raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"],
    )


def capacity(
    url: str, load_dir: Path, *, seconds: float, fresh_tenants: bool, p95_limit_ms: float = 1000.0,
    levels=(1, 2, 4, 8, 16, 32),
) -> tuple[LoadResult | None, list[LoadResult]]:
    """Raise the concurrency until p95 passes the limit; the best rate whose p95 stayed under it."""
    best, tried, offset = None, [], 0
    for connections in levels:
        result = run_wrk(url, load_dir, connections=connections, seconds=seconds, offset=offset,
                         fresh_tenants=fresh_tenants)
        offset += result.requests + connections
        tried.append(result)
        if result.errors or result.p95_ms > p95_limit_ms:
            break
        if best is None or result.per_second > best.per_second:
            best = result
        elif result.per_second < best.per_second * 0.9:
            break  # past the knee: more connections only queue
    return best, tried
