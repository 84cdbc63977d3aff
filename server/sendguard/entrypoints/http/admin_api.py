"""The admin API: the caller's tenant policy (admin role; a tenant never sees another's)."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from sendguard.adapters.storage.repository import VersionConflict
from sendguard.domain.policy import Policy
from sendguard.entrypoints.http.auth import container, require_admin
from sendguard.entrypoints.http.errors import ApiError
from sendguard.entrypoints.http.requests import json_body, validated

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")


@bp.get("/policy")
@require_admin
def get_policy():
    policy, version = container().policies.current(g.caller.tenant_id)
    return _policy_response(policy, version)


@bp.put("/policy")
@require_admin
def put_policy():
    policy = validated(Policy, json_body())
    comment = request.headers.get("X-Policy-Comment", "")[:500]
    try:
        record = container().policies.replace(
            g.caller.tenant_id,
            policy.to_json(),
            author=g.caller.name,
            comment=comment,
            expected_version=_if_match(),
        )
    except VersionConflict as conflict:
        raise ApiError(
            409,
            f"someone saved version {conflict.latest} since you loaded yours; reload and try again",
            code="version_conflict",
            latest_version=conflict.latest,
        ) from None
    return _policy_response(policy, record.version)


def _policy_response(policy: Policy, version: int):
    response = jsonify({"version": version, "policy": policy.to_json()})
    response.headers["ETag"] = f'"v{version}"'
    return response


def _if_match() -> int | None:
    header = request.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit():
        raise ApiError(400, 'If-Match must be an ETag from this API, like "v3"', code="invalid_if_match")
    return int(value[1:])
