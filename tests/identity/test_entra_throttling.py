"""Entra ID throttling (429 with Retry-After) on the token endpoint and the key set: the product retries
only within its budget or follows the fail mode; a throttled Entra ID never turns into "allow"."""

from __future__ import annotations

import pytest

from sendward.adapters.graph.errors import GraphAuthError
from sendward.adapters.identity.entra import KeysUnavailable, entra_validator
from sendward.config import Settings
from tests.graph.test_end_to_end_entra import entra_client, graph_checking_entra_tokens  # noqa: F401 (fixtures)
from tests.graph.test_score_api_with_graph import request_body
from tests.identity.test_entra_tokens import Clock, make_validator, rejected
from tests.identity.test_graph_tokens import RecordingCache, tokens_for
from tests.fakes.identity_provider import TENANT


@pytest.fixture
def idp(identity_provider):
    return identity_provider


def test_a_throttled_key_set_is_keys_unavailable_then_read_after_the_refresh_interval(idp, tmp_path):
    clock = Clock()
    validator = make_validator(idp, tmp_path, clock)
    idp.throttle("jwks", times=1, retry_after=10)
    # the common key set is throttled: the tenant's own set (the same keys at Entra ID) still answers
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    assert (idp.throttled["jwks"], idp.hits["jwks"]) == (1, 2)

    validator = make_validator(idp, tmp_path, clock)
    idp.throttle("jwks", times=2, retry_after=10)  # both sets throttled
    rejected(validator, idp.issue_user_token(), KeysUnavailable)  # not a verdict on the token: 503, fail mode
    rejected(validator, idp.issue_user_token(), KeysUnavailable)
    assert (idp.throttled["jwks"], idp.hits["jwks"]) == (3, 4)  # not asked again at once
    clock.now += 31
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    assert idp.hits["jwks"] == 5


def test_a_throttled_key_set_keeps_the_known_keys_in_use(idp, tmp_path):
    clock = Clock()
    validator = make_validator(idp, tmp_path, clock)
    validator.validate(idp.issue_user_token())
    idp.throttle("all", times=10)
    clock.now += 31
    idp.rotate_keys(keep_old=True)  # a new kid: a re-read is tried and throttled
    rejected(validator, idp.issue_user_token(), KeysUnavailable)
    old = idp.issue_user_token(key=next(iter(idp._published.values())), kid=next(iter(idp._published)))
    assert validator.validate(old).tenant_id == TENANT  # the key we had still serves


def test_a_throttled_token_endpoint_is_a_graph_auth_error_naming_it(idp, tmp_path):
    settings = idp.settings(Settings(data_dir=tmp_path))
    user = entra_validator(settings).validate(idp.issue_user_token())
    idp.throttle("token", times=5, retry_after=30)
    with pytest.raises(GraphAuthError) as caught:
        tokens_for(settings, RecordingCache()).graph_token(user)
    assert user.assertion not in str(caught.value)
    assert 1 <= idp.throttled["token"] <= 2  # no retry storm against a throttled endpoint


def test_a_score_with_the_token_endpoint_throttled_follows_the_fail_mode(
    idp, graph_checking_entra_tokens, entra_client  # noqa: F811
):
    idp.throttle("token", times=5, retry_after=30)
    headers = {"Authorization": f"Bearer {idp.issue_user_token(user='ils@northshire.gov.uk')}"}
    response = entra_client.post("/api/v1/score", json=request_body(with_graph=True), headers=headers)
    verdict = response.get_json()
    assert response.status_code == 200, response.text
    unscannable = [f for f in verdict["findings"] if f["rule"] == "attachment.unscannable"]
    assert unscannable and all(f["evidence"]["infrastructure_failure"] for f in unscannable)
    assert verdict["action"] != "allow"
    assert graph_checking_entra_tokens.count("attachment_value") == 0
    assert idp.throttled["token"] >= 1


def test_a_score_with_the_key_set_throttled_is_503_never_a_verdict(idp, entra_client):  # noqa: F811
    idp.throttle("all", times=10, retry_after=30)
    headers = {"Authorization": f"Bearer {idp.issue_user_token(user='ils@northshire.gov.uk')}"}
    response = entra_client.post("/api/v1/score", json=request_body(with_graph=False), headers=headers)
    assert response.status_code == 503
    assert response.get_json()["error"] == "identity_unavailable"
