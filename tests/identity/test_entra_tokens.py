"""Entra ID tokens for the API, validated against a local Entra ID (tests/fakes/identity_provider.py).

Keys come from the fake's OpenID configuration over HTTPS, as they would from
login.microsoftonline.com; the fake counts every request, so the tests can tell
when keys were (and were not) fetched.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography.hazmat.primitives import serialization

from sendward.adapters.identity.entra import (
    EntraKeys,
    KeysUnavailable,
    entra_audiences,
    entra_validator,
    v1_issuer,
)
from sendward.adapters.identity.tokens import InvalidToken
from sendward.config import Settings
from tests.fakes.identity_provider import CLIENT_ID, OTHER_TENANT, TENANT, new_key


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def idp(identity_provider):
    return identity_provider


def make_validator(idp, tmp_path, clock=None, keys_options=None, **settings_changes):
    settings = idp.settings(Settings(data_dir=tmp_path), **settings_changes)
    keys = EntraKeys(
        settings.authority_host,
        verify=settings.ca_bundle,
        clock=clock or time.monotonic,
        **(keys_options or {}),
    )
    return entra_validator(settings, keys=keys)


@pytest.fixture
def validator(idp, tmp_path, clock):
    return make_validator(idp, tmp_path, clock)


def rejected(validator, token, error=InvalidToken) -> str:
    with pytest.raises(error) as caught:
        validator.validate(token)
    return str(caught.value)


def test_a_v2_token_from_nested_app_authentication_is_accepted(idp, validator):
    caller = validator.validate(idp.issue_user_token(user="alice@contoso.example"))
    assert caller.tenant_id == TENANT
    assert caller.user_id == "0b5e6c1d-1111-4222-8333-944455556666"
    assert caller.name == "alice@contoso.example"
    assert "access_as_user" in caller.scopes
    assert not caller.is_admin
    assert caller.assertion  # kept for the on-behalf-of exchange


def test_the_admin_role_makes_an_admin(idp, validator):
    assert validator.validate(idp.issue_user_token(admin=True)).is_admin
    assert not validator.validate(idp.issue_user_token(roles=["Sendward.Reader"])).is_admin


def test_a_v1_office_sso_token_is_accepted(idp, validator):
    caller = validator.validate(idp.issue_user_token(version="1.0", user="bob@contoso.example"))
    assert caller.name == "bob@contoso.example"  # v1 tokens carry upn, not preferred_username


def test_a_v1_token_for_the_configured_application_id_uri(idp, tmp_path):
    uri = f"api://sendward.contoso.example/{CLIENT_ID}"
    idp.app_id_uri = uri
    validator = make_validator(idp, tmp_path, api_audience=uri)
    assert validator.validate(idp.issue_user_token(version="1.0")).tenant_id == TENANT
    assert "audience" in rejected(
        validator, idp.issue_user_token(version="1.0", aud="api://elsewhere/x")
    )


def test_keys_are_fetched_once_and_then_served_from_memory(idp, validator):
    for _ in range(5):
        validator.validate(idp.issue_user_token())
    assert idp.hits["openid-configuration"] == 1
    assert idp.hits["jwks"] == 1


def test_wrong_signature(idp, validator):
    forged = idp.issue_user_token(key=new_key())  # the real kid, another key
    assert "signature" in rejected(validator, forged)


def test_wrong_issuer(idp, validator):
    assert "issuer" in rejected(
        validator, idp.issue_user_token(iss=f"https://evil.example/{TENANT}/v2.0")
    )


def test_the_issuer_of_another_tenant(idp, validator):
    assert "issuer" in rejected(validator, idp.issue_user_token(iss=idp.issuer(OTHER_TENANT)))


def test_wrong_audience(idp, validator):
    assert "audience" in rejected(
        validator, idp.issue_user_token(aud="00000003-0000-0000-c000-000000000000")
    )


def test_a_tenant_outside_the_allow_list_is_refused_without_fetching(idp, tmp_path):
    validator = make_validator(idp, tmp_path, allowed_tenants=(OTHER_TENANT,))
    assert "tenant not allowed" in rejected(validator, idp.issue_user_token(tenant=TENANT))
    assert idp.hits["jwks"] == 0
    assert validator.validate(idp.issue_user_token(tenant=OTHER_TENANT)).tenant_id == OTHER_TENANT


def test_any_tenant_when_none_is_listed(idp, validator):
    assert validator.validate(idp.issue_user_token(tenant=OTHER_TENANT)).tenant_id == OTHER_TENANT


def test_a_tenant_entra_does_not_know_is_401_not_503_and_not_asked_about_again(idp, validator, clock):
    idp.tenants = {TENANT}
    own_key = idp.issue_user_token(tenant=OTHER_TENANT, kid="a-key-of-its-own")  # not in the common set
    error = rejected(validator, own_key)
    assert "does not know the token's tenant" in error
    asked = idp.hits["openid-configuration"]
    clock.now += 600  # negative caching: an unknown tenant is not asked about again within the hour
    with pytest.raises(InvalidToken) as caught:
        validator.validate(own_key)
    assert not isinstance(caught.value, KeysUnavailable)
    assert idp.hits["openid-configuration"] == asked + 1  # the common set's re-read (every 30 s at most) only


def test_a_tenant_id_that_is_not_a_guid_is_refused_without_fetching(idp, validator):
    assert "not an Entra ID tenant id" in rejected(
        validator, idp.issue_user_token(tenant="contoso")  # its issuer names "contoso" too
    )
    assert idp.hits["openid-configuration"] == 0


def test_expired(idp, validator):
    past = int(time.time()) - 3600
    assert "expired" in rejected(
        validator, idp.issue_user_token(iat=past - 600, nbf=past - 600, exp=past)
    )


def test_missing_scope(idp, validator):
    assert "scope" in rejected(validator, idp.issue_user_token(scp="User.Read"))


def _segments(header: dict, claims: dict) -> bytes:
    return b".".join(
        base64.urlsafe_b64encode(json.dumps(p).encode()).rstrip(b"=") for p in (header, claims)
    )


def _claims_of(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_alg_none(idp, validator):
    claims = _claims_of(idp.issue_user_token())
    token = _segments({"alg": "none", "kid": idp.kid}, claims).decode() + "."
    assert "algorithm" in rejected(validator, token)


def test_hs256_signed_with_the_public_key(idp, validator):
    public_pem = idp.signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = _segments(
        {"alg": "HS256", "typ": "JWT", "kid": idp.kid}, _claims_of(idp.issue_user_token())
    )
    signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    ).rstrip(b"=")
    assert "algorithm" in rejected(validator, (signing_input + b"." + signature).decode())


def test_a_rotated_key_is_fetched_once_then_accepted(idp, validator, clock):
    validator.validate(idp.issue_user_token())
    clock.now += 31
    idp.rotate_keys()
    for _ in range(3):
        assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    assert idp.hits["jwks"] == 2
    assert "unknown key" in rejected(validator, idp.issue_user_token(kid="retired-key"))


def test_forged_key_ids_do_not_make_us_hammer_entra(idp, validator, clock):
    validator.validate(idp.issue_user_token())
    for number in range(20):
        assert "unknown key" in rejected(validator, idp.issue_user_token(kid=f"forged-{number}"))
    assert idp.hits["jwks"] == 2  # the common set, then the tenant's own once; both under 30 s ago
    clock.now += 31
    for number in range(20):
        rejected(validator, idp.issue_user_token(kid=f"forged-again-{number}"))
    assert idp.hits["jwks"] == 4


def test_new_tenants_need_no_fetch_of_their_own(idp, validator):
    tenants = [f"7a1c6a10-3f7e-4d2a-9a51-00000000000{n}" for n in range(5)]
    for tenant in tenants:
        assert validator.validate(idp.issue_user_token(tenant=tenant)).tenant_id == tenant
    assert (idp.hits["openid-configuration"], idp.hits["jwks"]) == (1, 1)  # the common set, once


def test_tenants_own_key_sets_share_a_fetch_budget_the_common_set_does_not_use(idp, tmp_path, clock):
    validator = make_validator(idp, tmp_path, clock, keys_options={"fetches_per_minute": 2})
    tenants = [f"7a1c6a10-3f7e-4d2a-9a51-00000000000{n}" for n in range(3)]
    rejected(validator, idp.issue_user_token(tenant=tenants[0], kid="own"))
    rejected(validator, idp.issue_user_token(tenant=tenants[1], kid="own"))
    rejected(validator, idp.issue_user_token(tenant=tenants[2], kid="own"), KeysUnavailable)
    assert validator.validate(idp.issue_user_token(tenant=tenants[2])).tenant_id == tenants[2]
    clock.now += 61
    assert "unknown key" in rejected(validator, idp.issue_user_token(tenant=tenants[2], kid="own"))


@pytest.mark.parametrize("how", ["drop", "error"])
def test_cached_keys_keep_working_while_the_key_set_is_unreachable(idp, validator, clock, how):
    validator.validate(idp.issue_user_token())
    idp.fail("jwks", how)
    clock.now += 31
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    clock.now += (
        2 * 24 * 3600
    )  # past the keys' maximum age: a refresh is tried (in the background), fails, the keys stay
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    wait_for(lambda: idp.hits["jwks"] == 2 and not validator.keys._common.lock.locked())
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT


def wait_for(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the background re-read did not happen"
        time.sleep(0.02)


def test_a_due_re_read_with_a_slow_entra_does_not_hold_the_request(idp, validator, clock):
    validator.validate(idp.issue_user_token())
    clock.now += 2 * 24 * 3600  # the key set is due for a re-read
    idp.fail("all", "slow")  # Entra ID answers after SLOW_SECONDS (3 s)
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT
    # the known key, at once: the re-read (Entra ID answers it after 3 s) is still under way
    assert validator.keys._common.lock.locked()
    wait_for(lambda: idp.hits["jwks"] == 2 and not validator.keys._common.lock.locked())
    assert validator.keys._common.status == "ok"  # re-read, late but in full


def test_a_known_key_does_not_wait_for_another_request_re_reading_the_set(idp, validator, clock):
    validator.validate(idp.issue_user_token())
    clock.now += 2 * 24 * 3600  # the key set is due for a re-read
    busy = validator.keys._common.lock  # as if another request were fetching right now
    pool = ThreadPoolExecutor(2)
    busy.acquire()
    try:
        assert (
            pool.submit(validator.validate, idp.issue_user_token()).result(timeout=5).tenant_id
            == TENANT
        )
        waiting = pool.submit(validator.validate, idp.issue_user_token(kid="new-key"))
        time.sleep(0.2)
        assert not waiting.done()  # an unknown key waits for the fetch
    finally:
        busy.release()
        pool.shutdown(wait=True)
    with pytest.raises(InvalidToken, match="unknown key"):
        waiting.result()
    assert idp.hits["jwks"] == 3  # the waiting request did the re-read (the common set, then the tenant's)


def test_an_unknown_key_while_entra_is_unreachable_is_keys_unavailable(idp, validator, clock):
    validator.validate(idp.issue_user_token())
    idp.fail("all", "drop")
    clock.now += 31
    idp.rotate_keys()
    assert "cannot be reached" in rejected(validator, idp.issue_user_token(), KeysUnavailable)
    # Within 30 s of that attempt nothing is fetched, and the answer stays "unavailable", not "unknown key".
    rejected(validator, idp.issue_user_token(kid="forged"), KeysUnavailable)
    assert idp.hits["openid-configuration"] == 3  # the first common read, a common and a tenant attempt
    idp.recover()
    clock.now += 31
    assert validator.validate(idp.issue_user_token()).tenant_id == TENANT


def test_a_cold_start_with_entra_down_is_keys_unavailable(idp, validator):
    idp.fail("openid-configuration", "error")
    rejected(validator, idp.issue_user_token(), KeysUnavailable)


def test_v1_issuers():
    assert (
        v1_issuer("https://login.microsoftonline.com", TENANT)
        == f"https://sts.windows.net/{TENANT}/"
    )
    assert (
        v1_issuer("https://login.microsoftonline.us/", TENANT)
        == f"https://sts.windows.net/{TENANT}/"
    )
    assert (
        v1_issuer("https://login.chinacloudapi.cn", TENANT)
        == f"https://sts.chinacloudapi.cn/{TENANT}/"
    )
    assert v1_issuer("https://127.0.0.1:8443", TENANT) == f"https://127.0.0.1:8443/{TENANT}/"


def test_audiences():
    assert entra_audiences(CLIENT_ID) == (f"api://{CLIENT_ID}", CLIENT_ID)
    assert entra_audiences(CLIENT_ID, f"api://h.example/{CLIENT_ID}") == (
        f"api://h.example/{CLIENT_ID}",
        f"api://{CLIENT_ID}",
        CLIENT_ID,
    )


def test_the_key_sets_kept_are_bounded_the_least_recently_used_going_first():
    keys = EntraKeys("https://login.example", max_tenants=2)
    first, second = keys._tenant("tenant-1"), keys._tenant("tenant-2")
    assert keys._tenant("tenant-1") is first  # used again: now the most recent
    keys._tenant("tenant-3")
    assert sorted(keys._tenants) == ["tenant-1", "tenant-3"]
    assert keys._tenant("tenant-2") is not second  # forgotten: a fresh, empty entry
