"""The /admin blueprint: signed-in admins only, CSRF on every form, HTML errors, strict headers."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from sendward.entrypoints.http.admin_page import session as admin_session
from sendward.entrypoints.http.auth import container

bp = Blueprint(
    "admin_page",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

PUBLIC_ENDPOINTS = {
    "admin_page.sign_in",
    "admin_page.start_sign_in",
    "admin_page.auth_callback",
    "admin_page.sign_out",  # a signed-in sender who is not an admin can sign out too (CSRF still checked)
    "admin_page.static",
}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@bp.record_once
def _configure(state) -> None:
    admin_session.configure(state.app, state.app.extensions["sendward"].settings)


@bp.before_request
def _guard():
    if request.method not in SAFE_METHODS:
        admin_session.check_csrf(
            request.headers.get(admin_session.CSRF_HEADER)
            or request.form.get(admin_session.CSRF_FIELD)
        )
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    caller = admin_session.signed_in_caller()
    if caller is None:
        if _wants_json():
            return jsonify({"error": "unauthorized", "message": "sign in again"}), 401
        return redirect(url_for("admin_page.sign_in", next=request.full_path.rstrip("?")))
    g.caller = caller
    if not caller.is_admin:
        return render_template(
            "admin/error.html",
            status=403,
            title="You are not an administrator",
            message=f"{caller.name} does not have the Sendward.Admin role in this organisation. "
            "Ask whoever manages Sendward's app roles in Entra ID to assign it.",
            offer_sign_out=True,  # every admin page answers the same: a link to one would go round in a circle
        ), 403
    return None


@bp.after_request
def _headers(response):
    form_targets = "'self'"
    settings = container().settings
    if settings.identity != "dev":
        form_targets += f" {settings.authority_host}"  # the sign-in form redirects to Entra ID
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"frame-ancestors 'none'; base-uri 'none'; form-action {form_targets}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.context_processor
def _template_globals():
    return {
        "csrf_token": admin_session.csrf_token,
        "caller": g.get("caller"),
        "identity": container().settings.identity,
        "as_json": _as_json,
    }


def _as_json(value) -> str:
    """JSON for people to read (the template escapes it)."""
    return json.dumps(value, ensure_ascii=False)


@bp.errorhandler(admin_session.CsrfError)
def _csrf_failed(error):
    if _wants_json():
        return jsonify({"error": "csrf", "message": str(error)}), 400
    return render_template(
        "admin/error.html", status=400, title="Please try again", message=str(error)
    ), 400


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    message = {
        404: "There is nothing here. It may belong to another organisation, or never existed.",
        413: "That file is larger than Sendward accepts.",
    }.get(status, error.description or error.name)
    if _wants_json():
        return jsonify({"error": error.name.lower().replace(" ", "_"), "message": message}), status
    return render_template(
        "admin/error.html", status=status, title=error.name, message=message
    ), status


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def safe_next(target: str | None) -> str:
    """Only a path inside the admin page: never another site."""
    default = url_for("admin_page.dashboard")
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not parts.path.startswith("/admin")
        or target.startswith("//")
    ):
        return default
    return target
