"""The in-process key-value store with a time to live per entry (the default KeyValueCache).

cachetools' TLRUCache keeps each entry until its own expiry and drops the least recently
used beyond the bound; the lock is ours (the threads of a worker share one).
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from cachetools import TLRUCache


def _expires_at(key, entry: tuple[float, object], now: float) -> float:
    return entry[0]


class MemoryKeyValueCache:
    def __init__(self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._clock = clock
        # key -> (expires at, value)
        self._entries: TLRUCache[str, tuple[float, bytes]] = TLRUCache(max_entries, _expires_at, timer=clock)
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            return
        with self._lock:
            self._store(key, value, ttl_seconds)

    def add(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Set only where the key holds nothing live."""
        if ttl_seconds <= 0:
            return
        with self._lock:
            if key not in self._entries:  # an expired entry counts as nothing
                self._store(key, value, ttl_seconds)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _store(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + ttl_seconds, bytes(value))

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
