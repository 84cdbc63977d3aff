"""Token validation: every way a token can be wrong is refused, through the one validator."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sendward.adapters.identity.dev import DEV_AUDIENCE, DevIdentity, dev_issuer
from sendward.adapters.identity.tokens import InvalidToken, TokenValidator
from sendward.kernel import ADMIN_ROLE


@pytest.fixture
def identity(tmp_path):
    return DevIdentity(tmp_path)


@pytest.fixture
def validator(identity):
    return identity.validator()


def claims(**overrides):
    now = int(time.time())
    base = {
        "iss": dev_issuer("tenant-a"), "aud": DEV_AUDIENCE, "tid": "tenant-a", "oid": "user-1",
        "preferred_username": "alice@example.org", "scp": "access_as_user", "iat": now, "nbf": now, "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(identity, payload, **headers):
    return jwt.encode(payload, identity.private_key, algorithm="RS256", headers={"kid": identity.kid, **headers})


def rejected(validator, token) -> str:
    with pytest.raises(InvalidToken) as caught:
        validator.validate(token)
    return str(caught.value)


def test_a_dev_token_is_accepted(identity, validator):
    caller = validator.validate(identity.issue("tenant-a", "alice@example.org", admin=True))
    assert caller.tenant_id == "tenant-a"
    assert caller.name == "alice@example.org"
    assert caller.is_admin
    assert not validator.validate(identity.issue("tenant-a", "bob@example.org")).is_admin


def test_the_key_persists_in_the_data_directory(tmp_path):
    token = DevIdentity(tmp_path).issue()
    assert DevIdentity(tmp_path).validator().validate(token).tenant_id == "dev-tenant"
    assert (tmp_path / "dev-identity" / "signing-key.pem").stat().st_mode & 0o777 == 0o600


def test_wrong_signature(identity, validator):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims(), other, algorithm="RS256", headers={"kid": identity.kid})
    assert "signature" in rejected(validator, forged)


def test_wrong_issuer(identity, validator):
    assert "issuer" in rejected(validator, sign(identity, claims(iss="https://evil.example/tenant-a/v2.0")))


def test_issuer_of_another_tenant(identity, validator):
    assert "issuer" in rejected(validator, sign(identity, claims(iss=dev_issuer("tenant-b"))))


def test_wrong_audience(identity, validator):
    assert "audience" in rejected(validator, sign(identity, claims(aud="api://someone-else")))


def test_expired(identity, validator):
    past = int(time.time()) - 3600
    assert "expired" in rejected(validator, sign(identity, claims(iat=past - 600, nbf=past - 600, exp=past)))


def test_small_clock_skew_is_tolerated(identity, validator):
    just_now = int(time.time()) - 30
    assert validator.validate(sign(identity, claims(exp=just_now))).user_id == "user-1"


def test_not_yet_valid(identity, validator):
    future = int(time.time()) + 3600
    assert "not yet valid" in rejected(validator, sign(identity, claims(nbf=future)))


def test_alg_none(identity, validator):
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": identity.kid}).encode()).rstrip(b"=")
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=")
    assert "algorithm" in rejected(validator, f"{header.decode()}.{body.decode()}.")


def test_hs256_signed_with_the_public_key(identity, validator):
    public_pem = identity.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": identity.kid}
    segments = [base64.urlsafe_b64encode(json.dumps(p).encode()).rstrip(b"=") for p in (header, claims())]
    import hashlib
    import hmac

    signing_input = b".".join(segments)
    signature = base64.urlsafe_b64encode(hmac.new(public_pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    assert "algorithm" in rejected(validator, (signing_input + b"." + signature).decode())


def test_unknown_key_id(identity, validator):
    assert "unknown key" in rejected(validator, sign(identity, claims(), kid="someone-elses-key"))


def test_missing_tenant(identity, validator):
    assert "tenant" in rejected(validator, sign(identity, claims(tid=None)))


def test_tenant_outside_the_allow_list(identity):
    validator = TokenValidator(
        keys=identity, issuers_for_tenant=lambda t: [dev_issuer(t)], audiences=(DEV_AUDIENCE,),
        allowed_tenants=("tenant-b",),
    )
    assert "tenant not allowed" in rejected(validator, identity.issue("tenant-a"))


def test_missing_scope(identity, validator):
    assert "scope" in rejected(validator, sign(identity, claims(scp="Mail.Read")))


def test_roles_must_be_strings(identity, validator):
    caller = validator.validate(sign(identity, claims(roles=[ADMIN_ROLE, {"x": 1}])))
    assert caller.roles == frozenset({ADMIN_ROLE})


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "x" * 20000, "eyJhbGciOiJSUzI1NiJ9.e30."])
def test_garbage(validator, garbage):
    rejected(validator, garbage)


def test_first_use_from_many_threads_creates_one_key(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    identities = [DevIdentity(tmp_path) for _ in range(8)]
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda identity: identity.issue("tenant-a"), identities * 3))
    validator = DevIdentity(tmp_path).validator()
    assert {validator.validate(t).tenant_id for t in tokens} == {"tenant-a"}
    assert list((tmp_path / "dev-identity").iterdir()) == [tmp_path / "dev-identity" / "signing-key.pem"]
