"""Outlook .msg files -> Draft, through extract-msg."""

from __future__ import annotations

import email.utils
import logging

import extract_msg
from extract_msg.enums import RecipientType

from sendward.domain.draft import Address, Attachment, Body, Draft
from sendward.drafts.errors import UnreadableDraft

# extract-msg logs details of odd files (which may quote their content): keep it quiet.
logging.getLogger("extract_msg").setLevel(logging.CRITICAL)

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FIELDS = {RecipientType.TO: "to", RecipientType.CC: "cc", RecipientType.BCC: "bcc"}


def parse_msg(data: bytes) -> Draft:
    if not data.startswith(OLE_SIGNATURE):
        raise UnreadableDraft("not an Outlook .msg file: no OLE signature")
    try:
        message = extract_msg.openMsg(data, delayAttachments=False, strict=False)
    except Exception as error:  # extract-msg raises many types for broken files
        raise UnreadableDraft(f"not a readable Outlook .msg file ({type(error).__name__})") from None
    try:
        return _draft(message)
    except Exception as error:
        raise UnreadableDraft(f"not a readable Outlook .msg file ({type(error).__name__})") from None
    finally:
        message.close()


def _draft(message) -> Draft:
    fields: dict[str, list[Address]] = {"to": [], "cc": [], "bcc": []}
    for recipient in message.recipients:
        field = _FIELDS.get(recipient.type)
        address = recipient.smtpAddress or recipient.email or ""
        if field and address:
            fields[field].append(Address(address=address, name=recipient.name or ""))
    sender = _sender(message)
    html = message.htmlBody
    if message.body:
        body = Body(content=message.body, type="text")
    elif html:
        body = Body(content=html.decode("utf-8", errors="replace"), type="html")
    else:
        body = Body()
    return Draft(
        sender=sender,
        to=tuple(fields["to"]),
        cc=tuple(fields["cc"]),
        bcc=tuple(fields["bcc"]),
        subject=message.subject or "",
        body=body,
        attachments=tuple(_attachments(message)),
    )


def _sender(message) -> Address | None:
    name, address = email.utils.parseaddr(message.sender or "")
    if "@" not in address:
        # Outlook leaves the SMTP address out of the sender string when you are the sender.
        for stream in ("__substg1.0_5D01", "__substg1.0_0C1F", "__substg1.0_0065"):
            candidate = message.getStringStream(stream) or ""
            if "@" in candidate:
                address = candidate
                break
    return Address(address=address.strip(), name=name or "") if "@" in address else None


def _attachments(message) -> list[Attachment]:
    found = []
    for index, attachment in enumerate(message.attachments, start=1):
        data = attachment.data
        if isinstance(data, bytes):
            content, kind = data, "file"
        elif data is not None and hasattr(data, "exportBytes"):
            content, kind = data.exportBytes(), "item"
        else:
            content, kind = b"", "file"
        name = attachment.longFilename or attachment.shortFilename or f"attachment-{index}"
        if kind == "item" and not name.lower().endswith(".msg"):
            name += ".msg"
        found.append(
            Attachment(
                name=name,
                content_type=attachment.mimetype or "application/octet-stream",
                size=len(content),
                content=content,
                kind=kind,
            )
        )
    return found
