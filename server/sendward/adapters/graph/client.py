"""The Graph client: msgraph-sdk on one long-lived event loop per process, one bearer token per caller.

msgraph-sdk is async-only and its httpx pool belongs to the loop it first ran on
(re-using it across ``asyncio.run`` calls fails, msgraph-sdk-python #366; a loop per
request would throw the pool away). So a GraphClient runs a loop in a daemon thread,
started on first use; Flask's threads submit work to it and wait no longer than the
deadline. gunicorn's ``--preload`` forks after the app is built and a thread does not
survive a fork: the child forgets the parent's loop and pool (never closing them, the
sockets are the parent's) and starts its own on first use.

``GraphClient.call(caller, deadline, work)`` runs ``work(session)``; the session gives
``work`` an SDK client authorised as the caller, ``retried(...)`` to call it within the
budget and ``download(...)`` to stream raw content with a size cap.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from kiota_abstractions.api_error import APIError
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from kiota_http.middleware import ParametersNameDecodingHandler, RedirectHandler, UrlReplaceHandler
from kiota_http.middleware.options import UrlReplaceHandlerOption
from msgraph._version import VERSION
from msgraph_core import APIVersion, GraphClientFactory
from msgraph_core.middleware import GraphTelemetryHandler
from msgraph_core.middleware.options import GraphTelemetryHandlerOption

from sendward.adapters.graph.errors import GraphAuthError, GraphError, GraphUnavailable, TooLarge
from sendward.adapters.graph.retry import with_retries
from sendward.adapters.graph.sdk import GraphRequestAdapter, GraphServiceClient
from sendward.kernel import NO_TELEMETRY, Deadline

T = TypeVar("T")
GRACE_SECONDS = 0.25  # the waiting thread gives the loop this long past the deadline to hand back partial results
# Per attempt: a stalled connection or read fails fast enough to retry within a 4 s budget.
TIMEOUT = httpx.Timeout(connect=1.5, read=2.0, write=2.0, pool=1.0)
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=60)

# httpx logs every request line at INFO: Graph URLs carry sharing tokens (base64 of site, folder and
# file names) and mailboxes (/users/{object id}/...). Only warnings reach our logs (as in entrypoints/logs.py).
for _name in ("httpx", "httpcore", "hpack", "h2"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class GraphClient:
    def __init__(self, base_url: str, tokens, *, ca_bundle: str | None = None, telemetry=NO_TELEMETRY):
        self.base_url = base_url.rstrip("/")
        self._tokens = tokens
        self._ca_bundle = ca_bundle
        self._telemetry = telemetry
        self._forget()
        reference = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (client := reference()) and client._forget())

    def call(self, caller, deadline: Deadline, work: Callable[[GraphSession], Awaitable[T]]) -> T:
        """``work(session)`` on the loop, for ``caller``; GraphUnavailable (work cancelled) past ``deadline``."""

        async def run() -> T:
            session = await self._session(caller, deadline)
            return await asyncio.wait_for(work(session), deadline.remaining() + GRACE_SECONDS / 2)

        future = asyncio.run_coroutine_threadsafe(run(), self._running_loop())
        try:
            return future.result(timeout=max(0.0, deadline.remaining() + GRACE_SECONDS))
        except TimeoutError:
            future.cancel()
            raise GraphUnavailable("the time budget ran out waiting for Microsoft Graph", code="time_budget") from None

    def close(self, timeout: float = 5.0) -> None:
        """Close the connection pool on the loop, then stop the loop and join its thread."""
        with self._lock:
            loop, thread, http = self._loop, self._thread, self._http
            self._loop = self._thread = self._http = None
        if loop is None:
            return
        if http is not None:
            asyncio.run_coroutine_threadsafe(http.aclose(), loop).result(timeout=timeout)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        loop.close()

    def _forget(self) -> None:
        # Also after a fork: the parent's loop, thread and sockets are not this process's, and the lock
        # may have been held mid-fork.
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._http: httpx.AsyncClient | None = None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop, self._http = asyncio.new_event_loop(), None
                self._thread = threading.Thread(target=self._loop.run_forever, name="sendward-graph", daemon=True)
                self._thread.start()
            return self._loop

    async def _session(self, caller, deadline: Deadline) -> GraphSession:
        try:
            token = await asyncio.to_thread(self._token_for, caller)  # msal may block on the network
        except GraphAuthError:
            self._telemetry.graph_error("auth")
            raise
        if self._http is None:
            self._http = _http_client(self.base_url, self._ca_bundle)
        host = urlsplit(self.base_url).hostname or ""
        adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(CallerToken(token, [host])), self._http)
        adapter.base_url = self.base_url  # httpx adds a trailing slash to its own; templates add another
        return GraphSession(adapter, self._http, deadline, self._telemetry.graph_error, caller.user_id)

    def _token_for(self, caller) -> str:
        try:
            token = self._tokens.graph_token(caller)
        except GraphError:
            raise
        except Exception as error:  # a token source bug must read as "no token", not crash scoring
            raise GraphAuthError(f"no Graph token could be had ({type(error).__name__})") from None
        if not token:
            raise GraphAuthError("no Graph token could be had")
        return token


def _http_client(base_url: str, ca_bundle: str | None) -> httpx.AsyncClient:
    """Our base URL, CA bundle and timeouts, and kiota's middleware without its RetryHandler: it sleeps
    as long as Retry-After asks, blind to our deadline (retry.py retries instead). Redirects stay: a drive
    item's content is a 302 to a download URL (kiota drops the Authorization header across origins)."""
    client = httpx.AsyncClient(
        base_url=base_url, verify=ssl.create_default_context(cafile=ca_bundle) if ca_bundle else True,
        timeout=TIMEOUT, limits=LIMITS, http2=True,
    )
    me = UrlReplaceHandlerOption(enabled=True, replacement_pairs={"/users/me-token-to-replace": "/me"})
    middleware = [
        RedirectHandler(), ParametersNameDecodingHandler(), UrlReplaceHandler(me),
        GraphTelemetryHandler(GraphTelemetryHandlerOption(api_version=APIVersion.v1, sdk_version=VERSION)),
    ]
    return GraphClientFactory.create_with_custom_middleware(middleware, client=client)


class CallerToken(AccessTokenProvider):
    """The caller's token, handed to kiota only for https URLs on the Graph host (never to a download
    server a redirect leads to, nor a link in a draft)."""

    def __init__(self, token: str, allowed_hosts: list[str]):
        self._token = token
        self._hosts = AllowedHostsValidator(allowed_hosts)

    async def get_authorization_token(self, uri: str, additional_authentication_context: Any = None) -> str:
        return self._token if urlsplit(uri).scheme == "https" and self._hosts.is_url_host_valid(uri) else ""

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._hosts


class GraphSession:
    """One caller's view of Graph for one piece of work."""

    def __init__(self, adapter: GraphRequestAdapter, http, deadline: Deadline, on_error, user_id: str = ""):
        self.sdk = GraphServiceClient(request_adapter=adapter)
        self.deadline = deadline
        self.user_id = user_id  # the caller's object id, from its validated token
        self._adapter, self._http, self._on_error = adapter, http, on_error

    def mailbox(self, mode: str):
        """The caller's own mailbox: /me on their behalf, or /users/{their object id} as the application.

        Never a mailbox the draft names: its From is the client's word, and the application may read
        every mailbox in the tenant.
        """
        if mode == "delegated":
            return self.sdk.me
        if not self.user_id:
            raise GraphError("the caller's token names no user, so its mailbox is unknown", code="no_user")
        return self.sdk.users.by_user_id(self.user_id)

    async def retried(self, attempt: Callable[[], Awaitable[T]], what: str) -> T:
        return await with_retries(attempt, self.deadline, what=what, on_error=self._on_error)

    async def download(self, request: RequestInformation, max_bytes: int, what: str) -> bytes:
        """GET raw content, streamed; TooLarge as soon as it passes ``max_bytes`` (declared or counted). From the
        configured root unless ``request`` names another ``baseurl`` (Graph beta, for what v1.0 does not return)."""
        request.path_parameters.setdefault("baseurl", self._adapter.base_url)

        async def attempt() -> bytes:
            response = await self._http.send(await self._adapter.convert_to_native_async(request), stream=True)
            try:
                if response.status_code >= 400:
                    raise APIError(f"status {response.status_code}", response.status_code, response.headers)
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise TooLarge("larger than the most Sendward fetches")
                chunks, total = [], 0
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
                    if total > max_bytes:
                        raise TooLarge("larger than the most Sendward fetches")
                    chunks.append(chunk)
                return b"".join(chunks)
            finally:
                await response.aclose()

        return await self.retried(attempt, what)


def beta_base_url(base_url: str) -> str | None:
    """Graph's beta root beside a v1.0 one (``https://graph.microsoft.com/beta``), else None."""
    root, _, version = base_url.rstrip("/").rpartition("/")
    return f"{root}/beta" if version == "v1.0" else None


def on_graph(url: str, base_url: str) -> bool:
    """Whether ``url`` is on Graph's own origin (scheme and host): a next page elsewhere would be sent our token."""
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def item_request(builder, suffix: str = "") -> RequestInformation:
    """A GET of what an SDK request builder addresses (e.g. one attachment; ``suffix="/$value"`` for its
    raw content), without the builder's query template."""
    return RequestInformation(Method.GET, builder.url_template.split("{?", 1)[0] + suffix, dict(builder.path_parameters))
