"""Reading a JSON request body: 415 for another type, 400 for bad JSON, 422 for bad fields."""

from __future__ import annotations

import json

from flask import request
from pydantic import BaseModel, ValidationError

from sendward.domain.policy import field_errors, first_error
from sendward.entrypoints.http.errors import ApiError


def json_body():
    if not request.mimetype == "application/json":
        raise ApiError(415, "send the body as application/json")
    raw = request.get_data(cache=False)
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"the body is not valid JSON: {_first_line(error)}", code="invalid_json") from None
    if not isinstance(document, dict):
        raise ApiError(400, "the body must be a JSON object", code="invalid_json")
    return document


def validated(model: type[BaseModel], document: dict, status: int = 422, code: str = "invalid"):
    try:
        return model.model_validate(document)
    except ValidationError as error:
        fields = field_errors(error)
        raise ApiError(status, first_error(error, "body"), code=code, fields=fields[:50]) from None


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200]
