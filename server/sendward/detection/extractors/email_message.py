"""E-mails attached to e-mails (.eml, .msg): subject, body and their own attachments."""

from __future__ import annotations

from sendward.detection.extractors.html import html_parts
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Embedded, Text
from sendward.drafts.eml import parse_eml
from sendward.drafts.errors import UnreadableDraft
from sendward.drafts.msg import parse_msg


def extract_eml(data: bytes, state: ScanState):
    yield from _message_parts(_read(parse_eml, data), state)


def extract_msg(data: bytes, state: ScanState):
    yield from _message_parts(_read(parse_msg, data), state)


def _read(parse, data: bytes):
    try:
        return parse(data)
    except UnreadableDraft as error:
        raise Unscannable("corrupt", str(error)) from None


def _message_parts(draft, state: ScanState):
    yield Text(name="subject", text=draft.subject)
    if draft.body.type == "html":
        for part in html_parts(draft.body.content, state.limits.max_text_chars):
            part.name = f"message body {part.name}" if part.name != "text" else "message body"
            yield part
    else:
        yield Text(name="message body", text=draft.body.content)
    for attachment in draft.attachments:
        yield Embedded(name=attachment.name, content=attachment.content or b"", content_type=attachment.content_type)
