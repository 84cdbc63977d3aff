"""The Outlook add-in's files, the well-known list Outlook checks, and the headers the add-in needs.

- /addin/...: the handler, the details pane and their assets, from the addin/ folder.
  launchevent.js is served with its configuration prepended: classic Outlook on Windows loads
  that one file alone, so it cannot fetch a config file or know its origin.
- /.well-known/microsoft-officeaddins-allowed.json: the JavaScript files allowed to use SSO and
  CORS from the event runtime of classic Outlook on Windows.
- CORS on POST /api/v1/score for the service's own origin and SENDWARD_ADDIN_ORIGINS; a
  Content-Security-Policy on the add-in's pages.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlsplit

from flask import Blueprint, Response, jsonify, request, send_from_directory

from sendward.entrypoints import is_loopback
from sendward.adapters.identity.entra import api_scope, sign_in_tenant
from sendward.entrypoints.addin_files import AddinFilesMissing, addin_dir
from sendward.entrypoints.http.auth import container
from sendward.entrypoints.http.errors import ApiError

bp = Blueprint("addin", __name__)

HANDLER_FILE = "launchevent.js"
SEND_BUDGET_MS = 4000  # Outlook says "taking longer than expected" after 5 s, loading included
HANDLER_MAX_AGE = 300  # seconds a runtime may reuse launchevent.js before asking again (ETag, 304)
_SERVED = re.compile(r"^(?:[\w-]+\.(?:html|js|css)|assets/[\w-]+\.png)$")
MSAL_BUNDLE = "node_modules/@azure/msal-browser/lib/msal-browser.min.js"
CORS_PATHS = ("/api/v1/score",)
ADDIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' https://appsforoffice.microsoft.com",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self' https://login.microsoftonline.com",
        "frame-src 'self' https://login.microsoftonline.com",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


def files_dir():
    try:
        return addin_dir(container().settings.addin_dir)
    except AddinFilesMissing as error:
        raise ApiError(404, str(error), code="not_found") from None


def public_origin() -> str | None:
    """The service's origin: SENDWARD_PUBLIC_URL; without it, only a loopback Host (the embedded default).

    Never a Host header from elsewhere: the add-in's configuration and the well-known list would
    then point Outlook wherever the request said."""
    configured = container().settings.public_url
    if configured:
        return configured
    host = (urlsplit(request.host_url).hostname or "").lower()
    if is_loopback(host):
        return request.host_url.rstrip("/")
    return None


def origin() -> str:
    found = public_origin()
    if found is None:
        raise ApiError(
            404, "SENDWARD_PUBLIC_URL is not set: the add-in's configuration is built from it, never from the "
            "Host header", code="not_found",
        )
    return found


def handler_config() -> dict:
    """What launchevent.js needs to know about this deployment (no policy: that stays here)."""
    settings = container().settings
    config = {
        "apiBase": origin(),
        "budgetMs": SEND_BUDGET_MS,
        # A background check has no Outlook clock: it may take what the service allows one.
        "precheckBudgetMs": settings.precheck_budget_ms,
        # Until a verdict tells the tenant's own fail mode, an outage follows the deployment's.
        "failMode": settings.fail_mode,
        # Without Graph (the embedded default) the add-in sends attachment bytes itself.
        "attachments": "inline" if settings.identity == "dev" else "reference",
    }
    if settings.client_id:
        # the same scope the token check and the admin sign-in use (api_scope)
        authority = f"{settings.authority_host.rstrip('/')}/{sign_in_tenant(settings)}"
        config.update(clientId=settings.client_id, apiScope=api_scope(settings), authority=authority)
    return config


@bp.get(f"/addin/{HANDLER_FILE}")
def handler_script():
    """Cacheable with a validator: Outlook's 5 s include loading this file (office-js #6816), so a
    runtime that has it may reuse it for HANDLER_MAX_AGE s, and after that a 304 costs no body. The
    ETag is a digest of exactly what is served (configuration and source), so a new release or
    setting changes it."""
    source = (files_dir() / HANDLER_FILE).read_text("utf-8")
    body = f"var SENDWARD_CONFIG = {json.dumps(handler_config(), sort_keys=True)};\n{source}"
    response = Response(body, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(body.encode("utf-8")).hexdigest()[:32])
    response.headers["Cache-Control"] = f"max-age={HANDLER_MAX_AGE}, must-revalidate"
    return response.make_conditional(request)


@bp.get("/addin/vendor/msal-browser.min.js")
def msal_bundle():
    path = files_dir() / MSAL_BUNDLE
    if not path.is_file() and container().settings.identity == "dev":
        # `make run` installs no npm packages: the dev identity signs in without MSAL.js.
        body = "/* MSAL.js is not installed (npm ci in addin/); the dev identity does not use it. */\n"
        return Response(body, mimetype="text/javascript")
    if not path.is_file():
        raise ApiError(404, "MSAL.js is not installed (npm ci in addin/)", code="not_found")
    return send_from_directory(path.parent, path.name, mimetype="text/javascript", max_age=3600)


@bp.get("/addin/<path:name>")
def addin_file(name: str):
    if not _SERVED.match(name):
        raise ApiError(404, "no such add-in file", code="not_found")
    return send_from_directory(files_dir(), name, max_age=300)


@bp.get("/.well-known/microsoft-officeaddins-allowed.json")
def allowed_addins():
    return jsonify({"allowed": [f"{origin()}/addin/{HANDLER_FILE}"]})


def allowed_origins() -> set[str]:
    own = public_origin()
    return {*([own] if own else []), *container().settings.addin_origins}


@bp.after_app_request
def addin_headers(response):
    path = request.path
    if path.startswith(CORS_PATHS):
        _cors(response)
    if path.startswith("/addin/"):
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", ADDIN_CSP)
            response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _cors(response) -> None:
    # Classic Outlook's JS-only runtime sends its Origin with a trailing slash (office-js #3907,
    # #4369): it is matched without it, and echoed exactly as sent, or the runtime refuses the answer.
    sent = request.headers.get("Origin", "")
    response.headers.add("Vary", "Origin")
    if not sent.rstrip("/") or sent.rstrip("/") not in allowed_origins():
        return
    response.headers["Access-Control-Allow-Origin"] = sent
    # so the add-in can quote the request id when it reports a failure, and read the stage timings
    response.headers["Access-Control-Expose-Headers"] = "X-Request-Id, Server-Timing"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "POST"
        # That runtime's preflight also asks for Content-Length.
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Content-Length"
        response.headers["Access-Control-Max-Age"] = "600"


