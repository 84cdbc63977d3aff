"""Per request: a request id, the request metrics and one access log line.

The request id is the caller's ``X-Request-Id`` when it looks like an id (at most 128
characters of letters, digits and ``._:+=/-``; no '@', so no e-mail address) and a new one
otherwise. It is echoed in the ``X-Request-Id`` response header, written on every log line
of the request and added to JSON error bodies (errors.py).

The access line names the route template (``/api/v1/admin/versions/<int:version>``), never
the query, so no value a client sends reaches the log. A request that matches no route has no
template: its line names the path (``GET /favicon.ico 404 (no such route)``), at most 100
characters, with any segment that could be personal (an '@', five digits or more, anything but
letters, digits and ``._-``) shown as ``…``; the metrics keep the single label ``unmatched``. Probes and scrapes
(/healthz, /readyz, /metrics) are logged at DEBUG.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, current_app, g, request

from sendward.adapters.metrics.prometheus import METHODS, bounded

REQUEST_ID_HEADER = "X-Request-Id"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9._-]{0,60}")
_DIGIT_RUN = re.compile(r"\d{5}")

access_log = logging.getLogger("sendward.access")


def request_id() -> str:
    """This request's id (chosen on first use)."""
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    return g.request_id


def route() -> str:
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def unmatched_path(path: str) -> str:
    """The path of a request no route matched, with anything that could be personal left out."""
    segments = []
    for segment in path.split("/"):
        plain = _PLAIN_SEGMENT.fullmatch(segment) and not _DIGIT_RUN.search(segment)
        segments.append(segment if plain else "…")
    shown = "/".join(segments)
    return shown if len(shown) <= 100 else shown[:99] + "…"


def install(app: Flask) -> None:
    app.before_request(_started)
    app.after_request(_answered)
    app.teardown_request(_ended)


def _metrics():
    container = current_app.extensions.get("sendward")
    return container.metrics if container is not None else None


def _started() -> None:
    request_id()
    g.request_started = time.perf_counter()
    metrics = _metrics()
    if metrics is not None:
        metrics.request_started()
        g.in_flight_counted = True


def _answered(response):
    response.headers[REQUEST_ID_HEADER] = request_id()
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    metrics = _metrics()
    if metrics is not None:
        metrics.request_answered(request.method, route(), response.status_code, seconds)
    _log_access(response.status_code, seconds)
    return response


def _ended(_error) -> None:
    if g.pop("in_flight_counted", False):
        _metrics().request_ended()


def _log_access(status: int, seconds: float) -> None:
    template = route()
    level = logging.DEBUG if template in QUIET_ROUTES and status < 400 else logging.INFO
    fields = {
        "method": bounded(request.method, METHODS),
        "route": template,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
    }
    if template == UNMATCHED:
        fields["path"] = unmatched_path(request.path)
        access_log.log(level, "%s %s %s (no such route)", fields["method"], fields["path"], status, extra=fields)
        return
    access_log.log(level, "%s %s %s", fields["method"], template, status, extra=fields)
