"""Recipients in context: professionals are not exposed private individuals; a list of people sent to
private individuals who see each other blocks."""

from sendward.domain.evaluate import evaluate
from sendward.domain.policy import Policy
from sendward.domain.signals import ContentSignals, RecipientSignals, Signals
from tests.builders import draft, evaluate_recipients, finding, people

EXPOSED = "recipients.exposed"
BODY = "body.personal_data"


def test_professionals_at_their_organisations_on_a_sensitive_topic_do_not_fire():
    to = people(4, domain="nhs.net") + people(4, domain="police.uk") + people(4, domain="westbrook-legal.co.uk")
    d = draft(to=to, subject="Safeguarding Children Partnership: practice review invitation")
    assert finding(evaluate_recipients(d), EXPOSED) is None


def test_private_individuals_on_a_sensitive_topic_still_block():
    d = draft(to=people(3) + people(3, domain="nhs.net"), subject="Your HIV clinic appointment")
    assert finding(evaluate_recipients(d), EXPOSED).action == "block"


def test_people_each_at_their_own_employer_count_as_exposed():
    to = [f"client{i}@employer{i}.co.uk" for i in range(12)]
    assert finding(evaluate_recipients(draft(to=to)), EXPOSED).action == "warn"


def test_one_private_address_among_them_exposes_everyone():
    to = people(1) + [f"client{i}@partner.org.uk" for i in range(11)]
    assert finding(evaluate_recipients(draft(to=to)), EXPOSED).action == "warn"


def test_counting_everyone_when_single_organisations_are_not_ignored():
    p = Policy.model_validate({"rules": {EXPOSED: {"ignore_single_organisation": False}}})
    assert finding(evaluate_recipients(draft(to=people(12, domain="partner.org.uk")), p), EXPOSED).action == "warn"


def _verdict(body_people: int, private: int, policy=None):
    policy = policy or Policy()
    policy = policy.model_copy(update={"fail_mode": "open"})
    recipients = RecipientSignals(total=private + 1, visible=private + 1, external=private + 1,
                                  visible_external=private + 1, visible_external_private=private,
                                  external_organisations=private + 1)
    signals = Signals(recipients=recipients, body=ContentSignals(data_subjects=body_people))
    return evaluate(signals, policy, decision_id="t", policy_version=1)


def test_a_list_of_people_sent_to_private_individuals_who_see_each_other_blocks():
    assert finding(_verdict(8, private=30), BODY).action == "block"  # below block_at (10)


def test_the_same_list_to_one_private_person_warns():
    assert finding(_verdict(8, private=1), BODY).action == "warn"


def test_the_escalation_can_be_switched_off():
    p = Policy.model_validate({"rules": {BODY: {"block_with_exposed_private": None}}})
    assert finding(_verdict(8, private=30, policy=p), BODY).action == "warn"


def _content_verdict(subjects, recipients_among, special=None):
    from sendward.domain.signals import AttachmentSignals

    content = ContentSignals(data_subjects=subjects, recipient_data_subjects=recipients_among,
                             special_categories=special or {})
    recipients = RecipientSignals(total=subjects, visible=subjects, external=subjects, visible_external=subjects,
                                  external_organisations=1, largest_external_organisation=subjects)
    signals = Signals(recipients=recipients, body=content, attachments=(AttachmentSignals(name="list.xlsx", content=content),))
    policy = Policy().model_copy(update={"fail_mode": "open"})
    return evaluate(signals, policy, decision_id="t", policy_version=1)


def test_a_list_about_its_own_recipients_fires_no_personal_data_rule():
    verdict = _content_verdict(12, 12)
    assert finding(verdict, BODY) is None and finding(verdict, "attachment.personal_data") is None


def test_a_list_about_others_as_well_still_fires():
    verdict = _content_verdict(12, 11)
    assert finding(verdict, BODY) and finding(verdict, "attachment.personal_data").action == "block"


def test_special_categories_about_the_recipients_still_fire():
    verdict = _content_verdict(12, 12, special={"health": 12})
    assert finding(verdict, "attachment.personal_data").action == "block"
