"""RFC 5322 messages (.eml) -> Draft."""

from __future__ import annotations

import base64
import email
import email.errors
import email.policy
import email.utils
import re
from email.message import EmailMessage

from sendward.domain.draft import Address, Attachment, Body, Draft
from sendward.drafts.errors import UnreadableDraft

_HEADERS_OF_A_MESSAGE = ("from", "to", "cc", "bcc", "subject", "date", "message-id")
# Multipart defects after which the parts cannot be told apart: reading on would scan nothing.
_PARTS_LOST = (email.errors.NoBoundaryInMultipartDefect, email.errors.StartBoundaryNotFoundDefect)
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/]*")


def parse_eml(data: bytes) -> Draft:
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not any(message.get(h) is not None for h in _HEADERS_OF_A_MESSAGE):
        raise UnreadableDraft("not an e-mail message: no From, To, Subject or Date header")
    if any(isinstance(d, _PARTS_LOST) for part in message.walk() for d in part.defects):
        raise UnreadableDraft("a multipart section has no usable boundary: its parts cannot be separated")
    return draft_from_message(message)


def draft_from_message(message: EmailMessage) -> Draft:
    senders = addresses(message, "from")
    return Draft(
        sender=senders[0] if senders else None,
        to=tuple(addresses(message, "to")),
        cc=tuple(addresses(message, "cc")),
        bcc=tuple(addresses(message, "bcc")),
        subject=_header_text(message, "subject"),
        body=body_of(message),
        attachments=tuple(attachments_of(message)),
        date=_date(message),
    )


def addresses(message: EmailMessage, header: str) -> list[Address]:
    """Every address in every instance of a header, tolerating malformed ones."""
    raw_values = [str(v) for v in message.get_all(header, [])]
    found = []
    for name, address in email.utils.getaddresses(raw_values):
        if address:
            found.append(Address(address=address.strip(), name=name.strip()))
    return found


def body_of(message: EmailMessage) -> Body:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return Body()
    subtype = part.get_content_subtype()
    return Body(content=_text(part), type="html" if subtype == "html" else "text")


def attachments_of(message: EmailMessage) -> list[Attachment]:
    found = []
    for index, part in enumerate(message.iter_attachments(), start=1):
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload(0) if part.is_multipart() else part.get_payload()
            content = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(str(inner), "utf-8")
            kind = "item"
        else:
            content = _payload(part)
            kind = "file"
        name = part.get_filename() or f"attachment-{index}{_extension_for(content_type)}"
        found.append(
            Attachment(name=name, content_type=content_type, size=len(content), content=content, kind=kind)
        )
    return found


def _date(message: EmailMessage):
    """The Date header as an aware datetime (UTC when it has no zone); None when absent or unreadable."""
    try:
        raw = message.get_all("date", [None])[0]
        moment = email.utils.parsedate_to_datetime(str(raw)) if raw is not None else None
    except (TypeError, ValueError, IndexError):
        return None
    if moment is not None and moment.tzinfo is None:
        from datetime import timezone

        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def _header_text(message: EmailMessage, header: str) -> str:
    try:
        value = message.get(header)
    except Exception:  # a header the parser cannot decode: keep the raw text
        return str(message.get_all(header, [""])[0])
    return str(value or "")


def _text(part: EmailMessage) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        return _payload(part).decode("utf-8", errors="replace")
    if _base64_given_up(part):
        try:
            return _payload(part).decode(part.get_content_charset() or "utf-8", errors="replace")
        except LookupError:
            return _payload(part).decode("utf-8", errors="replace")
    return text


def _payload(part: EmailMessage) -> bytes:
    content = part.get_payload(decode=True) or b""
    if _base64_given_up(part):
        content = _base64_prefix(content)
    return content


def _base64_given_up(part: EmailMessage) -> bool:
    """Python's parser returns the base64 text itself when it cannot decode it (truncated, cut mid-way)."""
    return any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in part.defects)


def _base64_prefix(encoded: bytes) -> bytes:
    """What decodes of a damaged base64 payload: its leading run of base64 characters, whole quads only."""
    run = _BASE64_RUN.match(encoded).group()
    return base64.b64decode(run[: len(run) - len(run) % 4])


def _extension_for(content_type: str) -> str:
    return {"message/rfc822": ".eml", "text/plain": ".txt", "text/html": ".html"}.get(content_type, "")
