"""Signing in to the admin page: the dev identity in the embedded default, Entra ID in production.

Both end the same way: a token validated by the service's TokenValidator (the
same check as every API call) becomes the session's caller.
"""

from __future__ import annotations

import jwt
from flask import abort, current_app, redirect, render_template, request, url_for

from sendward.adapters.identity.dev import DEV_TENANT, DEV_USER
from sendward.adapters.identity.entra import KeysUnavailable
from sendward.adapters.identity.entra_sign_in import EntraSignIn, SignInFailed
from sendward.adapters.identity.tokens import InvalidToken
from sendward.kernel import TENANT_ID
from sendward.entrypoints.http.admin_page import session as admin_session
from sendward.entrypoints.http.admin_page.blueprint import bp, container, safe_next

MAX_USER_LENGTH = 320


@bp.get("/sign-in")
def sign_in():
    if admin_session.signed_in_caller() is not None:
        return redirect(safe_next(request.args.get("next")))
    return _sign_in_page()


@bp.post("/sign-in")
def start_sign_in():
    if container().dev_identity is not None:
        return _dev_sign_in()
    try:
        flow, auth_uri = entra_sign_in().start(url_for("admin_page.auth_callback", _external=True))
    except SignInFailed as error:
        return _sign_in_page(error=str(error), status=503)
    admin_session.remember_flow({**flow, "next": safe_next(request.form.get("next"))})
    return redirect(auth_uri)


@bp.get("/auth/callback")
def auth_callback():
    if container().dev_identity is not None:
        abort(404)  # the dev identity signs in without a redirect
    flow = admin_session.take_flow()
    target = flow.pop("next", None)
    try:
        token = entra_sign_in().finish(flow, request.args.to_dict())
    except SignInFailed as error:
        return _sign_in_page(error=str(error), status=400)
    return _signed_in(token, target)


@bp.post("/sign-out")
def sign_out():
    admin_session.sign_out()
    return redirect(url_for("admin_page.sign_in"))


def _dev_sign_in():
    tenant = request.form.get("tenant", "").strip() or DEV_TENANT
    user = request.form.get("user", "").strip() or DEV_USER
    if not TENANT_ID.match(tenant):
        return _sign_in_page(
            error="The tenant is letters, digits, '.', '_' or '-' (at most 64).", status=422
        )
    if len(user) > MAX_USER_LENGTH:
        return _sign_in_page(
            error=f"The user name is at most {MAX_USER_LENGTH} characters.", status=422
        )
    token = container().dev_identity.issue(tenant, user, admin="admin" in request.form)
    return _signed_in(token, request.form.get("next"))


def _signed_in(token: str, target: str | None):
    try:
        caller = container().validator.validate(token)
    except KeysUnavailable as error:
        return _sign_in_page(error=f"The sign-in token could not be checked: {error}.", status=503)
    except InvalidToken as error:
        return _sign_in_page(error=f"The sign-in token was refused: {error}.", status=401)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]  # verified just above
    admin_session.sign_in(caller, expires)
    return redirect(safe_next(target))


def _sign_in_page(error: str | None = None, status: int = 200):
    page = render_template(
        "admin/sign_in.html",
        error=error,
        next=safe_next(request.values.get("next")),
        dev=container().dev_identity is not None,
        dev_tenant=DEV_TENANT,
        dev_user=DEV_USER,
    )
    return page, status


def entra_sign_in() -> EntraSignIn:
    """One msal client per app, made on the first sign-in (msal reads the authority's metadata then)."""
    key = "sendward.entra_sign_in"
    if key not in current_app.extensions:
        current_app.extensions[key] = EntraSignIn.from_settings(container().settings)
    return current_app.extensions[key]
