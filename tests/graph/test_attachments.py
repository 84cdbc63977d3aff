"""GraphAttachmentSource against the fake Graph: every attachment kind, matching, the size cap, concurrency."""

from __future__ import annotations

import pytest

from sendward.kernel import Deadline
from sendward.domain.draft import LINK_NOT_READ, Address, Attachment, Draft
from sendward.domain.draft import DraftNotSynced
from tests.fakes.graph import FakeAttachment
from tests.files import client_list_xlsx, csv_text, eml
from tests.graph.conftest import SENDER

LINK = "https://northshire.sharepoint.com/:x:/s/ils/EaBcD123?e=xyz"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def draft_with(*attachments: Attachment, item_id: str = "draft-1") -> Draft:
    return Draft(
        sender=Address(SENDER), to=(Address("someone@gmail.com"),), attachments=attachments, item_id=item_id
    )


def fetch(adapters, caller, d: Draft, *, scan_links=False, seconds=10.0):
    return adapters.attachments.fetch(d, caller, Deadline(seconds), scan_links=scan_links)


def test_a_file_attachment_is_fetched_as_the_caller(graph, adapters, caller, graph_tokens):
    graph.add_message("draft-1", [FakeAttachment("att-1", "notes.txt", content=b"hello", content_type="text/plain")])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("notes.txt", id="att-1")))
    assert fetched.content == b"hello"
    assert (fetched.kind, fetched.size, fetched.content_type, fetched.fetch_error) == ("file", 5, "text/plain", None)
    assert graph_tokens.asked_for == ["tenant-a"]
    assert graph.requests and all(seen.authorised and seen.mailbox == "me" for seen in graph.requests)
    # a listing without $select would carry every file's bytes in base64
    (listing,) = [seen for seen in graph.requests if seen.route == "list_attachments"]
    assert set(listing.select) == {"id", "name", "contentType", "size", "isInline"}


def test_an_attached_email_comes_as_mime_for_the_email_extractor(graph, adapters, caller):
    mime = eml(attachments=[("clients.csv", csv_text([["Name", "Phone"], ["Amelia Okafor", "07700 900123"]]))])
    graph.add_message("draft-1", [FakeAttachment("att-1", "Fwd: the list", kind="item", content=mime)])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("Fwd: the list", id="att-1")))
    assert fetched.content == mime
    assert (fetched.kind, fetched.content_type) == ("item", "message/rfc822")


def test_an_attached_contact_is_passed_on_as_text(graph, adapters, caller):
    vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Amelia Okafor\r\nTEL:07700 900123\r\nEND:VCARD\r\n"
    graph.add_message("draft-1", [FakeAttachment("att-1", "Amelia", kind="item", content=vcard)])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("Amelia", id="att-1")))
    assert (fetched.content, fetched.content_type) == (vcard, "text/plain")


def test_a_link_is_read_through_shares_when_the_policy_asks(graph, adapters, caller):
    graph.list_source_url = True
    data = client_list_xlsx(20)
    graph.add_message("draft-1", [FakeAttachment("att-1", "clients.xlsx", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "clients.xlsx", data, XLSX)
    (fetched,) = fetch(
        adapters, caller, draft_with(Attachment("clients.xlsx", id="att-1", kind="reference", url=LINK)),
        scan_links=True,
    )
    assert (fetched.content, fetched.content_type, fetched.kind) == (data, XLSX, "reference")
    assert [graph.count(r) for r in ("drive_item", "drive_content", "download", "attachment_value")] == [1, 1, 1, 0]
    download = next(seen for seen in graph.requests if seen.route == "download")
    assert not download.authorised  # the Graph token stays with Graph's host
    (item,) = [seen for seen in graph.requests if seen.route == "drive_item"]
    assert set(item.select) == {"name", "size", "file", "folder"}  # the metadata, not the whole item


def test_a_link_is_reported_with_a_note_and_not_read_by_default(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("att-1", "clients.xlsx", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "clients.xlsx", b"data", XLSX)
    # The add-in called it a file: Graph's listing says it is a link.
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("clients.xlsx", id="att-1", url=LINK)))
    assert (fetched.content, fetched.note, fetched.fetch_error, fetched.kind) == (None, LINK_NOT_READ, None, "reference")
    assert graph.count("drive_item") == 0


def test_the_link_graph_lists_is_read_never_the_one_the_client_sends(graph, adapters, caller):
    graph.list_source_url = True
    graph.add_message("draft-1", [FakeAttachment("att-1", "plan.txt", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "plan.txt", b"the plan", "text/plain")
    elsewhere = "https://northshire.sharepoint.com/sites/hr/Shared%20Documents/salaries.xlsx"
    graph.add_shared_file(elsewhere, "salaries.xlsx", b"secret", XLSX)
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("plan.txt", id="att-1", url=elsewhere)), scan_links=True)
    assert (fetched.content, fetched.url) == (b"the plan", LINK)  # not b"secret"
    assert graph.count("drive_item") == 1


def test_a_link_graph_does_not_give_is_not_read_at_the_clients_address(graph, adapters, caller):
    graph.beta = False  # neither the v1.0 listing nor beta says where the link points
    graph.add_message("draft-1", [FakeAttachment("att-1", "plan.txt", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "plan.txt", b"the plan", "text/plain")
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("plan.txt", id="att-1", url=LINK)), scan_links=True)
    assert fetched.content is None and fetched.fetch_error.code == "no_link"
    assert graph.count("drive_item") == 0


def test_v1_lists_no_link_so_it_is_read_from_graph_beta_not_from_the_client(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("att-1", "plan.txt", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "plan.txt", b"the plan", "text/plain")
    elsewhere = "https://northshire.sharepoint.com/sites/hr/Shared%20Documents/salaries.xlsx"
    graph.add_shared_file(elsewhere, "salaries.xlsx", b"secret", XLSX)
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("plan.txt", id="att-1", url=elsewhere)), scan_links=True)
    assert (fetched.content, fetched.url) == (b"the plan", LINK)
    assert (graph.count("beta_attachment"), graph.count("drive_item")) == (1, 1)


def test_a_link_whose_address_is_unknown_is_our_failure(graph, adapters, caller):
    graph.beta = False
    graph.add_message("draft-1", [FakeAttachment("att-1", "plan.txt", kind="reference", source_url=LINK)])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("plan.txt", id="att-1")), scan_links=True)
    assert fetched.content is None
    assert (fetched.fetch_error.code, fetched.fetch_error.infrastructure) == ("no_link", True)


def test_a_link_to_a_folder_is_unscannable_because_of_the_file_not_us(graph, adapters, caller):
    graph.list_source_url = True
    graph.add_message("draft-1", [FakeAttachment("att-1", "Cases", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "Cases", folder=True)
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("Cases", id="att-1", url=LINK)), scan_links=True)
    assert (fetched.fetch_error.code, fetched.fetch_error.infrastructure) == ("folder", False)
    assert graph.count("drive_content") == 0


def test_outlook_on_the_web_ids_match_graph_rest_ids(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("AAMk-Ab_c1=", "a.txt", content=b"A")])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("a.txt", id="AAMk/Ab+c1=")))
    assert fetched.content == b"A"


def test_a_classic_outlook_index_is_matched_by_a_unique_name(graph, adapters, caller):
    graph.add_message("draft-1", [
        FakeAttachment("AAMk-1", "a.txt", content=b"A"),
        FakeAttachment("AAMk-2", "b.txt", content=b"B"),
        FakeAttachment("AAMk-3", "b.txt", content=b"BB"),
    ])
    fetched = fetch(adapters, caller, draft_with(
        Attachment("a.txt", id="0"), Attachment("b.txt", id="2", size=2), Attachment("b.txt", id="1"),
    ))
    assert [a.content for a in fetched] == [b"A", b"BB", b"B"]


def test_an_attachment_missing_from_the_saved_draft_is_not_guessed(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("AAMk-1", "a.txt", content=b"A")])
    missing, present = fetch(adapters, caller, draft_with(Attachment("b.txt", id="AAMk-9"), Attachment("a.txt")))
    assert (missing.content, missing.fetch_error.code, missing.fetch_error.infrastructure) == (None, "not_found", True)
    assert present.content == b"A"


def test_an_unknown_draft_is_a_draft_not_synced(graph, adapters, caller):
    """Not yet on the server (cached mode) or in another mailbox: the client should send bytes (issue 13)."""
    with pytest.raises(DraftNotSynced):
        fetch(adapters, caller, draft_with(Attachment("a.txt", id="1"), Attachment("b.txt", id="2")))
    assert graph.count("list_attachments") == 1  # a 404 is not retried


def test_inline_content_is_kept_and_nothing_is_asked_when_nothing_needs_fetching(graph, adapters, caller):
    d = draft_with(Attachment("a.txt", content=b"inline", size=6))
    assert fetch(adapters, caller, d) == d.attachments
    assert graph.requests == []


def test_inline_and_graph_attachments_keep_their_order(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment("att-2", "b.txt", content=b"from graph")])
    d = draft_with(Attachment("a.txt", content=b"inline", size=6), Attachment("b.txt", id="att-2"))
    assert [a.content for a in fetch(adapters, caller, d)] == [b"inline", b"from graph"]


def test_application_mode_reads_the_callers_own_mailbox(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings.with_changes(graph_mode="application"))
    graph.add_message("draft-1", [FakeAttachment("att-1", "a.txt", content=b"A")], mailbox=caller.user_id)
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("a.txt", id="att-1")))
    assert fetched.content == b"A"
    assert {seen.mailbox for seen in graph.requests} == {caller.user_id}


def test_application_mode_never_reads_the_mailbox_a_draft_names(graph, make_adapters, graph_settings, caller):
    """The From of a draft is the client's word: naming a colleague must not read the colleague's draft."""
    adapters = make_adapters(graph_settings.with_changes(graph_mode="application"))
    graph.add_message("draft-1", [FakeAttachment("att-1", "a.txt", content=b"theirs")], mailbox=SENDER)
    with pytest.raises(DraftNotSynced):  # not in the caller's mailbox: the bytes must come inline
        fetch(adapters, caller, draft_with(Attachment("a.txt", id="att-1")))  # From: SENDER
    assert SENDER not in {seen.mailbox for seen in graph.requests}


def test_application_mode_reads_only_the_link_graph_gives_for_the_callers_draft(
    graph, make_adapters, graph_settings, caller
):
    adapters = make_adapters(graph_settings.with_changes(graph_mode="application"))
    graph.add_message("draft-1", [FakeAttachment("att-1", "plan.txt", kind="reference", source_url=LINK)],
                      mailbox=caller.user_id)
    graph.add_shared_file(LINK, "plan.txt", b"the plan", "text/plain")
    anyones = "https://northshire.sharepoint.com/sites/ceo/Shared%20Documents/board.docx"
    graph.add_shared_file(anyones, "board.docx", b"board minutes", "text/plain")
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("plan.txt", id="att-1", url=anyones)), scan_links=True)
    assert fetched.content == b"the plan"
    assert {seen.mailbox for seen in graph.requests if seen.mailbox} == {caller.user_id}


# -- the size cap --------------------------------------------------------------------------------


def test_a_file_graph_lists_as_too_large_is_not_fetched(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings.with_changes(max_attachment_bytes=1000))
    graph.add_message("draft-1", [FakeAttachment("att-1", "big.bin", content=b"x" * 5000)])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("big.bin", id="att-1")))
    assert fetched.content is None
    assert (fetched.fetch_error.code, fetched.fetch_error.infrastructure) == ("too_large", False)
    assert "larger than" in fetched.fetch_error.reason
    assert graph.count("attachment_value") == 0


def test_a_declared_length_over_the_cap_stops_the_download(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings.with_changes(max_attachment_bytes=1000))
    graph.add_message("draft-1", [FakeAttachment("att-1", "big.bin", content=b"x" * 5000, listed_size=10)])
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("big.bin", id="att-1")))
    assert (fetched.content, fetched.fetch_error.code) == (None, "too_large")
    assert graph.count("attachment_value") == 1  # not retried


def test_a_stream_without_a_length_is_cut_off_at_the_cap(graph, make_adapters, graph_settings, caller):
    adapters = make_adapters(graph_settings.with_changes(max_attachment_bytes=100_000))
    graph.add_message("draft-1", [
        FakeAttachment("att-1", "big.mime", kind="item", content=b"x" * 300_000, listed_size=10, chunked=True),
        FakeAttachment("att-2", "fits.bin", content=b"y" * 100_000, chunked=True),
    ])
    big, fits = fetch(adapters, caller, draft_with(Attachment("big.mime", id="att-1"), Attachment("fits.bin", id="att-2")))
    assert (big.content, big.fetch_error.code, big.fetch_error.infrastructure) == (None, "too_large", False)
    assert fits.content == b"y" * 100_000


def test_a_linked_file_over_the_cap_is_not_downloaded(graph, make_adapters, graph_settings, caller):
    graph.list_source_url = True
    adapters = make_adapters(graph_settings.with_changes(max_attachment_bytes=1000))
    graph.add_message("draft-1", [FakeAttachment("att-1", "big.xlsx", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "big.xlsx", b"x" * 5000, XLSX)
    (fetched,) = fetch(adapters, caller, draft_with(Attachment("big.xlsx", id="att-1", url=LINK)), scan_links=True)
    assert fetched.fetch_error.code == "too_large"
    assert graph.count("drive_content") == 0


# -- concurrency -----------------------------------------------------------------------------------


def test_several_slow_attachments_take_about_the_time_of_one(graph, adapters, caller):
    graph.add_message("draft-1", [FakeAttachment(f"att-{i}", f"f{i}.txt", content=b"x") for i in range(4)])
    fetch(adapters, caller, draft_with(Attachment("warm-up", id="none")))  # the first TLS handshakes
    graph.slow("attachment_value", 0.6)
    fetched = fetch(adapters, caller, draft_with(*(Attachment(f"f{i}.txt", id=f"att-{i}") for i in range(4))))
    assert [a.content for a in fetched] == [b"x"] * 4
    # the logic, not the clock: the fake was answering more than one download at the same moment
    assert graph.peak_concurrency("attachment_value") > 1, "the four downloads ran one after another"


def test_no_graph_url_reaches_the_logs(graph, adapters, caller, caplog):
    import logging

    caplog.set_level(logging.DEBUG)  # the root at its most talkative: the HTTP libraries stay quiet
    graph.list_source_url = True
    graph.add_message("draft-1", [FakeAttachment("att-1", "a.txt", content=b"A"),
                                  FakeAttachment("att-2", "plan.txt", kind="reference", source_url=LINK)])
    graph.add_shared_file(LINK, "plan.txt", b"the plan", "text/plain")
    fetched = fetch(adapters, caller, draft_with(Attachment("a.txt", id="att-1"), Attachment("plan.txt", id="att-2")),
                    scan_links=True)
    assert [a.content for a in fetched] == [b"A", b"the plan"]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert graph.url not in logged and "/v1.0/" not in logged and "u!" not in logged
    assert not [r for r in caplog.records if r.name.split(".")[0] in ("httpx", "httpcore", "hpack", "h2")]


def test_the_service_logs_http_libraries_at_warning_only():
    import io
    import logging

    from sendward.entrypoints.logs import QUIET_LOGGERS, configure_logging

    configure_logging("text", "DEBUG", stream=io.StringIO())
    assert all(logging.getLogger(name).getEffectiveLevel() == logging.WARNING for name in QUIET_LOGGERS)
