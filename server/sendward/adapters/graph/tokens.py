"""Graph access tokens through msal (the GraphTokens port).

Delegated mode exchanges the caller's own token for a Graph token on behalf of
the caller (the on-behalf-of flow); application mode uses the app's own
permissions (client credentials). msal's token cache is kept in the
KeyValueCache (in process, or Redis when configured): one entry per tenant and
hashed user for on-behalf-of, one per tenant for the app. Refresh tokens are
dropped before the cache is stored, so the store only ever holds access tokens,
for at most their lifetime. Tokens are never logged.

One msal client is made per call, bound to that call's cache entry; the
identity provider's metadata is read once and kept in a shared ``http_cache``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import msal
import requests

from sendward.adapters.graph.errors import GraphAuthError
from sendward.adapters.identity.client_credential import client_credential
from sendward.adapters.identity.http_session import IdentitySession

log = logging.getLogger(__name__)

DEFAULT_GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0"
_AADSTS = re.compile(r"AADSTS(\d{4,9})")
_HINTS = {
    65001: "consent is missing: an administrator must grant consent to Sendward's Graph permissions"
}


def graph_scope(graph_base_url: str = DEFAULT_GRAPH_BASE_URL) -> str:
    """The ``.default`` scope of the Graph resource Sendward calls (a national cloud's Graph has its own host)."""
    parts = urlsplit(graph_base_url)
    return f"{parts.scheme}://{parts.netloc}/.default"


class MsalGraphTokens:
    def __init__(self, settings, cache):
        self.client_id = settings.client_id
        self.authority_host = settings.authority_host.rstrip("/")
        self.mode = settings.graph_mode  # "delegated" or "application" (Settings takes no other)
        self.scopes = [graph_scope(settings.graph_base_url)]
        self._credential = client_credential(settings)
        self._cache = cache
        self._http_client = IdentitySession(settings.ca_bundle or True)
        self._http_cache: dict = {}  # msal's copy of the authority's metadata (no tokens)

    def graph_token(self, caller) -> str:
        delegated = self.mode == "delegated"
        if delegated and not caller.assertion:
            raise GraphAuthError(
                "the caller's token is not available for the on-behalf-of exchange"
            )
        key = self._user_key(caller) if delegated else self._app_key(caller.tenant_id)
        with self._token_cache(key) as token_cache:
            client = self._client(caller.tenant_id, token_cache)
            if delegated:
                result = self._cached_user_token(client) or client.acquire_token_on_behalf_of(
                    user_assertion=caller.assertion, scopes=self.scopes
                )
            else:
                result = client.acquire_token_for_client(scopes=self.scopes)
            if not result or "access_token" not in result:
                raise GraphAuthError(_failure_message(result or {}))
            token_cache.lifetime = max(token_cache.lifetime, int(result.get("expires_in") or 0))
            return result["access_token"]

    def _cached_user_token(self, client) -> dict | None:
        # The cache entry belongs to one user, so its one account is the caller.
        accounts = client.get_accounts()
        if len(accounts) != 1:
            return None
        result = client.acquire_token_silent(self.scopes, account=accounts[0])
        return result if result and "access_token" in result else None

    @contextmanager
    def _token_cache(self, key: str):
        token_cache = _StoredTokenCache()
        stored = self._cache.get(key)
        if stored:
            try:
                token_cache.deserialize(stored.decode("utf-8"))
            except ValueError:
                log.warning("discarding an unreadable Graph token cache entry")
        try:
            yield token_cache
        except (
            requests.RequestException,
            msal.exceptions.MsalError,
            ValueError,
            RuntimeError,
        ) as error:
            # requests' errors for an unreachable authority; msal's for 5xx answers and unusable metadata
            raise GraphAuthError(
                f"Entra ID could not be reached for a Graph token ({type(error).__name__})"
            ) from None
        if token_cache.has_state_changed and token_cache.lifetime > 0:
            token_cache.drop_refresh_tokens()
            self._cache.set(key, token_cache.serialize().encode("utf-8"), token_cache.lifetime)

    def _client(self, tenant_id: str, token_cache) -> msal.ConfidentialClientApplication:
        return msal.ConfidentialClientApplication(
            self.client_id,
            client_credential=self._credential,
            authority=f"{self.authority_host}/{tenant_id}",
            validate_authority=False,
            instance_discovery=False,  # nothing to discover with a configured host, and no call beyond it
            http_client=self._http_client,
            http_cache=self._http_cache,
            token_cache=token_cache,
            exclude_scopes=["offline_access"],
        )

    def _user_key(self, caller) -> str:
        user = hashlib.sha256(f"{caller.tenant_id}:{caller.user_id}".encode()).hexdigest()[:32]
        return f"graph-tokens:{self.client_id}:obo:{caller.tenant_id.lower()}:{user}"

    def _app_key(self, tenant_id: str) -> str:
        return f"graph-tokens:{self.client_id}:app:{tenant_id.lower()}"


class _StoredTokenCache(msal.SerializableTokenCache):
    """msal's cache, remembering how long the entry is worth keeping."""

    lifetime = 0  # seconds; raised per token it is given

    def drop_refresh_tokens(self) -> None:
        for item in list(self.search(self.CredentialType.REFRESH_TOKEN)):
            self.remove_rt(item)


def _failure_message(result: dict) -> str:
    """The OAuth error and the AADSTS code, never the description (it can name the user)."""
    error = str(result.get("error") or "no_token")[:64]
    codes = [c for c in result.get("error_codes") or [] if isinstance(c, int)]
    if not codes:
        codes = [int(c) for c in _AADSTS.findall(str(result.get("error_description") or ""))[:1]]
    if not codes:
        return f"Entra ID gave no Graph token: {error}"
    code = codes[0]
    hint = _HINTS.get(code, f"see https://login.microsoftonline.com/error?code={code}")
    return f"Entra ID gave no Graph token: {error} (AADSTS{code}: {hint})"
