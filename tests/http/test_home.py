"""GET /: a landing page naming the demo, the admin page, the documentation and the probes; the favicon; docs."""

from __future__ import annotations

import dataclasses
import re

from sendward.entrypoints.http.app import create_app


def test_the_landing_page_links_demo_admin_docs_and_health(client):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    links = set(re.findall(r'href="([^"]+)"', response.get_data(as_text=True)))
    assert {"/demo", "/admin/", "/docs/", "/healthz", "/readyz", "/api/v1/openapi.json"} <= links
    for link in links - {"/favicon.ico"}:
        assert client.get(link).status_code in (200, 302), link  # /admin redirects to sign in


def test_without_the_dev_identity_the_landing_page_does_not_offer_the_demo(container):
    settings = container.settings.with_changes(identity="entra", client_id="6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    app = create_app(container=dataclasses.replace(container, settings=settings))
    html = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/demo"' not in html and 'href="/admin/"' in html


def test_every_page_finds_its_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.get_data()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_documentation_is_served_as_text(client):
    index = client.get("/docs/").get_data(as_text=True)
    assert 'href="/docs/reference.md"' in index
    page = client.get("/docs/reference.md")
    assert page.status_code == 200 and page.mimetype == "text/plain"
    assert "# " in page.get_data(as_text=True)


def test_nothing_but_the_documents_is_served_from_docs(client):
    for path in ("/docs/../pyproject.toml", "/docs/img", "/docs/nope.md", "/docs/README.MD"):
        assert client.get(path).status_code == 404, path


def test_the_demo_loads_no_msal_it_does_not_need(client, container, tmp_path):
    # the dev identity signs in without MSAL.js; a missing bundle is not an error there
    response = client.get("/addin/vendor/msal-browser.min.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
