"""The httpx client Graph calls go through: our base URL, CA bundle and timeouts, kiota's middleware.

msgraph's default middleware includes kiota's RetryHandler, which sleeps as long
as Retry-After asks without knowing our deadline; we leave it out and retry in
``retry.py`` instead. Redirects stay (a drive item's content is a 302 to a
download URL; kiota drops the Authorization header when the origin changes).
"""

from __future__ import annotations

import logging
import ssl

import httpx
from kiota_http.middleware import ParametersNameDecodingHandler, RedirectHandler, UrlReplaceHandler
from kiota_http.middleware.options import UrlReplaceHandlerOption
from msgraph._version import VERSION
from msgraph_core import APIVersion, GraphClientFactory
from msgraph_core.middleware import GraphTelemetryHandler
from msgraph_core.middleware.options import GraphTelemetryHandlerOption

# httpx logs every request line at INFO: Graph URLs carry sharing tokens (base64 of site, folder and
# file names) and mailboxes (/users/{object id}/mailFolders/sentitems/...). Only warnings reach our
# logs (entrypoints/logs.py does the same).
for _name in ("httpx", "httpcore", "hpack", "h2"):
    logging.getLogger(_name).setLevel(logging.WARNING)

# Per attempt: a stalled connection or read fails fast enough to retry within a 4 s budget.
TIMEOUT = httpx.Timeout(connect=1.5, read=2.0, write=2.0, pool=1.0)
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=60)
ME_PLACEHOLDER = "/users/me-token-to-replace"  # msgraph's builders spell /me like this until sent


def make_http_client(base_url: str, ca_bundle: str | None = None) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        verify=ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True,
        timeout=TIMEOUT,
        limits=LIMITS,
        http2=True,
    )
    return GraphClientFactory.create_with_custom_middleware(_middleware(), client=client)


def _middleware() -> list:
    return [
        RedirectHandler(),
        ParametersNameDecodingHandler(),
        UrlReplaceHandler(UrlReplaceHandlerOption(enabled=True, replacement_pairs={ME_PLACEHOLDER: "/me"})),
        GraphTelemetryHandler(GraphTelemetryHandlerOption(api_version=APIVersion.v1, sdk_version=VERSION)),
    ]
