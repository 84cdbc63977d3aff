"""The in-process key-value cache: values expire, the oldest go first when full."""

from sendward.adapters.cache.key_value import MemoryKeyValueCache


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_value_is_returned_until_it_expires():
    clock = Clock()
    cache = MemoryKeyValueCache(clock=clock)
    cache.set("k", b"v", ttl_seconds=10)
    clock.now = 9.9
    assert cache.get("k") == b"v"
    clock.now = 10.0
    assert cache.get("k") is None
    assert len(cache) == 0


def test_the_least_recently_used_entry_is_evicted_first():
    cache = MemoryKeyValueCache(max_entries=2)
    cache.set("a", b"1", 60)
    cache.set("b", b"2", 60)
    assert cache.get("a") == b"1"  # a is now the most recently used
    cache.set("c", b"3", 60)
    assert cache.get("b") is None
    assert cache.get("a") == b"1" and cache.get("c") == b"3"


def test_a_zero_ttl_stores_nothing():
    cache = MemoryKeyValueCache()
    cache.set("k", b"v", 0)
    assert cache.get("k") is None


def test_add_sets_only_where_nothing_live_is_stored():
    clock = Clock()
    cache = MemoryKeyValueCache(clock=clock)
    cache.add("k", b"first", 10)
    cache.add("k", b"second", 10)
    assert cache.get("k") == b"first"
    clock.now = 10.0
    cache.add("k", b"third", 10)  # the first has expired
    assert cache.get("k") == b"third"
    cache.delete("k")
    assert cache.get("k") is None

