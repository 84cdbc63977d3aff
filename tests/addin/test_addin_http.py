"""Serving the add-in: its files, the handler's configuration, the well-known list, CORS, CSP, /demo."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sendward.adapters.identity.dev import DEV_TENANT
from sendward.entrypoints.http.app import create_app

ORIGIN = "http://localhost"


def handler_config(response) -> dict:
    first_line = response.get_data(as_text=True).split("\n", 1)[0]
    assert first_line.startswith("var SENDWARD_CONFIG = ") and first_line.endswith(";")
    return json.loads(first_line[len("var SENDWARD_CONFIG = ") : -1])


def test_the_handler_is_served_with_its_configuration(client):
    response = client.get("/addin/launchevent.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert handler_config(response) == {
        "apiBase": ORIGIN, "budgetMs": 4000, "precheckBudgetMs": 30_000, "failMode": "open", "attachments": "inline",
    }
    assert "function onMessageSendHandler" in response.get_data(as_text=True)


def test_the_handler_waits_for_a_background_check_as_long_as_the_service_allows_one(container):
    settings = container.settings.with_changes(precheck_budget_ms=45_000)
    app = create_app(container=dataclasses.replace(container, settings=settings))
    assert handler_config(app.test_client().get("/addin/launchevent.js"))["precheckBudgetMs"] == 45_000


def test_the_handler_knows_a_closed_deployment_before_any_verdict(container):
    settings = container.settings.with_changes(fail_mode="closed")
    app = create_app(container=dataclasses.replace(container, settings=settings))
    assert handler_config(app.test_client().get("/addin/launchevent.js"))["failMode"] == "closed"


def test_with_an_entra_client_id_the_handler_learns_its_scope(container):
    settings = container.settings.with_changes(
        client_id="6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", public_url="https://sg.example.org"
    )
    app = create_app(container=dataclasses.replace(container, settings=settings))
    config = handler_config(app.test_client().get("/addin/launchevent.js", base_url="https://sg.example.org"))
    assert config["clientId"] == "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert config["apiScope"] == "api://sg.example.org/6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/access_as_user"
    assert config["apiBase"] == "https://sg.example.org"
    assert config["authority"] == "https://login.microsoftonline.com/organizations", "never common (personal accounts)"


def test_a_single_tenant_deployment_gives_nested_auth_its_tenant(container):
    tenant = "11111111-2222-4333-8444-555555555555"
    settings = container.settings.with_changes(client_id="6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                                               allowed_tenants=(tenant,))
    app = create_app(container=dataclasses.replace(container, settings=settings))
    config = handler_config(app.test_client().get("/addin/launchevent.js"))
    assert config["authority"] == f"https://login.microsoftonline.com/{tenant}"


@pytest.mark.parametrize("path", ["/addin/taskpane.html", "/addin/commands.html", "/addin/taskpane.js",
                                  "/addin/fixes.js", "/addin/taskpane.css", "/addin/assets/icon-80.png"])
def test_the_add_in_files_are_served(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/addin/package.json", "/addin/test/support.js", "/addin/../pyproject.toml",
                                  "/addin/node_modules/acorn/package.json", "/addin/demo/office-standin.js"])
def test_nothing_else_in_the_folder_is(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_the_well_known_list_allows_the_handler(container):
    settings = container.settings.with_changes(public_url="https://sg.example.org")
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    response = client.get("/.well-known/microsoft-officeaddins-allowed.json", base_url="https://sg.example.org")
    assert response.get_json() == {"allowed": ["https://sg.example.org/addin/launchevent.js"]}


def test_the_configuration_and_allow_list_never_follow_the_host_header(container):
    settings = container.settings.with_changes(public_url="https://sg.example.org", client_id="c")
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    evil = {"base_url": "https://evil.example"}
    allowed = client.get("/.well-known/microsoft-officeaddins-allowed.json", **evil).get_json()
    assert allowed == {"allowed": ["https://sg.example.org/addin/launchevent.js"]}
    config = handler_config(client.get("/addin/launchevent.js", headers={"Host": "evil.example"}))
    assert config["apiBase"] == "https://sg.example.org" and "evil" not in config["apiScope"]


def test_without_a_public_url_only_a_loopback_host_is_used(client):
    assert client.get("/.well-known/microsoft-officeaddins-allowed.json", base_url="http://127.0.0.1:8000").get_json() == {
        "allowed": ["http://127.0.0.1:8000/addin/launchevent.js"]}
    refused = client.get("/.well-known/microsoft-officeaddins-allowed.json", base_url="https://evil.example")
    assert refused.status_code == 404 and "SENDWARD_PUBLIC_URL" in refused.get_json()["message"]


def test_add_in_pages_carry_a_content_security_policy(client):
    policy = client.get("/addin/taskpane.html").headers["Content-Security-Policy"]
    assert "script-src 'self' https://appsforoffice.microsoft.com" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors" not in policy  # Outlook frames the pane from its own origins


def test_cors_answers_the_service_own_origin_and_configured_ones(container, auth):
    settings = container.settings.with_changes(addin_origins=("https://addin.example.org",))
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    preflight = client.options(
        "/api/v1/score",
        headers={"Origin": "https://addin.example.org", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://addin.example.org"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    scored = client.post("/api/v1/score", json={"to": []}, headers={**auth(), "Origin": ORIGIN})
    assert scored.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Request-Id" in scored.headers["Access-Control-Expose-Headers"]


def test_cors_ignores_other_origins(client, auth):
    response = client.post("/api/v1/score", json={"to": []}, headers={**auth(), "Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_score_request_works_cross_origin_as_the_event_runtime_sends_it(client, auth):
    response = client.post(
        "/api/v1/score",
        data=json.dumps({"to": [{"address": "a@gmail.com"}], "purpose": "precheck"}),
        headers={**auth(), "Origin": ORIGIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 200 and response.get_json()["action"] == "allow"


# -- /demo -------------------------------------------------------------------------------


def test_the_demo_page_runs_the_real_handler_on_the_stand_in(client):
    page = client.get("/demo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.index("/demo/office-standin.js") < html.index("/addin/launchevent.js")
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_the_demo_pane_is_the_real_pane_with_the_stand_in_for_office_js(client):
    html = client.get("/demo/taskpane.html").get_data(as_text=True)
    assert "appsforoffice.microsoft.com" not in html
    assert '<script src="/demo/office-frame.js"></script>' in html
    assert '<script src="/addin/taskpane.js"></script>' in html


def test_the_demo_token_is_a_short_lived_dev_token(client, container):
    body = client.post("/demo/token").get_json()
    caller = container.validator.validate(body["token"])
    assert caller.tenant_id == DEV_TENANT  # the tenant /admin signs in to by default
    assert body["expires_in"] == 900


def test_the_demo_token_is_for_this_machine_only(client):
    response = client.post("/demo/token", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 403


def test_an_example_loads_as_a_draft(client):
    draft = client.get("/demo/examples/01-mass-email-client-list.json").get_json()
    assert len(draft["to"]) == 157
    assert draft["attachments"][0]["name"] == "clients.xlsx"
    assert draft["from"]["address"] == "ils@northshire.gov.uk"


@pytest.mark.parametrize("name", ["nope", "..%2Fpyproject", "01-mass-email-client-list.eml"])
def test_unknown_examples_are_404(client, name):
    assert client.get(f"/demo/examples/{name}.json").status_code == 404


def test_without_the_dev_identity_there_is_no_demo(container):
    settings = container.settings.with_changes(identity="entra", client_id="6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d")
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    assert client.post("/demo/token").status_code == 404
    assert client.get("/demo").status_code == 404
    assert handler_config(client.get("/addin/launchevent.js"))["attachments"] == "reference"


def test_a_misconfigured_addin_folder_is_a_clear_404(container, tmp_path):
    settings = container.settings.with_changes(addin_dir=tmp_path)
    response = create_app(container=dataclasses.replace(container, settings=settings)).test_client().get("/addin/launchevent.js")
    assert response.status_code == 404
    assert "SENDWARD_ADDIN_DIR" in response.get_json()["message"]


def test_the_add_in_settings_come_from_the_environment(tmp_path):
    from sendward.config import Settings

    settings = Settings.from_env(
        {"SENDWARD_ADDIN_DIR": str(tmp_path), "SENDWARD_ADDIN_ORIGINS": "https://a.example/, https://b.example"}
    )
    assert settings.addin_dir == tmp_path
    assert settings.addin_origins == ("https://a.example", "https://b.example")


def test_the_handler_is_cacheable_with_an_etag_and_a_304_when_unchanged(client):
    """Outlook's 5 s include loading the handler (issue 13): a runtime that has it pays no body."""
    first = client.get("/addin/launchevent.js")
    etag = first.headers["ETag"]
    assert etag and "no-cache" not in first.headers["Cache-Control"]
    assert "max-age=" in first.headers["Cache-Control"]
    again = client.get("/addin/launchevent.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    stale = client.get("/addin/launchevent.js", headers={"If-None-Match": '"an-older-release"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == etag


def test_the_handlers_etag_changes_with_its_configuration(container):
    served = create_app(container=container).test_client().get("/addin/launchevent.js").headers["ETag"]
    closed = dataclasses.replace(container, settings=container.settings.with_changes(fail_mode="closed"))
    assert create_app(container=closed).test_client().get("/addin/launchevent.js").headers["ETag"] != served


def test_the_classic_runtimes_preflight_is_answered(container):
    """It asks for Content-Length too and sends its Origin with a trailing slash (office-js #3907, #4369)."""
    settings = container.settings.with_changes(addin_origins=("https://addin.example.org",))
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    preflight = client.options(
        "/api/v1/score",
        headers={"Origin": "https://addin.example.org/", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, Content-Length, content-type"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://addin.example.org/", "echoed as sent"
    allowed = {h.strip().lower() for h in preflight.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"authorization", "content-length", "content-type"} <= allowed


def test_a_trailing_slash_does_not_let_another_origin_in(client):
    preflight = client.options(
        "/api/v1/score", headers={"Origin": "https://evil.example/", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
