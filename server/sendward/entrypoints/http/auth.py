"""Bearer tokens on every API request; the admin role for admin endpoints."""

from __future__ import annotations

import functools
import time

from flask import current_app, g, request

from sendward.adapters.identity.entra import KeysUnavailable
from sendward.adapters.identity.tokens import InvalidToken
from sendward.entrypoints.http.errors import ApiError


def container():
    return current_app.extensions["sendward"]


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send a bearer token in the Authorization header", code="missing_token")
    return token.strip()


def authenticate():
    started = time.perf_counter()
    try:
        return container().validator.validate(bearer_token())
    except KeysUnavailable:  # not a verdict on the token: the add-in applies its fail mode
        raise ApiError(
            503, "Entra ID cannot be reached to check the token; try again shortly", code="identity_unavailable"
        ) from None
    except InvalidToken as error:
        raise ApiError(401, f"the token was rejected: {error}", code="invalid_token") from None
    finally:
        if container().metrics is not None:
            container().metrics.stages_finished({"auth": time.perf_counter() - started})


def require_caller(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.caller = authenticate()
        return view(*args, **kwargs)

    return wrapper


def require_admin(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        g.caller = authenticate()
        if not g.caller.is_admin:
            raise ApiError(403, "this needs the Sendward.Admin role", code="forbidden")
        return view(*args, **kwargs)

    return wrapper
