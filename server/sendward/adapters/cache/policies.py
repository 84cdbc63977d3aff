"""Published policies in a KeyValueCache (Redis), so instances need not read the database per request.

A publisher overwrites the entry after its commit; a reader that found nothing fills it only
where nothing is there yet. A reader holding an older version therefore never overwrites a
newer one, and a publish is seen by every instance from its next request. The time to live
bounds how long a lost update (a publisher that died between commit and cache write) can last.

Versions never change once saved, so a document is validated once per process and version.
"""

from __future__ import annotations

import json
import threading

from cachetools import LRUCache

from sendward.domain.policy import Policy

PARSED_VERSIONS = 512


class KeyValuePolicyCache:
    def __init__(self, store, *, ttl_seconds: int = 60):
        self.store = store
        self.ttl_seconds = ttl_seconds
        self._parsed: LRUCache[tuple[str, int], Policy] = LRUCache(PARSED_VERSIONS)
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> tuple[Policy, int] | None:
        raw = self.store.get(_key(tenant_id))
        if raw is None:
            return None
        try:
            entry = json.loads(raw)
            version = int(entry["version"])
            return self._parsed_policy(tenant_id, version, entry["policy"]), version
        except (ValueError, KeyError, TypeError):
            return None

    def fill(self, tenant_id: str, current: tuple[Policy, int]) -> None:
        self.store.add(_key(tenant_id), _encode(current), self.ttl_seconds)

    def replace(self, tenant_id: str, current: tuple[Policy, int]) -> None:
        self.store.set(_key(tenant_id), _encode(current), self.ttl_seconds)

    def _parsed_policy(self, tenant_id: str, version: int, document: dict) -> Policy:
        key = (tenant_id, version)
        with self._lock:
            policy = self._parsed.get(key)
        if policy is None:
            policy = Policy.from_stored(document)
            with self._lock:
                self._parsed[key] = policy
        return policy


def _key(tenant_id: str) -> str:
    return f"policy:{tenant_id}"


def _encode(current: tuple[Policy, int]) -> bytes:
    policy, version = current
    return json.dumps({"version": version, "policy": policy.to_json()}, separators=(",", ":")).encode()
