"""One Application ID URI for the whole deployment: the token check, the admin sign-in and the
add-in's configuration agree on it for every combination of SENDWARD_API_AUDIENCE and
SENDWARD_PUBLIC_URL (issue 13, point 9)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sendward.adapters.identity.entra import EntraKeys, api_application_id_uri, api_scope, entra_validator
from sendward.adapters.identity.entra_sign_in import EntraSignIn
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app
from tests.fakes.identity_provider import CLIENT_ID

PUBLIC = "https://sendward.contoso.example"
CUSTOM = f"api://custom.contoso.example/{CLIENT_ID}"
CASES = {
    "neither": ({}, f"api://{CLIENT_ID}"),
    "public url only": ({"public_url": PUBLIC}, f"api://sendward.contoso.example/{CLIENT_ID}"),
    "audience only": ({"api_audience": CUSTOM}, CUSTOM),
    "both": ({"api_audience": CUSTOM, "public_url": PUBLIC}, CUSTOM),
}


def addin_scope(container, changes) -> str:
    settings = container.settings.with_changes(client_id=CLIENT_ID, **changes)
    client = create_app(container=dataclasses.replace(container, settings=settings)).test_client()
    # without SENDWARD_PUBLIC_URL the add-in is served only to a loopback host
    response = client.get("/addin/launchevent.js", base_url=changes.get("public_url", "http://localhost"))
    first_line = response.get_data(as_text=True).split("\n", 1)[0]
    return json.loads(first_line[len("var SENDWARD_CONFIG = ") : -1])["apiScope"]


@pytest.mark.parametrize("case", CASES)
def test_token_check_admin_sign_in_and_add_in_agree(case, container, identity_provider, tmp_path):
    changes, expected_uri = CASES[case]
    settings = identity_provider.settings(Settings(data_dir=tmp_path), **changes)
    assert api_application_id_uri(settings) == expected_uri
    scope = api_scope(settings)
    assert scope == f"{expected_uri}/access_as_user"

    assert addin_scope(container, changes) == scope
    assert EntraSignIn.from_settings(settings).scopes == [scope]

    # the token Office SSO gets for that scope (v1: aud is the Application ID URI) passes the check,
    # as does a nested-app-authentication token (v2: aud is the client id)
    validator = entra_validator(settings, keys=EntraKeys(settings.authority_host, verify=settings.ca_bundle))
    identity_provider.app_id_uri = expected_uri
    assert validator.validate(identity_provider.issue_user_token(version="1.0")).user_id
    assert validator.validate(identity_provider.issue_user_token()).user_id
