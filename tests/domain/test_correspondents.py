"""The correspondent model: counts, last seen, names, co-recipients and threads from sent mail."""

from datetime import datetime, timedelta, timezone

from sendward.domain.correspondents import (
    LOCAL_KEY,
    MAX_THREADS,
    WARM_UP_MESSAGES,
    Correspondence,
    CorrespondentModel,
    SentMessage,
    address_key,
    thread_key,
)

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def sent(day, *addresses, subject="", names=None):
    names = names or {}
    return SentMessage(
        T0 + timedelta(days=day), tuple(Correspondence(a, names.get(a, "")) for a in addresses), subject
    )


def test_counts_last_seen_names_and_co_recipients():
    model = CorrespondentModel.build(
        [
            sent(2, "John.Smith@Partner.org", "ann@partner.org", names={"John.Smith@Partner.org": "John Smith"}),
            sent(1, "john.smith@partner.org"),
        ]
    )
    john = model.get("JOHN.SMITH@partner.org")
    assert john.count == 2
    assert john.last_seen == (T0 + timedelta(days=2)).timestamp()
    assert john.first_seen == (T0 + timedelta(days=1)).timestamp()
    assert john.name == "John Smith"
    assert john.co[model.key_of("ann@partner.org")] == 1
    assert john.group_messages == 1
    assert model.messages == 2


def test_addresses_are_keyed_with_the_tenant_key():
    assert address_key(b"tenant-a", "x@y.org") != address_key(b"tenant-b", "x@y.org")
    assert address_key(LOCAL_KEY, " X@Y.org ") == address_key(LOCAL_KEY, "x@y.org")
    model = CorrespondentModel.build([sent(0, "x@y.org")], key=b"tenant-a")
    assert list(model.correspondents) == [address_key(b"tenant-a", "x@y.org")]
    assert "x@y.org" not in str(list(model.threads)) and "x@y.org" not in list(model.correspondents)


def test_threads_ignore_reply_prefixes_and_are_bounded():
    assert thread_key(LOCAL_KEY, "RE: Fwd:  Budget 2024") == thread_key(LOCAL_KEY, "budget 2024")
    assert thread_key(LOCAL_KEY, "Re:") is None  # too short to tell conversations apart
    model = CorrespondentModel.build([sent(i, "a@b.org", subject=f"topic {i}") for i in range(MAX_THREADS + 5)])
    assert len(model.threads) == MAX_THREADS
    assert model.thread("topic 0") is None and model.thread(f"re: topic {MAX_THREADS + 4}") is not None


def test_novelty_rate_counts_messages_to_someone_new_after_the_warm_up():
    usual = [sent(i, f"person{i % 5}@b.org") for i in range(WARM_UP_MESSAGES + 40)]
    steady = CorrespondentModel.build(usual)
    assert steady.warm_messages == 40 and steady.warm_novel == 0
    churning = CorrespondentModel.build([sent(i, f"new{i}@b.org") for i in range(WARM_UP_MESSAGES + 40)])
    assert churning.warm_novel == 40
    assert steady.novelty_rate < 0.05 < 0.5 < churning.novelty_rate


def test_large_mailings_do_not_count_as_company():
    model = CorrespondentModel.build([sent(0, *(f"p{i}@b.org" for i in range(60)))])
    assert model.get("p1@b.org").co == {}
    assert model.get("p1@b.org").count == 1


def test_the_version_changes_with_every_message():
    model = CorrespondentModel.build([sent(0, "a@b.org")])
    before = model.version
    model.add(sent(1, "c@b.org"))
    assert model.version > before
    model.add(sent(2))  # no recipients: nothing learnt
    assert model.messages == 2


def test_a_model_survives_the_round_trip_to_plain_values():
    import json

    from sendward.domain.correspondents import model_from_dict, model_to_dict

    model = CorrespondentModel.build(
        [sent(d, "a@b.org", "c@b.org", subject="budget", names={"a@b.org": "Ann B"}) for d in range(40)], key=b"k"
    )
    again = model_from_dict(json.loads(json.dumps(model_to_dict(model))), b"k")
    assert model_to_dict(again) == model_to_dict(model)
    assert again.get("a@b.org").name == "Ann B" and again.thread("Re: budget") is not None
    assert again.novelty_rate == model.novelty_rate


def test_the_model_stays_bounded(monkeypatch):
    import sendward.domain.correspondents as c

    monkeypatch.setattr(c, "MAX_CORRESPONDENTS", 50)
    messages = [sent(0, "usual@b.org")] * 5 + [sent(i, f"once{i}@b.org") for i in range(1, 60)]
    model = CorrespondentModel.build(messages)
    assert len(model.correspondents) <= 50
    assert model.get("usual@b.org").count == 5  # the usual one is kept
    assert model.get("once1@b.org") is None  # the longest unseen one-off is forgotten


def test_received_mail_counts_its_sender_and_co_recipients_and_survives_the_round_trip():
    import json

    from sendward.domain.correspondents import (
        Correspondence,
        ReceivedMessage,
        is_reply,
        model_from_dict,
        model_to_dict,
    )

    model = CorrespondentModel.build([sent(d, "a@b.org") for d in range(3)], key=b"k")
    version = model.version
    message = ReceivedMessage(
        T0, Correspondence("Zoe@X.org", "Zoe"), (Correspondence("me@b.org"), Correspondence("pat@x.org")), "Plan"
    )
    model.add_received(message, own_address="ME@b.org")
    model.add_received(message, own_address="me@b.org")
    assert model.version > version and model.received_messages == 2
    assert model.received_count("zoe@x.org") == 2 and model.received_count("pat@x.org") == 2
    assert model.received_count("me@b.org") == 0  # the sender's own address is not a correspondent
    assert model.thread("RE: plan") is not None  # a received conversation's participants are known
    again = model_from_dict(json.loads(json.dumps(model_to_dict(model))), b"k")
    assert model_to_dict(again) == model_to_dict(model)
    data = model_to_dict(model)
    del data["received"], data["received_messages"]  # a model stored before received mail was learnt
    assert model_from_dict(data, b"k").received_messages == 0
    assert is_reply("Re: x") and is_reply("SV: x") and not is_reply("Fw: x") and not is_reply("Regarding x")


def test_received_mail_is_bounded_apart_and_a_mailing_puts_only_its_sender_in_touch(monkeypatch):
    import sendward.domain.correspondents as c
    from sendward.domain.correspondents import Correspondence, ReceivedMessage

    monkeypatch.setattr(c, "MAX_THREADS", 5)
    model = CorrespondentModel.build([sent(d, "a@b.org", subject=f"ours {d}") for d in range(5)], key=b"k")
    for n in range(20):  # a busy Inbox: twenty conversations after the sender's five
        model.add_received(ReceivedMessage(T0, Correspondence(f"s{n}@x.org"), (Correspondence("me@b.org"),), f"theirs {n}"))
    assert all(model.thread(f"ours {d}") is not None for d in range(5))  # the sender's own are kept
    assert len(model.received_threads) == 5 and model.thread("theirs 19") is not None
    crowd = tuple(Correspondence(f"p{n}@x.org") for n in range(c.CO_OCCURRENCE_MAX_RECIPIENTS + 1))
    model.add_received(ReceivedMessage(T0, Correspondence("news@x.org"), crowd, "Announcement"))
    assert model.received_count("news@x.org") == 1 and model.received_count("p0@x.org") == 0
    model.forget_received()
    assert (model.received, model.received_messages, model.thread("theirs 19")) == ({}, 0, None)
