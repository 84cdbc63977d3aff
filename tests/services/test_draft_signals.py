"""A draft gathered once (a background check) is evaluated again without being read again (its Send)."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

from sendward.adapters.cache.draft_signals import KeyValueDraftSignals, decode, encode
from sendward.adapters.cache.key_value import MemoryKeyValueCache
from sendward.domain.policy import Policy
from sendward.services.scoring import Scorer
from sendward.signals.recipients import GroupSize
from tests.builders import attachment, draft, people
from tests.files import client_list_xlsx

ALICE = SimpleNamespace(user_id="alice-oid")
# What is kept is the point here, not time: a scan cut short by a busy machine is (rightly) not kept,
# so a generous budget keeps these tests about caching.
BUDGET_MS = 60_000
BOB = SimpleNamespace(user_id="bob-oid")


class CountingScanner:
    """The session's scanner, counting the attachments it reads."""

    def __init__(self, scanner):
        self.scanner, self.reads = scanner, 0

    def scan_attachment(self, a, request):
        self.reads += 1
        return self.scanner.scan_attachment(a, request)

    def __getattr__(self, name):
        return getattr(self.scanner, name)


class Groups:
    def __init__(self, fail=False):
        self.fail, self.calls = fail, 0

    def sizes(self, d, caller, deadline):
        self.calls += 1
        if self.fail:
            raise TimeoutError()
        return {"clients@northshire.gov.uk": GroupSize(total=400, external=380)}


@pytest.fixture
def counting(scanner):
    return CountingScanner(scanner)


def scorer_with(counting, groups=None):
    return Scorer(scanner=counting, time_budget_ms=BUDGET_MS, draft_signals=KeyValueDraftSignals(MemoryKeyValueCache()), group_sizes=groups)


def the_draft(to=None):
    return draft(
        to=to or ["clients@northshire.gov.uk", *people(3)],
        attachments=[attachment("Clients.xlsx", client_list_xlsx(30))],
    )


def test_the_same_draft_is_not_read_twice_and_gets_the_same_verdict(counting):
    groups = Groups()
    scorer = scorer_with(counting, groups)
    first = scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    second = scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    assert (counting.reads, groups.calls) == (1, 1)
    assert second.to_json()["findings"] == first.to_json()["findings"]
    assert second.attachments == first.attachments and second.attachments[0].name == "Clients.xlsx"
    assert second.recipients == first.recipients


@pytest.mark.parametrize(
    "change",
    [
        lambda: dict(d=the_draft(to=[*people(4)])),
        lambda: dict(caller=BOB),
        lambda: dict(policy=Policy(internal_domains=["northshire.gov.uk", "partner.org.uk"])),
        lambda: dict(tenant_id="another tenant"),
    ],
    ids=["other recipients", "another user", "another policy", "another tenant"],
)
def test_anything_else_is_read_again(counting, change):
    scorer = scorer_with(counting)
    scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    args = {"d": the_draft(), "policy": Policy(), "caller": ALICE, "tenant_id": "t", **change()}
    scorer.score(args["d"], args["policy"], 1, caller=args["caller"], tenant_id=args["tenant_id"])
    assert counting.reads == 2


def test_signals_gathered_while_a_lookup_failed_are_not_kept(counting):
    scorer = scorer_with(counting, Groups(fail=True))
    first = scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    assert first.not_checked == ("distribution_lists",)
    scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    assert counting.reads == 2


def test_the_kept_signals_hold_no_file_name(counting):
    store = MemoryKeyValueCache()
    scorer = Scorer(scanner=counting, time_budget_ms=BUDGET_MS, draft_signals=KeyValueDraftSignals(store))
    verdict = scorer.score(the_draft(), Policy(), 1, caller=ALICE, tenant_id="t")
    (key,) = list(store._entries)
    raw = store.get(key)
    assert b"Clients.xlsx" not in raw
    signals = decode(raw)
    assert signals.attachments[0].content == verdict.attachments[0].content
    assert decode(encode(signals)) == signals


def test_a_file_swapped_under_a_numbered_attachment_id_is_read_again(counting):
    """Classic Outlook numbers attachments in compose ("0", "1"): the same number with other bytes is
    another file, so neither its signals nor an override made for the first file carry over."""
    scorer = scorer_with(counting)
    clean = draft(to=["a@gmail.com"], attachments=[attachment("report.csv", b"quarter,total\nQ1,12\n")])
    listed = draft(to=["a@gmail.com"], attachments=[attachment("report.csv", client_list_xlsx(20))])
    clean = replace(clean, attachments=tuple(replace(a, id="0") for a in clean.attachments))
    listed = replace(listed, attachments=tuple(replace(a, id="0") for a in listed.attachments))
    scorer.score(clean, Policy(), 1, caller=ALICE, tenant_id="t")
    verdict = scorer.score(listed, Policy(), 1, caller=ALICE, tenant_id="t")
    assert counting.reads == 2
    assert verdict.action == "block"


def test_a_scan_that_counted_recipients_is_not_kept_for_other_drafts(counting):
    """Whether a file is only about its recipients depends on the draft: that scan is not reused."""
    from sendward.adapters.cache.memory import MemoryScanCache

    rows = "name,email,phone\n" + "".join(f"Person {i},person{i}@gmail.com,07700 900{i:03d}\n" for i in range(8))
    to_them = draft(to=[f"person{i}@gmail.com" for i in range(8)], attachments=[attachment("list.csv", rows.encode())])
    to_outsider = draft(to=["outsider@example.org"], attachments=[attachment("list.csv", rows.encode())])
    scorer = Scorer(scanner=counting, time_budget_ms=BUDGET_MS, scan_cache=MemoryScanCache())
    scorer.score(to_them, Policy(), 1, caller=ALICE, tenant_id="t")
    verdict = scorer.score(to_outsider, Policy(), 1, caller=ALICE, tenant_id="t")
    assert counting.reads == 2
    assert verdict.action != "allow"


def test_the_verdict_names_the_people_the_move_to_bcc_fix_moves_and_the_cache_holds_positions_only(counting):
    store = MemoryKeyValueCache()
    scorer = Scorer(scanner=counting, time_budget_ms=BUDGET_MS, draft_signals=KeyValueDraftSignals(store))
    exposed = draft(to=[f"client{n}@gmail.com" for n in range(12)] + ["colleague@northshire.gov.uk"])
    verdict = scorer.score(exposed, Policy(), 1, caller=ALICE)
    assert "move_to_bcc" in {f.fix for f in verdict.findings}
    assert verdict.to_json()["recipients"]["move_to_bcc"] == [f"client{n}@gmail.com" for n in range(12)]
    again = scorer.score(exposed, Policy(), 1, caller=ALICE)  # from the kept signals
    assert again.move_to_bcc == verdict.move_to_bcc
    (key,) = list(store._entries)
    assert b"gmail" not in store.get(key) and decode(store.get(key)).recipients.outside_visible == tuple(range(12))
    quiet = scorer.score(draft(to=["colleague@northshire.gov.uk", "one@gmail.com"]), Policy(), 1, caller=ALICE)
    assert quiet.to_json()["recipients"]["move_to_bcc"] == []  # no finding offers the fix: nobody named
