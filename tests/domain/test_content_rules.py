"""Each content rule on its own, on plain signals: the branches the example drafts never reach alone.

The examples that hit attachment.hidden_content or attachment.special_category are blocked by
attachment.personal_data anyway, so these call one rule's ``evaluate`` with hand-made signals.
"""

from __future__ import annotations

import pytest

from sendward.domain.policy import Policy
from sendward.domain.rules import (
    attachment_hidden_content,
    attachment_personal_data,
    attachment_special_category,
    body_personal_data,
    policy_custom_pattern,
)
from sendward.domain.signals import (
    AttachmentSignals,
    ContentSignals,
    Location,
    RecipientSignals,
    Signals,
)

OUTSIDE = RecipientSignals(total=1, visible=1, external=1, visible_external=1)
INSIDE = RecipientSignals(total=1, visible=1, external=0)


def run(rule, signals: Signals, **policy) -> list:
    """The findings of one rule under a policy given as its JSON document."""
    document = Policy.model_validate(policy)
    return rule.evaluate(signals, document.rule(rule.RULE), document)


def one(rule, signals: Signals, **policy):
    findings = run(rule, signals, **policy)
    assert len(findings) == 1, findings
    return findings[0]


def with_file(content: ContentSignals, recipients=OUTSIDE) -> Signals:
    return Signals(recipients=recipients, attachments=(AttachmentSignals(name="list.xlsx", content=content),))


def with_body(content: ContentSignals, recipients=OUTSIDE) -> Signals:
    return Signals(recipients=recipients, body=content)


class TestHiddenContent:
    RULE = attachment_hidden_content

    @staticmethod
    def hidden(people: int) -> ContentSignals:
        where = Location(where="sheet 'Staff'", entity="PERSON", count=people, hidden="hidden_sheet")
        return ContentSignals(data_subjects=people, hidden_data_subjects=people, locations=(where,))

    def test_a_few_people_on_a_hidden_sheet_sent_outside_warn(self):
        found = one(self.RULE, with_file(self.hidden(3)))
        assert found.action == "warn"
        assert found.fix == "remove_attachment"
        assert found.evidence["hidden_data_subjects"] == 3
        assert found.evidence["places"] == ["hidden_sheet"]
        assert "hidden sheet" in found.message

    def test_block_at_blocks_outside(self):
        assert one(self.RULE, with_file(self.hidden(10))).action == "block"
        assert one(self.RULE, with_file(self.hidden(9))).action == "warn"
        rules = {self.RULE.RULE: {"block_at": 4}}
        assert one(self.RULE, with_file(self.hidden(4)), rules=rules).action == "block"

    def test_inside_it_only_informs_even_above_block_at(self):
        assert one(self.RULE, with_file(self.hidden(50), recipients=INSIDE)).action == "info"

    def test_no_internal_action_means_no_finding_inside(self):
        rules = {self.RULE.RULE: {"internal_action": None}}
        assert run(self.RULE, with_file(self.hidden(50), recipients=INSIDE), rules=rules) == []

    def test_below_min_data_subjects_it_does_not_fire(self):
        rules = {self.RULE.RULE: {"min_data_subjects": 4}}
        assert run(self.RULE, with_file(self.hidden(3)), rules=rules) == []
        assert one(self.RULE, with_file(self.hidden(4)), rules=rules).action == "warn"

    def test_visible_personal_data_alone_does_not_fire(self):
        assert run(self.RULE, with_file(ContentSignals(data_subjects=40))) == []


class TestSpecialCategory:
    RULE = attachment_special_category

    @staticmethod
    def health(people: int, about_recipient: bool = False) -> ContentSignals:
        return ContentSignals(
            data_subjects=people, special_categories={"health": people}, about_recipient=about_recipient
        )

    def test_one_persons_health_data_sent_outside_blocks(self):
        found = one(self.RULE, with_file(self.health(1)))
        assert found.action == "block"
        assert found.evidence["special_categories"] == {"health": 1}
        assert "health" in found.message

    def test_a_letter_to_the_one_person_it_is_about_does_not_fire(self):
        assert run(self.RULE, with_file(self.health(1, about_recipient=True))) == []

    def test_two_people_fire_even_when_one_is_the_recipient(self):
        assert one(self.RULE, with_file(self.health(2, about_recipient=True))).action == "block"

    def test_below_min_data_subjects_it_does_not_fire(self):
        rules = {self.RULE.RULE: {"min_data_subjects": 3}}
        assert run(self.RULE, with_file(self.health(2)), rules=rules) == []
        assert one(self.RULE, with_file(self.health(3)), rules=rules).action == "block"

    def test_personal_data_without_a_special_category_does_not_fire(self):
        assert run(self.RULE, with_file(ContentSignals(data_subjects=30))) == []

    def test_inside_only_with_an_internal_action(self):
        assert run(self.RULE, with_file(self.health(5), recipients=INSIDE)) == []
        rules = {self.RULE.RULE: {"internal_action": "warn"}}
        assert one(self.RULE, with_file(self.health(5), recipients=INSIDE), rules=rules).action == "warn"


class TestAttachmentPersonalData:
    RULE = attachment_personal_data

    @pytest.mark.parametrize("people", [2, 5, 9])
    def test_two_to_nine_people_sent_outside_warn(self, people):
        found = one(self.RULE, with_file(ContentSignals(data_subjects=people)))
        assert found.action == "warn"
        assert "going outside" in found.message

    @pytest.mark.parametrize("people", [10, 157])
    def test_ten_or_more_block(self, people):
        assert one(self.RULE, with_file(ContentSignals(data_subjects=people))).action == "block"

    def test_one_person_is_below_the_threshold(self):
        assert run(self.RULE, with_file(ContentSignals(data_subjects=1))) == []

    def test_the_action_of_the_warn_band_is_the_policys(self):
        rules = {self.RULE.RULE: {"action": "info"}}
        assert one(self.RULE, with_file(ContentSignals(data_subjects=3)), rules=rules).action == "info"

    def test_inside_nothing_fires_without_an_internal_action(self):
        assert run(self.RULE, with_file(ContentSignals(data_subjects=5000), recipients=INSIDE)) == []

    def test_internal_action_fires_from_internal_min_data_subjects(self):
        rules = {self.RULE.RULE: {"internal_action": "warn", "internal_min_data_subjects": 500}}
        assert run(self.RULE, with_file(ContentSignals(data_subjects=499), recipients=INSIDE), rules=rules) == []
        found = one(self.RULE, with_file(ContentSignals(data_subjects=500), recipients=INSIDE), rules=rules)
        assert found.action == "warn"  # never raised to block inside, whatever block_at says
        assert found.message.endswith(".") and "outside" not in found.message

    def test_special_categories_take_the_sensitive_action_from_one_person(self):
        health = ContentSignals(data_subjects=1, special_categories={"health": 1})
        found = one(self.RULE, with_file(health))
        assert found.action == "block"
        assert "health information" in found.message

    def test_the_sensitive_action_is_the_policys_even_above_block_at(self):
        rules = {self.RULE.RULE: {"sensitive_action": "warn"}}
        health = ContentSignals(data_subjects=40, special_categories={"health": 40})
        assert one(self.RULE, with_file(health), rules=rules).action == "warn"

    def test_a_file_about_the_one_recipient_is_exempt(self):
        rules = {self.RULE.RULE: {"min_data_subjects": 1}}
        mine = ContentSignals(data_subjects=1, special_categories={"health": 1}, about_recipient=True)
        assert run(self.RULE, with_file(mine), rules=rules) == []
        someone_else = ContentSignals(data_subjects=1, special_categories={"health": 1})
        assert one(self.RULE, with_file(someone_else), rules=rules).action == "block"


class TestCustomPattern:
    RULE = policy_custom_pattern
    CASE_REF = {"name": "case_ref", "pattern": "ILS/[A-Z]{3}/\\d{5}"}

    def test_min_count_is_the_number_of_occurrences_at_which_it_fires(self):
        patterns = [dict(self.CASE_REF, min_count=3)]
        two = with_body(ContentSignals(custom_patterns={"case_ref": 2}))
        three = with_body(ContentSignals(custom_patterns={"case_ref": 3}))
        assert run(self.RULE, two, custom_patterns=patterns) == []
        assert one(self.RULE, three, custom_patterns=patterns).evidence["patterns"] == {"case_ref": 3}

    def test_occurrences_add_up_over_the_body_and_the_attachments(self):
        patterns = [dict(self.CASE_REF, min_count=3)]
        signals = Signals(
            recipients=OUTSIDE,
            body=ContentSignals(custom_patterns={"case_ref": 2}),
            attachments=(AttachmentSignals(name="a.docx", content=ContentSignals(custom_patterns={"case_ref": 1})),),
        )
        assert one(self.RULE, signals, custom_patterns=patterns).evidence["patterns"] == {"case_ref": 3}

    def test_in_an_attachment_only_the_fix_is_to_remove_it(self):
        found = one(self.RULE, with_file(ContentSignals(data_subjects=3, custom_patterns={"case_ref": 1})),
                    custom_patterns=[self.CASE_REF])
        assert found.fix == "remove_attachment"
        assert found.evidence["in_body"] is False
        assert found.evidence["attachments"] == [0]

    def test_in_the_body_there_is_no_fix(self):
        signals = Signals(
            recipients=OUTSIDE,
            body=ContentSignals(custom_patterns={"case_ref": 1}),
            attachments=(AttachmentSignals(name="a.docx", content=ContentSignals(custom_patterns={"case_ref": 1})),),
        )
        found = one(self.RULE, signals, custom_patterns=[self.CASE_REF])
        assert found.fix == "none"
        assert found.evidence["in_body"] is True

    def test_a_letter_to_the_one_person_quoting_their_reference_is_exempt(self):
        mine = ContentSignals(data_subjects=1, about_recipient=True, custom_patterns={"case_ref": 1})
        assert run(self.RULE, with_body(mine), custom_patterns=[self.CASE_REF]) == []
        assert run(self.RULE, with_file(mine), custom_patterns=[self.CASE_REF]) == []
        theirs = ContentSignals(data_subjects=1, custom_patterns={"case_ref": 1})
        assert one(self.RULE, with_file(theirs), custom_patterns=[self.CASE_REF]).action == "warn"

    def test_an_exempt_body_does_not_hide_a_file_about_others(self):
        signals = Signals(
            recipients=OUTSIDE,
            body=ContentSignals(data_subjects=1, about_recipient=True, custom_patterns={"case_ref": 1}),
            attachments=(AttachmentSignals(name="a.docx", content=ContentSignals(custom_patterns={"case_ref": 4})),),
        )
        found = one(self.RULE, signals, custom_patterns=[self.CASE_REF])
        assert found.evidence["patterns"] == {"case_ref": 4}
        assert found.fix == "remove_attachment"


class TestBodyPersonalData:
    RULE = body_personal_data

    def test_from_min_data_subjects_it_warns_and_at_block_at_it_blocks(self):
        assert run(self.RULE, with_body(ContentSignals(data_subjects=4))) == []
        assert one(self.RULE, with_body(ContentSignals(data_subjects=5))).action == "warn"
        block_at = self.RULE.Config().block_at
        assert block_at > 5
        assert one(self.RULE, with_body(ContentSignals(data_subjects=block_at - 1))).action == "warn"
        assert one(self.RULE, with_body(ContentSignals(data_subjects=block_at))).action == "block"

    def test_block_at_is_the_policys(self):
        rules = {self.RULE.RULE: {"block_at": 20}}
        assert one(self.RULE, with_body(ContentSignals(data_subjects=19)), rules=rules).action == "warn"
        assert one(self.RULE, with_body(ContentSignals(data_subjects=20)), rules=rules).action == "block"

    def test_without_block_at_it_never_blocks(self):
        rules = {self.RULE.RULE: {"block_at": None}}
        assert one(self.RULE, with_body(ContentSignals(data_subjects=5000)), rules=rules).action == "warn"

    def test_inside_block_at_does_not_apply(self):
        rules = {self.RULE.RULE: {"internal_action": "warn"}}
        inside = with_body(ContentSignals(data_subjects=500), recipients=INSIDE)
        assert one(self.RULE, inside, rules=rules).action == "warn"
        assert run(self.RULE, inside) == []  # no internal action by default
