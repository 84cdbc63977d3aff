"""RFC 5322 messages (.eml) -> Draft.

Address headers are read from the raw header text with ``email.utils.getaddresses`` (one pass
over the text) and their encoded words decoded with ``email.header``: ``email.policy.default``'s
own header parser takes time growing with the square of the header's length (20 s for 20,000
recipients). The two agree on what a sender writes (quoted names with commas, groups, encoded
words, folded lines, UTF-8 headers; tests/drafts/test_address_headers.py); one difference:
``a@example.org (Alice)`` keeps the comment as the display name, as RFC 822 mail did.
"""

from __future__ import annotations

import base64
import codecs
import email
import email.errors
import email.header
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
    if not any(h in message for h in _HEADERS_OF_A_MESSAGE):  # by name: no header is parsed
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
    """Every address in every instance of a header, tolerating malformed ones (linear in its length)."""
    found = []
    for value in raw_header_values(message, header):
        for name, address in _simple_list(value) or email.utils.getaddresses([value]):
            if address:
                found.append(Address(address=address.strip(), name=_decoded(name).strip()))
    return found


# The common shape: `Name <a@b>`, `"Surname, Name" <a@b>` and `a@b`, separated by commas, read
# with a tokenizer and one pattern per entry, each linear (no two parts of a pattern can take the
# same characters, so nothing is rescanned on a mismatch: the input may be hostile). Anything else
# in the value (groups, comments, encoded words, other characters) goes to email.utils.getaddresses,
# which reads everything but takes several times longer.
_TOKENS = re.compile(r'\\.|\\|"|[^"\\]+', re.S)  # an escaped character, a quote, or a run of others
_ADDR = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+"
_WORD = r"[A-Za-z0-9'-]+"
_SIMPLE_ENTRY = re.compile(
    rf'\s*(?:"(?P<quoted>(?:[^"\\\r\n]|\\[^\r\n])*)"\s*|(?P<plain>{_WORD}(?:[ \t\r\n]+{_WORD})*)\s*)?'
    rf"<(?P<angle>{_ADDR})>\s*"
    rf"|\s*(?P<bare>{_ADDR})\s*"
)
_QUOTED_PAIR = re.compile(r"\\(.)")


def _entries(value: str) -> list[str] | None:
    """The value split at the commas outside quoted strings; None when a quote is left open."""
    entries: list[str] = []
    current: list[str] = []
    quoted = False
    for token in _TOKENS.findall(value):
        if token == '"':
            quoted = not quoted
            current.append(token)
        elif quoted or token[0] == "\\":
            current.append(token)
        else:
            first, *rest = token.split(",")
            current.append(first)
            for part in rest:
                entries.append("".join(current))
                current = [part]
    if quoted:
        return None
    entries.append("".join(current))
    return entries


def _simple_list(value: str) -> list[tuple[str, str]] | None:
    """The (name, address) pairs of a value made only of the common shape; None for anything else."""
    if "=?" in value or any(c in value for c in "():;[]\x00"):
        return None
    entries = _entries(value)
    if entries is None:
        return None
    pairs = []
    for entry in entries:
        if not entry.strip():
            if not entry:
                return None  # "a@b,,c@d" or a trailing comma: left to getaddresses
            continue  # "a@b, , c@d": an empty entry, as getaddresses skips it
        match = _SIMPLE_ENTRY.fullmatch(entry)
        if match is None:
            return None
        if match["bare"]:
            pairs.append(("", match["bare"]))
        elif match["quoted"] is not None:
            pairs.append((_QUOTED_PAIR.sub(r"\1", match["quoted"]), match["angle"]))
        else:
            pairs.append((" ".join((match["plain"] or "").split()), match["angle"]))
    return pairs


def raw_header_values(message: EmailMessage, header: str) -> list[str]:
    """The header's values as written, without running ``email.policy.default``'s parser on them."""
    values = []
    for name, value in message.raw_items():
        if name.lower() == header:
            # a header set through the API is already an object; bytes that were not ASCII arrive
            # as surrogate escapes (RFC 6532 UTF-8 headers)
            text = str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            values.append(text)
    return values


def _decoded(name: str) -> str:
    """A display name with its RFC 2047 encoded words decoded (an unknown charset stays as written)."""
    if "=?" not in name:
        return name
    try:
        parts = [(text, _known_charset(charset)) for text, charset in email.header.decode_header(name)]
        return str(email.header.make_header(parts))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        return name


def _known_charset(charset: str | None) -> str | None:
    """An unknown charset is read as UTF-8 (with replacement characters), as the standard library reads it."""
    if charset is None:
        return None
    try:
        codecs.lookup(charset)
    except LookupError:
        return "utf-8"
    return charset


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
