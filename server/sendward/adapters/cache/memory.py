"""An in-process scan cache: least recently used first out, entries expire after a time to live.

Bounded both in entries and in (approximate) bytes, and safe to share between
the threads of one worker. Each worker process has its own; a shared cache
(Redis) implements the same port.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from typing import Any, Callable


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
        self._clock = clock
        self._size_of = size_of
        self._entries: OrderedDict[str, tuple[float, int, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, _, value = entry
            if self._clock() >= expires:
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, value) -> None:
        size = self._size_of(value)
        if size > self.max_bytes:
            return  # would evict everything else and still not fit
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._entries[key] = (self._clock() + self.ttl_seconds, size, value)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def _remove(self, key: str) -> None:
        _, size, _ = self._entries.pop(key)
        self._bytes -= size
