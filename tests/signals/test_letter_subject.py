"""recipients.misdirected: a letter about one client going to another client.

A file (or the body) about exactly one person carries keyed hashes of that person's names and
addresses; when they name another correspondent of the sender (outside the organisation) whom
this recipient was never addressed with, the recipient is flagged and that correspondent offered.
"""

from datetime import datetime, timedelta, timezone

from sendward.adapters.cache.draft_signals import decode, encode
from sendward.detection.people import PeopleCounter
from sendward.domain.correspondents import LOCAL_KEY, Correspondence, CorrespondentModel, SentMessage, subject_keys
from sendward.domain.draft import Address, Attachment, Draft
from sendward.domain.policy import Policy
from sendward.domain.rules import recipients_misdirected as rule
from sendward.domain.signals import AttachmentSignals, ContentSignals, Signals
from sendward.services.scoring import Scorer
from sendward.signals.misdirection import history_signals

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SENDER = Address("pat.me@northshire-law.co.uk", "Pat Me")
INTERNAL = ["northshire-law.co.uk"]
ALICE = ("alice.brown@clientco.com", "Alice Brown")
BOB = ("bob.green@otherco.com", "Bob Green")
ADVISER = ("kim.adviser@accounts.org", "Kim Adviser")
COLLEAGUE = ("sam.cole@northshire-law.co.uk", "Sam Cole")
LETTER = {"PERSON": 2, "DATE_OF_BIRTH": 1, "LOCATION": 1}


def history():
    """Alice (with her adviser now and then), Bob, a colleague: never Alice and Bob together."""
    groups = [(ALICE,), (BOB,), (COLLEAGUE,), (ALICE, ADVISER), (BOB, COLLEAGUE)]
    messages = [
        SentMessage(T0 + timedelta(days=d), tuple(Correspondence(a, n) for a, n in groups[d % len(groups)]), f"m{d}")
        for d in range(60)
    ]
    return CorrespondentModel.build(messages)


def about(names=(), addresses=(), entities=None, **extra) -> ContentSignals:
    return ContentSignals(
        data_subjects=1, entities=entities or LETTER, subject_keys=subject_keys(LOCAL_KEY, names, addresses), **extra
    )


def judge(*to, content: ContentSignals, model=None, body=False):
    d = Draft(sender=SENDER, to=tuple(Address(a, n) for a, n in to), subject="Your letter")
    model = model or history()
    contents = (content,)
    history_part = history_signals(d, model, INTERNAL, contents=contents)
    parts = {"body": content} if body else {"attachments": (AttachmentSignals("letter.docx", content=content),)}
    signals = Signals(history=history_part, **parts)
    policy = Policy()
    fits = {f.address: f for f in history_part.recipients}
    return fits, rule.evaluate(signals, policy.rule(rule.RULE), policy)


def test_a_letter_about_one_client_sent_to_another_is_flagged_with_the_client_suggested():
    fits, findings = judge(BOB, content=about(["Mrs Alice Brown"]))
    assert fits[BOB[0]].letter_about == ALICE[0] and fits[BOB[0]].letter_identifies
    [found] = findings
    assert found.evidence["recipient"] == BOB[0] and found.evidence["suggestion"] == ALICE[0]
    assert "letter_about_other" in found.evidence["reasons"]
    assert ALICE[0] in found.message and "Alice" not in str(found.evidence)


def test_the_address_in_the_letter_finds_the_client_too():
    fits, findings = judge(BOB, content=about(addresses=[ALICE[0]]))
    assert fits[BOB[0]].letter_about == ALICE[0] and len(findings) == 1


def test_the_body_about_one_client_counts_as_a_letter():
    _, findings = judge(BOB, content=about(["Brown, Alice"]), body=True)
    assert findings and findings[0].evidence["suggestion"] == ALICE[0]


def test_a_letter_about_the_recipient_by_a_name_only_the_history_knows():
    # The draft shows no display name; the history knows bob.green@ as "Bob Green".
    fits, findings = judge((BOB[0], ""), content=about(["Mr Bob Green"]))
    assert fits[BOB[0]].letter_about is None and findings == []


def test_a_letter_about_the_sender_is_not_about_someone_else():
    _, findings = judge(BOB, content=about(["Pat Me"]))
    assert findings == []


def test_a_letter_about_someone_unknown_names_nobody():
    fits, findings = judge(BOB, content=about(["Zoe Quinn"]))
    assert fits[BOB[0]].letter_about is None and findings == []


def test_colleagues_and_people_mailed_with_the_client_may_get_it():
    fits, findings = judge(COLLEAGUE, ADVISER, content=about(["Alice Brown"]))
    assert fits[COLLEAGUE[0]].letter_about is None  # inside the organisation
    assert fits[ADVISER[0]].letter_about is None  # addressed together with Alice before
    assert findings == []


def test_a_colleague_named_in_a_file_is_not_a_client():
    fits, _ = judge(BOB, content=about(["Sam Cole"]))
    assert fits[BOB[0]].letter_about is None


def test_a_bare_name_weighs_less_than_a_letter():
    fits, findings = judge(BOB, content=about(["Alice Brown"], entities={"PERSON": 1}))
    assert fits[BOB[0]].letter_about == ALICE[0] and not fits[BOB[0]].letter_identifies
    assert findings == []  # a usual correspondent, a name only: below the threshold
    newcomer = ("carl.new@thirdco.com", "Carl New")
    fits, findings = judge(newcomer, content=about(["Alice Brown"], entities={"PERSON": 1}))
    assert [f.evidence["recipient"] for f in findings] == [newcomer[0]]
    assert set(findings[0].evidence["reasons"]) >= {"never_mailed", "letter_about_other"}


def test_a_file_about_several_people_or_none_carries_no_subject():
    one = PeopleCounter()
    one.add_person([one.key("EMAIL_ADDRESS", "Alice.Brown@clientco.com")], "Alice Brown")
    keyed = one.signals(subject_keys=lambda names, addresses: subject_keys(LOCAL_KEY, names, addresses))
    assert set(keyed.subject_keys) == set(subject_keys(LOCAL_KEY, ["Alice Brown"], [ALICE[0]]))
    two = PeopleCounter()
    two.add_person([two.key("EMAIL_ADDRESS", ALICE[0])], "Alice Brown")
    two.add_person([two.key("EMAIL_ADDRESS", BOB[0])], "Bob Green")
    assert two.signals(subject_keys=lambda n, a: subject_keys(LOCAL_KEY, n, a)).subject_keys == ()
    assert one.signals().subject_keys == ()  # no key: nothing to compare with, nothing computed


def test_subject_keys_hide_the_person_and_survive_the_shared_cache():
    content = about(["Alice Brown"], [ALICE[0]])
    raw = encode(Signals(attachments=(AttachmentSignals("", content=content),), body=content))
    assert b"alice" not in raw.lower() and b"brown" not in raw.lower()
    back = decode(raw)
    assert back.body.subject_keys == content.subject_keys == back.attachments[0].content.subject_keys
    assert isinstance(back.body.subject_keys, tuple)


class FileHistory:
    def __init__(self):
        self.model_ = history()

    def model(self, draft, caller, tenant_id):
        return self.model_

    def subject_key(self, caller, tenant_id):
        return LOCAL_KEY


LETTER_TEXT = b"""Northshire Law LLP

Private and confidential
Mrs Alice Brown
12 Mill Lane
Leeds LS1 4AB

Date of birth: 14/03/1968

Dear Mrs Brown,

Re: your claim against Acme Ltd

Thank you for your instructions. We enclose the settlement offer for your consideration.

Yours sincerely,
Northshire Law
"""


def test_through_the_scorer_a_letter_file_to_the_wrong_client(scanner):
    scorer = Scorer(scanner=scanner, history=FileHistory())
    wrong = Draft(
        sender=SENDER, to=(Address(*BOB),), subject="Your letter",
        attachments=(Attachment("letter.txt", "text/plain", content=LETTER_TEXT),),
    )
    verdict = scorer.score(wrong, Policy(), 1)
    found = [f for f in verdict.findings if f.rule == rule.RULE]
    assert found and found[0].evidence["suggestion"] == ALICE[0]
    right = Draft(
        sender=SENDER, to=(Address(*ALICE),), subject="Your letter",
        attachments=(Attachment("letter.txt", "text/plain", content=LETTER_TEXT),),
    )
    assert not [f for f in scorer.score(right, Policy(), 1).findings if f.rule == rule.RULE]
