"""POST /api/v1/score: judge a draft for the caller's tenant."""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from sendguard.drafts.json_draft import ScoreRequest
from sendguard.entrypoints.http.auth import container, require_caller
from sendguard.entrypoints.http.requests import json_body, validated

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/score")
@require_caller
def score():
    request_model = validated(ScoreRequest, json_body(), status=400, code="invalid_draft")
    draft = request_model.to_draft()
    platform = request_model.client.platform if request_model.client else ""
    verdict = container().decisions.decide(
        g.caller, draft, client_platform=platform, record=request_model.recorded,
        budget_ms=request_model.budget_ms,
    )
    return jsonify(verdict.to_json())
