"""Signing in to /admin: the dev identity's form, the session cookie, CSRF, the admin role."""

import os
import stat
import time

import pytest

from tests.admin.htmlform import csrf_of


def test_pages_need_a_signed_in_admin(client):
    response = client.get("/admin/policy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sign-in?next=/admin/policy"


def test_json_calls_without_a_session_get_401(client):
    # the sign-in page gives this browser session a CSRF token, so the call passes the CSRF check
    # and is refused only because nobody signed in
    token = csrf_of(client.get("/admin/sign-in").text)
    response = client.post(
        "/admin/policy/check", headers={"Accept": "application/json", "X-CSRF-Token": token}
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_json_calls_without_a_csrf_token_get_400(client):
    response = client.post("/admin/policy/check", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.is_json


def test_the_dev_sign_in_form_signs_in_and_returns_to_the_page(client):
    page = client.get("/admin/sign-in?next=/admin/versions")
    assert page.status_code == 200
    assert 'name="tenant"' in page.text and 'name="user"' in page.text
    form = {
        "csrf_token": csrf_of(page.text),
        "tenant": "northshire",
        "user": "it@northshire.gov.uk",
        "admin": "on",
        "next": "/admin/versions",
    }
    response = client.post("/admin/sign-in", data=form)
    assert response.headers["Location"] == "/admin/versions"
    versions = client.get("/admin/versions")
    assert versions.status_code == 200
    assert "it@northshire.gov.uk" in versions.text and "northshire" in versions.text


def test_the_session_cookie_is_httponly_and_samesite(client):
    page = client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"csrf_token": csrf_of(page.text), "admin": "on"})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("sendward_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # the dev identity serves plain http on loopback


def test_the_session_secret_is_generated_into_the_data_directory(client, data_dir):
    client.get("/admin/sign-in")
    key = data_dir / "session.key"
    assert len(key.read_text().strip()) == 64
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600


def test_the_session_holds_the_validated_identity_not_a_token(app, client, sign_in):
    sign_in(tenant="northshire", user="it@northshire.gov.uk")
    cookie = client.get_cookie("sendward_session")
    stored = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert set(stored) == {"caller", "csrf_token", "_permanent", "sid"}  # sid: the server-side session's id
    caller = stored["caller"]
    assert (caller["tenant"], caller["name"], caller["roles"]) == (
        "northshire",
        "it@northshire.gov.uk",
        ["Sendward.Admin"],
    )
    assert caller["until"] <= time.time() + 8 * 3600
    assert all(len(str(value)) < 100 for value in caller.values())  # no token (a JWT is ~1 KB)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/admin",
        "/api/v1/admin/policy",
        "javascript:alert(1)",
    ],
)
def test_next_never_leaves_the_admin_page(client, target):
    page = client.get("/admin/sign-in")
    response = client.post(
        "/admin/sign-in", data={"csrf_token": csrf_of(page.text), "admin": "on", "next": target}
    )
    assert response.headers["Location"] == "/admin/"


def test_a_form_without_the_csrf_token_is_refused(client, sign_in):
    sign_in()
    response = client.post("/admin/policy", data={"action": "publish"})
    assert response.status_code == 400
    assert "expired" in response.text
    client.get("/admin/sign-in")
    assert client.post("/admin/sign-in", data={"tenant": "x", "admin": "on"}).status_code == 400


def test_a_csrf_token_from_another_session_is_refused(app, sign_in, client):
    token = sign_in()
    other = app.test_client()
    other.get("/admin/sign-in")
    assert (
        other.post("/admin/sign-in", data={"csrf_token": token, "admin": "on"}).status_code == 400
    )


def test_a_sender_without_the_admin_role_sees_403(client, sign_in):
    sign_in(admin=False)
    response = client.get("/admin/policy")
    assert response.status_code == 403
    assert "Sendward.Admin" in response.text


def test_the_not_an_administrator_page_offers_a_way_out_not_a_link_to_itself(client, sign_in):
    sign_in(admin=False)
    response = client.get("/admin/")
    assert response.status_code == 403
    assert 'href="/admin/"' not in response.text.split("</header>", 1)[1]  # no "back to the dashboard"
    assert 'action="/admin/sign-out"' in response.text
    signed_out = client.post("/admin/sign-out", data={"csrf_token": csrf_of(response.text)})
    assert signed_out.status_code == 302 and "/admin/sign-in" in signed_out.headers["Location"]


def test_a_bad_tenant_name_is_refused(client):
    page = client.get("/admin/sign-in")
    response = client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_of(page.text), "tenant": "../../etc", "admin": "on"},
    )
    assert response.status_code == 422
    assert "letters, digits" in response.text


def test_an_expired_session_signs_out(client, sign_in, monkeypatch):
    sign_in()
    later = time.time() + 9 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/admin/").status_code == 302


def test_sign_out_ends_the_session(client, sign_in):
    token = sign_in()
    response = client.post("/admin/sign-out", data={"csrf_token": token})
    assert response.headers["Location"] == "/admin/sign-in"
    assert client.get("/admin/").status_code == 302


def test_a_copy_of_the_cookie_is_worthless_after_sign_out(app, client, sign_in):
    token = sign_in()
    copied = client.get_cookie("sendward_session").value
    assert client.get("/admin/").status_code == 200
    client.post("/admin/sign-out", data={"csrf_token": token})
    replay = app.test_client()
    replay.set_cookie("sendward_session", copied)
    assert replay.get("/admin/").status_code == 302  # back to sign-in: the session ended server side


def test_pages_send_strict_headers(client, sign_in):
    sign_in()
    response = client.get("/admin/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_entra_callback_does_not_exist_with_the_dev_identity(client):
    assert client.get("/admin/auth/callback?code=x&state=y").status_code == 404


def test_a_configured_session_secret_is_used_instead_of_a_generated_one(container, data_dir):
    from dataclasses import replace

    from sendward.config import Settings
    from sendward.entrypoints.http.app import create_app

    assert Settings.from_env({"SENDWARD_SESSION_SECRET": "s3cret"}).session_secret == "s3cret"
    settings = container.settings.with_changes(session_secret="shared-by-every-instance")
    app = create_app(container=replace(container, settings=settings))
    assert app.secret_key == "shared-by-every-instance"
    assert not (data_dir / "session.key").exists()
