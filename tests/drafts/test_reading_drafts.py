"""Drafts from .eml, .msg and JSON: sender, To/CC/BCC with names, subject, bodies, attachments."""

import json
from email.message import EmailMessage

import pytest

from sendward.drafts import UnreadableDraft, read_draft_bytes, read_draft_file
from tests.msgfile import build_msg


def eml(**headers) -> bytes:
    msg = EmailMessage()
    for key, value in headers.items():
        if key not in ("body", "html", "attachments"):
            msg[key.replace("_", "-")] = value
    msg.set_content(headers.get("body", "Plain body"))
    if "html" in headers:
        msg.add_alternative(headers["html"], subtype="html")
    for name, data in headers.get("attachments", []):
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def test_eml_addresses_names_and_fields():
    draft = read_draft_bytes(
        eml(
            From='"ILS Team" <ils@northshire.gov.uk>',
            To='"Okafor, Amelia" <amelia@gmail.com>, bob@hotmail.co.uk',
            Cc="Carol <carol@yahoo.co.uk>",
            Bcc="dave@outlook.com",
            Subject="Review =?utf-8?q?m=C3=A9eting?=",
        )
    )
    assert (draft.sender.address, draft.sender.name) == ("ils@northshire.gov.uk", "ILS Team")
    assert [(a.address, a.name) for a in draft.to] == [("amelia@gmail.com", "Okafor, Amelia"), ("bob@hotmail.co.uk", "")]
    assert [a.address for a in draft.cc] == ["carol@yahoo.co.uk"]
    assert [a.address for a in draft.bcc] == ["dave@outlook.com"]
    assert draft.subject == "Review méeting"


def test_eml_prefers_the_plain_body_and_keeps_html_when_alone():
    draft = read_draft_bytes(eml(To="a@b.org", body="plain text", html="<p>html</p>"))
    assert (draft.body.type, draft.body.content.strip()) == ("text", "plain text")
    msg = EmailMessage()
    msg["To"] = "a@b.org"
    msg.set_content("<p>only <b>html</b></p>", subtype="html")
    only_html = read_draft_bytes(msg.as_bytes())
    assert only_html.body.type == "html"
    assert "<b>html</b>" in only_html.body.content


def test_eml_attachments_with_names_types_and_bytes():
    draft = read_draft_bytes(eml(To="a@b.org", attachments=[("clients.xlsx", b"PK\x03\x04data")]))
    (attachment,) = draft.attachments
    assert (attachment.name, attachment.size, attachment.content) == ("clients.xlsx", 8, b"PK\x03\x04data")


def test_eml_forwarded_message_is_an_item_attachment():
    inner = EmailMessage()
    inner["Subject"] = "Original"
    inner.set_content("forwarded body")
    outer = EmailMessage()
    outer["To"] = "a@b.org"
    outer.set_content("see below")
    outer.add_attachment(inner)
    (attachment,) = read_draft_bytes(outer.as_bytes()).attachments
    assert attachment.kind == "item"
    assert b"forwarded body" in attachment.content


def test_malformed_address_headers_do_not_crash():
    draft = read_draft_bytes(b"To: <<<@@>>>, ok@example.org,,\r\nSubject: x\r\n\r\nbody")
    assert "ok@example.org" in [a.address for a in draft.to]


def test_msg_recipients_by_field():
    data = build_msg(
        "Review",
        "Hello all",
        recipients=[("to", "a@gmail.com", "A One"), ("cc", "b@hotmail.co.uk", "B Two"), ("bcc", "c@yahoo.co.uk", "C")],
        attachments=[("notes.txt", b"Call Sarah Jones")],
    )
    draft = read_draft_bytes(data)
    assert draft.sender.address == "ils@northshire.gov.uk"
    assert [(a.address, a.name) for a in draft.to] == [("a@gmail.com", "A One")]
    assert [a.address for a in draft.cc] == ["b@hotmail.co.uk"]
    assert [a.address for a in draft.bcc] == ["c@yahoo.co.uk"]
    assert (draft.subject, draft.body.content) == ("Review", "Hello all")
    assert [(a.name, a.content) for a in draft.attachments] == [("notes.txt", b"Call Sarah Jones")]


def test_truncated_msg_is_unreadable():
    data = build_msg("Review", "Hello", recipients=[("to", "a@gmail.com", "A")])
    with pytest.raises(UnreadableDraft, match="Outlook .msg"):
        read_draft_bytes(data[:1500])


def test_json_draft_file():
    document = {"from": {"address": "x@northshire.gov.uk"}, "to": [{"address": "a@gmail.com", "name": "A"}], "subject": "Hi"}
    draft = read_draft_bytes(json.dumps(document).encode())
    assert draft.to[0].address == "a@gmail.com"


def test_invalid_json_draft_file_says_where():
    with pytest.raises(UnreadableDraft, match="to"):
        read_draft_bytes(b'{"subject": "no recipients"}')


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01\x02binary garbage\xff" * 50, b"just some words"])
def test_things_that_are_not_drafts(data):
    with pytest.raises(UnreadableDraft):
        read_draft_bytes(data)


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(UnreadableDraft, match="no such file"):
        read_draft_file(tmp_path / "missing.eml")
    with pytest.raises(UnreadableDraft, match="is a directory"):
        read_draft_file(tmp_path)
