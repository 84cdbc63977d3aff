"""Retrying Graph calls within the request's time budget: the one place Graph calls are retried.

Not kiota's RetryHandler: it sleeps for whatever Retry-After says (up to 180 s)
and knows nothing of our deadline, so one throttled call could hold a send for
minutes. Here a 429 is retried only when its Retry-After fits the time left; 5xx,
connection errors and timeouts are retried after a short back-off; when the budget
cannot cover another try we stop at once with GraphUnavailable, and the tenant's
fail mode decides.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from kiota_abstractions.api_error import APIError

from sendward.adapters.graph.errors import GraphAuthError, GraphError, GraphRefused, GraphUnavailable
from sendward.kernel import Deadline

T = TypeVar("T")
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
_KINDS = {401: "auth", 403: "auth", 404: "not_found", 429: "throttled"}


@dataclass(frozen=True)
class Backoff:
    first: float = 0.1  # seconds before the second try
    factor: float = 2.0
    longest: float = 1.0
    max_attempts: int = 5

    def delay(self, attempt: int) -> float:
        return min(self.longest, self.first * self.factor ** (attempt - 1))


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    deadline: Deadline,
    *,
    what: str,
    backoff: Backoff = Backoff(),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_error: Callable[[str], None] = lambda kind: None,
) -> T:
    """``await attempt()`` until it succeeds, a failure is final, or the time budget cannot cover a retry.
    Every failed try is reported to ``on_error`` by kind (telemetry.GRAPH_ERROR_KINDS)."""
    for number in range(1, backoff.max_attempts + 1):
        if deadline.expired:
            break
        try:
            return await asyncio.wait_for(attempt(), deadline.remaining())
        except TimeoutError:
            on_error("timeout")
            break  # the attempt used up the budget
        except Exception as error:
            wait = _retry_delay(error, number, backoff, what, on_error)
        if number == backoff.max_attempts:
            raise GraphUnavailable(f"Microsoft Graph kept failing ({what})")
        if wait >= deadline.remaining():
            raise GraphUnavailable(f"Microsoft Graph asked us to wait longer than the time left ({what})")
        await sleep(wait)
    raise GraphUnavailable(f"the time budget ran out waiting for Microsoft Graph ({what})", code="time_budget")


def _retry_delay(error: Exception, attempt: int, backoff: Backoff, what: str, on_error) -> float:
    """Seconds to wait before retrying ``error``, having reported its kind; raise when retrying cannot help."""
    status = error.response_status_code if isinstance(error, APIError) else None
    if isinstance(error, GraphAuthError):
        kind = "auth"
    elif isinstance(error, httpx.TransportError):
        kind = "timeout" if isinstance(error, httpx.TimeoutException) else "network"
    elif status is not None:
        kind = _KINDS.get(status, "server" if status >= 500 else "other")
    else:
        kind = "other"
    on_error(kind)
    if isinstance(error, GraphError):
        raise error
    if kind in ("timeout", "network"):
        return backoff.delay(attempt)
    if status is None:
        raise GraphError(f"unexpected failure talking to Microsoft Graph ({what}: {type(error).__name__})") from error
    if status in RETRIED_STATUSES:
        headers = {str(k).lower(): str(v) for k, v in dict(error.response_headers or {}).items()}
        retry_after = parse_retry_after(headers.get("retry-after"))
        return retry_after if retry_after is not None else backoff.delay(attempt)
    if status == 401:
        raise GraphAuthError(f"Microsoft Graph refused Sendward's token ({what})") from None
    raise GraphRefused(f"Microsoft Graph answered {status} ({what})", status=status) from None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value or not (value := value.strip()):
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
