"""Redis as the shared KeyValueCache and WindowCounter (services.ports) of every instance.

What is kept here (scan results, Graph tokens, mail tips, policies, rate-limit counts) is
sealed with AES-GCM under a key derived from the user-hash key, which Redis never sees: a
copy of the Redis data reveals no Graph token, and an entry cannot be moved to another key.

Redis is a cache, never a dependency: a call that fails is a miss (or, for a counter, "no
answer"), and after a failure the store stops asking for ``pause_seconds`` so that an
outage costs each request nothing rather than a connect timeout.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from typing import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

NONCE_BYTES = 12


def cache_key_from(user_hash_key: bytes) -> bytes:
    """The 256-bit sealing key: an HMAC of a fixed label under the user-hash key."""
    return hmac.new(user_hash_key, b"sendward redis cache v1", hashlib.sha256).digest()


class RedisStore:
    def __init__(
        self,
        url: str,
        *,
        sealing_key: bytes,
        prefix: str = "sendward:",
        timeout_seconds: float = 0.25,
        pause_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.prefix = prefix
        self.pause_seconds = pause_seconds
        self._clock = clock
        self._aead = AESGCM(sealing_key)
        self._paused_until = 0.0
        self._lock = threading.Lock()
        # No connection is made here: the app is built before gunicorn forks its workers.
        self._redis = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout_seconds,
            socket_timeout=timeout_seconds,
            # One immediate retry on a dropped connection: after Redis restarts, a pooled
            # connection's first command fails although a new one would work.
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[redis.ConnectionError],
            retry_on_timeout=False,
            health_check_interval=30,
        )

    # -- KeyValueCache ----------------------------------------------------------------

    def get(self, key: str) -> bytes | None:
        sealed = self._call(lambda r: r.get(self.prefix + key))
        return self._open(key, sealed) if sealed else None

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None:
        if ttl_seconds > 0:
            self._call(lambda r: r.set(self.prefix + key, self._seal(key, value), ex=ttl_seconds))

    def add(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Set only where the key holds nothing (a reader filling the cache never overwrites a writer)."""
        if ttl_seconds > 0:
            self._call(lambda r: r.set(self.prefix + key, self._seal(key, value), ex=ttl_seconds, nx=True))

    def delete(self, key: str) -> None:
        self._call(lambda r: r.delete(self.prefix + key))

    # -- WindowCounter ----------------------------------------------------------------

    def hit(self, key: str, window_seconds: int) -> int | None:
        """Count one event in the window that ``key`` names; None when Redis cannot say."""

        def count(r):
            pipeline = r.pipeline(transaction=True)
            pipeline.incr(self.prefix + key)
            # The key names its window, so setting its time to live again is harmless (EXPIRE NX needs Redis 7).
            pipeline.expire(self.prefix + key, window_seconds)
            return pipeline.execute()[0]

        found = self._call(count)
        return int(found) if found is not None else None

    # -- health -------------------------------------------------------------------------

    def ping(self) -> bool:
        try:
            return bool(self._redis.ping())
        except redis.RedisError:
            return False

    @property
    def available(self) -> bool:
        """False while paused after a failure."""
        return self._clock() >= self._paused_until

    # -- internals ----------------------------------------------------------------------

    def _call(self, operation):
        if not self.available:
            return None
        try:
            return operation(self._redis)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self._pause(error)  # Redis is away: stop asking for a moment
            return None
        except redis.RedisError as error:  # Redis answered, but not this command: a miss, nothing more
            log.warning("redis refused a command: %s", type(error).__name__)
            return None

    def _pause(self, error: Exception) -> None:
        with self._lock:
            already_paused = self._clock() < self._paused_until
            self._paused_until = self._clock() + self.pause_seconds
        if not already_paused:
            log.warning("redis unavailable (%s): caches miss for %.0f s", type(error).__name__, self.pause_seconds)

    def _seal(self, key: str, value: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, bytes(value), key.encode())

    def _open(self, key: str, sealed: bytes) -> bytes | None:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], key.encode())
        except (InvalidTag, ValueError):
            log.warning("discarding a cache entry that does not open (another key, or altered)")
            return None
