"""The admin page's session: who signed in, until when, and the CSRF token of their forms.

The session is Flask's signed cookie (HttpOnly, SameSite=Lax, Secure behind
Entra ID). It holds the identity validated at sign-in (tenant, user, roles and
expiry), never a token, so nothing in it can be replayed against the API, and a
random session id whose SHA-256 the database keeps: signing out ends the session
there, so a copy of the cookie is worthless afterwards, on every instance.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, session

from sendward.kernel import Caller
from sendward.adapters.local_secrets import read_or_create_secret

SESSION_HOURS = 8
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


class CsrfError(Exception):
    pass


def configure(app: Flask, settings) -> None:
    if not app.secret_key:
        app.secret_key = settings.session_secret or read_or_create_secret(
            Path(settings.data_dir) / "session.key"
        )
    app.config.update(
        SESSION_COOKIE_NAME="sendward_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.identity
        != "dev",  # the dev identity serves on loopback over http
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )


def sign_in(caller: Caller, token_expires_at: int) -> None:
    """Start a fresh session for ``caller`` (a new CSRF token too); it ends with the token or in 8 hours."""
    session.clear()
    session.permanent = True
    until = min(int(token_expires_at), int(time.time()) + SESSION_HOURS * 3600)
    session_id = secrets.token_urlsafe(32)
    _storage().start_admin_session(_hashed(session_id), caller.tenant_id, datetime.fromtimestamp(until, timezone.utc))
    session["sid"] = session_id
    session["caller"] = {
        "tenant": caller.tenant_id,
        "user": caller.user_id,
        "name": caller.name,
        "roles": sorted(caller.roles),
        "scopes": sorted(caller.scopes),
        "until": until,
    }
    session[CSRF_FIELD] = secrets.token_urlsafe(32)


def signed_in_caller() -> Caller | None:
    stored = session.get("caller")
    if not isinstance(stored, dict) or stored.get("until", 0) <= time.time():
        return None
    session_id = session.get("sid")
    if not isinstance(session_id, str) or not _storage().admin_session_live(_hashed(session_id)):
        return None  # signed out (here or on another instance), or a cookie from before sessions were kept
    return Caller(
        tenant_id=stored["tenant"],
        user_id=stored["user"],
        name=stored["name"],
        scopes=frozenset(stored["scopes"]),
        roles=frozenset(stored["roles"]),
    )


def sign_out() -> None:
    session_id = session.get("sid")
    if isinstance(session_id, str):
        _storage().end_admin_session(_hashed(session_id))
    session.clear()


def _hashed(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _storage():
    from sendward.entrypoints.http.auth import container

    return container().storage


def csrf_token() -> str:
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf(sent: str | None) -> None:
    expected = session.get(CSRF_FIELD)
    if not expected or not sent or not hmac.compare_digest(str(expected), str(sent)):
        raise CsrfError(
            "the form has expired or did not come from this page; reload it and try again"
        )


def remember_flow(flow: dict) -> None:
    session["sign_in_flow"] = flow


def take_flow() -> dict:
    return session.pop("sign_in_flow", None) or {}
