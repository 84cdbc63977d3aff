"""GET /healthz: the process is alive. GET /readyz: it can judge drafts now.

Ready needs the database (policies, audit) and working detectors; Redis only makes things
faster, so without it the service is "degraded" but still ready (200): a load balancer
must not take every instance out because a cache went away.
"""

from flask import Blueprint, current_app, jsonify

import sendguard
from sendguard.detection.limits import Deadline
from sendguard.detection.scanner import ScanRequest
from sendguard.domain.draft import Body, Draft
from sendguard.domain.policy import Policy
from sendguard.entrypoints.http.auth import container

bp = Blueprint("health", __name__)

_SELF_TEST = Body(content="Please call 020 7946 0958 about it.")
_DETECTORS_WORKED = "sendguard.detectors_worked"  # remembered per app once the self-test passed


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "version": sendguard.__version__})


@bp.get("/readyz")
def readyz():
    checks = {
        "database": "ok" if container().storage.ping() else "unavailable",
        "redis": _redis_check(),
        "detectors": "ok" if _detectors_ready() else "unavailable",
    }
    if checks["database"] != "ok" or checks["detectors"] != "ok":
        status, code = "unready", 503
    elif checks["redis"] == "unavailable":
        status, code = "degraded", 200
    else:
        status, code = "ready", 200
    return jsonify({"status": status, "checks": checks, "version": sendguard.__version__}), code


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
