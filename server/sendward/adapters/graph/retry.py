"""Retrying Graph calls within the request's time budget.

Our own loop, not kiota's RetryHandler: the handler sleeps for whatever
Retry-After says (up to 180 s) and knows nothing of our deadline, so one
throttled call could hold a send for minutes. Here a 429 is retried only when
its Retry-After fits the time left; 5xx, connection errors and timeouts are
retried after a short back-off; when the budget cannot cover another try we
stop at once with GraphUnavailable, and the tenant's fail mode decides.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import httpx
from kiota_abstractions.api_error import APIError

from sendward.adapters.graph.errors import (
    GraphAuthError,
    GraphError,
    GraphRefused,
    GraphUnavailable,
)
from sendward.kernel import Deadline

T = TypeVar("T")
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Backoff:
    first: float = 0.1  # seconds before the second try
    factor: float = 2.0
    longest: float = 1.0
    max_attempts: int = 5

    def delay(self, attempt: int) -> float:
        return min(self.longest, self.first * self.factor ** (attempt - 1))


DEFAULT_BACKOFF = Backoff()


class HttpStatusError(Exception):
    """A response we read ourselves (a streamed download) that was not a success."""

    def __init__(self, status: int, headers: Mapping[str, str]):
        super().__init__(f"status {status}")
        self.status = status
        self.headers = headers


async def with_retries(
    attempt: Callable[[], Awaitable[T]],
    deadline: Deadline,
    *,
    what: str,
    backoff: Backoff = DEFAULT_BACKOFF,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_error: Callable[[str], None] = lambda kind: None,
) -> T:
    """``await attempt()`` until it succeeds, a failure is final, or the time budget cannot cover a retry."""
    for number in range(1, backoff.max_attempts + 1):
        if deadline.expired:
            break
        try:
            return await asyncio.wait_for(attempt(), deadline.remaining())
        except TimeoutError:
            on_error("timeout")
            break  # the attempt used up the budget
        except Exception as error:
            on_error(error_kind(error))
            wait = _retry_delay(error, number, backoff, what)
        if number == backoff.max_attempts:
            raise GraphUnavailable(f"Microsoft Graph kept failing ({what})")
        if wait >= deadline.remaining():
            raise GraphUnavailable(f"Microsoft Graph asked us to wait longer than the time left ({what})")
        await sleep(wait)
    raise GraphUnavailable(f"the time budget ran out waiting for Microsoft Graph ({what})", code="time_budget")


def _retry_delay(error: Exception, attempt: int, backoff: Backoff, what: str) -> float:
    """Seconds to wait before retrying ``error``; raise when retrying cannot help."""
    if isinstance(error, GraphError):
        raise error
    if isinstance(error, (httpx.TimeoutException, httpx.TransportError)):
        return backoff.delay(attempt)
    status, headers = _status_of(error)
    if status is None:
        raise GraphError(f"unexpected failure talking to Microsoft Graph ({what}: {type(error).__name__})") from error
    if status in RETRIED_STATUSES:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return retry_after if retry_after is not None else backoff.delay(attempt)
    if status == 401:
        raise GraphAuthError(f"Microsoft Graph refused Sendward's token ({what})") from None
    raise GraphRefused(f"Microsoft Graph answered {status} ({what})", status=status) from None


def error_kind(error: Exception) -> str:
    """A bounded label for a failed call (telemetry.GRAPH_ERROR_KINDS)."""
    if isinstance(error, GraphAuthError):
        return "auth"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if isinstance(error, httpx.TransportError):
        return "network"
    status, _ = _status_of(error)
    if status == 429:
        return "throttled"
    if status in (401, 403):
        return "auth"
    if status == 404:
        return "not_found"
    if status is not None and status >= 500:
        return "server"
    return "other"


def _status_of(error: Exception) -> tuple[int | None, Mapping[str, str]]:
    if isinstance(error, HttpStatusError):
        return error.status, _lower(error.headers)
    if isinstance(error, APIError) and error.response_status_code is not None:
        return error.response_status_code, _lower(error.response_headers or {})
    return None, {}


def _lower(headers) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in dict(headers).items()}


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
