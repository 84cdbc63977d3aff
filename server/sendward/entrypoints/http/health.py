"""GET /healthz: the process is alive. GET /readyz: it can judge drafts now.

Ready needs working detectors. Without Redis every cache misses; without the database the
service keeps enforcing the policies it has read and holds audit records in its outbox. Both
are "degraded" but still ready (200): every instance shares them, so an unready answer would
take them all out of the load balancer at once and turn an outage of one store into an
outage of Sendward.
"""

from flask import Blueprint, current_app, jsonify

import sendward
from sendward.kernel import Deadline
from sendward.detection.scanner import ScanRequest
from sendward.domain.draft import Body, Draft
from sendward.domain.policy import Policy
from sendward.entrypoints.http import schemas as s
from sendward.entrypoints.http.auth import container
from sendward.entrypoints.http.openapi import documented

bp = Blueprint("health", __name__)

_SELF_TEST = Body(content="Please call 020 7946 0958 about it.")
_DETECTORS_WORKED = "sendward.detectors_worked"  # remembered per app once the self-test passed


@bp.get("/healthz")
@documented("The process is alive", s.Health, errors=(), auth=None, tag="operations")
def healthz():
    return jsonify({"status": "ok", "version": sendward.__version__})


@bp.get("/readyz")
@documented("Whether this instance can judge drafts now (503 with the same body when not)", s.Readiness,
            errors=(), auth=None, tag="operations")
def readyz():
    checks = {
        "database": "ok" if container().storage.ping() else "unavailable",
        "redis": _redis_check(),
        "detectors": "ok" if _detectors_ready() else "unavailable",
    }
    if checks["detectors"] != "ok":
        status, code = "unready", 503
    elif "unavailable" in (checks["database"], checks["redis"]):
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    return jsonify({"status": status, "checks": checks, "version": sendward.__version__}), code


def _redis_check() -> str:
    redis = container().redis
    if redis is None:
        return "not_configured"
    return "ok" if redis.ping() else "unavailable"


def _detectors_ready() -> bool:
    """The scanner finds the phone number in a known sentence (checked until it has once)."""
    if not current_app.extensions.get(_DETECTORS_WORKED):
        request = ScanRequest.for_draft(Draft(), Policy(), Deadline(5))
        try:
            found = container().scorer.scanner.scan_body(_SELF_TEST, request).entities.get("PHONE_NUMBER", 0)
        except Exception:
            found = 0
        current_app.extensions[_DETECTORS_WORKED] = found > 0
    return current_app.extensions[_DETECTORS_WORKED]
