"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the HTTP API.

Request schemas are the pydantic models that validate the requests (ScoreRequest, Policy);
response schemas are the models of schemas.py, which tests hold to the real responses.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import sendward
from sendward.domain.policy import Policy
from sendward.domain.rules import RULE_IDS
from sendward.domain.verdict import VERDICT_ACTIONS
from sendward.drafts.json_draft import ScoreRequest
from sendward.entrypoints.http import schemas as s
from sendward.entrypoints.http.observe import REQUEST_ID_HEADER

bp = Blueprint("openapi", __name__)

REF = "#/components/schemas/{model}"
API_ERRORS = (400, 401, 413, 415, 422, 503)
ADMIN_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 503)
PLAIN_TEXT = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    response: type[BaseModel] | None  # None: a JSON object described in docs/reference.md only
    status: int = 200
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ADMIN_ERRORS
    auth: str | None = "bearer"
    parameters: list[dict] = field(default_factory=list)
    multipart: dict | None = None  # a multipart/form-data alternative to the JSON body
    tag: str = "admin"


def _path(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        'The ETag you were given with the policy or its history, e.g. "r7" (or *): 409 if anyone saved,'
        " published or rolled back since. Without it the change is made whatever the state (last writer wins)"
    ),
}
COMMENT = {
    "name": "X-Policy-Comment",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "Shown in the version history (the first 500 characters)",
}
DECISION_QUERY = [
    _query("action", {"type": "string", "enum": list(map(str, VERDICT_ACTIONS))}, "Only this action"),
    _query("rule", {"type": "string", "enum": list(RULE_IDS)}, "Only decisions with a finding of this rule"),
    _query("user", {"type": "string", "pattern": "^[A-Za-z0-9]{0,64}$"}, "A user hash from the log"),
    _query("since", {"type": "string"}, "YYYY-MM-DD or an ISO date and time (UTC if no offset)"),
    _query("until", {"type": "string"}, "YYYY-MM-DD (the whole day) or an ISO date and time"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 999_999_999}, "From 1"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 200}, "Rows a page"),
]

OPERATIONS = (
    Operation("get", "/healthz", "The process is alive", s.Health, errors=(), auth=None, tag="operations"),
    Operation(
        "get", "/readyz", "Whether this instance can judge drafts now (503 with the same body when not)",
        s.Readiness, errors=(), auth=None, tag="operations",
    ),
    Operation(
        "get", "/metrics", "Prometheus metrics (text format); bearer SENDWARD_METRICS_TOKEN when set",
        None, errors=(401,), auth="metrics", tag="operations",
    ),
    Operation("get", "/api/v1/openapi.json", "This document", None, errors=(), auth=None, tag="api"),
    Operation(
        "post", "/api/v1/score", "Judge a draft for the caller's tenant: allow, warn or block",
        s.Verdict, body=ScoreRequest, errors=(*API_ERRORS, 429), tag="api",
    ),
    Operation("get", "/api/v1/admin/policy", "The tenant's published policy", s.PolicyDocument),
    Operation(
        "put", "/api/v1/admin/policy", "Replace the tenant's policy: save a new version and publish it",
        s.PolicyDocument, body=Policy, parameters=[IF_MATCH, COMMENT],
    ),
    Operation(
        "post", "/api/v1/admin/policy/validate", "Check a policy without saving it", s.PolicyCheck, body=Policy,
    ),
    Operation("get", "/api/v1/admin/versions", "The policy's version history", None),
    Operation(
        "post", "/api/v1/admin/versions", "Save a new version without publishing it", None, status=201,
        body=Policy, parameters=[IF_MATCH, COMMENT],
    ),
    Operation("get", "/api/v1/admin/versions/{version}", "One saved version", None, parameters=[_path("version")]),
    Operation(
        "get", "/api/v1/admin/versions/{before}/diff/{after}", "What changed between two versions", None,
        parameters=[_path("before"), _path("after")],
    ),
    Operation(
        "post", "/api/v1/admin/versions/{version}/publish", "Enforce a saved version", None,
        parameters=[_path("version"), IF_MATCH],
    ),
    Operation(
        "post", "/api/v1/admin/rollback", "Copy an earlier version into a new, published version", None,
        status=201, body=s.Rollback, parameters=[IF_MATCH],
    ),
    Operation(
        "post", "/api/v1/admin/simulate", "Score a draft against a policy, recording nothing", s.Simulation,
        body=s.SimulationRequest,
        multipart={
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary", "description": "An .eml, .msg or JSON draft"},
                "policy": {"type": "string", "description": "A candidate policy as JSON"},
                "version": {"type": "string", "pattern": "^[0-9]*$", "description": "A saved version"},
            },
        },
    ),
    Operation(
        "post", "/api/v1/admin/patterns/test", "Where a custom identifier pattern matches in a sample", None,
        body=s.PatternTest,
    ),
    Operation("get", "/api/v1/admin/decisions", "The decision log, newest first", None, parameters=DECISION_QUERY),
    Operation(
        "get", "/api/v1/admin/decisions/{decision_id}", "One decision with its findings", None,
        parameters=[{"name": "decision_id", "in": "path", "required": True, "schema": {"type": "string"}}],
    ),
    Operation(
        "get", "/api/v1/admin/stats", "Dashboard figures", None,
        parameters=[_query("days", {"type": "integer", "minimum": 1, "maximum": 3650}, "The period")],
    ),
)


@bp.get("/api/v1/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@functools.cache
def openapi_document() -> dict[str, Any]:
    schemas, refs = _component_schemas()
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sendward",
            "version": sendward.__version__,
            "description": "Send-time data-leak guard for Outlook and Microsoft 365. See docs/reference.md.",
        },
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }


SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "An Entra ID access token for the API (a dev token with the dev identity)",
    },
    "metrics": {
        "type": "http",
        "scheme": "bearer",
        "description": "SENDWARD_METRICS_TOKEN, when the deployment sets one",
    },
}

Refs = dict[type[BaseModel], dict]


def _component_schemas() -> tuple[dict[str, Any], Refs]:
    """Every model's JSON schema under components/schemas; a request body's in validation mode."""
    bodies = {op.body for op in OPERATIONS if op.body is not None}
    responses = {op.response for op in OPERATIONS if op.response is not None} | {s.Error}
    keyed = [(m, "validation") for m in bodies] + [(m, "serialization") for m in responses - bodies]
    refs, top = models_json_schema(keyed, ref_template=REF)
    return dict(top.get("$defs", {})), {model: ref for (model, _mode), ref in refs.items()}


def _operation(op: Operation, refs: Refs) -> dict:
    operation: dict[str, Any] = {
        "summary": op.summary,
        "operationId": _operation_id(op),
        "tags": [op.tag],
        "parameters": [*op.parameters, REQUEST_ID_PARAMETER],
        "security": _security(op.auth),
        "responses": _responses(op, refs),
    }
    if op.body is not None:
        content = {"application/json": {"schema": refs[op.body]}}
        if op.multipart is not None:
            content["multipart/form-data"] = {"schema": op.multipart}
        operation["requestBody"] = {"required": True, "content": content}
    return operation


def _security(auth: str | None) -> list[dict]:
    if auth == "metrics":
        return [{"metrics": []}, {}]  # only when the deployment sets a metrics token
    return [{auth: []}] if auth else []


def _operation_id(op: Operation) -> str:
    words = op.path.strip("/").replace("{", "").replace("}", "").replace(".", "_").split("/")
    return "_".join([op.method, *words])


def _responses(op: Operation, refs: Refs) -> dict:
    responses = {
        str(op.status): {"description": "Done", "headers": REQUEST_ID_RESPONSE, "content": _success(op, refs)}
    }
    for status in op.errors:
        responses[str(status)] = {
            "description": _ERROR_DESCRIPTIONS[status],
            "headers": REQUEST_ID_RESPONSE,
            "content": {"application/json": {"schema": refs[s.Error]}},
        }
    return responses


def _success(op: Operation, refs: Refs) -> dict:
    if op.path == "/metrics":
        return {PLAIN_TEXT: {"schema": {"type": "string"}}}
    return {"application/json": {"schema": refs[op.response] if op.response else {"type": "object"}}}


REQUEST_ID_PARAMETER = {
    "name": REQUEST_ID_HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "Your id for this request: kept when it is 1-128 letters, digits or ._:+=/- "
    "(starting with a letter or digit), else replaced by a new one",
}
REQUEST_ID_RESPONSE = {
    REQUEST_ID_HEADER: {"description": "The request's id, as in the logs", "schema": {"type": "string"}}
}

_ERROR_DESCRIPTIONS = {
    400: "The request is malformed (bad JSON, an invalid draft, a bad query)",
    401: "No token, or a token that was rejected",
    403: "The token lacks the Sendward.Admin role",
    404: "No such version or decision in your tenant",
    409: "Someone saved, published or rolled back since you loaded the policy",
    413: "The request is larger than this service accepts",
    415: "The body is not of a type this endpoint reads",
    422: "Fields are invalid (see fields)",
    429: "The caller's or the tenant's rate limit is used up: Retry-After says when to try again",
    503: "The database or the tenant's policy is unavailable right now",
}
