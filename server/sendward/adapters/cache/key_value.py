"""An in-process key-value cache with a time to live per entry (the default KeyValueCache)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable


class MemoryKeyValueCache:
    def __init__(self, *, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic):
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

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
            entry = self._entries.get(key)
            if entry is None or self._clock() >= entry[0]:
                self._store(key, value, ttl_seconds)

    def delete(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def _store(self, key: str, value: bytes, ttl_seconds: int) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + ttl_seconds, bytes(value))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class MemoryWindowCounter:
    """Events per key within a fixed window, in this process (the WindowCounter without Redis)."""

    def __init__(self, *, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.max_keys = max_keys
        self._clock = clock
        self._counts: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str, window_seconds: int) -> int:
        now = self._clock()
        with self._lock:
            expires, count = self._counts.pop(key, (now + window_seconds, 0))
            if now >= expires:
                expires, count = now + window_seconds, 0
            self._counts[key] = (expires, count + 1)
            while len(self._counts) > self.max_keys:
                self._counts.popitem(last=False)
            return count + 1
