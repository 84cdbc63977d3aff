"""The Graph adapters against a Graph fake as strict as Graph where the product depends on it: tokens
issued per test and per tenant, $select honoured, listings paged by @odata.nextLink, getMailTips with a
per-call address limit and per-recipient errors."""

from __future__ import annotations

import pytest

from sendward.adapters.graph.errors import GraphError
from sendward.adapters.graph.mail_tips import BATCH
from sendward.domain.draft import Address, Attachment, Draft
from sendward.kernel import Caller, Deadline
from tests.fakes.graph import FakeAttachment
from tests.graph.conftest import SENDER
from tests.graph.test_scoring_with_graph import a_draft, score, scorer  # noqa: F401 (the scorer fixture)


def draft_with(*attachments: Attachment) -> Draft:
    return Draft(sender=Address(SENDER), to=(Address("someone@gmail.com"),), attachments=attachments,
                 item_id="draft-1")


def other_tenant(caller: Caller) -> Caller:
    return Caller(tenant_id="tenant-b", user_id="user-9", name="bob@elsewhere.example",
                  scopes=caller.scopes, roles=frozenset())


# -- tokens ----------------------------------------------------------------------------------------------


def test_each_tenant_reads_graph_with_its_own_token(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("att-1", "a.txt", content=b"one", content_type="text/plain")])
    for who in (caller, other_tenant(caller)):
        (fetched,) = adapters.attachments.fetch(draft_with(Attachment("a.txt", id="att-1")), who, Deadline(10))
        assert fetched.content == b"one"
    tenants = [seen.tenant for seen in graph.requests]
    assert set(tenants) == {"tenant-a", "tenant-b"}  # a token made for that tenant, never a shared one
    assert all(seen.authorised for seen in graph.requests)


def test_a_token_graph_no_longer_accepts_is_named_not_read_never_clean(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("att-1", "a.txt", content=b"one", content_type="text/plain")])
    draft = draft_with(Attachment("a.txt", id="att-1"))
    (fetched,) = adapters.attachments.fetch(draft, caller, Deadline(10))
    assert fetched.content == b"one"
    before = len(graph.requests)
    graph.revoke_tokens()  # the token the caller holds is refused from now on
    (fetched,) = adapters.attachments.fetch(draft, caller, Deadline(10))
    assert fetched.content is None
    assert fetched.fetch_error is not None and fetched.fetch_error.infrastructure
    assert graph.requests[before:] and not any(seen.authorised for seen in graph.requests[before:])


# -- $select -------------------------------------------------------------------------------------------


def test_the_listing_returns_only_what_was_selected(graph, adapters, caller):
    """The size the cap is checked against comes from the selected listing: a $select without ``size``
    would leave a too-large file unknown until its download."""
    graph.add_message("draft-1", [FakeAttachment("att-1", "big.bin", content=b"x" * 10, listed_size=10**9)])
    (fetched,) = adapters.attachments.fetch(draft_with(Attachment("big.bin", id="att-1")), caller, Deadline(10))
    assert fetched.fetch_error is not None and fetched.fetch_error.code == "too_large"
    assert graph.count("attachment_value") == 0


# -- paging ----------------------------------------------------------------------------------------------


def test_a_listing_over_several_pages_is_read_to_the_end(graph, adapters, caller):
    graph.attachments_page_size = 2
    files = [FakeAttachment(f"att-{n}", f"f{n}.txt", content=f"file {n}".encode(), content_type="text/plain")
             for n in range(5)]
    graph.add_message("draft-1", files)
    fetched = adapters.attachments.fetch(
        draft_with(*(Attachment(f.name, id=f.id) for f in files)), caller, Deadline(10)
    )
    assert [a.content for a in fetched] == [f.content for f in files]
    listings = [seen for seen in graph.requests if seen.route == "list_attachments"]
    assert len(listings) == 3  # pages of 2, 2 and 1, each asking for the same fields
    assert len({seen.select for seen in listings}) == 1 and listings[0].select


def test_an_attachment_on_a_page_not_read_is_named_not_found(graph, adapters, caller, monkeypatch):
    from sendward.adapters.graph import attachments as module

    monkeypatch.setattr(module, "MAX_PAGES", 1)
    graph.attachments_page_size = 1
    graph.add_message("draft-1", [FakeAttachment("att-0", "a.txt", content=b"a"),
                                  FakeAttachment("att-1", "b.txt", content=b"b")])
    first, second = adapters.attachments.fetch(
        draft_with(Attachment("a.txt", id="att-0"), Attachment("b.txt", id="att-1")), caller, Deadline(10)
    )
    assert first.content == b"a"
    assert second.content is None and second.fetch_error.code == "not_found"


def test_a_next_page_on_another_origin_is_not_followed(graph, adapters, caller):
    graph.attachments_page_size = 1
    graph.foreign_next_links = True
    graph.add_message("draft-1", [FakeAttachment("att-0", "a.txt", content=b"a"),
                                  FakeAttachment("att-1", "b.txt", content=b"b")])
    first, second = adapters.attachments.fetch(
        draft_with(Attachment("a.txt", id="att-0"), Attachment("b.txt", id="att-1")), caller, Deadline(10)
    )
    assert first.content == b"a"
    assert second.content is None and second.fetch_error.code == "not_found"
    assert graph.count("list_attachments") == 1


# -- getMailTips -------------------------------------------------------------------------------------------


def test_mail_tips_never_name_more_addresses_than_a_call_takes(graph, adapters, caller):
    graph.mail_tips_limit = 100
    graph.add_group("list-7@northshire.gov.uk", total=40, external=2)
    d = Draft(sender=Address(SENDER), to=tuple(Address(f"list-{n}@northshire.gov.uk") for n in range(250)))
    sizes = adapters.group_sizes.sizes(d, caller, Deadline(10))
    assert {a: (s.total, s.external) for a, s in sizes.items()} == {"list-7@northshire.gov.uk": (40, 2)}
    assert sorted(len(r["EmailAddresses"]) for r in graph.mail_tips_requests) == [50, BATCH, BATCH]


def test_a_call_over_the_limit_is_refused_by_the_fake(graph, adapters, caller, monkeypatch):
    from sendward.adapters.graph import mail_tips

    monkeypatch.setattr(mail_tips, "BATCH", 150)  # a product that forgot the limit
    graph.mail_tips_limit = 100
    d = Draft(sender=Address(SENDER), to=tuple(Address(f"p{n}@northshire.gov.uk") for n in range(150)))
    with pytest.raises(GraphError):
        adapters.group_sizes.sizes(d, caller, Deadline(10))


def test_a_recipient_graph_answers_with_an_error_is_not_checked_not_one_person(graph, adapters, caller):
    graph.add_group("all-staff@northshire.gov.uk", total=400, external=3)
    graph.add_group("team@northshire.gov.uk", total=12)
    graph.mail_tip_error("all-staff@northshire.gov.uk")
    d = a_draft(to=("all-staff@northshire.gov.uk", "team@northshire.gov.uk"))
    with pytest.raises(GraphError) as raised:
        adapters.group_sizes.sizes(d, caller, Deadline(10))
    assert raised.value.code == "partial"
    # the answered one is remembered; the errored one is asked again next time, never cached as a mailbox
    graph.clear_mail_tip_errors()
    sizes = adapters.group_sizes.sizes(d, caller, Deadline(10))
    assert sizes["all-staff@northshire.gov.uk"].total == 400
    assert graph.mail_tips_requests[-1]["EmailAddresses"] == ["all-staff@northshire.gov.uk"]


def test_the_verdict_names_distribution_lists_not_checked_when_a_tip_errs(graph, scorer, caller):  # noqa: F811
    graph.add_group("all-staff@northshire.gov.uk", total=400, external=3)
    graph.mail_tip_error("all-staff@northshire.gov.uk")
    verdict = score(scorer, a_draft(to=("all-staff@northshire.gov.uk", "ann@gmail.com")), caller)
    assert verdict.not_checked == ("distribution_lists",)
