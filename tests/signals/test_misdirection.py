"""How each recipient fits the sender's history, and the rule recipients.misdirected on top."""

from datetime import datetime, timedelta, timezone

import pytest

from sendward.domain.correspondents import Correspondence, CorrespondentModel, SentMessage
from sendward.domain.draft import Address, Draft
from sendward.domain.policy import Policy
from sendward.domain.rules import recipients_misdirected as rule
from sendward.domain.signals import AttachmentSignals, ContentSignals, Signals
from sendward.signals.misdirection import history_signals, name_tokens

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SENDER = "me@northshire.gov.uk"
NAMES = {
    "john.smith@partner.org": "John Smith",
    "ann.jones@partner.org": "Ann Jones",
    "bob.lee@northshire.gov.uk": "Bob Lee",
    "carol.king@northshire.gov.uk": "Carol King",
}


def history(extra=()):
    """60 messages: John weekly with Ann, Bob and Carol now and then, a budget thread."""
    messages = []
    for day in range(60):
        if day % 3 == 0:
            group = ("john.smith@partner.org", "ann.jones@partner.org")
        elif day % 3 == 1:
            group = ("bob.lee@northshire.gov.uk",)
        else:
            group = ("carol.king@northshire.gov.uk", "bob.lee@northshire.gov.uk")
        subject = "Budget 2024" if day % 3 == 2 else f"note {day}"
        messages.append(
            SentMessage(T0 + timedelta(days=day), tuple(Correspondence(a, NAMES.get(a, "")) for a in group), subject)
        )
    return CorrespondentModel.build(list(messages) + list(extra))


def draft(*to, subject="hello"):
    return Draft(sender=Address(SENDER), to=tuple(Address(a, n) for a, n in to), subject=subject)


def fits(model, d):
    signals = history_signals(d, model, ["northshire.gov.uk"])
    return {f.address: f for f in signals.recipients}


def findings(d, model=None, policy=None, **signal_parts):
    policy = policy or Policy()
    model = model if model is not None else history()
    signals = Signals(history=history_signals(d, model, ["northshire.gov.uk"]), **signal_parts)
    return rule.evaluate(signals, policy.rule(rule.RULE), policy)


@pytest.mark.parametrize(
    "name, address, expected",
    [
        ("John Smith", "x@y.org", ("john", "smith")),
        ("Smith, John", "x@y.org", ("john", "smith")),
        ("Dr. John A. Smith III", "x@y.org", ("john", "smith")),
        ("", "john.smith@y.org", ("john", "smith")),
        ("", "jsmith@y.org", None),
        ("José Núñez", "x@y.org", ("jose", "nunez")),
    ],
)
def test_name_tokens(name, address, expected):
    assert name_tokens(name, address) == expected


def test_a_usual_correspondent_fits():
    fit = fits(history(), draft(("john.smith@partner.org", "John Smith")))["john.smith@partner.org"]
    assert fit.mailed == 20 and fit.namesake is None and fit.typo_of is None
    assert findings(draft(("john.smith@partner.org", "John Smith"), ("ann.jones@partner.org", ""))) == []


def test_the_wrong_john_smith_is_flagged_with_the_usual_one_suggested():
    d = draft(("john.smith@gmail.com", "John Smith"))
    fit = fits(history(), d)["john.smith@gmail.com"]
    assert fit.mailed == 0 and fit.namesake == "full_name" and fit.namesake_of == "john.smith@partner.org"
    [found] = findings(d)
    assert found.rule == "recipients.misdirected" and found.action == "warn"
    assert found.evidence["recipient"] == "john.smith@gmail.com"
    assert found.evidence["suggestion"] == "john.smith@partner.org"
    assert "john.smith@partner.org" in found.message


def test_personal_webmail_of_a_work_correspondent():
    fit = fits(history(), draft(("ann.jones@hotmail.com", "")))["ann.jones@hotmail.com"]
    assert fit.personal_address_of == "ann.jones@partner.org"


def test_a_typo_of_a_known_address():
    d = draft(("jhon.smith@partner.org", ""))
    fit = fits(history(), d)["jhon.smith@partner.org"]
    assert fit.typo_of == "john.smith@partner.org" and fit.typo_distance == 1
    [found] = findings(d)
    assert found.evidence["suggestion"] == "john.smith@partner.org"


def test_someone_new_in_place_of_a_thread_participant():
    d = draft(("bob.lee@northshire.gov.uk", ""), ("dave.fox@northshire.gov.uk", ""), subject="RE: Budget 2024")
    fit = fits(history(), d)["dave.fox@northshire.gov.uk"]
    assert fit.thread_dropped == "carol.king@northshire.gov.uk"
    assert fit.companion_missing == "carol.king@northshire.gov.uk"  # Bob came with Carol on her messages...
    [found] = findings(d)
    assert found.evidence["recipient"] == "dave.fox@northshire.gov.uk"


def busy_history():
    """The usual history, plus a sender who writes to someone new about one message in five."""
    extra = [
        SentMessage(T0 + timedelta(days=60 + d), (Correspondence(f"contact{d}@firm{d}.com", ""),), f"intro {d}")
        for d in range(20)
    ]
    return history(extra)


def test_a_new_person_alone_is_not_enough():
    model = busy_history()
    assert model.novelty_rate > Policy().rule(rule.RULE).quiet_sender_rate
    assert findings(draft(("zoe.quinn@elsewhere.org", "Zoe Quinn")), model=model) == []


def test_a_sender_who_never_writes_to_anyone_new_is_asked_about_a_new_address():
    model = history()  # 60 messages to the same four people
    assert model.novelty_rate <= Policy().rule(rule.RULE).quiet_sender_rate
    [found] = findings(draft(("zoe.quinn@elsewhere.org", "Zoe Quinn")), model=model)
    assert found.evidence["reasons"] == ["never_mailed", "sender_rarely_writes_to_anyone_new"]
    assert found.evidence["score"] == Policy().rule(rule.RULE).threshold and "suggestion" not in found.evidence
    off = Policy.model_validate({"rules": {"recipients.misdirected": {"quiet_sender_rate": 0}}})
    assert findings(draft(("zoe.quinn@elsewhere.org", "Zoe Quinn")), model=model, policy=off) == []
    assert findings(draft(("john.smith@partner.org", "John Smith")), model=model) == []  # known: never


def test_a_new_group_is_not_a_substitution():
    d = draft(("ann.jones@partner.org", ""), ("x.y@new.org", ""), ("z.w@new.org", ""))
    assert all(f.companion_missing is None and f.thread_dropped is None for f in fits(history(), d).values())


def test_first_time_external_with_personal_data_weighs_more():
    d = draft(("bob.lee@northshire.gov.uk", ""), ("zoe.quinn@elsewhere.org", ""))
    model = history()
    plain = Signals(history=history_signals(d, model, ["northshire.gov.uk"]))
    fit = {f.address: f for f in plain.history.recipients}["zoe.quinn@elsewhere.org"]
    config = Policy().rule(rule.RULE)
    without, _ = rule.recipient_score(fit, plain, config)
    with_data = Signals(history=plain.history, body=ContentSignals(data_subjects=3))
    score, reasons = rule.recipient_score(fit, with_data, config)
    assert score == without + rule.PERSONAL_DATA_EXTERNAL
    assert "personal_data_first_time_external" in reasons
    signature_only = Signals(history=plain.history, body=ContentSignals(data_subjects=1))
    assert rule.recipient_score(fit, signature_only, config)[0] == without
    about_them = AttachmentSignals("letter.docx", content=ContentSignals(data_subjects=1, about_recipient=True))
    assert rule.recipient_score(fit, Signals(history=plain.history, attachments=(about_them,)), config)[0] == without
    internal = {f.address: f for f in plain.history.recipients}["bob.lee@northshire.gov.uk"]
    assert "personal_data_first_time_external" not in rule.recipient_score(internal, with_data, config)[1]


def test_policy_switches_thresholds_and_exemptions():
    d = draft(("john.smith@gmail.com", "John Smith"))
    off = Policy.model_validate({"rules": {"recipients.misdirected": {"enabled": False}}})
    assert off.rule(rule.RULE).enabled is False
    exempt = Policy.model_validate({"rules": {"recipients.misdirected": {"exempt_domains": ["Gmail.com"]}}})
    assert findings(d, policy=exempt) == []
    new_person = draft(("zoe.quinn@elsewhere.org", "Zoe Quinn"))
    loose = Policy.model_validate({"rules": {"recipients.misdirected": {"threshold": 30}}})
    busy = busy_history()
    assert findings(new_person, model=busy) == [] and len(findings(new_person, model=busy, policy=loose)) == 1
    blocking = Policy.model_validate({"rules": {"recipients.misdirected": {"block_at": 60}}})
    assert findings(d, policy=blocking)[0].action == "block"


def test_too_little_history_judges_nobody():
    small = CorrespondentModel.build(
        [SentMessage(T0, (Correspondence("john.smith@partner.org", "John Smith"),))] * 5
    )
    assert findings(draft(("john.smith@gmail.com", "John Smith")), model=small) == []
    assert history_signals(draft(("a@b.org", "")), None).known is False


def test_the_sender_is_not_judged_as_a_recipient():
    assert list(fits(history(), draft((SENDER, ""), ("bob.lee@northshire.gov.uk", "")))) == [
        "bob.lee@northshire.gov.uk"
    ]


def test_rejects_a_bad_exempt_domain():
    with pytest.raises(ValueError):
        Policy.model_validate({"rules": {"recipients.misdirected": {"exempt_domains": ["not a domain"]}}})


# -- received mail -------------------------------------------------------------


def with_inbox(model, senders=("zoe.quinn@elsewhere.org",), messages=25, copied=()):
    """``messages`` received mails: from each of ``senders`` in turn, copied to ``copied``."""
    from sendward.domain.correspondents import ReceivedMessage

    for n in range(messages):
        sender = senders[n % len(senders)]
        recipients = (Correspondence(SENDER), *(Correspondence(a) for a in copied))
        model.add_received(
            ReceivedMessage(T0 + timedelta(days=n), Correspondence(sender, ""), recipients, f"question {n}"), SENDER
        )
    return model


def test_someone_who_wrote_to_the_sender_is_not_a_stranger():
    model = with_inbox(busy_history(), copied=("pat.cole@elsewhere.org",))
    fit = fits(model, draft(("zoe.quinn@elsewhere.org", "Zoe Quinn"), ("pat.cole@elsewhere.org", "")))
    assert fit["zoe.quinn@elsewhere.org"].received == 25 and not fit["zoe.quinn@elsewhere.org"].stranger
    assert fit["pat.cole@elsewhere.org"].received == 25  # copied with the sender: known too
    assert SENDER not in {a for a in fits(model, draft((SENDER, ""))).keys()}
    assert findings(draft(("zoe.quinn@elsewhere.org", "Zoe Quinn")), model=model) == []


def test_a_lone_stranger_is_questioned_once_the_inbox_is_known():
    model = with_inbox(busy_history())
    [found] = findings(draft(("max.ray@else.org", "Max Ray")), model=model)
    assert found.evidence["recipient"] == "max.ray@else.org"
    assert found.evidence["reasons"] == ["never_mailed", "never_in_touch"]
    assert "nor had mail from or with them" in found.message
    # The same draft for a sender whose received mail is unknown (Sent Items only): not enough.
    assert findings(draft(("max.ray@else.org", "Max Ray")), model=busy_history()) == []
    off = Policy.model_validate({"rules": {"recipients.misdirected": {"question_strangers": False}}})
    assert findings(draft(("max.ray@else.org", "Max Ray")), model=model, policy=off) == []
    few = Policy.model_validate({"rules": {"recipients.misdirected": {"min_received_messages": 26}}})
    assert findings(draft(("max.ray@else.org", "Max Ray")), model=model, policy=few) == []


def test_two_strangers_are_a_new_group_and_a_reply_to_an_unseen_conversation_answers_its_writer():
    model = with_inbox(busy_history())
    assert findings(draft(("max.ray@else.org", ""), ("sue.dean@else.org", "")), model=model) == []
    assert findings(draft(("max.ray@else.org", "Max Ray"), subject="RE: your invoice"), model=model) == []
    assert findings(draft(("max.ray@else.org", "Max Ray"), subject="AW: your invoice"), model=model) == []
    # A forward goes wherever the sender chooses: questioned.
    assert findings(draft(("max.ray@else.org", "Max Ray"), subject="FW: your invoice"), model=model) != []


def test_a_reply_to_a_received_conversation_knows_its_participants():
    model = with_inbox(busy_history())  # "question 3" came from Zoe
    [found] = findings(draft(("max.ray@else.org", "Max Ray"), subject="Re: question 3"), model=model)
    assert found.evidence["reasons"] == ["never_mailed", "never_in_touch"]


def test_only_received_from_weighs_less_than_never_mailed():
    model = with_inbox(history(), senders=("john.smith@otherfirm.org",))  # the other John wrote to the sender
    d = draft(("john.smith@otherfirm.org", "John Smith"))
    fit = fits(model, d)["john.smith@otherfirm.org"]
    assert fit.received == 25 and fit.namesake == "full_name"
    [found] = findings(d, model=model)  # the namesake still shows, as "only received from"
    assert found.evidence["reasons"][0] == "only_received_from"
    assert found.evidence["score"] < rule.recipient_score(
        fits(history(), d)["john.smith@otherfirm.org"], Signals(history=history_signals(d, history(), [])),
        Policy().rule(rule.RULE),
    )[0]


def test_the_senders_own_address_is_never_the_missing_participant():
    from sendward.domain.correspondents import ReceivedMessage

    model = history([SentMessage(T0, (Correspondence(SENDER, "Me"),), "note to self")])
    model.add_received(  # learnt before the sender's address was known: the sender is a participant
        ReceivedMessage(T0, Correspondence("zoe.quinn@elsewhere.org"), (Correspondence(SENDER),), "Budget plan")
    )
    with_inbox(model)
    d = draft(("zoe.quinn@elsewhere.org", "Zoe"), ("max.ray@else.org", "Max Ray"), subject="Re: Budget plan")
    fit = fits(model, d)["max.ray@else.org"]
    assert fit.thread_dropped is None
    [found] = findings(d, model=model)
    assert found.evidence.get("suggestion") != SENDER and "never_in_touch" in found.evidence["reasons"]
