"""Score requests per user and per tenant per minute, counted across instances (Redis) where it can be.

While the shared counter cannot answer, each process counts on its own: the limit still
holds per process, and scoring never stops because Redis did.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from cachetools import TLRUCache

from sendward.services.ports import WindowCounter

WINDOW_SECONDS = 60


class MemoryWindowCounter:
    """Events per key within a fixed window, in this process: the WindowCounter without Redis,
    and the fallback while Redis cannot answer."""

    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.max_keys = max_keys
        self._clock = clock
        # key -> (the window's end, events in it); a window that ended is gone
        self._counts: TLRUCache[str, tuple[float, int]] = TLRUCache(max_keys, _expires_at, timer=clock)
        self._lock = threading.Lock()

    def hit(self, key: str, window_seconds: int) -> int:
        now = self._clock()
        with self._lock:
            expires, count = self._counts.pop(key, (now + window_seconds, 0))
            self._counts[key] = (expires, count + 1)
            return count + 1


def _expires_at(key, entry: tuple[float, int], now: float) -> float:
    return entry[0]


@dataclass(frozen=True)
class Limited:
    scope: str  # "user" or "tenant"
    limit: int
    retry_after_seconds: int


@dataclass
class RateLimits:
    per_user: int = 0  # requests per minute; 0: no limit
    per_tenant: int = 0
    shared: WindowCounter | None = None
    clock: Callable[[], float] = time.time
    local: MemoryWindowCounter = field(default_factory=MemoryWindowCounter)

    def check(self, tenant_id: str, user: str, purpose: str = "send") -> Limited | None:
        """Count this request; what it exceeds, if anything (the user's limit is checked first).

        A user's sends and background checks are counted apart: checks while writing must never
        use up the Send."""
        window = int(self.clock() // WINDOW_SECONDS)
        for scope, limit, key in (
            ("user", self.per_user, f"rate:{window}:user:{purpose}:{tenant_id}:{user}"),
            ("tenant", self.per_tenant, f"rate:{window}:tenant:{tenant_id}"),
        ):
            if limit and self._count(key) > limit:
                return Limited(scope, limit, self._seconds_to_next_window())
        return None

    def _count(self, key: str) -> int:
        counted = self.shared.hit(key, WINDOW_SECONDS) if self.shared is not None else None
        return counted if counted is not None else self.local.hit(key, WINDOW_SECONDS)

    def _seconds_to_next_window(self) -> int:
        return max(1, math.ceil(WINDOW_SECONDS - self.clock() % WINDOW_SECONDS))
