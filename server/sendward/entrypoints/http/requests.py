"""Reading a JSON request body: 415 for another type, 400 for bad JSON, 422 for bad fields."""

from __future__ import annotations

import json

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from sendward.domain.policy import field_errors, first_error
from sendward.entrypoints.http.errors import ApiError


def json_body():
    if not request.mimetype == "application/json":
        raise ApiError(415, "send the body as application/json")
    raw = body_bytes()
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"the body is not valid JSON: {_first_line(error)}", code="invalid_json") from None
    if not isinstance(document, dict):
        raise ApiError(400, "the body must be a JSON object", code="invalid_json")
    return document


def body_bytes() -> bytes:
    """The request body, 413 past MAX_CONTENT_LENGTH, chunked too.

    With a Content-Length, Werkzeug refuses an oversized body up front; a chunked body has none, and
    Werkzeug would silently cut it at the limit (the truncated JSON then read as a 400). Here it is read
    from the server's stream up to one byte past the limit, and refused if it goes on."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None and limit:
        stream = request.environ.get("wsgi.input")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ApiError(413, "the request is larger than this service accepts", code="too_large")
        return raw
    return request.get_data(cache=False)


def validated(model: type[BaseModel], document: dict, status: int = 422, code: str = "invalid"):
    try:
        return model.model_validate(document)
    except ValidationError as error:
        fields = field_errors(error)
        raise ApiError(status, first_error(error, "body"), code=code, fields=fields[:50]) from None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]


def query_args(model: type[BaseModel], **fixed):
    """The query parameters as ``model`` (an empty one is left out, ``fixed`` ones set); 400 for a bad one."""
    try:
        return model.model_validate({**{k: v for k, v in request.args.items() if v}, **fixed})
    except ValidationError as error:
        raise ApiError(400, first_error(error, "query"), code="invalid_query") from None
