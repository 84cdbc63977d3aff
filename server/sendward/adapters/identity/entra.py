"""Entra ID access tokens for Sendward's API: the tenant's signing keys and the validator.

The add-in gets its token by nested app authentication (a v2 token) or, in classic
Outlook on Windows, by Office single sign-on (a v1 token when the app registration
still accepts v1). Both go through the same TokenValidator as the dev identity;
this module supplies what differs: the keys, the issuers and the audiences.

Before any key is looked up, the validator checks everything it can without one
(algorithm, shape of the signature, issuer, audience, expiry, scope, user), so junk
costs no fetch. Keys come from the OpenID configuration (``jwks_uri``) of
``/common``, the set Entra ID signs every tenant's tokens with: fetched once for
all tenants, with its own budget. Only a key id outside that set (an app with its
own signing key) makes us read the tenant's own set. An unknown ``kid`` triggers
one refresh (key rotation), at most once per ``refresh_interval`` per set, at most
``fetches_per_minute`` fetches of tenants' sets in all, and a tenant Entra ID does
not know is not asked about again for ``unknown_tenant_interval`` (an hour), so
forged key ids or tenant ids can neither make us hammer the identity provider nor
use up the fetches a genuine user needs.
While the identity provider is unreachable the cached keys keep working; a token
whose key we do not have then raises KeysUnavailable (HTTP 503), not InvalidToken
(HTTP 401): the token was neither accepted nor refuted, and the add-in applies
its fail mode.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

import jwt
import requests
from cachetools import LRUCache

from sendward.adapters.identity.http_session import IdentitySession
from sendward.adapters.identity.tokens import API_SCOPE, InvalidToken, TokenValidator

log = logging.getLogger(__name__)

_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)

# v1 tokens name the tenant under a security token service host, not the sign-in host.
_V1_ISSUER_HOSTS = {
    "login.microsoftonline.com": "https://sts.windows.net",
    "login.microsoftonline.us": "https://sts.windows.net",
    "login.chinacloudapi.cn": "https://sts.chinacloudapi.cn",
    "login.partner.microsoftonline.cn": "https://sts.chinacloudapi.cn",
}


COMMON = "common"  # the key set Entra ID signs every tenant's tokens with


class KeysUnavailable(InvalidToken):
    """Entra ID could not be reached for the signing key: the token could not be checked either way."""


def v2_issuer(authority_host: str, tenant_id: str) -> str:
    return f"{authority_host.rstrip('/')}/{tenant_id}/v2.0"


def v1_issuer(authority_host: str, tenant_id: str) -> str:
    """``https://sts.windows.net/{tid}/`` for Microsoft's clouds; ``{authority_host}/{tid}/`` for any other host."""
    host = urlsplit(authority_host).hostname or ""
    prefix = _V1_ISSUER_HOSTS.get(host.lower(), authority_host.rstrip("/"))
    return f"{prefix}/{tenant_id}/"


def entra_issuers(authority_host: str, tenant_id: str) -> list[str]:
    return [v2_issuer(authority_host, tenant_id), v1_issuer(authority_host, tenant_id)]


def api_application_id_uri(settings) -> str:
    """Sendward's API as Entra ID knows it (the Application ID URI): the one place that decides it.

    SENDWARD_API_AUDIENCE when set; else ``api://<public host>/<client id>`` when SENDWARD_PUBLIC_URL
    is set (the form Office SSO requires, and what the manifests declare); else ``api://<client id>``.
    The token check, the admin sign-in and the add-in's configuration all use it."""
    if settings.api_audience:
        return settings.api_audience.rstrip("/")
    host = urlsplit(settings.public_url).netloc if settings.public_url else ""
    return f"api://{host}/{settings.client_id}" if host else f"api://{settings.client_id}"


def api_scope(settings) -> str:
    """The delegated scope the add-in and the admin sign-in ask for: ``<Application ID URI>/access_as_user``."""
    return f"{api_application_id_uri(settings)}/{API_SCOPE}"


def sign_in_tenant(settings) -> str:
    """Where users sign in (the admin page, the add-in's nested app authentication): the one tenant the
    service accepts, else any work or school account ("organizations"), never "common", which also
    offers personal Microsoft accounts."""
    return settings.allowed_tenants[0] if len(settings.allowed_tenants) == 1 else "organizations"


def entra_audiences(client_id: str, api_audience: str | None = None) -> tuple[str, ...]:
    """v2 tokens carry the bare client id; v1 tokens the Application ID URI the client asked for."""
    candidates = [api_audience, f"api://{client_id}", client_id]
    return tuple(dict.fromkeys(a for a in candidates if a))


def settings_audiences(settings) -> tuple[str, ...]:
    """The audiences a token for this deployment may carry (api_application_id_uri first)."""
    return entra_audiences(settings.client_id, api_application_id_uri(settings))


# Office's own client ids, which get tokens for the add-in's API by legacy Office SSO
# (OfficeRuntime.auth.getAccessToken, classic Outlook on Windows) once the app registration
# pre-authorises them. Microsoft's "Register an Office Add-in that uses single sign-on" lists
# ea5a67f6 (all Office endpoints) and the platform ids it covers; older versions of that page
# also list 57fb890c and 08e18876 (Office on the web). Teams' ids are left out: Outlook add-ins
# do not run in Teams.
OFFICE_CLIENT_IDS = (
    "ea5a67f6-b6f3-4338-b240-c655ddc3cc8e",  # Microsoft Office: all Office application endpoints
    "d3590ed6-52b3-4102-aeff-aad2292ab01c",  # Microsoft Office (desktop)
    "93d53678-613d-4013-afc1-62e9e444a0a5",  # Office on the web
    "57fb890c-0dab-4253-a5e0-7188c88b2bb4",  # Office on the web
    "08e18876-6177-487e-b8b5-cf950c1e598c",  # Office on the web
    "bc59ab01-8403-45c6-8796-ac3ef710b3e3",  # Outlook on the web
)


def allowed_clients(settings) -> tuple[str, ...]:
    """The apps that may call the API: Sendward's own registration (nested app authentication
    issues the add-in's tokens to it, and the admin page signs in with it) and Office's clients
    (legacy Office SSO). Any other app a user consented to gets 401 invalid_token."""
    return tuple(dict.fromkeys(c.lower() for c in (settings.client_id, *OFFICE_CLIENT_IDS) if c))


def entra_validator(settings, *, keys: "EntraKeys | None" = None) -> TokenValidator:
    host = settings.authority_host
    return TokenValidator(
        keys=keys or EntraKeys(host, verify=settings.ca_bundle or True),
        issuers_for_tenant=lambda tenant_id: entra_issuers(host, tenant_id),
        audiences=settings_audiences(settings),
        allowed_tenants=settings.allowed_tenants,
        allowed_clients=allowed_clients(settings),
    )


class _FetchFailed(Exception):
    """Entra ID was unreachable or answered nonsense."""


class _UnknownTenant(Exception):
    """Entra ID answered that there is no such tenant."""


@dataclass
class _TenantKeys:
    keys: dict[str, Any] = field(default_factory=dict)
    fetched_at: float | None = None  # last successful fetch
    attempted_at: float | None = None  # last fetch, successful or not
    status: str = "never"  # never | ok | unreachable | unknown_tenant
    lock: threading.Lock = field(default_factory=threading.Lock)


class _FetchBudget:
    """At most ``limit`` fetches in any ``window`` seconds, over all tenants."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]):
        self.limit, self.window, self._clock = limit, window, clock
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            now = self._clock()
            while self._times and now - self._times[0] >= self.window:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


class EntraKeys:
    """The signing keys of each tenant, from its OpenID configuration (a TokenValidator KeySource)."""

    def __init__(
        self,
        authority_host: str,
        *,
        verify: str | bool = True,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        refresh_interval: float = 30,
        max_age: float = 24 * 3600,
        fetches_per_minute: int = 120,
        max_tenants: int = 1000,
        unknown_tenant_interval: float = 3600,
        in_background: Callable[[Callable[[], None]], None] | None = None,
    ):
        self.authority_host = authority_host.rstrip("/")
        self.session = session or IdentitySession(verify)
        self.refresh_interval = refresh_interval
        self.max_age = max_age  # keys older than this are re-read on use (still used if that fails)
        self.max_tenants = max_tenants
        self._clock = clock
        self.unknown_tenant_interval = unknown_tenant_interval
        self._budget = _FetchBudget(fetches_per_minute, 60, clock)  # tenants' own key sets, all together
        self._common_budget = _FetchBudget(fetches_per_minute, 60, clock)
        self._common = _TenantKeys()
        self._tenants: LRUCache[str, _TenantKeys] = LRUCache(max_tenants)  # the least recently used go first
        self._tenants_lock = threading.Lock()
        self._in_background = in_background or _in_a_thread

    def signing_key(self, kid: str, tenant_id: str):
        if not _GUID.match(tenant_id):
            raise InvalidToken("token's tenant (tid) is not an Entra ID tenant id")
        # Entra ID signs every tenant's tokens with the same keys (``/common``): fetched once for all
        # tenants, on their own budget, so tokens naming thousands of tenants cannot starve them.
        key = self._served(self._common, COMMON, kid, self._common_budget)
        if key is not None:
            return key
        # A key outside the common set (an app with its own signing key): the tenant's own set.
        tenant = self._tenant(tenant_id.lower())
        key = self._served(tenant, tenant_id.lower(), kid, self._budget)
        if key is not None:
            return key
        return self._key_or_reason(tenant, kid)

    def _served(self, entry: _TenantKeys, entry_id: str, kid: str, budget: _FetchBudget):
        """The key from ``entry``'s set, fetching the set when it may (None when it is not there)."""
        key = entry.keys.get(kid)
        if key is not None and not self._stale(entry):
            return key
        # One fetch per set at a time. A known key whose set is due for a re-read is served at
        # once and the set re-read in the background (a slow Entra ID must not hold a Send); an
        # unknown key waits for the answer.
        if key is not None:
            if entry.lock.acquire(blocking=False):
                self._in_background(lambda: self._refresh_and_release(entry, entry_id, budget))
            return key
        with entry.lock:
            if kid not in entry.keys or self._stale(entry):
                self._refresh_if_allowed(entry, entry_id, budget)
            return entry.keys.get(kid)

    def _refresh_and_release(self, entry: _TenantKeys, entry_id: str, budget: _FetchBudget) -> None:
        try:
            self._refresh_if_allowed(entry, entry_id, budget)
        finally:
            entry.lock.release()

    def _key_or_reason(self, tenant: _TenantKeys, kid: str):
        if tenant.status in ("unreachable", "never"):
            raise KeysUnavailable("Entra ID cannot be reached for the tenant's signing keys")
        if tenant.status == "unknown_tenant":
            raise InvalidToken("Entra ID does not know the token's tenant")
        raise InvalidToken("token signed by an unknown key")

    def _stale(self, tenant: _TenantKeys) -> bool:
        return tenant.fetched_at is None or self._clock() - tenant.fetched_at >= self.max_age

    def _refresh_if_allowed(self, tenant: _TenantKeys, tenant_id: str, budget: _FetchBudget) -> None:
        now = self._clock()
        wait = self.unknown_tenant_interval if tenant.status == "unknown_tenant" else self.refresh_interval
        if tenant.attempted_at is not None and now - tenant.attempted_at < wait:
            return  # negative caching: a tenant Entra ID does not know is not asked about again for a while
        if not budget.take():
            log.warning("signing key fetches over budget; not fetching for now")
            return
        tenant.attempted_at = now
        try:
            tenant.keys = self._fetch(tenant_id)
        except _UnknownTenant:
            tenant.status, tenant.keys = "unknown_tenant", {}
            return
        except _FetchFailed as error:
            log.warning("Entra ID signing keys unavailable: %s", error)
            tenant.status = "unreachable"  # the keys we had stay in use
            return
        tenant.status, tenant.fetched_at = "ok", now

    def _fetch(self, tenant_id: str) -> dict[str, Any]:
        configuration = self._get_json(
            f"{self.authority_host}/{tenant_id}/v2.0/.well-known/openid-configuration",
            discovery=True,
        )
        jwks_uri = configuration.get("jwks_uri")
        if not isinstance(jwks_uri, str) or urlsplit(jwks_uri).scheme != "https":
            raise _FetchFailed("the OpenID configuration names no https jwks_uri")
        return _parse_jwks(self._get_json(jwks_uri, discovery=False))

    def _get_json(self, url: str, *, discovery: bool) -> dict:
        try:
            response = self.session.get(url, allow_redirects=False)
        except requests.RequestException as error:
            raise _FetchFailed(type(error).__name__) from None
        if discovery and response.status_code in (400, 404):
            raise _UnknownTenant()
        if response.status_code != 200:
            raise _FetchFailed(f"HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            raise _FetchFailed("not JSON") from None
        if not isinstance(document, dict):
            raise _FetchFailed("not a JSON object")
        return document

    def _tenant(self, tenant_id: str) -> _TenantKeys:
        with self._tenants_lock:
            tenant = self._tenants.get(tenant_id)
            if tenant is None:
                tenant = self._tenants[tenant_id] = _TenantKeys()
            return tenant


def _in_a_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="entra-keys-refresh", daemon=True).start()


def _parse_jwks(document: dict) -> dict[str, Any]:
    """RSA signing keys by kid; keys of other kinds or uses are skipped."""
    keys = {}
    for entry in document.get("keys") or []:
        if (
            not isinstance(entry, dict)
            or entry.get("kty") != "RSA"
            or entry.get("use", "sig") != "sig"
        ):
            continue
        if not isinstance(entry.get("kid"), str):
            continue
        try:
            keys[entry["kid"]] = jwt.PyJWK(entry, algorithm="RS256").key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue
    if not keys:
        raise _FetchFailed("the key set holds no RSA signing key")
    return keys
