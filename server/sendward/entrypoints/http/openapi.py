"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the HTTP API, derived from the routes.

Each view declares what the document says of it with ``@documented(...)`` (its summary, the pydantic
models of its body and answer, its errors and extra parameters); the document walks ``app.url_map``, so
a route's path, method and path parameters come from the route itself. Request schemas are the models
that validate the requests (ScoreRequest, Policy); response schemas are the models of schemas.py, which
tests hold to the real responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import sendward
from sendward.entrypoints.http import schemas as s
from sendward.entrypoints.http.observe import REQUEST_ID_HEADER

bp = Blueprint("openapi", __name__)

REF = "#/components/schemas/{model}"
API_ERRORS = (400, 401, 413, 415, 422, 503)
ADMIN_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422, 503)
JSON = "application/json"
PLAIN_TEXT = "text/plain; version=0.0.4; charset=utf-8"
_CACHE_KEY = "sendward.openapi"


@dataclass(frozen=True)
class Operation:
    summary: str
    response: type[BaseModel] | None  # None: a JSON object described in docs/reference.md only
    status: int = 200
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ADMIN_ERRORS
    auth: str | None = "bearer"
    parameters: tuple[dict, ...] = ()  # beyond the route's own path parameters
    multipart: dict | None = None  # a multipart/form-data alternative to the JSON body
    tag: str = "admin"
    media_type: str = JSON  # of the answer; anything but JSON is described as a string


def documented(summary: str, response: type[BaseModel] | None = None, **details):
    """Put the view in the OpenAPI document (``details``: the other fields of Operation)."""
    operation = Operation(summary, response, **{k: tuple(v) if k == "parameters" else v for k, v in details.items()})

    def mark(view):
        view.openapi = operation
        return view

    return mark


def query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def header(name: str, description: str) -> dict:
    return {"name": name, "in": "header", "required": False, "schema": {"type": "string"}, "description": description}


@bp.get("/api/v1/openapi.json")
@documented("This document", errors=(), auth=None, tag="api")
def openapi_json():
    return jsonify(openapi_document())


def openapi_document(app: Flask | None = None) -> dict[str, Any]:
    """The document of ``app``'s documented routes (the current app's by default), built once per app."""
    app = app or current_app
    document = app.extensions.get(_CACHE_KEY)
    if document is None:
        document = app.extensions[_CACHE_KEY] = _document(app)
    return document


def _document(app: Flask) -> dict[str, Any]:
    found = []
    for rule in app.url_map.iter_rules():
        operation = getattr(app.view_functions.get(rule.endpoint), "openapi", None)
        if operation is not None:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.rule, method.lower(), operation))
    schemas, refs = _component_schemas([operation for _, _, operation in found])
    paths: dict[str, dict] = {}
    for rule, method, operation in found:
        path, parameters = _path(rule)
        paths.setdefault(path, {})[method] = _operation(path, method, parameters, operation, refs)
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


_VARIABLE = re.compile(r"<(?:(\w+):)?(\w+)>")
_CONVERTER_SCHEMAS = {"int": {"type": "integer", "minimum": 0}}  # werkzeug's int takes no sign


def _path(rule: str) -> tuple[str, list[dict]]:
    """('/versions/{version}', its path parameters) for the werkzeug rule '/versions/<int:version>'."""
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": dict(_CONVERTER_SCHEMAS.get(kind, {"type": "string"}))}
        for kind, name in _VARIABLE.findall(rule)
    ]
    return _VARIABLE.sub(r"{\2}", rule), parameters


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


def _component_schemas(operations: list[Operation]) -> tuple[dict[str, Any], Refs]:
    """Every model's JSON schema under components/schemas; a request body's in validation mode."""
    bodies = {op.body for op in operations if op.body is not None}
    responses = {op.response for op in operations if op.response is not None} | {s.Error}
    keyed = [(m, "validation") for m in bodies] + [(m, "serialization") for m in responses - bodies]
    refs, top = models_json_schema(keyed, ref_template=REF)
    return dict(top.get("$defs", {})), {model: ref for (model, _mode), ref in refs.items()}


def _operation(path: str, method: str, parameters: list[dict], op: Operation, refs: Refs) -> dict:
    operation: dict[str, Any] = {
        "summary": op.summary,
        "operationId": "_".join([method, *re.sub(r"[{}]", "", path).replace(".", "_").strip("/").split("/")]),
        "tags": [op.tag],
        "parameters": [*parameters, *op.parameters, REQUEST_ID_PARAMETER],
        "security": _security(op.auth),
        "responses": _responses(op, refs),
    }
    if op.body is not None:
        content = {JSON: {"schema": refs[op.body]}}
        if op.multipart is not None:
            content["multipart/form-data"] = {"schema": op.multipart}
        operation["requestBody"] = {"required": True, "content": content}
    return operation


def _security(auth: str | None) -> list[dict]:
    if auth == "metrics":
        return [{"metrics": []}, {}]  # only when the deployment sets a metrics token
    return [{auth: []}] if auth else []


def _responses(op: Operation, refs: Refs) -> dict:
    if op.media_type != JSON:
        success = {op.media_type: {"schema": {"type": "string"}}}
    else:
        success = {JSON: {"schema": refs[op.response] if op.response else {"type": "object"}}}
    responses = {str(op.status): {"description": "Done", "headers": REQUEST_ID_RESPONSE, "content": success}}
    for status in op.errors:
        responses[str(status)] = {
            "description": _ERROR_DESCRIPTIONS[status],
            "headers": REQUEST_ID_RESPONSE,
            "content": {JSON: {"schema": refs[s.Error]}},
        }
    return responses


REQUEST_ID_PARAMETER = header(
    REQUEST_ID_HEADER,
    "Your id for this request: kept when it is 1-128 letters, digits or ._:+=/- "
    "(starting with a letter or digit), else replaced by a new one",
)
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
