"""Child process of test_memory_bounded.py: hostile score requests, and the memory each one took.

Usage: python -m tests.hostile.memory_probe DATA_DIR BODY_FILE...
Prints one JSON object: {case: {"status", "error", "unscannable", "ms", "growth_mb"}}, case being the
body file's stem.

Each body is built by the parent and only read here, and the service is warmed up first (a benign
draft with an attachment loads the recognizers and name lists). Before each request the kernel's
peak-RSS mark is reset (/proc/self/clear_refs), so ``growth_mb`` is the request's own peak over what
was resident before it: everything it allocated, C libraries included, not only Python objects.
"""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path

STATUS = Path("/proc/self/status")


def _status_mb(field: str) -> float:
    for line in STATUS.read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in {STATUS}")


def reset_peak() -> float:
    """Make the peak mark (VmHWM) the current resident size; return that size."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS")


def peak_since_reset() -> float:
    return _status_mb("VmHWM")


def serve():
    from sendward.bootstrap import bootstrap
    from sendward.config import Settings
    from sendward.entrypoints.http.app import create_app

    container = bootstrap(Settings(data_dir=Path(sys.argv[1])))
    client = create_app(container=container).test_client()
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-a', 'alice@northshire.gov.uk')}"}
    return client, headers


def warm_up(client, headers) -> None:
    csv = b"Name,Phone\nSarah Jones,020 7946 0123\n"
    warm = {
        "to": [{"address": "a@gmail.com"}],
        "body": {"content": "Sarah Jones 020 7946 0123"},
        "attachments": [{"name": "a.csv", "content_base64": base64.b64encode(csv).decode()}],
    }
    assert client.post("/api/v1/score", json=warm, headers=headers).status_code == 200


def measure(client, headers, body: bytes) -> dict:
    before = reset_peak()
    started = time.monotonic()
    response = client.post("/api/v1/score", data=body, content_type="application/json", headers=headers)
    elapsed_ms = (time.monotonic() - started) * 1000
    growth = peak_since_reset() - before
    answer = response.get_json(silent=True) or {}
    return {
        "status": response.status_code,
        "error": answer.get("error"),
        "unscannable": [
            f["evidence"].get("reason") for f in answer.get("findings", []) if f["rule"] == "attachment.unscannable"
        ],
        "ms": round(elapsed_ms),
        "growth_mb": round(growth, 1),
    }


def main() -> None:
    client, headers = serve()
    warm_up(client, headers)
    results = {}
    for body_file in map(Path, sys.argv[2:]):
        body = body_file.read_bytes()
        results[body_file.stem] = measure(client, headers, body)
        del body
    print(json.dumps(results))


if __name__ == "__main__":
    main()
