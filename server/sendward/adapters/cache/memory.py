"""An in-process scan cache: least recently used first out, entries expire after a time to live.

Bounded both in entries and in (approximate) bytes, and safe to share between
the threads of one worker. Each worker process has its own; a shared cache
(Redis) implements the same port. The bookkeeping is cachetools' TTLCache (its size
is the bytes); the entry bound and the lock are ours.
"""

from __future__ import annotations

import pickle
import threading
import time
from typing import Any, Callable

from cachetools import TTLCache


def pickled_size(value: Any) -> int:
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


class MemoryScanCache:
    def __init__(
        self,
        *,
        max_entries: int = 2048,
        max_bytes: int = 16 * 1024 * 1024,
        ttl_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
        size_of: Callable[[Any], int] = pickled_size,
    ):
        if max_entries < 1 or max_bytes < 1 or ttl_seconds <= 0:
            raise ValueError("cache bounds must be positive")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl_seconds = ttl_seconds
        self._size_of = size_of
        # (size, value) pairs: the size is measured once, when the value is put
        self._entries: TTLCache[str, tuple[int, Any]] = TTLCache(
            maxsize=max_bytes, ttl=ttl_seconds, timer=clock, getsizeof=lambda entry: entry[0]
        )
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
        return None if entry is None else entry[1]

    def put(self, key: str, value) -> None:
        size = self._size_of(value)
        if size > self.max_bytes:
            return  # would evict everything else and still not fit
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (size, value)  # evicts the least recently used beyond max_bytes
            while len(self._entries) > self.max_entries:
                self._entries.popitem()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return self._entries.currsize
