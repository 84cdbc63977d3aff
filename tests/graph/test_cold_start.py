"""Cold start of recipients.misdirected against the Graph fake over HTTPS: a user with little sent
mail is seeded with Graph's relevant people (/users/{id}/people) and MailTips recipientSuggestions,
so the wrong John Smith and the mistyped address are caught from the first sync."""

from __future__ import annotations

import logging

import pytest

from sendward.adapters.graph.people import SELECT, GraphPeople
from sendward.adapters.graph.sent_items import GraphSentItems
from sendward.adapters.storage import schema
from sendward.adapters.storage.correspondents import CorrespondentStore, sealing_key_from
from sendward.domain.draft import Address, Draft
from sendward.domain.policy import Policy
from sendward.domain.rules import recipients_misdirected as rule
from sendward.domain.signals import Signals
from sendward.kernel import Deadline
from sendward.services.recipient_history import HistorySync, StoredCorrespondents
from sendward.signals.misdirection import history_signals
from tests.graph.test_sent_items_sync import KEY, USER, message

SENDER = Address("alice@northshire.gov.uk", "Alice")


@pytest.fixture
def store(tmp_path):
    engine = schema.make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    schema.upgrade(engine)
    yield CorrespondentStore(engine, sealing_key_from(KEY))
    engine.dispose()


def people_of(graph, mailbox=USER):
    graph.add_person(mailbox, "John Smith", "john.smith@partner.org", "jsmith@partner-old.org")
    graph.add_person(mailbox, "Ann Jones", "ann.jones@partner.org")
    graph.add_person(mailbox, "All Staff", "all-staff@northshire.gov.uk", kind="Group")
    graph.add_recipient_suggestions("ann.jones@partner.org", [("bea.clarke@partner.org", "Bea Clarke")])


def make_sync(adapters, store, *, mode="application", people=True):
    sent_items = GraphSentItems(adapters.client, mode=mode, page_size=10)
    graph_people = GraphPeople(adapters.client, mode=mode) if people else None
    return HistorySync(sent_items, store, KEY, page_seconds=10, people=graph_people)


def judge(model, *to, policy=None):
    policy = policy or Policy()
    draft = Draft(sender=SENDER, to=tuple(Address(a, n) for a, n in to), subject="Report")
    config = policy.rule(rule.RULE)
    history = history_signals(draft, model, ["northshire.gov.uk"], cold_below=config.min_history_messages)
    return history, rule.evaluate(Signals(history=history), config, policy)


def test_relevant_people_are_read_with_metadata_only(adapters, graph):
    people_of(graph)
    found = GraphPeople(adapters.client).relevant(type("C", (), {"tenant_id": "t", "user_id": USER})(), Deadline(10))
    assert [(p.address, p.name) for p in found] == [
        ("john.smith@partner.org", "John Smith"),
        ("jsmith@partner-old.org", "John Smith"),
        ("ann.jones@partner.org", "Ann Jones"),
    ]  # the group is left out
    [seen] = [r for r in graph.requests if r.route == "people"]
    assert seen.mailbox == USER.lower() and set(seen.select) == set(SELECT)
    assert graph.people_requests[0]["$top"] == "100"


def test_recipient_suggestions_come_from_mail_tips(adapters, graph):
    people_of(graph)
    caller = type("C", (), {"tenant_id": "t", "user_id": USER})()
    found = GraphPeople(adapters.client).suggested(caller, Deadline(10), ["Ann.Jones@partner.org", "nobody@x.org"])
    assert [(p.address, p.name) for p in found] == [("bea.clarke@partner.org", "Bea Clarke")]
    [body] = graph.mail_tips_requests
    assert body["MailTipsOptions"] == "recipientSuggestions"
    assert body["EmailAddresses"] == ["ann.jones@partner.org", "nobody@x.org"]


def test_a_new_user_is_seeded_and_the_wrong_john_is_caught_from_day_one(adapters, graph, store, caller):
    graph.add_sent_messages(caller.user_id, [message(n, to="bob.lee@northshire.gov.uk", name="Bob Lee") for n in range(3)])
    people_of(graph, caller.user_id)
    sync = make_sync(adapters, store)
    result = sync.sync("tenant-a", caller.user_id)
    assert result.total == 3 and result.seeded == 4  # John (two addresses), Ann, and Bea suggested beside Ann
    history = StoredCorrespondents(store, KEY, sync=sync)
    model = history.model(Draft(sender=SENDER), caller, "tenant-a")
    assert model is not None and model.messages == 3 and len(model.people) == 4

    signals, [found] = judge(model, ("john.smith@gmail.com", "John Smith"))
    assert signals.seeded == 4 and signals.messages == 3
    assert found.evidence["recipient"] == "john.smith@gmail.com"
    assert found.evidence["suggestion"] == "john.smith@partner.org"
    _, [typo] = judge(model, ("ann.jnoes@partner.org", ""))
    assert typo.evidence["suggestion"] == "ann.jones@partner.org"
    # Someone Graph says the user works with, and a stranger with no look-alike: not judged while cold.
    fits, findings = judge(model, ("bea.clarke@partner.org", "Bea Clarke"), ("zoe.quinn@elsewhere.org", "Zoe Quinn"))
    assert findings == []
    assert {f.address: f.known_person for f in fits.recipients} == {
        "bea.clarke@partner.org": True, "zoe.quinn@elsewhere.org": False
    }


def test_without_the_seed_a_new_user_is_not_judged(adapters, graph, store, caller):
    graph.add_sent_messages(caller.user_id, [message(n) for n in range(3)])
    people_of(graph, caller.user_id)
    make_sync(adapters, store, people=False).sync("tenant-a", caller.user_id)
    model = StoredCorrespondents(store, KEY).model(Draft(sender=SENDER), caller, "tenant-a")
    assert model.people == {}
    assert judge(model, ("john.smith@gmail.com", "John Smith"))[1] == []
    assert graph.count("people") == 0


def test_once_enough_is_learnt_the_seed_is_dropped_and_ignored(adapters, graph, store, caller):
    people_of(graph, caller.user_id)
    graph.add_sent_messages(caller.user_id, [message(n, to="bob.lee@northshire.gov.uk", name="Bob Lee") for n in range(25)])
    sync = make_sync(adapters, store)
    sync.seed_below = 100
    sync.sync("tenant-a", caller.user_id)
    model = StoredCorrespondents(store, KEY).model(Draft(sender=SENDER), caller, "tenant-a")
    # 25 messages: past the rule's 20, so the seed is not used even though it is still stored.
    assert len(model.people) == 4 and judge(model, ("john.smith@gmail.com", "John Smith"))[1] == []
    sync.seed_below = 20
    graph.add_sent_messages(caller.user_id, [message(100)])
    sync.sync("tenant-a", caller.user_id)
    store_model = StoredCorrespondents(store, KEY).model(Draft(sender=SENDER), caller, "tenant-a")
    assert store_model.people == {} and graph.count("people") == 1


def test_a_refused_people_call_leaves_the_model_learnt_from_mail(adapters, graph, store, caller, caplog):
    graph.add_sent_messages(caller.user_id, [message(n) for n in range(3)])
    people_of(graph, caller.user_id)
    graph.fail("people", times=5, status=403)
    with caplog.at_level(logging.INFO):
        result = make_sync(adapters, store).sync("tenant-a", caller.user_id)
    assert result.total == 3 and result.seeded == 0
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "relevant people not read" in text
    assert "john.smith" not in text and "partner.org" not in text and caller.user_id not in text


def test_delegated_mode_asks_for_the_callers_own_people(adapters, graph, store, caller):
    graph.add_sent_messages("me", [message(n) for n in range(2)])
    people_of(graph, "me")
    result = make_sync(adapters, store, mode="delegated").sync("tenant-a", caller.user_id, caller=caller)
    assert result.seeded == 4
    assert {r.mailbox for r in graph.requests if r.route in ("people", "mail_tips")} == {"me"}
