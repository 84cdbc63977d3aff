"""Graph tokens through the real msal, against the local Entra ID (on-behalf-of and client credentials)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.adapters.graph.errors import GraphAuthError
from sendward.adapters.graph.tokens import MsalGraphTokens, graph_scope
from sendward.adapters.identity.client_credential import client_credential
from sendward.adapters.identity.entra import entra_validator
from sendward.bootstrap import bootstrap
from sendward.config import ConfigError, Settings
from tests.fakes.identity_provider import OTHER_TENANT, TENANT, _self_signed, new_key

ALICE = "0b5e6c1d-1111-4222-8333-944455556666"
BOB = "0b5e6c1d-2222-4222-8333-944455556666"


class RecordingCache(MemoryKeyValueCache):
    def __init__(self):
        super().__init__()
        self.writes: list[tuple[str, int]] = []

    def set(self, key, value, ttl_seconds):
        self.writes.append((key, ttl_seconds))
        super().set(key, value, ttl_seconds)


@pytest.fixture
def idp(identity_provider):
    return identity_provider


@pytest.fixture
def settings(idp, tmp_path):
    return idp.settings(Settings(data_dir=tmp_path))


@pytest.fixture
def cache():
    return RecordingCache()


@pytest.fixture
def caller(idp, settings):
    """caller(**token_claims) -> a Caller validated from a token the fake issued (it keeps the assertion)."""
    validator = entra_validator(settings)
    return lambda **claims: validator.validate(idp.issue_user_token(**claims))


def tokens_for(settings, cache, **changes) -> MsalGraphTokens:
    return MsalGraphTokens(settings.with_changes(**changes), cache)


def test_on_behalf_of_gives_a_graph_token_for_the_caller(idp, settings, cache, caller):
    token = tokens_for(settings, cache).graph_token(caller(oid=ALICE))
    claims = idp.decode_graph_token(token)
    assert claims["oid"] == ALICE and claims["tid"] == TENANT
    assert claims["scp"] == "Mail.Read User.Read"
    [request] = idp.token_requests
    assert request["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert request["client_auth"] == "secret"
    scopes = request["scope"].split()
    assert "https://graph.microsoft.com/.default" in scopes
    assert "offline_access" not in scopes


def test_the_second_call_is_served_from_the_cache(idp, settings, cache, caller):
    graph_tokens = tokens_for(settings, cache)
    first = graph_tokens.graph_token(caller(oid=ALICE))
    user = caller(oid=ALICE)  # a fresh incoming token of the same user
    before = dict(idp.hits)
    assert graph_tokens.graph_token(user) == first
    assert idp.hits == before  # no token request, and msal's copy of the metadata was used
    assert idp.hits["token"] == 1


def test_each_user_has_an_entry_of_their_own(idp, settings, cache, caller):
    graph_tokens = tokens_for(settings, cache)
    alice = graph_tokens.graph_token(caller(oid=ALICE))
    bob = graph_tokens.graph_token(caller(oid=BOB))
    assert idp.decode_graph_token(bob)["oid"] == BOB and alice != bob
    assert idp.hits["token"] == 2
    assert (
        idp.hits["openid-configuration"] == 2
    )  # the validator's, and msal's (kept across msal clients)
    keys = [key for key, _ in cache.writes]
    assert len(set(keys)) == 2
    assert all(ALICE not in key and BOB not in key for key in keys)  # users are hashed


def test_the_stored_cache_holds_no_refresh_token_and_lives_as_long_as_the_token(
    idp, settings, cache, caller
):
    tokens_for(settings, cache).graph_token(caller(oid=ALICE))
    [(key, ttl)] = cache.writes
    assert 3500 <= ttl <= 3600
    stored = json.loads(cache.get(key))
    assert stored.get("RefreshToken") in (None, {})
    assert len(stored["AccessToken"]) == 1


def test_the_cache_is_shared_through_the_key_value_store(idp, settings, cache, caller):
    tokens_for(settings, cache).graph_token(caller(oid=ALICE))
    tokens_for(settings, cache).graph_token(caller(oid=ALICE))  # another worker, same store
    assert idp.hits["token"] == 1


def test_missing_consent_is_a_graph_auth_error_naming_the_code(idp, settings, cache, caller):
    idp.consent_missing.add(TENANT)
    user = caller(oid=ALICE, user="alice@contoso.example")
    with pytest.raises(GraphAuthError) as caught:
        tokens_for(settings, cache).graph_token(user)
    message = str(caught.value)
    assert "invalid_grant" in message and "AADSTS65001" in message and "consent" in message
    assert user.assertion not in message and "alice@contoso.example" not in message
    assert cache.writes == []


def test_an_assertion_entra_refuses_is_a_graph_auth_error(idp, settings, cache, caller):
    user = caller(oid=ALICE)
    idp.rotate_keys()  # the fake no longer knows the key that signed the caller's token
    with pytest.raises(GraphAuthError, match="AADSTS50013"):
        tokens_for(settings, cache).graph_token(user)


def test_a_wrong_client_secret_is_a_graph_auth_error(idp, settings, cache, caller):
    with pytest.raises(GraphAuthError, match="invalid_client.*AADSTS7000215"):
        tokens_for(settings, cache, client_secret="wrong").graph_token(caller())


@pytest.mark.parametrize("how", ["drop", "error"])
def test_entra_down_is_a_graph_auth_error(idp, settings, cache, caller, how):
    user = caller()
    idp.fail("all", how)
    with pytest.raises(GraphAuthError) as caught:
        tokens_for(settings, cache).graph_token(user)
    assert "could not be reached" in str(caught.value)
    assert user.assertion not in str(caught.value)


def test_a_caller_without_a_token_is_a_graph_auth_error(settings, cache, caller):
    with pytest.raises(GraphAuthError, match="not available"):
        tokens_for(settings, cache).graph_token(replace(caller(), assertion=""))


def test_client_credentials_in_application_mode(idp, settings, cache, caller):
    graph_tokens = tokens_for(settings, cache, graph_mode="application")
    token = graph_tokens.graph_token(caller(oid=ALICE))
    claims = idp.decode_graph_token(token)
    assert claims["roles"] == ["Mail.Read"] and "oid" not in claims
    assert graph_tokens.graph_token(caller(oid=BOB)) == token  # one app token per tenant
    assert [r["grant_type"] for r in idp.token_requests] == ["client_credentials"]
    graph_tokens.graph_token(caller(tenant=OTHER_TENANT))
    assert [r["tenant"] for r in idp.token_requests] == [TENANT, OTHER_TENANT]


def test_client_credentials_need_the_default_scope_as_at_entra(idp, settings, cache, caller):
    graph_tokens = tokens_for(settings, cache, graph_mode="application")
    graph_tokens.scopes = ["https://graph.microsoft.com/Mail.Read"]  # not the resource's /.default
    with pytest.raises(GraphAuthError, match="AADSTS1002012"):
        graph_tokens.graph_token(caller(oid=ALICE))
    assert [r["scope"] for r in idp.token_requests] == ["https://graph.microsoft.com/Mail.Read"]


@pytest.mark.parametrize("thumbprint", ["none", "sha1", "sha256"])
def test_a_certificate_credential_signs_with_its_sha256_thumbprint(idp, settings, cache, caller, tmp_path, thumbprint):
    """msal 1.35+ deprecates the SHA-1 thumbprint: whatever the operator wrote, the assertion names
    the certificate by its SHA-256 thumbprint (x5t#S256, PS256)."""
    given = {"none": None, "sha1": idp.certificate_thumbprint, "sha256": idp.certificate_thumbprint_sha256}
    with_certificate = settings.with_changes(
        client_secret=None,
        client_certificate_path=str(idp.certificate_pem_path(tmp_path)),
        client_certificate_thumbprint=given[thumbprint],
    )
    token = MsalGraphTokens(with_certificate, cache).graph_token(caller(oid=ALICE))
    assert idp.decode_graph_token(token)["oid"] == ALICE
    assert [r["client_auth"] for r in idp.token_requests] == ["certificate"]
    [header] = idp.client_assertion_headers
    assert header["alg"] == "PS256" and "x5t#S256" in header and "x5t" not in header


def test_a_key_only_file_falls_back_to_the_sha1_thumbprint(idp, settings, cache, caller, tmp_path):
    path = idp.certificate_pem_path(tmp_path)
    pem = path.read_bytes()
    path.write_bytes(pem[: pem.index(b"-----BEGIN CERTIFICATE-----")])  # the private key alone
    with_key = settings.with_changes(
        client_secret=None, client_certificate_path=str(path), client_certificate_thumbprint=idp.certificate_thumbprint
    )
    MsalGraphTokens(with_key, cache).graph_token(caller(oid=ALICE))
    [header] = idp.client_assertion_headers
    assert header["alg"] == "RS256" and "x5t" in header
    with pytest.raises(ConfigError, match="holds no certificate"):
        client_credential(with_key.with_changes(client_certificate_thumbprint=None))
    with pytest.raises(ConfigError, match="holds no certificate"):  # msal cannot sign with a SHA-256 one alone
        client_credential(with_key.with_changes(client_certificate_thumbprint=idp.certificate_thumbprint_sha256))


def test_a_certificate_entra_does_not_know_is_a_graph_auth_error(
    idp, settings, cache, caller, tmp_path
):
    registered = (idp.certificate_key, idp.certificate)
    idp.certificate_key = new_key()  # our file: another key and its own certificate
    idp.certificate = _self_signed(idp.certificate_key, "sendward-client")
    path = idp.certificate_pem_path(tmp_path)
    idp.certificate_key, idp.certificate = registered  # Entra ID knows only the first one
    with_certificate = settings.with_changes(client_secret=None, client_certificate_path=str(path))
    with pytest.raises(GraphAuthError, match="AADSTS700027"):
        MsalGraphTokens(with_certificate, cache).graph_token(caller())


def test_the_graph_scope_follows_the_graph_host(idp, settings, cache, caller):
    assert graph_scope() == "https://graph.microsoft.com/.default"
    assert graph_scope("https://graph.microsoft.us/v1.0") == "https://graph.microsoft.us/.default"
    fake_graph = "https://127.0.0.1:9443"
    token = tokens_for(settings, cache, graph_base_url=f"{fake_graph}/v1.0").graph_token(caller())
    assert idp.decode_graph_token(token, resource=fake_graph)["aud"] == fake_graph


# -- credentials from settings ------------------------------------------------------------


def test_a_secret_or_certificate_is_required(tmp_path):
    with pytest.raises(ConfigError, match="SENDWARD_CLIENT_SECRET"):
        client_credential(Settings(data_dir=tmp_path, identity="entra", client_id="c"))


def test_a_thumbprint_when_given_is_checked_against_the_certificate(idp, tmp_path):
    path = str(idp.certificate_pem_path(tmp_path))
    credential = client_credential(Settings(data_dir=tmp_path, client_certificate_path=path))
    assert "thumbprint" not in credential and "BEGIN CERTIFICATE" in credential["public_certificate"]
    with pytest.raises(ConfigError, match="40 .SHA-1. or 64 .SHA-256. hexadecimal"):
        client_credential(
            Settings(
                data_dir=tmp_path, client_certificate_path=path, client_certificate_thumbprint="abc"
            )
        )
    with pytest.raises(ConfigError, match="does not match"):
        client_credential(
            Settings(
                data_dir=tmp_path,
                client_certificate_path=path,
                client_certificate_thumbprint="AB" * 20,
            )
        )
    with pytest.raises(ConfigError, match="does not match"):
        client_credential(
            Settings(data_dir=tmp_path, client_certificate_path=path, client_certificate_thumbprint="AB" * 32)
        )


def test_a_certificate_that_is_not_the_keys_is_refused(idp, tmp_path):
    path = idp.certificate_pem_path(tmp_path)
    idp.certificate_key = new_key()  # the same certificate beside another key
    (tmp_path / "other").mkdir()
    other = idp.certificate_pem_path(tmp_path / "other")
    with pytest.raises(ConfigError, match="not the private key's certificate"):
        client_credential(Settings(data_dir=tmp_path, client_certificate_path=str(other)))
    assert client_credential(Settings(data_dir=tmp_path, client_certificate_path=str(path)))


def test_the_thumbprint_may_be_written_with_colons(idp, tmp_path):
    colons = ":".join(idp.certificate_thumbprint[i : i + 2].lower() for i in range(0, 40, 2))
    credential = client_credential(
        Settings(
            data_dir=tmp_path,
            client_certificate_path=str(idp.certificate_pem_path(tmp_path)),
            client_certificate_thumbprint=colons,
        )
    )
    assert "PRIVATE KEY" in credential["private_key"] and credential["public_certificate"]


def test_an_unreadable_or_keyless_certificate_file(tmp_path):
    thumbprint = "AB" * 20
    missing = Settings(
        data_dir=tmp_path,
        client_certificate_path=str(tmp_path / "nope.pem"),
        client_certificate_thumbprint=thumbprint,
    )
    with pytest.raises(ConfigError, match="cannot be read"):
        client_credential(missing)
    keyless = tmp_path / "keyless.pem"
    keyless.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    with pytest.raises(ConfigError, match="private key"):
        client_credential(missing.with_changes(client_certificate_path=str(keyless)))


def test_bootstrap_refuses_entra_without_a_credential(settings, scanner):
    with pytest.raises(ConfigError, match="SENDWARD_CLIENT_SECRET"):
        bootstrap(settings.with_changes(client_secret=None), scanner=scanner)


def test_bootstrap_exposes_graph_tokens_with_entra_only(idp, settings, scanner, tmp_path):
    container = bootstrap(settings, scanner=scanner)
    assert isinstance(container.graph_tokens, MsalGraphTokens)
    assert container.graph_tokens.mode == "delegated"
    assert container.dev_identity is None
    assert idp.hits == {}  # nothing fetched at start-up
    dev = bootstrap(Settings(data_dir=tmp_path / "dev"), scanner=scanner)
    assert dev.graph_tokens is None


@pytest.mark.redis
def test_workers_and_instances_share_graph_tokens_through_redis(idp, settings, caller, redis_url):
    from sendward.bootstrap import redis_store

    url, prefix = redis_url
    configured = settings.with_changes(redis_url=url, redis_prefix=prefix)
    user = caller(oid=ALICE)
    for _ in range(2):  # two processes: each has its own store object and msal client, one Redis
        store = redis_store(configured, b"the user-hash key every instance shares")
        tokens_for(configured, store).graph_token(user)
    assert idp.hits["token"] == 1
