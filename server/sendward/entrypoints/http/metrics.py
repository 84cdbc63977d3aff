"""GET /metrics: Prometheus metrics, behind SENDWARD_METRICS_TOKEN when that is set; with Entra ID, only then."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, request

from sendward.entrypoints.http.auth import container
from sendward.entrypoints.http.errors import ApiError
from sendward.entrypoints.http.openapi import PLAIN_TEXT, documented

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@documented("Prometheus metrics (text format); bearer SENDWARD_METRICS_TOKEN when set", errors=(401,),
            auth="metrics", tag="operations", media_type=PLAIN_TEXT)
def metrics():
    settings = container().settings
    required = settings.metrics_token
    if required:
        _check_token(required)
    elif settings.identity != "dev":  # a network deployment: metrics only to whoever holds the token
        raise ApiError(403, "set SENDWARD_METRICS_TOKEN to serve metrics with Entra ID", code="forbidden")
    body, content_type = container().metrics.exposition(request.headers.get("Accept"))
    return Response(body, content_type=content_type)


def _check_token(required: str) -> None:
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not offered.strip():
        raise ApiError(401, "send the metrics token as a bearer token", code="missing_token")
    if not hmac.compare_digest(offered.strip().encode(), required.encode()):
        raise ApiError(401, "the metrics token was rejected", code="invalid_token")
