"""Field-level differences between two policy documents."""

from sendward.domain.policy import Policy
from sendward.domain.policy_diff import diff_documents


def test_identical_documents_have_no_changes():
    assert diff_documents(Policy().to_json(), Policy().to_json()) == []


def test_a_threshold_change_is_named_by_its_path():
    before = Policy().to_json()
    after = Policy().to_json()
    after["rules"]["recipients.exposed"]["block_at"] = 80
    [change] = diff_documents(before, after)
    assert change.to_json() == {
        "field": "rules.recipients.exposed.block_at",
        "change": "changed",
        "before": 50,
        "after": 80,
    }


def test_lists_of_values_say_what_was_added_and_removed():
    [change] = diff_documents(
        {"trusted_domains": ["nhs.net", "police.uk"]},
        {"trusted_domains": ["nhs.net", "partner.org.uk"]},
    )
    assert change.items_added == ("partner.org.uk",)
    assert change.items_removed == ("police.uk",)


def test_added_and_removed_keys():
    changes = diff_documents({"a": 1, "gone": {"x": 1}}, {"a": 1, "new": True})
    assert [(c.field, c.kind) for c in changes] == [("gone", "removed"), ("new", "added")]
    assert changes[0].before == {"x": 1}


def test_lists_of_objects_are_compared_whole():
    before = {"custom_patterns": [{"name": "ref", "pattern": "A\\d+"}]}
    after = {"custom_patterns": [{"name": "ref", "pattern": "B\\d+"}]}
    [change] = diff_documents(before, after)
    assert change.field == "custom_patterns"
    assert "items_added" not in change.to_json()
