"""The caller's Graph bearer token, handed to the SDK per request.

kiota asks an AccessTokenProvider for a token per request URL; ours holds the
token GraphTokens gave for this caller and hands it out only for https URLs on
the configured Graph host, so it never leaves for another host (a redirect to a
download server, a link in a draft).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)


class CallerToken(AccessTokenProvider):
    def __init__(self, token: str, allowed_hosts: list[str]):
        self._token = token
        self._hosts = AllowedHostsValidator(allowed_hosts)

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] | None = None
    ) -> str:
        if urlsplit(uri).scheme != "https" or not self._hosts.is_url_host_valid(uri):
            return ""
        return self._token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts

    def __repr__(self) -> str:
        return f"CallerToken(hosts={sorted(self._hosts.get_allowed_hosts())})"


def bearer_auth(token: str, graph_base_url: str) -> BaseBearerTokenAuthenticationProvider:
    host = urlsplit(graph_base_url).hostname or ""
    return BaseBearerTokenAuthenticationProvider(CallerToken(token, [host]))
