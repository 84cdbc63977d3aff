"""Metrics and logs of `sendward serve` across gunicorn's worker processes.

Metrics: each worker counts its own requests. prometheus_client's multiprocess mode makes
every process write its values to files in PROMETHEUS_MULTIPROC_DIR, and /metrics (in any
worker) adds them all up. The directory must be empty at start (or old counts would be
added) and must be chosen before prometheus_client is imported, so `serve` makes a fresh
private one first thing and removes it at exit. A worker's counts stay after it dies;
``child_exit`` only drops its live gauges (requests in flight).

Logs: gunicorn's own error log uses the service's format (JSON by default). The service
writes the access lines itself (logger sendward.access: they carry the route template and
request id), so gunicorn's access log stays off.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from gunicorn.glogging import Logger

from sendward.entrypoints.logs import JsonFormatter

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def multiprocess_metrics() -> Iterator[str]:
    """A fresh private metrics directory in PROMETHEUS_MULTIPROC_DIR while gunicorn runs."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess directory was set")
    directory = tempfile.mkdtemp(prefix="sendward-metrics-")  # mode 0700
    os.environ[MULTIPROC_ENV] = directory
    owner = os.getpid()
    try:
        yield directory
    finally:
        if os.getpid() == owner:  # a forked worker leaving through here must not remove it
            shutil.rmtree(directory, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)


def child_exit(server, worker) -> None:
    """gunicorn hook (in the arbiter): a worker died; forget its live gauges."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


class JsonGunicornLogger(Logger):
    """gunicorn's logger with its handlers writing one JSON object per line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())


def gunicorn_logger_class(log_format: str):
    return JsonGunicornLogger if log_format == "json" else Logger

