"""Signing an admin in to the admin page with Entra ID: the authorization code flow through msal.

The page starts the flow (a redirect to Microsoft's sign-in page), keeps the
flow's state in the admin's session and finishes it when Entra ID redirects
back. The result is an access token for Sendward's own API scope, which the
page validates with the same TokenValidator as every API call: the admin role
and the tenant come from that token.

msal fetches the authority's OpenID configuration when the client is made, so
the client is made on the first sign-in, never at start-up.
"""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any

from sendward.adapters.identity.client_credential import certificate_credential
from sendward.adapters.identity.entra import api_application_id_uri, sign_in_tenant
from sendward.adapters.identity.tokens import API_SCOPE
from sendward.config import ConfigError

# What a flow needs to be finished; the rest of msal's flow (the long auth_uri) stays out of the cookie.
HTTP_TIMEOUT_SECONDS = 10
_FLOW_KEYS = (
    "state",
    "redirect_uri",
    "scope",
    "code_verifier",
    "nonce",
    "claims_challenge",
    "max_age",
)


class SignInFailed(Exception):
    """The sign-in did not complete; ``str(error)`` is a sentence for the admin."""


class EntraSignIn:
    def __init__(
        self,
        *,
        client_id: str,
        authority_host: str,
        tenant: str = "organizations",
        client_secret: str | None = None,
        client_certificate_path: str | None = None,
        client_certificate_thumbprint: str | None = None,
        api_audience: str | None = None,
        verify: str | bool = True,
        http_client: Any = None,
    ):
        self.client_id = client_id
        self.authority = f"{authority_host.rstrip('/')}/{tenant}"
        self.scopes = [f"{api_audience or f'api://{client_id}'}/{API_SCOPE}"]
        self._credential_args = (
            client_secret,
            client_certificate_path,
            client_certificate_thumbprint,
        )
        self._verify = verify
        self._http_client = http_client
        self._app = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings) -> "EntraSignIn":
        return cls(
            client_id=settings.client_id,
            authority_host=settings.authority_host,
            tenant=sign_in_tenant(settings),
            client_secret=settings.client_secret,
            client_certificate_path=settings.client_certificate_path,
            client_certificate_thumbprint=settings.client_certificate_thumbprint,
            api_audience=api_application_id_uri(settings),
            verify=settings.ca_bundle or True,
        )

    def start(self, redirect_uri: str) -> tuple[dict[str, Any], str]:
        """(the flow to keep in the session, the URL to send the browser to)."""
        try:
            with warnings.catch_warnings():
                # msal recommends form_post, but that callback is a cross-site POST, which does not carry the
                # SameSite=Lax session cookie holding the flow. With PKCE and a client credential, a code
                # seen in the query cannot be redeemed by anyone else.
                warnings.filterwarnings(
                    "ignore", message="response_mode='form_post' is recommended"
                )
                flow = self._client().initiate_auth_code_flow(
                    self.scopes, redirect_uri=redirect_uri, response_mode="query"
                )
        except SignInFailed:
            raise
        except (
            Exception
        ) as error:  # msal raises ValueError and requests' errors for an unreachable authority
            raise SignInFailed(f"Entra ID could not be reached ({type(error).__name__})") from None
        if "auth_uri" not in flow:
            raise SignInFailed("Entra ID did not start the sign-in")
        return {k: flow[k] for k in _FLOW_KEYS if k in flow}, flow["auth_uri"]

    def finish(self, flow: dict[str, Any], response: dict[str, str]) -> str:
        """The access token for Sendward's API, from the redirect's query parameters."""
        if not flow:
            raise SignInFailed(
                "the sign-in expired or was started in another browser; sign in again"
            )
        if response.get("error"):
            description = (
                response.get("error_description", "").splitlines()[0][:200]
                if response.get("error_description")
                else ""
            )
            raise SignInFailed(
                f"Entra ID refused the sign-in: {response['error'][:64]}. {description}".strip()
            )
        try:
            result = self._client().acquire_token_by_auth_code_flow(
                dict(flow), dict(response), scopes=self.scopes
            )
        except ValueError:  # a state or nonce mismatch: a forged or replayed redirect
            raise SignInFailed(
                "the sign-in response did not match the request; sign in again"
            ) from None
        except Exception as error:
            raise SignInFailed(f"Entra ID could not be reached ({type(error).__name__})") from None
        if "access_token" not in result:
            raise SignInFailed(
                f"Entra ID gave no token: {str(result.get('error', 'unknown error'))[:64]}"
            )
        return result["access_token"]

    def _client(self):
        with self._lock:
            if self._app is None:
                self._app = self._make_client()
            return self._app

    def _make_client(self):
        import msal

        return msal.ConfidentialClientApplication(
            self.client_id,
            client_credential=self._credential(),
            authority=self.authority,
            http_client=self._http_client or _http_client(self._verify),
            # With a configured authority host there is nothing to discover, and no call beyond it.
            instance_discovery=False,
        )

    def _credential(self):
        secret, certificate_path, thumbprint = self._credential_args
        if certificate_path:
            # the same credential as Graph's: the SHA-256 thumbprint, computed from the certificate
            try:
                return certificate_credential(Path(certificate_path), thumbprint)
            except ConfigError as error:
                raise SignInFailed(str(error)) from None
        if secret:
            return secret
        raise SignInFailed(
            "the admin page needs SENDWARD_CLIENT_SECRET or a client certificate to sign in with Entra ID"
        )


def _http_client(verify):
    import requests

    class HttpClient(requests.Session):
        """requests, with our CA bundle on every call: REQUESTS_CA_BUNDLE would otherwise override a session's
        ``verify`` (psf/requests#3829), and a timeout so an unreachable authority fails in seconds."""

        def request(self, method, url, **kwargs):
            kwargs["verify"] = verify
            kwargs.setdefault("timeout", HTTP_TIMEOUT_SECONDS)
            return super().request(method, url, **kwargs)

    return HttpClient()
