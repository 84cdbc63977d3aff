"""The API with SENDWARD_IDENTITY=entra, pointed at the local Entra ID: 200, 401 and 503 over HTTP."""

from __future__ import annotations

import pytest

from sendward.bootstrap import bootstrap
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app
from tests.builders import draft, score_request

BODY = score_request(draft(to=["a@contoso.example"]))


@pytest.fixture
def idp(identity_provider):
    return identity_provider


@pytest.fixture
def entra_app(idp, tmp_path, scanner):
    settings = idp.settings(Settings(data_dir=tmp_path / "data"))
    app = create_app(container=bootstrap(settings, scanner=scanner))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def entra_client(entra_app):
    return entra_app.test_client()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_from_entra_is_scored(idp, entra_client):
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token()))
    assert response.status_code == 200, response.text
    assert response.get_json()["action"] == "allow"


def test_a_token_entra_did_not_sign_is_401(idp, entra_client):
    forged = idp.issue_user_token(kid="forged")
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(forged))
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_dev_token_is_401_with_entra(idp, entra_client, tmp_path):
    from sendward.adapters.identity.dev import DevIdentity

    response = entra_client.post(
        "/api/v1/score", json=BODY, headers=bearer(DevIdentity(tmp_path).issue())
    )
    assert response.status_code == 401


def test_entra_down_at_the_first_request_is_503_identity_unavailable(idp, entra_client):
    idp.fail("jwks", "drop")
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token()))
    assert response.status_code == 503
    assert response.get_json()["error"] == "identity_unavailable"


def test_an_unknown_key_while_entra_is_down_is_503_identity_unavailable(
    idp, entra_app, entra_client
):
    entra_app.extensions["sendward"].validator.keys.refresh_interval = 0  # rather than wait 30 s
    assert (
        entra_client.post(
            "/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token())
        ).status_code
        == 200
    )
    idp.fail("all", "drop")
    known = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token()))
    assert known.status_code == 200  # the cached key still works
    idp.rotate_keys()
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token()))
    assert response.status_code == 503
    assert response.get_json()["error"] == "identity_unavailable"


def test_the_admin_api_follows_the_app_role(idp, entra_client):
    admin = entra_client.get(
        "/api/v1/admin/policy", headers=bearer(idp.issue_user_token(admin=True))
    )
    assert admin.status_code == 200
    user = entra_client.get("/api/v1/admin/policy", headers=bearer(idp.issue_user_token()))
    assert user.status_code == 403


def test_the_admin_page_answers_503_when_keys_are_unavailable(container):
    from dataclasses import replace

    from sendward.adapters.identity.entra import KeysUnavailable
    from tests.admin.htmlform import csrf_of

    class Unreachable:
        def signing_key(self, kid, tenant_id):
            raise KeysUnavailable("Entra ID cannot be reached for the tenant's signing keys")

    app = create_app(
        container=replace(container, validator=replace(container.validator, keys=Unreachable()))
    )
    client = app.test_client()
    page = client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 503
    assert "could not be checked" in response.text
