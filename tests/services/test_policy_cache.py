"""The shared policy cache: instances see a publish at once, and a slow reader never undoes it."""

import pytest

from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.adapters.cache.policies import KeyValuePolicyCache
from sendward.domain.policy import Policy
from sendward.services.policies import PolicyService


def with_threshold(value: int) -> dict:
    document = Policy().to_json()
    document["rules"]["recipients.exposed"]["min_visible_external"] = value
    return document


def threshold(current) -> int:
    policy, _ = current
    return policy.rule("recipients.exposed").min_visible_external


@pytest.fixture
def shared():
    return MemoryKeyValueCache()  # stands for the Redis both instances use


@pytest.fixture
def two_instances(container, shared):
    """Two PolicyServices on one database and one shared cache, as two instances of the service are."""
    first = PolicyService(container.storage, cache=KeyValuePolicyCache(shared))
    second = PolicyService(container.storage, cache=KeyValuePolicyCache(shared))
    return first, second


def test_a_policy_published_on_one_instance_is_enforced_by_the_other(two_instances):
    first, second = two_instances
    first.replace("tenant-a", with_threshold(5), author="a@x")
    assert threshold(second.current("tenant-a")) == 5
    first.save_draft("tenant-a", with_threshold(3), author="a@x")
    assert threshold(second.current("tenant-a")) == 5  # a draft is not enforced
    first.publish("tenant-a", 2)
    assert second.current("tenant-a")[1] == 2 and threshold(second.current("tenant-a")) == 3
    first.rollback("tenant-a", 1, author="a@x")
    assert second.current("tenant-a")[1] == 3 and threshold(second.current("tenant-a")) == 5


def test_the_cache_answers_without_the_database(two_instances, container, monkeypatch):
    first, second = two_instances
    first.replace("tenant-a", with_threshold(7), author="a@x")

    def no_database(tenant_id):
        raise AssertionError("the database was read")

    monkeypatch.setattr(container.storage, "published_policy", no_database)
    assert threshold(second.current("tenant-a")) == 7


def test_a_reader_with_an_older_version_does_not_overwrite_a_publish(container, shared):
    cache = KeyValuePolicyCache(shared)
    PolicyService(container.storage).replace("tenant-a", with_threshold(5), author="a@x")
    stale = (Policy.model_validate(with_threshold(5)), 1)
    cache.replace("tenant-a", (Policy.model_validate(with_threshold(3)), 2))  # the publisher, after its commit
    cache.fill("tenant-a", stale)  # a reader that read the database before that commit
    assert cache.get("tenant-a")[1] == 2


def test_an_unreadable_entry_falls_back_to_the_database(two_instances, shared):
    first, second = two_instances
    first.replace("tenant-a", with_threshold(6), author="a@x")
    shared.set("policy:tenant-a", b"{not json", 60)
    assert threshold(second.current("tenant-a")) == 6


def test_a_version_is_validated_once_per_process(shared, monkeypatch):
    cache = KeyValuePolicyCache(shared)
    cache.replace("tenant-a", (Policy.model_validate(with_threshold(4)), 9))
    calls = []
    real = Policy.model_validate
    monkeypatch.setattr(Policy, "model_validate", lambda doc, **kw: calls.append(1) or real(doc, **kw))
    assert [cache.get("tenant-a")[1] for _ in range(3)] == [9, 9, 9]
    assert len(calls) == 1
