"""The verdict says whether the sender may send it anyway; the add-in only renders that (issue 13)."""

from __future__ import annotations

import pytest

from sendward.domain.overrides import review_override
from sendward.domain.policy import Policy
from tests.builders import draft, evaluate_recipients, people


def _policy(**overrides):
    return Policy.model_validate({"overrides": overrides})


@pytest.mark.parametrize(
    ("count", "overrides", "expected"),
    [
        (12, {}, True),  # a warning: Send Anyway by default
        (12, {"allow_warn_override": False}, False),
        (157, {}, False),  # a block: no override by default
        (157, {"allow_block_override": True}, True),
        (1, {"allow_warn_override": True, "allow_block_override": True}, False),  # nothing to override
    ],
)
def test_the_verdict_carries_the_policys_override_permission(count, overrides, expected):
    verdict = evaluate_recipients(draft(to=people(count)), policy=_policy(**overrides))
    assert verdict.action == {12: "warn", 157: "block", 1: "allow"}[count]
    assert verdict.sender_may_override is expected
    assert verdict.to_json()["sender_may_override"] is expected


def test_a_verdict_that_says_no_is_refused_by_the_review_too():
    policy = _policy(allow_warn_override=False)
    verdict = evaluate_recipients(draft(to=people(12)), policy=policy)
    reviewed = review_override(verdict, policy, "Agreed with the team lead", decision_known=True, same_draft=True)
    assert (verdict.sender_may_override, reviewed.override["accepted"]) == (False, False)


def test_an_accepted_override_leaves_nothing_to_override():
    verdict = evaluate_recipients(draft(to=people(12)))
    reviewed = review_override(verdict, Policy(), "Agreed with the team lead", decision_known=True, same_draft=True)
    assert (reviewed.action, reviewed.sender_may_override) == ("allow", False)
