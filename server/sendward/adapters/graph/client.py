"""The Graph client: msgraph-sdk on the worker's shared event loop, one bearer token per caller.

``GraphClient.call(caller, deadline, work)`` runs ``work(session)`` on the
background loop and waits for it from the calling (Flask) thread no longer than
the deadline allows. The session gives ``work`` an SDK client authorised as the
caller, ``retried(...)`` to call it within the budget, and ``download(...)`` to
stream raw content with a size cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation

from sendward.adapters.graph.auth import bearer_auth
from sendward.adapters.graph.errors import GraphAuthError, GraphError, GraphUnavailable, TooLarge
from sendward.adapters.graph.loop import BackgroundLoop
from sendward.adapters.graph.retry import Backoff, HttpStatusError, with_retries
from sendward.adapters.graph.sdk import GraphRequestAdapter, GraphServiceClient
from sendward.adapters.graph.transport import make_http_client
from sendward.kernel import Deadline
from sendward.kernel import NO_TELEMETRY

T = TypeVar("T")
# The waiting thread gives the loop this long past the deadline to hand back partial results.
GRACE_SECONDS = 0.25


class GraphSession:
    """One caller's view of Graph for one piece of work."""

    def __init__(
        self, sdk: GraphServiceClient, adapter: GraphRequestAdapter, http, deadline, backoff, on_error=None,
        user_id: str = "",
    ):
        self.sdk = sdk
        self.user_id = user_id  # the caller's object id, from its validated token
        self._on_error = on_error or (lambda kind: None)
        self.deadline = deadline
        self._adapter = adapter
        self._http = http
        self._backoff = backoff

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

    async def retried(self, attempt: Callable[[], Awaitable[T]], what: str, deadline: Deadline | None = None) -> T:
        return await with_retries(
            attempt, deadline or self.deadline, what=what, backoff=self._backoff, on_error=self._on_error
        )

    async def download(
        self, request: RequestInformation, max_bytes: int, what: str, base_url: str | None = None
    ) -> bytes:
        """GET raw content, streamed; TooLarge as soon as it passes ``max_bytes`` (declared or counted).
        ``base_url``: another root than the configured one (Graph beta, for what v1.0 does not return)."""
        return await self.retried(lambda: self._stream(request, max_bytes, base_url), what)

    async def _stream(self, request: RequestInformation, max_bytes: int, base_url: str | None = None) -> bytes:
        self._adapter.set_base_url_for_request_information(request)
        if base_url:
            request.path_parameters["baseurl"] = base_url
        native = await self._adapter.convert_to_native_async(request)
        response = await self._http.send(native, stream=True)
        try:
            if response.status_code >= 400:
                raise HttpStatusError(response.status_code, response.headers)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge("larger than the most Sendward fetches")
            return await _read_capped(response, max_bytes)
        finally:
            await response.aclose()


def beta_base_url(base_url: str) -> str | None:
    """Graph's beta root beside a v1.0 one (``https://graph.microsoft.com/beta``), else None."""
    root, _, version = base_url.rstrip("/").rpartition("/")
    return f"{root}/beta" if version == "v1.0" else None


def item_request(builder) -> RequestInformation:
    """A GET of the item an SDK request builder addresses (e.g. one attachment), without its query template."""
    return RequestInformation(Method.GET, builder.url_template.split("{?", 1)[0], dict(builder.path_parameters))


def raw_value(builder) -> RequestInformation:
    """The ``/$value`` (raw content) request under an SDK request builder (e.g. one attachment)."""
    template = builder.url_template.split("{?", 1)[0] + "/$value"
    return RequestInformation(Method.GET, template, dict(builder.path_parameters))


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    chunks, total = [], 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge("larger than the most Sendward fetches")
        chunks.append(chunk)
    return b"".join(chunks)


class GraphClient:
    def __init__(
        self,
        base_url: str,
        tokens,
        *,
        ca_bundle: str | None = None,
        loop: BackgroundLoop | None = None,
        backoff: Backoff | None = None,
        telemetry=NO_TELEMETRY,
    ):
        self.base_url = base_url.rstrip("/")
        self._telemetry = telemetry
        self._tokens = tokens
        self._ca_bundle = ca_bundle
        self._loop = loop or BackgroundLoop()
        self._backoff = backoff or Backoff()
        self._http: httpx.AsyncClient | None = None
        self._http_generation = -1

    def call(self, caller, deadline: Deadline, work: Callable[[GraphSession], Awaitable[T]]) -> T:
        """``work(session)`` on the shared loop, for ``caller``, answered within ``deadline``."""

        async def run() -> T:
            session = await self._session(caller, deadline)
            return await asyncio.wait_for(work(session), deadline.remaining() + GRACE_SECONDS / 2)

        try:
            return self._loop.run(run, timeout=deadline.remaining() + GRACE_SECONDS)
        except TimeoutError:
            raise GraphUnavailable(
                "the time budget ran out waiting for Microsoft Graph", code="time_budget"
            ) from None

    def close(self) -> None:
        async def close_http() -> None:
            if self._http is not None:
                await self._http.aclose()
                self._http = None

        self._loop.close(close_http)

    async def _session(self, caller, deadline: Deadline) -> GraphSession:
        try:
            token = await asyncio.to_thread(self._token_for, caller)  # msal may block on the network
        except GraphAuthError:
            self._telemetry.graph_error("auth")
            raise
        http = self._http_client()
        adapter = GraphRequestAdapter(bearer_auth(token, self.base_url), client=http)
        adapter.base_url = self.base_url  # httpx adds a trailing slash to its own; templates add another
        return GraphSession(
            GraphServiceClient(request_adapter=adapter), adapter, http, deadline, self._backoff,
            on_error=self._telemetry.graph_error, user_id=caller.user_id,
        )

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

    def _http_client(self) -> httpx.AsyncClient:
        """One pool per loop: a new loop (first use, or after fork) gets a new client."""
        if self._http is None or self._http_generation != self._loop.generation:
            # After a fork the old client's sockets are the parent's: drop it, never close it from here.
            self._http = make_http_client(self.base_url, self._ca_bundle)
            self._http_generation = self._loop.generation
        return self._http
