"""A local Entra ID over HTTPS on loopback, for msal and Sendward's token validation.

Usage (the ``identity_provider`` fixture in tests/conftest.py makes one per test)::

    idp = FakeIdentityProvider(ca)          # ca: tests.fakes.tls.make_test_ca(...)
    with idp:                               # serves on https://127.0.0.1:<port> (idp.base)
        settings = idp.settings(Settings(data_dir=...))   # SENDWARD_IDENTITY=entra pointed here
        token = idp.issue_user_token(admin=True)          # a v2 access token for Sendward's API
        idp.hits["jwks"]                                  # requests per endpoint

What it serves, per tenant (``/{tid}/...``; any GUID is a tenant unless ``idp.tenants`` is set):

- ``v2.0/.well-known/openid-configuration`` ("openid-configuration") and
  ``discovery/v2.0/keys`` ("jwks"): the published signing keys. ``idp.rotate_keys()``
  starts signing with a new key and retires the old one from the key set.
- ``oauth2/v2.0/token`` ("token"): ``grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer``
  (on-behalf-of: the assertion must be a token this provider issued for the API, for
  that tenant, unexpired) and ``client_credentials``. The client authenticates with
  ``idp.client_secret`` or a certificate assertion signed with ``idp.certificate``
  (see ``certificate_pem_path``/``certificate_thumbprint``). Errors are Entra-shaped
  JSON: ``invalid_client`` (AADSTS7000215, AADSTS700027), ``invalid_grant``
  (AADSTS50013 bad assertion, AADSTS500133 expired, AADSTS65001 consent missing for a
  tenant in ``idp.consent_missing``), ``invalid_scope`` (AADSTS1002012: client credentials
  without a ``/.default`` scope).

Failure switches: ``idp.fail("jwks", "error")`` answers 503, ``idp.fail("jwks", "drop")``
closes the connection unanswered; ``idp.fail("all", ...)`` covers every endpoint;
``idp.recover()`` undoes them. ``idp.throttle(endpoint, times=1, retry_after=5)`` answers the next
``times`` requests of an endpoint (or "all") with 429 and ``Retry-After``, as Entra ID throttles;
``idp.throttled[endpoint]`` counts the 429s given. ``idp.token_requests`` records each token request's
grant type, tenant, scope and client authentication (never the secrets).
Graph tokens it issues can be checked with ``idp.decode_graph_token(token)``, or by the Graph fake
itself: ``FakeGraph(ca, token=idp.graph_token_check(resource))``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import re
import threading
import time
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.fakes.tls import LoopbackServer, TestCA

TENANT = "7a1c6a10-3f7e-4d2a-9a51-0c0ffee00001"
OTHER_TENANT = "7a1c6a10-3f7e-4d2a-9a51-0c0ffee00002"
CLIENT_ID = "5e1f0c2a-8b9d-4c3e-a1f2-5e9d8c7b6a01"
CLIENT_SECRET = "fake-idp-client-secret"
API_SCOPE = "access_as_user"
ADMIN_ROLE = "Sendward.Admin"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ENDPOINTS = ("openid-configuration", "jwks", "token")


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _error(status: int, error: str, code: int, description: str, **extra) -> tuple[int, dict]:
    return status, {
        "error": error,
        "error_description": f"AADSTS{code}: {description} Trace ID: {uuid.uuid4()}",
        "error_codes": [code],
        "timestamp": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
        **extra,
    }


SLOW_SECONDS = 3  # a "slow" endpoint answers after this long


class FakeIdentityProvider:
    def __init__(
        self, ca: TestCA, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET
    ):
        self.ca = ca
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_id_uri: str | None = (
            None  # an Application ID URI the API also answers to, e.g. api://host/<id>
        )
        self.tenants: set[str] | None = None  # None: any GUID is a tenant
        self.consent_missing: set[str] = set()  # tenants where on-behalf-of answers AADSTS65001
        self.graph_delegated_scopes = "Mail.Read User.Read"
        self.graph_app_roles = ["Mail.Read"]
        self.token_lifetime = 3600
        self.hits: Counter[str] = Counter()
        self.token_requests: list[dict] = []
        self.client_assertion_headers: list[dict] = []  # of accepted certificate assertions
        self.failures: dict[str, str] = {}
        self.throttles: dict[str, list] = {}  # endpoint (or "all") -> [times left, Retry-After]
        self.throttled: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._published: dict[str, rsa.RSAPrivateKey] = {}
        self.kid = ""
        self.rotate_keys()
        self.certificate_key = new_key()
        self.certificate = _self_signed(self.certificate_key, "sendward-client")
        self._server = LoopbackServer(self._handler(), ca)

    # -- lifecycle -----------------------------------------------------------------------

    def __enter__(self) -> "FakeIdentityProvider":
        self._server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._server.__exit__(*exc)

    @property
    def base(self) -> str:
        """The authority host: SENDWARD_AUTHORITY_HOST."""
        return self._server.url

    def settings(self, settings, **changes):
        """``settings`` configured for Entra ID at this provider, with the client secret."""
        return settings.with_changes(
            **{
                "identity": "entra",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "authority_host": self.base,
                "ca_bundle": str(self.ca.bundle),
                **changes,
            }
        )

    # -- switches ------------------------------------------------------------------------

    def fail(self, endpoint: str, how: str = "drop") -> None:
        """Make ``endpoint`` (one of ENDPOINTS, or "all") answer 503 ("error"), close unanswered ("drop"),
        or answer after SLOW_SECONDS ("slow")."""
        if endpoint != "all" and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        if how not in ("error", "drop", "slow"):
            raise ValueError("how is 'error', 'drop' or 'slow'")
        self.failures[endpoint] = how

    def recover(self) -> None:
        self.failures.clear()
        self.throttles.clear()

    def throttle(self, endpoint: str, times: int = 1, retry_after: int = 5) -> None:
        """The next ``times`` requests of ``endpoint`` (one of ENDPOINTS, or "all") answer 429 Too Many
        Requests with ``Retry-After: retry_after``."""
        if endpoint != "all" and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self._lock:
            self.throttles[endpoint] = [times, retry_after]

    def _throttled(self, endpoint: str) -> int | None:
        """Retry-After seconds when this request is one to throttle."""
        with self._lock:
            for name in (endpoint, "all"):
                throttle = self.throttles.get(name)
                if throttle and throttle[0] > 0:
                    throttle[0] -= 1
                    self.throttled[endpoint] += 1
                    return throttle[1]
        return None

    def rotate_keys(self, *, keep_old: bool = False) -> str:
        """Sign with a new key from now on; the old one leaves the key set unless ``keep_old``. The new kid."""
        key = new_key()
        kid = _b64url(
            hashlib.sha1(key.public_key().public_numbers().n.to_bytes(256, "big")).digest()
        )
        if not keep_old:
            self._published.clear()
        self._published[kid] = key
        self.kid, self.signing_key = kid, key
        return kid

    # -- tokens --------------------------------------------------------------------------

    def issuer(self, tenant: str = TENANT, version: str = "2.0") -> str:
        return f"{self.base}/{tenant}/v2.0" if version == "2.0" else f"{self.base}/{tenant}/"

    def issue_user_token(
        self,
        *,
        tenant: str = TENANT,
        oid: str = "0b5e6c1d-1111-4222-8333-944455556666",
        user: str = "alice@contoso.example",
        scp: str = API_SCOPE,
        roles: list[str] | None = None,
        admin: bool = False,
        version: str = "2.0",
        lifetime: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **claims,
    ) -> str:
        """An access token for Sendward's API as Entra ID would issue it to the add-in.

        v2 (default): ``aud`` is the client id; v1 ("1.0"): ``aud`` is the Application ID URI and
        ``iss`` ``{base}/{tid}/``. Any claim can be overridden or added (``aud=...``, ``iss=...``,
        ``exp=...``; a value of None removes it); ``key``/``kid`` sign with another key or key id.
        """
        now = int(time.time())
        body = {
            "aud": self.client_id
            if version == "2.0"
            else (self.app_id_uri or f"api://{self.client_id}"),
            "iss": self.issuer(tenant, version),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "tid": tenant,
            "oid": oid,
            "sub": _b64url(hashlib.sha256(f"{tenant}:{oid}".encode()).digest()),
            "scp": scp,
            "roles": list(roles or []) + ([ADMIN_ROLE] if admin else []),
            ("azp" if version == "2.0" else "appid"): self.client_id,
            "ver": version,
            ("preferred_username" if version == "2.0" else "upn"): user,
            "name": "Alice Example",
        }
        body.update(claims)
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(
            body,
            key or self.signing_key,
            algorithm="RS256",
            headers={"kid": kid or self.kid, "typ": "JWT"},
        )

    def decode_graph_token(self, token: str, resource: str = "https://graph.microsoft.com") -> dict:
        """The claims of a Graph token this provider issued (raises jwt errors for anything else)."""
        kid = jwt.get_unverified_header(token).get("kid")
        key = self._published.get(kid)
        if key is None:
            raise jwt.InvalidKeyError("not signed by a published key")
        return jwt.decode(token, key.public_key(), algorithms=["RS256"], audience=resource)

    def graph_token_check(self, resource: str):
        """A token check for ``FakeGraph(token=...)``: a Graph token this provider issued for ``resource``
        (signed by a published key, that audience, unexpired). Answers its claims (the Graph fake then
        holds its ``scp``/``roles`` to each route's permission), or False."""

        def check(token: str):
            try:
                return self.decode_graph_token(token, resource)
            except jwt.PyJWTError:
                return False

        return check

    # -- certificate credential ----------------------------------------------------------

    @property
    def certificate_thumbprint_sha256(self) -> str:
        """SHA-256 of the client certificate, upper-case hex."""
        return self.certificate.fingerprint(hashes.SHA256()).hex().upper()

    @property
    def certificate_thumbprint(self) -> str:
        """SHA-1 of the client certificate, upper-case hex, as the Entra admin center shows it."""
        return self.certificate.fingerprint(hashes.SHA1()).hex().upper()

    def certificate_pem_path(self, directory: Path) -> Path:
        """A PEM file with the client's private key and certificate (SENDWARD_CLIENT_CERTIFICATE_PATH)."""
        path = Path(directory) / "sendward-client.pem"
        path.write_bytes(
            self.certificate_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            + self.certificate.public_bytes(serialization.Encoding.PEM)
        )
        return path

    # -- HTTP ----------------------------------------------------------------------------

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._answer(*provider._route("GET", urlsplit(self.path).path, {}))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                self._answer(*provider._route("POST", urlsplit(self.path).path, form))

            def _answer(self, status, body, headers=None):
                if status is None:  # "drop": close the connection without a word
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _route(self, method: str, path: str, form: dict) -> tuple:
        parts = path.strip("/").split("/", 1)
        tenant, rest = (parts + [""])[:2]
        endpoint = {
            ("GET", "v2.0/.well-known/openid-configuration"): "openid-configuration",
            ("GET", "discovery/v2.0/keys"): "jwks",
            ("POST", "oauth2/v2.0/token"): "token",
        }.get((method, rest))
        if endpoint is None:
            return 404, {"error": "not_found"}
        with self._lock:
            self.hits[endpoint] += 1
        retry_after = self._throttled(endpoint)
        if retry_after is not None:
            return 429, {
                "error": "temporarily_unavailable",
                "error_description": "Too many requests. Retry after the interval the Retry-After header gives.",
            }, {"Retry-After": str(retry_after)}
        failure = self.failures.get(endpoint) or self.failures.get("all")
        if failure == "slow":
            time.sleep(SLOW_SECONDS)
            failure = None
        if failure == "drop":
            return None, {}
        if failure == "error":
            return 503, {"error": "temporarily_unavailable"}
        if not self._known_tenant(tenant):
            return _error(400, "invalid_tenant", 90002, f"Tenant '{tenant}' not found.")
        if endpoint == "openid-configuration":
            return 200, self._configuration(tenant)
        if endpoint == "jwks":
            return 200, self._jwks()
        return self._token(tenant, form)

    def _known_tenant(self, tenant: str) -> bool:
        if tenant == "common":  # the multi-tenant endpoints: the keys every tenant's tokens are signed with
            return True
        if self.tenants is not None:
            return tenant in self.tenants
        return bool(_GUID.match(tenant))

    def _configuration(self, tenant: str) -> dict:
        return {
            "issuer": self.issuer(tenant),
            "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": self._token_endpoint(tenant),
            "jwks_uri": f"{self.base}/{tenant}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "tenant_region_scope": "EU",
        }

    def _token_endpoint(self, tenant: str) -> str:
        return f"{self.base}/{tenant}/oauth2/v2.0/token"

    def _jwks(self) -> dict:
        keys = []
        for kid, key in list(self._published.items()):
            numbers = key.public_key().public_numbers()
            keys.append(
                {
                    "kty": "RSA",
                    "use": "sig",
                    "kid": kid,
                    "n": _b64url(numbers.n.to_bytes(256, "big")),
                    "e": _b64url(numbers.e.to_bytes(3, "big")),
                }
            )
        return {"keys": keys}

    # -- token endpoint ------------------------------------------------------------------

    def _token(self, tenant: str, form: dict) -> tuple[int, dict]:
        client_auth = self._client_authentication(tenant, form)
        self._record(tenant, form, client_auth)
        if client_auth == "secret-wrong":
            return _error(401, "invalid_client", 7000215, "Invalid client secret provided.")
        if client_auth == "certificate-wrong":
            return _error(
                401, "invalid_client", 700027, "Client assertion failed signature validation."
            )
        if client_auth == "none" or form.get("client_id") != self.client_id:
            return _error(
                400,
                "invalid_request",
                900144,
                "The request body must contain 'client_assertion' or 'client_secret'.",
            )
        grant_type = form.get("grant_type")
        if grant_type == JWT_BEARER and form.get("requested_token_use") == "on_behalf_of":
            return self._on_behalf_of(tenant, form)
        if grant_type == "client_credentials":
            return self._client_credentials(tenant, form)
        return _error(
            400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
        )

    def _record(self, tenant: str, form: dict, client_auth: str) -> None:
        with self._lock:
            self.token_requests.append(
                {
                    "tenant": tenant,
                    "grant_type": form.get("grant_type"),
                    "scope": form.get("scope", ""),
                    "client_auth": client_auth,
                }
            )

    def _client_authentication(self, tenant: str, form: dict) -> str:
        if "client_secret" in form:
            return "secret" if form["client_secret"] == self.client_secret else "secret-wrong"
        if form.get("client_assertion_type") == CLIENT_ASSERTION_TYPE:
            ok = self._valid_client_assertion(form.get("client_assertion", ""), tenant)
            return "certificate" if ok else "certificate-wrong"
        return "none"

    def _valid_client_assertion(self, assertion: str, tenant: str) -> bool:
        """A certificate assertion as Entra ID checks it: the certificate named by its SHA-256
        thumbprint (``x5t#S256``, PS256: msal 1.35+) or, deprecated, its SHA-1 one (``x5t``, RS256).
        Each accepted assertion's header is kept in ``client_assertion_headers``."""
        try:
            header = jwt.get_unverified_header(assertion)
            if "x5t#S256" in header:
                expected = _b64url(self.certificate.fingerprint(hashes.SHA256()))
                named, algorithms = str(header["x5t#S256"]), ["PS256"]
            else:
                expected = _b64url(self.certificate.fingerprint(hashes.SHA1()))
                named, algorithms = str(header.get("x5t", "")), ["RS256"]
            if named.rstrip("=") != expected:  # msal pads it; Entra ID accepts both
                return False
            claims = jwt.decode(
                assertion,
                self.certificate.public_key(),
                algorithms=algorithms,
                audience=self._token_endpoint(tenant),
                options={"require": ["exp", "aud", "iss", "sub"]},
            )
        except jwt.PyJWTError:
            return False
        if claims["iss"] != claims["sub"] or claims["iss"] != self.client_id:
            return False
        self.client_assertion_headers.append(header)
        return True

    def _on_behalf_of(self, tenant: str, form: dict) -> tuple[int, dict]:
        try:
            user = self._verified_assertion(form.get("assertion", ""), tenant)
        except jwt.ExpiredSignatureError:
            return _error(
                400, "invalid_grant", 500133, "Assertion is not within its valid time range."
            )
        except jwt.PyJWTError:
            return _error(400, "invalid_grant", 50013, "Assertion failed signature validation.")
        if tenant in self.consent_missing:
            return _error(
                400,
                "invalid_grant",
                65001,
                f"The user or administrator has not consented to use the application with ID '{self.client_id}'.",
                suberror="consent_required",
            )
        scope = form.get("scope", "").split()
        access = self._graph_token(tenant, scope, oid=user["oid"], scp=self.graph_delegated_scopes)
        answer = {
            "token_type": "Bearer",
            "scope": " ".join(s for s in scope if s.endswith("/.default")),
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": access,
            # Entra ID returns a refresh token for on-behalf-of even without offline_access.
            "refresh_token": _b64url(uuid.uuid4().bytes * 4),
        }
        if "openid" in scope:
            answer["id_token"] = self._id_token(tenant, user)
        if form.get("client_info") == "1":
            answer["client_info"] = _b64url(
                json.dumps({"uid": user["oid"], "utid": tenant}).encode()
            )
        return 200, answer

    def _client_credentials(self, tenant: str, form: dict) -> tuple[int, dict]:
        scope = form.get("scope", "").split()
        if not any(s.endswith("/.default") for s in scope):  # as Entra ID: an app asks for a resource's .default
            return _error(
                400,
                "invalid_scope",
                1002012,
                "The provided value for scope is not valid. Client credential flows must have a scope value "
                "with /.default suffixed to the resource identifier (application ID URI).",
            )
        return 200, {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": self._graph_token(tenant, scope, roles=self.graph_app_roles),
        }

    def _verified_assertion(self, assertion: str, tenant: str) -> dict:
        kid = jwt.get_unverified_header(assertion).get("kid")
        key = self._published.get(kid)
        if key is None:
            raise jwt.InvalidSignatureError("unknown key")
        audiences = [self.client_id, f"api://{self.client_id}"] + (
            [self.app_id_uri] if self.app_id_uri else []
        )
        claims = jwt.decode(
            assertion,
            key.public_key(),
            algorithms=["RS256"],
            audience=audiences,
            issuer=[self.issuer(tenant, "2.0"), self.issuer(tenant, "1.0")],
            options={"require": ["exp", "tid", "oid"]},
        )
        if claims["tid"] != tenant:
            raise jwt.InvalidIssuerError("another tenant's token")
        return claims

    def _graph_token(self, tenant: str, scope: list[str], **claims) -> str:
        resources = [s[: -len("/.default")] for s in scope if s.endswith("/.default")]
        now = int(time.time())
        body = {
            "aud": resources[0] if resources else "",
            "iss": self.issuer(tenant, "1.0"),
            "tid": tenant,
            "appid": self.client_id,
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "uti": uuid.uuid4().hex,
            **claims,
        }
        return jwt.encode(
            body, self.signing_key, algorithm="RS256", headers={"kid": self.kid, "typ": "JWT"}
        )

    def _id_token(self, tenant: str, user: dict) -> str:
        now = int(time.time())
        body = {
            "aud": self.client_id,
            "iss": self.issuer(tenant),
            "tid": tenant,
            "oid": user["oid"],
            "sub": user.get("sub", user["oid"]),
            "preferred_username": user.get("preferred_username") or user.get("upn", ""),
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
        }
        return jwt.encode(body, self.signing_key, algorithm="RS256", headers={"kid": self.kid})


def _self_signed(key: rsa.RSAPrivateKey, name: str) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
