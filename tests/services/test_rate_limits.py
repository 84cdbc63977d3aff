"""Rate limits per user and per tenant, shared across instances, counted locally while Redis is away."""

from sendward.services.rate_limits import MemoryWindowCounter, RateLimits


class Clock:
    def __init__(self, now=1_000_000.0):
        self.now = now

    def __call__(self):
        return self.now


class Unavailable:
    def hit(self, key, window_seconds):
        return None


def test_a_user_over_the_limit_is_refused_until_the_next_minute():
    clock = Clock(now=60 * 1000 + 45)
    limits = RateLimits(per_user=3, clock=clock)
    assert [limits.check("t", "u") for _ in range(3)] == [None, None, None]
    refused = limits.check("t", "u")
    assert refused.scope == "user" and refused.limit == 3 and refused.retry_after_seconds == 15
    assert limits.check("t", "someone else") is None
    clock.now += 15
    assert limits.check("t", "u") is None


def test_a_tenant_limit_counts_every_user_of_the_tenant():
    limits = RateLimits(per_user=0, per_tenant=2, clock=Clock())
    assert limits.check("t", "a") is None and limits.check("t", "b") is None
    assert limits.check("t", "c").scope == "tenant"
    assert limits.check("other tenant", "a") is None


def test_no_limit_is_zero():
    limits = RateLimits(per_user=0, per_tenant=0, clock=Clock())
    assert all(limits.check("t", "u") is None for _ in range(1000))


def test_the_shared_counter_is_used_when_it_answers():
    clock = Clock()
    shared = MemoryWindowCounter(clock=clock)  # stands for Redis, shared by two instances
    first = RateLimits(per_user=3, shared=shared, clock=clock)
    second = RateLimits(per_user=3, shared=shared, clock=clock)
    assert [first.check("t", "u"), second.check("t", "u"), first.check("t", "u")] == [None, None, None]
    assert second.check("t", "u") is not None


def test_while_the_shared_counter_cannot_answer_each_process_counts():
    limits = RateLimits(per_user=2, shared=Unavailable(), clock=Clock())
    assert limits.check("t", "u") is None and limits.check("t", "u") is None
    assert limits.check("t", "u") is not None


def test_sends_and_background_checks_are_counted_apart():
    limits = RateLimits(per_user=1, clock=Clock())
    assert limits.check("t", "u", "precheck") is None
    assert limits.check("t", "u", "precheck") is not None
    assert limits.check("t", "u", "send") is None


def test_a_window_counter_starts_again_in_the_next_window():
    clock = Clock(now=0.0)
    counter = MemoryWindowCounter(clock=clock)
    assert [counter.hit("u", 60) for _ in range(3)] == [1, 2, 3]
    assert counter.hit("other", 60) == 1
    clock.now = 60.0
    assert counter.hit("u", 60) == 1
