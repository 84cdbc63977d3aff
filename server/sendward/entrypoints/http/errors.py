"""Every error is JSON ``{"error": code, "message": sentence}``; nothing a client sends causes a 500."""

from __future__ import annotations

import logging

from flask import Flask, has_request_context, jsonify
from werkzeug.exceptions import HTTPException

from sendward.domain.records import StorageUnavailable
from sendward.entrypoints.http.observe import request_id
from sendward.services.policies import PolicyUnavailable

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    428: "precondition_required",
    429: "too_many_requests",
    503: "unavailable",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.extra = extra


def error_response(status: int, code: str, message: str, **extra):
    body = {"error": code, "message": message, **extra}
    if has_request_context():
        body["request_id"] = request_id()
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if status == 429 and "retry_after_seconds" in extra:
        response.headers["Retry-After"] = str(extra["retry_after_seconds"])
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError):
        return error_response(error.status, error.code, error.message, **error.extra)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if status == 413:
            message = "the request is larger than this service accepts"
        else:
            message = error.description or error.name
        return error_response(status, _CODES.get(status, "error"), message)

    @app.errorhandler(StorageUnavailable)
    def _database_unavailable(error: StorageUnavailable):
        log.error("database error: %s", type(error.__cause__ or error).__name__)
        return error_response(503, "unavailable", "the database is unavailable; try again shortly")

    @app.errorhandler(PolicyUnavailable)
    def _policy_unavailable(error: PolicyUnavailable):
        return error_response(503, "unavailable", "the tenant's policy cannot be read right now; try again shortly")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Only the type is logged: messages of library errors can quote request content.
        log.error("unhandled %s", type(error).__name__)
        return error_response(500, "internal", "something went wrong on our side; the error was logged")
