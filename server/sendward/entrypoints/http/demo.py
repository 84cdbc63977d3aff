"""/demo: a compose page that runs the real launchevent.js and details pane against a small
Office.js stand-in, so Sendward can be tried with no tenant. Registered only with the dev
identity, which serves on loopback only.
"""

from __future__ import annotations

import base64
import re

from flask import Blueprint, Response, jsonify, request, send_from_directory

from sendward.adapters.identity.dev import DEV_TENANT
from sendward.entrypoints import is_loopback
from sendward.entrypoints.addin_files import CHECKOUT
from sendward.entrypoints.http.addin import files_dir
from sendward.entrypoints.http.auth import container
from sendward.entrypoints.http.errors import ApiError

bp = Blueprint("demo", __name__, url_prefix="/demo")

# The demo records to the tenant /admin signs in to by default, so a newcomer sees the loop close:
# demo sends on the dashboard, policy edits in the next demo verdict.
DEMO_TENANT = DEV_TENANT
DEMO_USER = "demo.user@northshire.gov.uk"
TOKEN_LIFETIME_SECONDS = 15 * 60
OFFICE_JS = '<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js"></script>'
FRAME_STANDIN = '<script src="/demo/office-frame.js"></script>'
EXAMPLE = re.compile(r"^[\w-]+$")
DEMO_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "base-uri 'self'",
    ]
)


@bp.after_request
def demo_headers(response):
    response.headers["Content-Security-Policy"] = DEMO_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("")
def compose_page():
    return send_from_directory(files_dir() / "demo", "index.html")


@bp.get("/<path:name>")
def demo_file(name: str):
    if not re.match(r"^[\w-]+\.(?:js|css)$", name):
        raise ApiError(404, "no such demo file", code="not_found")
    return send_from_directory(files_dir() / "demo", name)


@bp.get("/taskpane.html")
def taskpane():
    """The real details pane, with the Office.js stand-in in place of Microsoft's office.js."""
    html = (files_dir() / "taskpane.html").read_text("utf-8")
    if OFFICE_JS not in html:
        raise ApiError(500, "taskpane.html no longer loads office.js the expected way", code="internal")
    return Response(html.replace(OFFICE_JS, FRAME_STANDIN), mimetype="text/html")


@bp.post("/token")
def token():
    """A short-lived dev token for the demo's stand-in of Office single sign-on."""
    if not is_loopback(request.remote_addr or ""):
        raise ApiError(403, "the demo token is only for this machine", code="forbidden")
    issued = container().dev_identity.issue(DEMO_TENANT, DEMO_USER, lifetime=TOKEN_LIFETIME_SECONDS)
    return jsonify({"token": issued, "expires_in": TOKEN_LIFETIME_SECONDS})


@bp.get("/examples/<name>.json")
def example(name: str):
    """An example draft from examples/*.eml, as the stand-in's compose form loads it."""
    from sendward.drafts import read_draft_file

    path = CHECKOUT / "examples" / f"{name}.eml"
    if not EXAMPLE.match(name) or not path.is_file():
        raise ApiError(404, "no such example", code="not_found")
    draft = read_draft_file(path)

    def people(addresses):
        return [{"address": a.address, "name": a.name} for a in addresses]

    return jsonify(
        {
            "from": {"address": draft.sender.address, "name": draft.sender.name} if draft.sender else None,
            "to": people(draft.to),
            "cc": people(draft.cc),
            "bcc": people(draft.bcc),
            "subject": draft.subject,
            "body": {"type": draft.body.type, "content": draft.body.content},
            "attachments": [
                {
                    "name": a.name,
                    "content_type": a.content_type,
                    "content_base64": base64.b64encode(a.content or b"").decode(),
                }
                for a in draft.attachments
            ],
        }
    )
