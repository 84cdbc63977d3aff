"""Saving, publishing, comparing and rolling back policy versions (PolicyService)."""

import pytest
from pydantic import ValidationError

from sendward.domain.records import PolicyState, UnknownVersion, VersionConflict
from sendward.domain.policy import Policy


def with_threshold(value: int) -> dict:
    document = Policy().to_json()
    document["rules"]["recipients.exposed"]["min_visible_external"] = value
    return document


def exposed_threshold(policies, tenant="tenant-a") -> int:
    policy, _ = policies.current(tenant)
    return policy.rule("recipients.exposed").min_visible_external


def test_a_draft_is_saved_but_not_enforced(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    draft = policies.save_draft("tenant-a", with_threshold(3), author="b@x", comment="try 3")
    assert draft.version == 2 and not draft.published
    assert exposed_threshold(policies) == 5
    assert [(r.version, r.published) for r in policies.history("tenant-a")] == [
        (2, False),
        (1, True),
    ]


def test_publishing_a_version_enforces_it(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    policies.save_draft("tenant-a", with_threshold(3), author="b@x")
    published = policies.publish("tenant-a", 2)
    assert published.published
    assert exposed_threshold(policies) == 3


def test_rollback_copies_an_old_version_into_a_new_published_one(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    policies.replace("tenant-a", with_threshold(3), author="a@x")
    copy = policies.rollback("tenant-a", 1, author="c@x")
    assert (copy.version, copy.copied_from, copy.published) == (3, 1, True)
    assert copy.comment == "Rolled back to version 1"
    assert exposed_threshold(policies) == 5
    assert [r.version for r in policies.history("tenant-a")] == [3, 2, 1]


def test_rollback_to_zero_restores_the_defaults(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    policies.rollback("tenant-a", 0, author="a@x")
    assert exposed_threshold(policies) == Policy().rule("recipients.exposed").min_visible_external


def test_diff_between_versions(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    policies.save_draft("tenant-a", with_threshold(3), author="a@x")
    [change] = policies.diff("tenant-a", 1, 2)
    assert (change.field, change.before, change.after) == (
        "rules.recipients.exposed.min_visible_external",
        5,
        3,
    )
    assert [c.field for c in policies.diff("tenant-a", 0, 1)] == [
        "rules.recipients.exposed.min_visible_external"
    ]


def test_versions_of_another_tenant_are_unknown(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    with pytest.raises(UnknownVersion):
        policies.version("tenant-b", 1)
    with pytest.raises(UnknownVersion):
        policies.publish("tenant-b", 1)
    with pytest.raises(UnknownVersion):
        policies.rollback("tenant-b", 1, author="x")


def test_stale_writers_get_a_conflict(policies):
    policies.replace("tenant-a", with_threshold(5), author="a@x")
    with pytest.raises(VersionConflict):
        policies.save_draft("tenant-a", with_threshold(3), author="b@x", expected_revision=0)
    with pytest.raises(VersionConflict):
        policies.rollback("tenant-a", 1, author="b@x", expected_revision=0)
    with pytest.raises(VersionConflict) as conflict:
        policies.publish("tenant-a", 1, expected_revision=0)
    assert conflict.value.state == PolicyState(revision=1, latest=1, published=1)
    assert policies.latest_version("tenant-a") == 1  # nothing was written


def test_every_save_publish_and_rollback_counts_one_revision(policies):
    assert policies.state("tenant-a") == PolicyState(revision=0, latest=0, published=0)
    assert policies.replace("tenant-a", with_threshold(5), author="a").revision == 1
    assert policies.save_draft("tenant-a", with_threshold(3), author="a").revision == 2
    assert policies.publish("tenant-a", 2, expected_revision=2).revision == 3
    assert policies.publish("tenant-a", 1, expected_revision={1, 3}).revision == 4
    assert policies.rollback("tenant-a", 2, author="a", expected_revision=4).revision == 5
    assert policies.state("tenant-a") == PolicyState(revision=5, latest=3, published=3)


def test_the_editable_policy_comes_with_its_state(policies):
    policies.replace("tenant-a", with_threshold(5), author="a")
    policies.save_draft("tenant-a", with_threshold(3), author="a")
    policy, version, state = policies.editable("tenant-a")
    assert (policy.rule("recipients.exposed").min_visible_external, version) == (5, 1)
    assert state == PolicyState(revision=2, latest=2, published=1)


def test_a_stored_version_that_no_longer_validates_is_not_published(policies, store):
    store.save_policy(
        "tenant-a", {"rules": {"no.such_rule": {}}}, author="old release", publish=False
    )
    with pytest.raises(ValidationError):
        policies.publish("tenant-a", 1)
    with pytest.raises(ValidationError):
        policies.rollback("tenant-a", 1, author="a@x")


def test_the_last_known_policies_are_bounded(store):
    from sendward.services.policies import PolicyService

    policies = PolicyService(store, last_known_tenants=3)
    for i in range(5):
        policies.current(f"tenant-{i}")
    assert list(policies._last_known) == ["tenant-2", "tenant-3", "tenant-4"]


def test_a_policy_file_is_imported_as_the_next_version(policies):
    import json

    from sendward.domain.policy import InvalidPolicyFile

    export = json.dumps({"version": 7, "policy": with_threshold(4)}).encode()
    record = policies.import_file("tenant-a", export, "p.json", author="a@x")
    assert (record.version, record.published, record.comment) == (1, False, "Imported from p.json")
    published = policies.import_file("tenant-a", export, "p.json", author="a@x", comment=" why ", publish=True)
    assert published.comment == "why" and exposed_threshold(policies) == 4
    with pytest.raises(InvalidPolicyFile):
        policies.import_file("tenant-a", b"{", "x.json", author="a@x")
    assert policies.latest_version("tenant-a") == 2
