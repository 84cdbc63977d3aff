"""Policies are bounded when saved (issue 14): 422 naming the limit; the largest allowed policy is fast."""

from __future__ import annotations

import random
import string

import pytest

from sendward.domain.policy import LIMITS, Policy
from sendward.signals.context import TermIndex, term_alternation


def words(count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 12))) for _ in range(count)]


def largest_policy() -> dict:
    """As many categories, terms, patterns and domains as the limits allow."""
    per = LIMITS["terms"] // LIMITS["categories"]
    terms = {f"cat{i}": words(per, seed=i) for i in range(LIMITS["categories"])}
    return {
        "sensitive_terms": terms,
        "special_categories": list(terms),
        "custom_patterns": [{"name": f"p{i}", "pattern": f"REF{i}/[A-Z]{{3}}/\\d{{5}}"} for i in range(LIMITS["custom_patterns"])],
        "internal_domains": [f"council{i}.gov.uk" for i in range(LIMITS["internal_domains"])],
        "trusted_domains": [f"partner{i}.org.uk" for i in range(LIMITS["trusted_domains"])],
    }


def test_the_largest_allowed_policy_is_valid():
    policy = Policy.model_validate(largest_policy())
    assert len(policy.sensitive_terms) == LIMITS["categories"]


@pytest.mark.parametrize("field, value, limit", [
    ("sensitive_terms", {f"c{i}": ["x"] for i in range(LIMITS["categories"] + 1)}, "categories"),
    ("sensitive_terms", {"big": words(LIMITS["terms_per_category"] + 1)}, "terms_per_category"),
    ("sensitive_terms", {f"c{i}": words(LIMITS["terms_per_category"], seed=i) for i in range(11)}, "terms"),
    ("sensitive_terms", {"long": ["x" * (LIMITS["term_chars"] + 1)]}, "term_chars"),
    ("custom_patterns", [{"name": f"p{i}", "pattern": "a+"} for i in range(LIMITS["custom_patterns"] + 1)],
     "custom_patterns"),
    ("custom_patterns", [{"name": "p", "pattern": "a" * (LIMITS["pattern_chars"] + 1)}], "pattern_chars"),
    ("internal_domains", [f"d{i}.org" for i in range(LIMITS["internal_domains"] + 1)], "internal_domains"),
    ("trusted_domains", [f"d{i}.org" for i in range(LIMITS["trusted_domains"] + 1)], "trusted_domains"),
    ("webmail_domains", [f"d{i}.org" for i in range(LIMITS["webmail_domains"] + 1)], "webmail_domains"),
    ("special_categories", [f"c{i}" for i in range(LIMITS["categories"] + 1)], "categories"),
])
def test_a_policy_over_a_limit_is_422_naming_it(client, auth, field, value, limit):
    response = client.put("/api/v1/admin/policy", json={field: value}, headers=auth(admin=True))
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert any(f["field"].startswith(field) and f"policy limit '{limit}'" in f["message"] for f in fields), fields


def test_the_term_index_answers_as_every_regex_would():
    rng = random.Random(3)
    vocabulary = words(60) + ["self-harm", "pregnan*", "lgbt*", "sexual health", "o'brien", "gp", "welfare-to-work"]
    terms = tuple((f"c{i}", tuple(rng.sample(vocabulary, 8))) for i in range(12))
    index = TermIndex(terms)
    import re

    regexes = {c: re.compile(term_alternation(w), re.IGNORECASE) for c, w in terms}
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary + words(20, seed=9) + ["pregnancy", "LGBTQ+", "Self-Harm", "x_gp"])
                        .rstrip("*") for _ in range(rng.randint(0, 12)))
        assert index.categories_in(text) == {c for c, r in regexes.items() if r.search(text)}, text


def test_a_version_stored_before_the_limits_is_still_enforced_but_not_saved_again(container):
    from pydantic import ValidationError

    over = {"sensitive_terms": {f"c{i}": ["x"] for i in range(LIMITS["categories"] + 5)}}
    record = container.storage.save_policy("tenant-old", over, author="an older release", publish=True)
    policy, version = container.policies.current("tenant-old")
    assert (len(policy.sensitive_terms), version) == (LIMITS["categories"] + 5, record.version)
    with pytest.raises(ValidationError, match="policy limit 'categories'"):
        container.policies.replace("tenant-old", over, author="admin")
