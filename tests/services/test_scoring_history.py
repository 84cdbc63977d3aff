"""The scorer asks the sender's correspondent history for each draft; a failure is named, never cached."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sendward.adapters.cache.draft_signals import KeyValueDraftSignals, encode
from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.domain.correspondents import Correspondence, CorrespondentModel, SentMessage
from sendward.domain.draft import Address, Draft
from sendward.domain.policy import Policy
from sendward.services.scoring import Scorer

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
SENDER = Address("me@northshire.gov.uk")


class History:
    def __init__(self, fail=False):
        self.fail, self.calls = fail, 0
        self.usual = CorrespondentModel.build(
            SentMessage(T0 + timedelta(days=d), (Correspondence("john.smith@partner.org", "John Smith"),))
            for d in range(30)
        )

    def model(self, draft, caller, tenant_id):
        self.calls += 1
        if self.fail:
            raise ConnectionError("storage away")
        return self.usual

    def subject_key(self, caller, tenant_id):
        return b"test key"


def wrong_john():
    return Draft(sender=SENDER, to=(Address("john.smith@gmail.com", "John Smith"),), subject="Report")


def test_the_wrong_john_is_found_through_the_scorer(scanner):
    verdict = Scorer(scanner=scanner, history=History()).score(wrong_john(), Policy(), 1)
    [found] = verdict.findings
    assert found.rule == "recipients.misdirected" and found.evidence["suggestion"] == "john.smith@partner.org"
    assert verdict.action == "warn" and verdict.not_checked == ()


def test_a_history_that_cannot_be_read_is_named_and_the_verdict_stands(scanner):
    verdict = Scorer(scanner=scanner, history=History(fail=True)).score(wrong_john(), Policy(), 1)
    assert verdict.not_checked == ("recipient_history",)
    assert verdict.findings == ()


def test_switched_off_the_history_is_not_read(scanner):
    history = History()
    off = Policy.model_validate({"rules": {"recipients.misdirected": {"enabled": False}}})
    assert Scorer(scanner=scanner, history=history).score(wrong_john(), off, 1).action == "allow"
    assert history.calls == 0


def test_history_signals_never_reach_the_shared_cache(scanner):
    store = MemoryKeyValueCache()
    history = History()
    scorer = Scorer(scanner=scanner, history=history, draft_signals=KeyValueDraftSignals(store))
    first = scorer.score(wrong_john(), Policy(), 1, caller=None)
    second = scorer.score(wrong_john(), Policy(), 1, caller=None)
    assert first.findings[0].rule == second.findings[0].rule == "recipients.misdirected"
    assert history.calls == 2  # judged afresh each time
    stored = [value for _, value in store._entries.values()]
    assert len(stored) == 1
    assert b"gmail" not in stored[0] and b"partner.org" not in stored[0]


def test_the_codec_leaves_history_out():
    from sendward.domain.signals import HistorySignals, RecipientFit, Signals

    signals = Signals(history=HistorySignals(known=True, recipients=(RecipientFit("x@y.org"),)))
    assert b"x@y.org" not in encode(signals)
