"""Junk tokens cannot starve key fetching (issue 14): checked before any fetch, common keys fetched once,
tenants' own key sets on a budget with negative caching. Counted at the local Entra ID (tests/fakes)."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest

from sendward.adapters.identity.tokens import InvalidToken
from tests.fakes.identity_provider import new_key
from tests.identity.test_entra_tokens import Clock, make_validator


@pytest.fixture
def idp(identity_provider):
    return identity_provider


def _fetches(idp) -> int:
    return idp.hits["openid-configuration"] + idp.hits["jwks"]


def _unsigned(claims: dict, header: dict) -> str:
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode(header)}.{encode(claims)}."


def basic_failures(idp):
    """Tokens that fail a check the key is not needed for, each naming a new tenant and key id."""
    tenant = str(uuid.uuid4())
    past = int(time.time()) - 7200
    return [
        _unsigned({"tid": tenant, "iss": idp.issuer(tenant), "aud": idp.client_id}, {"alg": "none", "kid": "k"}),
        "not.a.token",
        "eyJhbGciOiJSUzI1NiJ9." + "A" * 40 + "." + "B" * 342,
        idp.issue_user_token(tenant=tenant, kid=f"k-{tenant}", exp=past, iat=past - 60, nbf=past - 60),
        idp.issue_user_token(tenant=tenant, kid=f"k-{tenant}", aud="api://someone-else"),
        idp.issue_user_token(tenant=tenant, kid=f"k-{tenant}", iss=f"https://evil.example/{tenant}/v2.0"),
        idp.issue_user_token(tenant=tenant, kid=f"k-{tenant}", scp="User.Read"),
        idp.issue_user_token(tenant=tenant, kid=f"k-{tenant}").rpartition(".")[0] + ".c2hvcnQ",  # 5-byte signature
    ]


def test_tokens_failing_basic_checks_fetch_nothing(idp, tmp_path):
    validator = make_validator(idp, tmp_path, Clock())
    for token in basic_failures(idp):
        with pytest.raises(InvalidToken):
            validator.validate(token)
    assert _fetches(idp) == 0


def test_a_thousand_junk_tokens_do_not_delay_or_fail_a_genuine_user_of_a_new_tenant(idp, tmp_path):
    clock = Clock()  # all within one minute
    validator = make_validator(idp, tmp_path, clock)
    attacker = new_key()
    junk = []
    while len(junk) < 1000:
        tenant = str(uuid.uuid4())
        junk += basic_failures(idp)
        # well-formed, for a random tenant, signed by the attacker: with Entra's key id and with a made-up one
        junk.append(idp.issue_user_token(tenant=tenant, key=attacker))
        junk.append(idp.issue_user_token(tenant=tenant, key=attacker, kid=f"made-up-{tenant}"))
    for token in junk[:1000]:
        with pytest.raises(InvalidToken):
            validator.validate(token)
    fetched = _fetches(idp)
    assert fetched <= 2 * (1 + 120 + 1)  # the common set (twice at most), tenants' own sets within their budget

    genuine_tenant = str(uuid.uuid4())  # never seen before
    caller = validator.validate(idp.issue_user_token(tenant=genuine_tenant))
    assert caller.tenant_id == genuine_tenant
    assert _fetches(idp) == fetched  # nothing to wait for: its keys were already at hand


def test_upper_case_tenant_ids_are_one_tenant(idp, tmp_path):
    validator = make_validator(idp, tmp_path, Clock())
    tenant = "7A1C6A10-3F7E-4D2A-9A51-0C0FFEE0ABCD"
    assert validator.validate(idp.issue_user_token(tenant=tenant)).tenant_id == tenant.lower()
