"""POST /api/v1/score: judge a draft for the caller's tenant."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from sendward.drafts.json_draft import ScoreRequest
from sendward.entrypoints.http.auth import container, require_caller
from sendward.entrypoints.http import schemas as s
from sendward.entrypoints.http.errors import ApiError
from sendward.entrypoints.http.openapi import API_ERRORS, documented
from sendward.entrypoints.http.requests import json_body, validated
from sendward.services.audit import user_hash
from sendward.domain.draft import DraftNotSynced

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/score")
@documented("Judge a draft for the caller's tenant: allow, warn or block", s.Verdict, body=ScoreRequest,
            errors=(*API_ERRORS, 429), tag="api")
@require_caller
def score():
    request_model = validated(ScoreRequest, json_body(), status=400, code="invalid_draft")
    _within_rate_limits(g.caller, "send" if request_model.recorded else "precheck")
    draft = request_model.to_draft()
    platform = request_model.client.platform if request_model.client else ""
    try:
        verdict = container().decisions.decide(
            g.caller, draft, client_platform=platform, record=request_model.recorded,
            budget_ms=request_model.budget_ms,
        )
    except DraftNotSynced:
        raise ApiError(
            409,
            "Microsoft 365 does not have the saved draft (yet): send the attachments inline",
            code="draft_not_synced",
        ) from None
    return jsonify(verdict.to_json())


def _within_rate_limits(caller, purpose: str) -> None:
    services = container()
    user = user_hash(services.decisions.user_hash_key, caller.tenant_id, caller.user_id)
    limited = services.rate_limits.check(caller.tenant_id, user, purpose) if services.rate_limits else None
    if limited is None:
        return
    if services.metrics is not None:
        services.metrics.rate_limited(limited.scope)
    whose = "your" if limited.scope == "user" else "your organisation's"
    raise ApiError(
        429,
        f"{whose} limit of {limited.limit} checks a minute is used up; try again in {limited.retry_after_seconds} s",
        code="rate_limited",
        retry_after_seconds=limited.retry_after_seconds,
    )
