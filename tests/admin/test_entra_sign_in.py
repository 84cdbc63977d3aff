"""Admin sign-in with Entra ID, through msal, against a tiny fake authority on loopback (HTTPS).

The fake serves the OpenID configuration, the authorize redirect and the token
endpoint; it checks PKCE, the client secret and the redirect URI as Entra ID
would, and signs the access token with its own key. What this does not cover:
Microsoft's real pages, consent, conditional access and multi-factor prompts.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import json
import ssl
import threading
import time
import uuid
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from sendward.adapters.identity.entra_sign_in import EntraSignIn, SignInFailed
from sendward.adapters.identity.tokens import InvalidToken, TokenValidator
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app
from tests.admin.htmlform import csrf_of

CLIENT_ID = "11111111-2222-3333-4444-555555555555"
CLIENT_SECRET = "fake-client-secret"
TENANT = "contoso-tenant"
AUDIENCE = f"api://{CLIENT_ID}"


def _certificate(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "authority.pem", tmp_path / "authority.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class FakeAuthority:
    """Just enough of login.microsoftonline.com for one authorization code flow."""

    def __init__(self, tmp_path):
        self.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.roles = ["Sendward.Admin"]
        self.requests: list[str] = []
        self.codes: dict[str, dict] = {}
        self.cert_path, key_path = _certificate(tmp_path)
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                authority.requests.append(f"GET {self.path}")
                url = urlsplit(self.path)
                if url.path == f"/{TENANT}/v2.0/.well-known/openid-configuration":
                    return self._json(authority.configuration())
                if url.path == f"/{TENANT}/oauth2/v2.0/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = uuid.uuid4().hex
                    authority.codes[code] = query
                    self.send_response(302)
                    self.send_header(
                        "Location",
                        f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}",
                    )
                    self.end_headers()
                    return None
                self.send_error(404)

            def do_POST(self):
                authority.requests.append(f"POST {self.path}")
                form = {
                    k: v[0]
                    for k, v in parse_qs(
                        self.rfile.read(int(self.headers["Content-Length"])).decode()
                    ).items()
                }
                answer, status = authority.token(form)
                return self._json(answer, status)

            def _json(self, body, status=200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, key_path)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def issuer(self, tenant=TENANT) -> str:
        return f"{self.base}/{tenant}/v2.0"

    def configuration(self) -> dict:
        return {
            "issuer": self.issuer(),
            "authorization_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/{TENANT}/oauth2/v2.0/token",
            "jwks_uri": f"{self.base}/{TENANT}/discovery/v2.0/keys",
        }

    def token(self, form: dict) -> tuple[dict, int]:
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("grant_type") != "authorization_code":
            return {"error": "invalid_grant"}, 400
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            challenge != request["code_challenge"]
            or form.get("client_secret") != CLIENT_SECRET
            or form.get("redirect_uri") != request["redirect_uri"]
        ):
            return {"error": "invalid_client"}, 401
        now = int(time.time())
        user = {
            "oid": str(uuid.uuid4()),
            "preferred_username": "it.admin@contoso.example",
            "tid": TENANT,
        }
        access = {
            **user,
            "iss": self.issuer(),
            "aud": AUDIENCE,
            "scp": "access_as_user",
            "roles": self.roles,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "ver": "2.0",
        }
        identity = {
            **user,
            "iss": self.issuer(),
            "aud": CLIENT_ID,
            "nonce": request["nonce"],
            "iat": now,
            "exp": now + 3600,
            "sub": user["oid"],
        }
        client_info = base64.urlsafe_b64encode(
            json.dumps({"uid": user["oid"], "utid": TENANT}).encode()
        ).decode()
        return {
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": f"{AUDIENCE}/access_as_user",
            "access_token": jwt.encode(
                access, self.signing_key, algorithm="RS256", headers={"kid": "fake"}
            ),
            "id_token": jwt.encode(
                identity, self.signing_key, algorithm="RS256", headers={"kid": "fake"}
            ),
            "client_info": client_info,
        }, 200

    def stop(self):
        self.server.shutdown()


class FakeKeys:
    def __init__(self, key):
        self.key = key

    def signing_key(self, kid, tenant_id):
        if kid != "fake":
            raise InvalidToken("token signed by an unknown key")
        return self.key.public_key()


@pytest.fixture
def authority(tmp_path):
    fake = FakeAuthority(tmp_path)
    yield fake
    fake.stop()


@pytest.fixture
def entra_app(container, authority):
    """The app configured for Entra ID, trusting the fake authority's keys (as the Entra adapter trusts Microsoft's)."""
    settings = container.settings.with_changes(
        identity="entra",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authority_host=authority.base,
        allowed_tenants=(TENANT,),
        ca_bundle=str(authority.cert_path),
    )
    validator = TokenValidator(
        keys=FakeKeys(authority.signing_key),
        issuers_for_tenant=lambda tid: [authority.issuer(tid)],
        audiences=(AUDIENCE,),
        allowed_tenants=(TENANT,),
    )
    app = create_app(
        container=replace(container, settings=settings, validator=validator, dev_identity=None)
    )
    app.config["TESTING"] = True
    return app


def start(client) -> str:
    """Press "Sign in with Microsoft"; the URL the browser is sent to."""
    page = client.get("/admin/sign-in")
    assert "Sign in with Microsoft" in page.text
    response = client.post(
        "/admin/sign-in", data={"csrf_token": csrf_of(page.text), "next": "/admin/versions"}
    )
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def authorize(authority, url: str) -> str:
    """What Entra ID does after the user signs in: redirect back with a code."""
    answer = requests.get(url, allow_redirects=False, verify=str(authority.cert_path), timeout=10)
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_the_authorization_code_flow_signs_an_admin_in(entra_app, authority):
    client = entra_app.test_client()
    assert "sendward.entra_sign_in" not in entra_app.extensions  # nothing was fetched at start-up
    assert authority.requests == []
    url = start(client)
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{authority.base}/{TENANT}/oauth2/v2.0/authorize?")
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == "http://localhost/admin/auth/callback"
    assert f"{AUDIENCE}/access_as_user" in query["scope"].split()
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]

    back = urlsplit(authorize(authority, url))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/admin/versions"
    page = client.get("/admin/versions")
    assert page.status_code == 200
    assert "it.admin@contoso.example" in page.text and TENANT in page.text
    assert any(r.startswith("POST /contoso-tenant/oauth2/v2.0/token") for r in authority.requests)


def test_the_session_cookie_is_secure_and_the_form_may_go_to_the_authority(entra_app, authority):
    client = entra_app.test_client()
    page = client.get("/admin/sign-in")
    assert authority.base in page.headers["Content-Security-Policy"]
    response = client.post("/admin/sign-in", data={"csrf_token": csrf_of(page.text)})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_user_without_the_admin_role_is_signed_in_but_refused(entra_app, authority):
    authority.roles = []
    client = entra_app.test_client()
    back = urlsplit(authorize(authority, start(client)))
    client.get(f"{back.path}?{back.query}")
    assert client.get("/admin/").status_code == 403


def test_a_forged_state_is_refused(entra_app, authority):
    client = entra_app.test_client()
    back = urlsplit(authorize(authority, start(client)))
    query = parse_qs(back.query)
    response = client.get(f"{back.path}?code={query['code'][0]}&state=forged")
    assert response.status_code == 400
    assert "did not match the request" in response.text
    assert client.get("/admin/").status_code == 302


def test_a_callback_without_a_started_flow_is_refused(entra_app):
    response = entra_app.test_client().get("/admin/auth/callback?code=abc&state=xyz")
    assert response.status_code == 400
    assert "expired" in response.text


def test_an_error_from_the_authority_is_shown(entra_app, authority):
    client = entra_app.test_client()
    state = parse_qs(urlsplit(start(client)).query)["state"][0]
    response = client.get(
        f"/admin/auth/callback?error=access_denied&error_description=The+user+cancelled&state={state}"
    )
    assert response.status_code == 400
    assert "Entra ID refused the sign-in: access_denied. The user cancelled" in response.text


def test_a_token_signed_by_another_key_is_refused(entra_app, authority):
    authority.signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    client = entra_app.test_client()
    entra_app.extensions["sendward"].validator.keys.key = rsa.generate_private_key(
        public_exponent=65537, key_size=2048
    )
    back = urlsplit(authorize(authority, start(client)))
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 401
    assert "signature does not verify" in response.text


def test_an_unreachable_authority_is_a_clear_error(container):
    settings = container.settings.with_changes(
        identity="entra",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        authority_host="https://127.0.0.1:9",
    )
    app = create_app(container=replace(container, settings=settings, dev_identity=None))
    client = app.test_client()
    page = client.get("/admin/sign-in")
    response = client.post("/admin/sign-in", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 503
    assert "Entra ID could not be reached" in response.text


def test_settings_choose_the_authority_scope_and_credential(tmp_path):
    one = EntraSignIn.from_settings(
        Settings(
            data_dir=tmp_path,
            identity="entra",
            client_id=CLIENT_ID,
            client_secret="s",
            allowed_tenants=("t1",),
            api_audience="api://sendward.example",
        )
    )
    assert one.authority == "https://login.microsoftonline.com/t1"
    assert one.scopes == ["api://sendward.example/access_as_user"]
    many = EntraSignIn.from_settings(
        Settings(data_dir=tmp_path, identity="entra", client_id=CLIENT_ID, client_secret="s")
    )
    assert many.authority == "https://login.microsoftonline.com/organizations"
    assert many.scopes == [f"api://{CLIENT_ID}/access_as_user"]
    with pytest.raises(SignInFailed, match="CLIENT_SECRET"):
        EntraSignIn(client_id=CLIENT_ID, authority_host="https://login.example")._credential()
    cert_path, key_path = _certificate(tmp_path)
    both = tmp_path / "both.pem"
    both.write_bytes(key_path.read_bytes() + cert_path.read_bytes())
    with_certificate = EntraSignIn(
        client_id=CLIENT_ID, authority_host="https://x", client_certificate_path=str(both)
    )
    # as for Graph: the certificate goes to msal, which signs with its SHA-256 thumbprint
    credential = with_certificate._credential()
    assert "thumbprint" not in credential
    assert credential["public_certificate"].strip() == cert_path.read_text().strip()
    wrong = EntraSignIn(
        client_id=CLIENT_ID,
        authority_host="https://x",
        client_certificate_path=str(both),
        client_certificate_thumbprint="AB" * 20,
    )
    with pytest.raises(SignInFailed, match="does not match"):
        wrong._credential()
