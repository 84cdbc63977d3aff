"""The policy document: defaults cover every rule of the contract; invalid documents get field-level errors."""

import pytest
from pydantic import ValidationError

from sendward.domain.policy import Policy, field_errors
from sendward.domain.rules import RULE_IDS

CONTRACT_RULES = {
    "recipients.exposed",
    "recipients.large_audience",
    "recipients.external_domains",
    "recipients.lookalike_domain",
    "recipients.misdirected",
    "attachment.personal_data",
    "attachment.special_category",
    "attachment.hidden_content",
    "attachment.unscannable",
    "body.personal_data",
    "policy.custom_pattern",
}


def errors(document) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate(document)
    return {e["field"]: e["message"] for e in field_errors(caught.value)}


def test_defaults_name_every_contract_rule_with_enabled_action_and_message():
    document = Policy().to_json()
    assert set(document["rules"]) == CONTRACT_RULES == set(RULE_IDS)
    for rule, config in document["rules"].items():
        assert config["enabled"] is True, rule
        assert config["action"] in ("info", "warn", "block"), rule
        assert "message" in config, rule


def test_a_document_round_trips():
    document = Policy().to_json()
    assert Policy.model_validate(document).to_json() == document


def test_an_empty_document_means_the_defaults():
    assert Policy.model_validate({}) == Policy()


def test_domains_are_normalised():
    policy = Policy(internal_domains=[" @Northshire.GOV.uk. "], trusted_domains=["bücher.example"])
    assert policy.internal_domains == ["northshire.gov.uk"]
    assert policy.trusted_domains == ["xn--bcher-kva.example"]


@pytest.mark.parametrize("bad", ["not a domain", "northshire", "-bad-.org", "a..b.com", "x" * 300 + ".com"])
def test_invalid_domains_name_the_field(bad):
    found = errors({"internal_domains": ["ok.org.uk", bad]})
    assert "internal_domains.1" in found
    assert "not a valid domain" in found["internal_domains.1"]


def test_unknown_rule_is_rejected():
    assert "rules.recipients.expose" in errors({"rules": {"recipients.expose": {}}})


def test_unknown_rule_field_is_rejected():
    assert "rules.recipients.exposed.threshold" in errors({"rules": {"recipients.exposed": {"threshold": 3}}})


def test_invalid_action():
    found = errors({"rules": {"recipients.exposed": {"action": "stop"}}})
    assert "'info', 'warn' or 'block'" in found["rules.recipients.exposed.action"]


def test_thresholds_must_be_positive_and_consistent():
    found = errors({"rules": {"recipients.exposed": {"min_visible_external": 0}}})
    assert "rules.recipients.exposed.min_visible_external" in found
    found = errors({"rules": {"recipients.exposed": {"min_visible_external": 20, "block_at": 5}}})
    assert found["rules.recipients.exposed"] == "block_at (5) must not be below min_visible_external (20)"


def test_custom_patterns_must_compile_under_re2():
    found = errors({"custom_patterns": [{"name": "ref", "pattern": "(a)\\1"}]})
    assert "RE2" in found["custom_patterns.0.pattern"]


def test_custom_patterns_must_not_match_empty_text():
    found = errors({"custom_patterns": [{"name": "ref", "pattern": "\\d*"}]})
    assert "empty text" in found["custom_patterns.0.pattern"]


def test_custom_pattern_names_are_unique():
    pattern = {"name": "ref", "pattern": "ILS/\\d+"}
    assert "unique" in errors({"custom_patterns": [pattern, pattern]})["custom_patterns"]


def test_sensitive_term_categories_are_validated():
    assert "sensitive_terms" in errors({"sensitive_terms": {"Bad Category!": ["x"]}})


def test_fail_mode_and_mode():
    assert "fail_mode" in errors({"fail_mode": "sideways"})
    assert "mode" in errors({"mode": "shadow"})
    assert Policy.model_validate({"fail_mode": "closed", "mode": "monitor"}).fail_mode == "closed"


def test_override_justification_length_is_bounded():
    assert "overrides.justification_min_length" in errors({"overrides": {"justification_min_length": 501}})


def test_every_error_is_reported_not_just_the_first():
    found = errors({"internal_domains": ["bad domain"], "rules": {"recipients.exposed": {"action": "no"}}})
    assert {"internal_domains.0", "rules.recipients.exposed.action"} <= set(found)


def test_a_policy_file_holds_a_document_or_an_export():
    import json

    from sendward.domain.policy import InvalidPolicyFile, policy_from_file

    document = {"internal_domains": ["NORTHSHIRE.gov.uk"]}
    assert policy_from_file(json.dumps(document)).internal_domains == ["northshire.gov.uk"]
    assert policy_from_file(json.dumps({"version": 3, "policy": document}).encode()).internal_domains == [
        "northshire.gov.uk"
    ]
    for raw, says in [(b"{", "is not JSON"), (b"\xff\xfe\x00x", "is not JSON"), (b"[1]", "is not a policy")]:
        with pytest.raises(InvalidPolicyFile, match=says):
            policy_from_file(raw)
    with pytest.raises(InvalidPolicyFile, match="is not a valid policy: retention_days") as invalid:
        policy_from_file(b'{"retention_days": 0}')
    assert invalid.value.fields[0]["field"] == "retention_days"
