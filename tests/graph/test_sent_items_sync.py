"""Sent Items through the delta query against the Graph fake: paging, delta links, 410, storage."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from sendward.adapters.graph.errors import GraphError
from sendward.adapters.graph.sent_items import GraphSentItems
from sendward.adapters.storage import schema
from sendward.adapters.storage.correspondents import CorrespondentStore, sealing_key_from
from sendward.kernel import Deadline
from sendward.domain.draft import Address, Draft
from sendward.services.audit import user_hash
from sendward.services.recipient_history import HistorySync, StoredCorrespondents

KEY = b"user-hash-key-for-tests"
USER = "0f1e2d3c-user-object-id"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def message(n, to="john.smith@partner.org", name="John Smith", subject=None):
    return {
        "id": f"AAMk-{n}",
        "sentDateTime": (T0 + timedelta(hours=n)).isoformat().replace("+00:00", "Z"),
        "subject": subject or f"report {n}",
        "conversationId": f"conv-{n}",
        "from": {"emailAddress": {"address": "alice@northshire.gov.uk", "name": "Alice"}},
        "toRecipients": [{"emailAddress": {"address": to, "name": name}}],
        "ccRecipients": [],
        "bccRecipients": [],
        "body": {"contentType": "text", "content": "never to be fetched"},
        "bodyPreview": "never to be fetched",
    }


@pytest.fixture
def store(tmp_path):
    engine = schema.make_engine(f"sqlite:///{tmp_path / 'history.db'}")
    schema.upgrade(engine)
    yield CorrespondentStore(engine, sealing_key_from(KEY))
    engine.dispose()


@pytest.fixture
def sync(adapters, store):
    sent_items = GraphSentItems(adapters.client, mode="application", page_size=10)
    return HistorySync(sent_items, store, KEY, page_seconds=10)


def stored_model(store, sync_service):
    from sendward.domain.correspondents import tenant_key_from
    from sendward.domain.correspondents import model_from_dict

    stored = store.load("tenant-a", user_hash(KEY, "tenant-a", USER))
    return stored, model_from_dict(stored.data["model"], tenant_key_from(KEY, "tenant-a"))


def test_pages_are_followed_to_the_delta_link_with_metadata_only(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(25)])
    result = sync.sync("tenant-a", USER)
    assert (result.pages, result.messages, result.complete, result.restarted) == (3, 25, True, False)
    first = graph.delta_requests[0]
    assert set(first["$select"].split(",")) == {
        "sentDateTime", "subject", "conversationId", "from", "toRecipients", "ccRecipients", "bccRecipients"
    }
    assert "$skiptoken" in graph.delta_requests[1]
    assert [r.mailbox for r in graph.requests if r.route == "sent_items_delta"] == [USER.lower()] * 3
    stored, model = stored_model(store, sync)
    assert stored.complete and "$deltatoken" in stored.delta_link
    assert model.get("john.smith@partner.org").count == 25


def test_the_next_sync_gets_only_what_is_new(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(12)])
    sync.sync("tenant-a", USER)
    graph.add_sent_messages(USER, [message(100, to="ann@partner.org", name="Ann"), message(101)])
    result = sync.sync("tenant-a", USER)
    assert (result.pages, result.messages, result.total) == (1, 2, 14)
    assert "$deltatoken" in graph.delta_requests[-1]
    _, model = stored_model(store, sync)
    assert model.get("john.smith@partner.org").count == 13 and model.get("ann@partner.org").count == 1


def test_a_changed_message_is_not_counted_twice(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(5)])
    sync.sync("tenant-a", USER)
    graph.add_sent_message(USER, {**message(3), "categories": ["Red"]})  # delta hands back the same id
    assert sync.sync("tenant-a", USER).messages == 0
    assert stored_model(store, sync)[1].get("john.smith@partner.org").count == 5


def test_a_bounded_sync_stops_and_the_next_one_continues(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(35)])
    first = sync.sync("tenant-a", USER, max_pages=2)
    assert (first.pages, first.messages, first.complete) == (2, 20, False)
    assert "$skiptoken" in store.load("tenant-a", user_hash(KEY, "tenant-a", USER)).delta_link
    rest = sync.sync("tenant-a", USER)
    assert (rest.pages, rest.messages, rest.total, rest.complete) == (2, 15, 35, True)


def test_an_expired_delta_link_starts_the_user_over(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(15)])
    sync.sync("tenant-a", USER)
    graph.expire_delta_links()
    result = sync.sync("tenant-a", USER)
    assert result.restarted and result.total == 15  # learnt afresh, not doubled
    assert stored_model(store, sync)[1].get("john.smith@partner.org").count == 15


def test_throttling_is_retried(graph, sync):
    graph.add_sent_messages(USER, [message(n) for n in range(3)])
    graph.throttle("sent_items_delta", times=1, retry_after=0)
    assert sync.sync("tenant-a", USER).messages == 3


def test_a_link_to_another_origin_is_not_followed(adapters):
    sent_items = GraphSentItems(adapters.client)
    with pytest.raises(GraphError):
        sent_items.page(None, Deadline(5), "https://evil.example/v1.0/users/x/mailFolders/sentitems/messages/delta")


def test_delegated_mode_reads_the_callers_own_mailbox(adapters, graph, store, caller):
    graph.add_sent_messages("me", [message(n) for n in range(3)])
    sync = HistorySync(GraphSentItems(adapters.client, mode="delegated"), store, KEY)
    assert sync.sync("tenant-a", caller.user_id, caller=caller).messages == 3
    assert {r.mailbox for r in graph.requests if r.route == "sent_items_delta"} == {"me"}


def test_stored_models_are_sealed_and_deleted_per_user(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(3)])
    graph.add_received_messages(USER, [received(n) for n in range(3)])
    sync.sync("tenant-a", USER)
    with store.engine.connect() as connection:
        row = connection.execute(sa.text("SELECT * FROM correspondent_models")).mappings().one()
    raw = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row.values())
    assert b"john.smith" not in raw and b"partner.org" not in raw and USER.encode() not in raw
    assert b"zoe.quinn" not in raw and b"elsewhere.org" not in raw and b"northshire" not in raw
    assert store.users() == [("tenant-a", user_hash(KEY, "tenant-a", USER), USER)]
    other = CorrespondentStore(store.engine, sealing_key_from(b"another key"))
    assert other.users() == []  # does not open with another key
    assert store.delete_user("tenant-a", user_hash(KEY, "tenant-a", USER))
    assert store.load("tenant-a", user_hash(KEY, "tenant-a", USER)) is None


def test_models_not_synced_for_long_are_purged(graph, sync, store):
    graph.add_sent_messages(USER, [message(0)])
    sync.sync("tenant-a", USER)
    now = datetime.now(timezone.utc)
    assert store.purge(now - timedelta(days=1), dry_run=True) == 0
    assert store.purge(now + timedelta(seconds=1), dry_run=True) == 1
    assert store.purge(now + timedelta(seconds=1)) == 1 and store.users() == []


def test_first_use_syncs_in_the_background_then_the_model_is_used(graph, sync, store, caller):
    graph.add_sent_messages(caller.user_id, [message(n) for n in range(30)])
    history = StoredCorrespondents(store, KEY, sync=sync, first_use_pages=2)
    draft = Draft(sender=Address("alice@northshire.gov.uk"), to=(Address("john.smith@gmail.com"),))
    assert history.model(draft, caller, "tenant-a") is None  # nothing yet: this draft is not judged
    history.last_thread.join(10)
    model = history.model(draft, caller, "tenant-a")
    assert model is not None and model.messages == 20  # the first sync stops at its page bound
    assert history.model(draft, caller, "tenant-a") is model  # warm
    assert history.model(draft, None, "tenant-a") is None


def test_nothing_about_the_mail_is_logged(graph, sync, store, caller, caplog):
    graph.add_sent_messages(caller.user_id, [message(n) for n in range(12)])
    graph.add_received_messages(caller.user_id, [received(n) for n in range(12)])
    history = StoredCorrespondents(store, KEY, sync=sync, first_use_pages=1)
    with caplog.at_level(logging.INFO):
        history.model(Draft(), caller, "tenant-a")
        history.last_thread.join(10)
        sync.sync("tenant-a", caller.user_id)
        graph.add_received_messages(caller.user_id, [received(50)])
        graph.fail("inbox_delta", times=10, status=403)
        sync.sync("tenant-a", caller.user_id)  # the Inbox refused: a warning by error type
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "inbox not read" in text
    assert "john.smith" not in text and "partner.org" not in text and "report" not in text
    assert "zoe.quinn" not in text and "elsewhere.org" not in text and "question" not in text
    assert caller.user_id not in text


def test_ten_thousand_messages_sync_completely(graph, adapters, store):
    """The issue's size (its time is a bench row: history_sync_10k)."""
    graph.add_sent_messages(USER, [message(n, to=f"person{n % 700}@partner.org", name="") for n in range(10_000)])
    sync = HistorySync(GraphSentItems(adapters.client, mode="application", page_size=1000), store, KEY)
    result = sync.sync("tenant-a", USER)
    assert (result.total, result.pages, result.complete) == (10_000, 10, True)
    _, model = stored_model(store, sync)
    assert len(model.correspondents) == 700 and model.get("person3@partner.org").count in (14, 15)


def test_background_syncs_are_bounded(store):
    import threading

    release = threading.Event()

    class SlowSync:
        def __init__(self):
            self.users = []

        def sync(self, tenant_id, user_id, *, max_pages=None, caller=None):
            self.users.append(user_id)
            release.wait(5)
            raise TimeoutError()

    slow = SlowSync()
    history = StoredCorrespondents(store, KEY, sync=slow, max_background=2)
    threads = []
    for n in range(4):
        history.model(Draft(), type("C", (), {"tenant_id": "t", "user_id": f"user-{n}"})(), "t")
        threads.append(history.last_thread)
    release.set()
    for thread in {t for t in threads if t}:
        thread.join(5)
    assert sorted(slow.users) == ["user-0", "user-1"]  # the others wait for a later draft


def test_a_sync_replaces_an_imported_model_instead_of_counting_its_messages_twice(graph, sync, store):
    from sendward.drafts.history import sent_message
    from sendward.services.recipient_history import import_model

    import_model(store, KEY, "tenant-a", USER, [sent_message(message(n))[1] for n in range(5)])
    assert stored_model(store, sync)[1].get("john.smith@partner.org").count == 5
    graph.add_sent_messages(USER, [message(n) for n in range(5)])  # the same five, now read from Graph
    sync.sync("tenant-a", USER)
    _, model = stored_model(store, sync)
    assert model.get("john.smith@partner.org").count == 5


def received(n, sender="zoe.quinn@elsewhere.org", copied=("pat.cole@elsewhere.org",), subject=None):
    return {
        "id": f"AAMk-in-{n}",
        "receivedDateTime": (T0 + timedelta(hours=n, minutes=1)).isoformat().replace("+00:00", "Z"),
        "sentDateTime": (T0 + timedelta(hours=n)).isoformat().replace("+00:00", "Z"),
        "subject": subject or f"question {n}",
        "from": {"emailAddress": {"address": sender, "name": "Zoe Quinn"}},
        "toRecipients": [{"emailAddress": {"address": "alice@northshire.gov.uk", "name": "Alice"}}],
        "ccRecipients": [{"emailAddress": {"address": a, "name": ""}} for a in copied],
        "body": {"contentType": "text", "content": "never to be fetched"},
    }


def test_the_inbox_is_learnt_too_with_metadata_only(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(3)])
    graph.add_received_messages(USER, [received(n) for n in range(12)])
    result = sync.sync("tenant-a", USER)
    assert (result.messages, result.received) == (3, 12)
    inbox_requests = [r for r in graph.delta_requests if r["folder"] == "inbox"]
    assert len(inbox_requests) == 2  # two pages of ten
    assert set(inbox_requests[0]["$select"].split(",")) == {
        "receivedDateTime", "sentDateTime", "subject", "conversationId", "from", "toRecipients", "ccRecipients"
    }
    _, model = stored_model(store, sync)
    assert model.received_messages == 12
    assert model.received_count("zoe.quinn@elsewhere.org") == 12 and model.received_count("pat.cole@elsewhere.org") == 12
    assert model.received_count("alice@northshire.gov.uk") == 0  # the user's own address
    assert model.get("zoe.quinn@elsewhere.org") is None  # received from is not written to
    # The next sync reads only what is new, in both folders.
    graph.add_received_messages(USER, [received(50, sender="max.ray@else.org", copied=())])
    again = sync.sync("tenant-a", USER)
    assert (again.messages, again.received) == (0, 1)
    assert stored_model(store, sync)[1].received_messages == 13


def test_an_expired_inbox_link_starts_the_inbox_over_and_a_failing_inbox_keeps_sent_items(graph, sync, store):
    graph.add_sent_messages(USER, [message(n) for n in range(3)])
    graph.add_received_messages(USER, [received(n) for n in range(4)])
    sync.sync("tenant-a", USER)
    graph.expire_delta_links()
    result = sync.sync("tenant-a", USER)
    assert result.restarted and stored_model(store, sync)[1].received_messages == 4  # afresh, not doubled
    graph.add_sent_messages(USER, [message(10)])
    graph.fail("inbox_delta", times=10, status=403)
    result = sync.sync("tenant-a", USER)
    assert (result.messages, result.received) == (1, 0)
    _, model = stored_model(store, sync)
    assert model.messages == 4 and model.received_messages == 4  # learnt before, kept


def test_an_imported_model_is_forgotten_for_its_user_only(store):
    from sendward.drafts.history import sent_message
    from sendward.services.recipient_history import forget_user, import_model

    model = import_model(store, KEY, "tenant-a", USER, [sent_message(message(n))[1] for n in range(3)])
    import_model(store, KEY, "tenant-a", "someone-else", [sent_message(message(1))[1]])
    assert model.messages == 3 and store.load("tenant-a", user_hash(KEY, "tenant-a", USER)).delta_link is None
    assert forget_user(store, KEY, "tenant-a", USER) is True
    assert forget_user(store, KEY, "tenant-a", USER) is False
    assert [u for _, _, u in store.users("tenant-a")] == ["someone-else"]


def test_the_users_own_address_is_never_learnt_from_their_inbox(graph, sync, store):
    """A round with no new sent mail still knows whose Inbox it reads (kept sealed from earlier rounds)."""
    from sendward.domain.correspondents import thread_key

    graph.add_sent_messages(USER, [message(n) for n in range(3)])
    sync.sync("tenant-a", USER)
    graph.add_received_messages(USER, [received(n, subject="Budget plan") for n in range(2)])
    assert sync.sync("tenant-a", USER).messages == 0
    _, model = stored_model(store, sync)
    assert model.received_messages == 2 and model.received_count("alice@northshire.gov.uk") == 0
    participants = model.received_threads[thread_key(model.key, "Budget plan")]
    assert model.key_of("alice@northshire.gov.uk") not in participants
    assert participants[model.key_of("zoe.quinn@elsewhere.org")] == 2
