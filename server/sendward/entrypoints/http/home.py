"""GET /: a small landing page for whoever opens the service's address in a browser; the favicon;
and, in a checkout, the documentation (docs/*.md) as plain text.

The landing page names the places a newcomer looks for (the demo, the admin page, the documentation,
the health and readiness probes, the OpenAPI document) and nothing about the tenant or its policy.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, render_template, send_from_directory

import sendward
from sendward.entrypoints.addin_files import CHECKOUT, AddinFilesMissing, addin_dir
from sendward.entrypoints.http.auth import container
from sendward.entrypoints.http.errors import ApiError

bp = Blueprint("home", __name__, template_folder="templates")  # templates/home/

DOCS_DIR = CHECKOUT / "docs"
FAVICON = "assets/icon-32.png"
_DOC_NAME = re.compile(r"^[a-z][a-z0-9-]*\.md$")
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'"


def _docs() -> list[str]:
    if not DOCS_DIR.is_dir():
        return []  # an installed package: the documentation stays with the source
    return sorted(p.name for p in DOCS_DIR.glob("*.md") if _DOC_NAME.match(p.name))


def landing_links() -> list[tuple[str, str, str]]:
    """(address, title, what it is) for every place the landing page names."""
    links = []
    if container().settings.identity == "dev":
        links.append(("/demo", "Demo", "a compose page running the real Outlook add-in: pick an example, press Send"))
    links.append(("/admin/", "Admin page", "set the policy, try it on a saved e-mail, see what Sendward caught"))
    if _docs():
        links.append(("/docs/", "Documentation", "the guides in docs/ (reference, add-in, admin, deployment ...)"))
    links += [
        ("/api/v1/openapi.json", "API", "the OpenAPI document of POST /api/v1/score and the admin API"),
        ("/healthz", "Health", "the process is alive"),
        ("/readyz", "Readiness", "the detectors work and the stores answer"),
    ]
    return links


def _page(template: str, **context) -> Response:
    response = Response(render_template(template, **context), mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
def landing():
    return _page("home/landing.html", title="Sendward", version=sendward.__version__, links=landing_links())


@bp.get("/favicon.ico")
def favicon():
    try:
        folder = addin_dir(container().settings.addin_dir)
    except AddinFilesMissing:
        raise ApiError(404, "no favicon: the add-in's files are not installed", code="not_found") from None
    return send_from_directory(folder, FAVICON, mimetype="image/png", max_age=86400)


@bp.get("/docs/")
def docs_index():
    names = _docs()
    if not names:
        raise ApiError(404, "the documentation is not installed with this service; see docs/ in the source", code="not_found")
    return _page("home/docs.html", title="Sendward documentation", names=names)


@bp.get("/docs/<name>")
def doc(name: str):
    if not _DOC_NAME.match(name) or name not in _docs():
        raise ApiError(404, "no such document", code="not_found")
    response = send_from_directory(DOCS_DIR, name, mimetype="text/plain", max_age=300)
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
