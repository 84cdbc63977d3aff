"""The shared Redis store: sealed values, set-if-absent, window counters, and an outage that costs nothing."""

from __future__ import annotations

import socket

import pytest
import redis

from sendward.adapters.cache.redis import RedisStore, cache_key_from

pytestmark = pytest.mark.redis
KEY = cache_key_from(b"a user-hash key")


@pytest.fixture
def store(redis_url):
    url, prefix = redis_url
    return RedisStore(url, sealing_key=KEY, prefix=prefix)


@pytest.fixture
def raw(redis_url):
    return redis.Redis.from_url(redis_url[0])


def test_a_value_comes_back_and_is_stored_sealed(store, raw):
    store.set("graph-tokens:t1", b'{"access_token": "eyJ-secret"}', 60)
    assert store.get("graph-tokens:t1") == b'{"access_token": "eyJ-secret"}'
    stored = raw.get(store.prefix + "graph-tokens:t1")
    assert b"secret" not in stored and b"access_token" not in stored
    assert 0 < raw.ttl(store.prefix + "graph-tokens:t1") <= 60


def test_a_sealed_value_moved_to_another_key_does_not_open(store, raw):
    store.set("policy:tenant-a", b"tenant a's", 60)
    raw.set(store.prefix + "policy:tenant-b", raw.get(store.prefix + "policy:tenant-a"))
    assert store.get("policy:tenant-b") is None


def test_another_deployments_key_cannot_read_the_values(store, redis_url):
    store.set("k", b"v", 60)
    other = RedisStore(redis_url[0], sealing_key=cache_key_from(b"another key"), prefix=store.prefix)
    assert other.get("k") is None


def test_add_leaves_a_value_that_is_there(store):
    store.add("k", b"first", 60)
    store.add("k", b"second", 60)
    assert store.get("k") == b"first"
    store.delete("k")
    assert store.get("k") is None


def test_a_window_counter_counts_and_expires(store, raw):
    assert [store.hit("rate:1:user:u", 60) for _ in range(3)] == [1, 2, 3]
    assert 0 < raw.ttl(store.prefix + "rate:1:user:u") <= 60


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def test_an_unreachable_redis_is_a_miss_and_is_not_asked_again_at_once():
    store = RedisStore(f"redis://127.0.0.1:{closed_port()}/0", sealing_key=KEY, pause_seconds=30)
    store.set("k", b"v", 60)
    assert store.get("k") is None
    assert store.hit("rate:1:user:u", 60) is None
    assert not store.available and not store.ping()
    calls = []
    store._redis = type("Spy", (), {"get": lambda self, key: calls.append(key)})()
    assert store.get("k") is None
    assert calls == []  # paused: no connection attempt, so no wait for one


def test_asking_resumes_after_the_pause(redis_url):
    url, prefix = redis_url
    clock = [0.0]
    store = RedisStore(url, sealing_key=KEY, prefix=prefix, pause_seconds=2, clock=lambda: clock[0])
    store._pause(redis.ConnectionError())
    store.set("k", b"v", 60)
    assert store.get("k") is None
    clock[0] = 2.0
    store.set("k", b"v", 60)
    assert store.get("k") == b"v"


def test_a_command_redis_refuses_is_a_miss_but_not_an_outage(store, raw):
    raw.set(store.prefix + "rate:1:user:u", "not a number")  # INCR will be refused
    assert store.hit("rate:1:user:u", 60) is None
    assert store.available  # the other caches go on
    store.set("k", b"v", 60)
    assert store.get("k") == b"v"
