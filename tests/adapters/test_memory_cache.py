"""The in-process scan cache: bounded, expiring, thread-safe, and used by the scorer."""

import threading

import pytest

from sendward.adapters.cache.memory import MemoryScanCache
from sendward.domain.policy import Policy
from sendward.services.scoring import Scorer
from tests.builders import attachment, draft, people


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_get_returns_what_was_put():
    cache = MemoryScanCache()
    cache.put("k", ("signals", 1))
    assert cache.get("k") == ("signals", 1)
    assert cache.get("other") is None


def test_entries_expire_after_their_time_to_live():
    clock = Clock()
    cache = MemoryScanCache(ttl_seconds=60, clock=clock)
    cache.put("k", "v")
    clock.now += 59
    assert cache.get("k") == "v"
    clock.now += 2
    assert cache.get("k") is None
    assert len(cache) == 0


def test_the_least_recently_used_entry_goes_first_when_full():
    cache = MemoryScanCache(max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")  # a is now more recent than b
    cache.put("c", 3)
    assert cache.get("b") is None
    assert cache.get("a") == 1 and cache.get("c") == 3


def test_bytes_are_bounded_too():
    cache = MemoryScanCache(max_bytes=250, size_of=lambda v: 100)
    for key in "abc":
        cache.put(key, key)
    assert len(cache) == 2 and cache.bytes_used == 200
    assert cache.get("a") is None


def test_a_value_larger_than_the_whole_cache_is_not_kept():
    cache = MemoryScanCache(max_bytes=10, size_of=lambda v: 11)
    cache.put("big", "v")
    assert cache.get("big") is None and cache.bytes_used == 0


def test_replacing_a_key_does_not_leak_bytes():
    cache = MemoryScanCache(size_of=lambda v: len(v))
    cache.put("k", "aaaa")
    cache.put("k", "bb")
    assert cache.bytes_used == 2 and cache.get("k") == "bb"


def test_bounds_must_be_positive():
    with pytest.raises(ValueError):
        MemoryScanCache(max_entries=0)


def test_threads_can_share_it():
    cache = MemoryScanCache(max_entries=50, size_of=lambda v: 1)

    def work(n):
        for i in range(500):
            cache.put(f"{n}-{i % 80}", i)
            cache.get(f"{(n + 1) % 4}-{i % 80}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(cache) == 50 and cache.bytes_used == 50


class CountingScanner:
    """Wraps the real scanner and counts attachment scans."""

    def __init__(self, scanner):
        self.scanner = scanner
        self.attachment_scans = 0

    def scan_attachment(self, attachment, request):
        self.attachment_scans += 1
        return self.scanner.scan_attachment(attachment, request)

    def __getattr__(self, name):
        return getattr(self.scanner, name)


def test_a_second_score_of_the_same_bytes_is_a_cache_hit(scanner, clients_xlsx):
    counting = CountingScanner(scanner)
    scorer = Scorer(scanner=counting, scan_cache=MemoryScanCache())
    d = draft(to=people(20), attachments=[attachment("clients.xlsx", clients_xlsx)])
    renamed = draft(to=people(3), attachments=[attachment("copy of clients.xlsx", clients_xlsx)])

    first = scorer.score(d, Policy(), 0, tenant_id="t1")
    second = scorer.score(renamed, Policy(), 0, tenant_id="t1")

    assert counting.attachment_scans == 1
    assert second.attachments[0].name == "copy of clients.xlsx"
    assert second.attachments[0].content.data_subjects == first.attachments[0].content.data_subjects == 163


def test_another_tenant_does_not_share_the_cached_scan(scanner, clients_xlsx):
    counting = CountingScanner(scanner)
    scorer = Scorer(scanner=counting, scan_cache=MemoryScanCache())
    d = draft(to=people(2), attachments=[attachment("clients.xlsx", clients_xlsx)])
    scorer.score(d, Policy(), 0, tenant_id="t1")
    scorer.score(d, Policy(), 0, tenant_id="t2")
    assert counting.attachment_scans == 2


def test_the_service_is_wired_with_the_memory_cache(container):
    assert isinstance(container.scorer.scan_cache, MemoryScanCache)
