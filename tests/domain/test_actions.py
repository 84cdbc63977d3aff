"""The one vocabulary of actions: the enum, the verdict's and the findings' subsets, and their order."""

from typing import get_args

from sendward.domain.rules import _base
from sendward.domain.verdict import ACTION_RANK, FINDING_ACTIONS, VERDICT_ACTIONS, Action, strongest_action


def test_actions_are_ordered_weakest_first():
    assert sorted(Action, key=ACTION_RANK.__getitem__) == [Action.ALLOW, Action.INFO, Action.WARN, Action.BLOCK]
    assert ACTION_RANK["warn"] == ACTION_RANK[Action.WARN]  # plain strings look up the same rank


def test_a_verdict_says_allow_warn_or_block_and_a_finding_info_warn_or_block():
    assert VERDICT_ACTIONS == ("allow", "warn", "block")
    assert FINDING_ACTIONS == ("info", "warn", "block")
    assert get_args(_base.Action) == FINDING_ACTIONS  # the rules' config type is the same set


def test_the_strongest_action_is_a_plain_string():
    assert strongest_action([]) == "allow" and type(strongest_action([])) is str
    assert strongest_action(["info"]) == "allow"
    assert strongest_action(["info", "block", "warn"]) == "block"
    assert type(strongest_action([Action.WARN])) is str
