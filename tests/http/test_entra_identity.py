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


# -- the calling app (azp / appid) ------------------------------------------------------------

OTHER_APP = "0f0e0d0c-0b0a-4909-8807-060504030201"  # an app some user consented to, not Office


@pytest.mark.parametrize(
    "claims",
    [
        {},  # nested app authentication: azp is Sendward's own client id
        {"azp": "d3590ed6-52b3-4102-aeff-aad2292ab01c"},  # Office SSO, Microsoft Office (desktop)
        {"azp": "EA5A67F6-B6F3-4338-B240-C655DDC3CC8E"},  # Office's umbrella id, whatever its case
        {"version": "1.0", "appid": "bc59ab01-8403-45c6-8796-ac3ef710b3e3"},  # a v1 token from Outlook on the web
    ],
    ids=["own-app", "office-desktop", "office-any-case", "v1-outlook-web"],
)
def test_tokens_from_sendward_and_office_are_scored(idp, entra_client, claims):
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token(**claims)))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "claims",
    [
        {"azp": OTHER_APP},
        {"version": "1.0", "appid": OTHER_APP},
        {"azp": None},  # names no calling app at all
        {"azp": "1fec8e78-bce4-4aaf-ab1b-5451cc387264"},  # Teams: Outlook add-ins do not run there
    ],
    ids=["v2-other-app", "v1-other-app", "no-app", "teams"],
)
def test_a_token_issued_to_another_app_is_401_invalid_token(idp, entra_client, claims):
    response = entra_client.post("/api/v1/score", json=BODY, headers=bearer(idp.issue_user_token(**claims)))
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"
    assert "azp" in response.get_json()["message"]
