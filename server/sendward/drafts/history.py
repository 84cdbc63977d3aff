"""Mail in Microsoft Graph's message shape -> SentMessage / ReceivedMessage (the correspondent
model's input).

One message a line in a JSON Lines file (``sendward check --history``; gzip'd when the name
ends in .gz), or one item of a Graph delta page: ``sentDateTime``, ``subject``, ``from``,
``toRecipients``, ``ccRecipients``, ``bccRecipients``, each recipient as
``{"emailAddress": {"address", "name"}}``. Bodies are never read. In a file, a message from
someone else with the sender among its recipients is mail the sender received.
"""

from __future__ import annotations

import gzip
import io
import json
from datetime import datetime, timezone
from pathlib import Path

from sendward.domain.correspondents import (
    LOCAL_KEY,
    Correspondence,
    CorrespondentModel,
    ReceivedMessage,
    SentMessage,
    normalise_address,
)

RECIPIENT_FIELDS = ("toRecipients", "ccRecipients", "bccRecipients")
MAX_LINE_CHARS = 1_000_000
MAX_UPLOAD_TEXT_BYTES = 256 * 1024 * 1024  # an uploaded history, gzip'd or not, once inflated


class UnreadableHistory(Exception):
    pass


def parse_time(value) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def sent_message(item: dict) -> tuple[str, SentMessage] | None:
    """(sender address, message), or None for an item that is not a sent message with a time."""
    if not isinstance(item, dict) or "@removed" in item:
        return None
    sent_at = parse_time(item.get("sentDateTime"))
    if sent_at is None:
        return None
    recipients = []
    for name in RECIPIENT_FIELDS:
        for recipient in item.get(name) or ():
            address = _address(recipient)
            if address:
                recipients.append(Correspondence(address[0], address[1]))
    sender = _address(item.get("from")) or _address(item.get("sender"))
    subject = item.get("subject") if isinstance(item.get("subject"), str) else ""
    return (sender[0] if sender else ""), SentMessage(sent_at, tuple(recipients), subject)


def received_message(item: dict) -> ReceivedMessage | None:
    """An Inbox item (or another person's sent message) as its recipients received it: To and CC (a
    recipient never sees the others in BCC); None without a sender or a time. ``receivedDateTime``
    when present, else ``sentDateTime``."""
    if isinstance(item, dict) and item.get("bccRecipients"):
        item = {k: v for k, v in item.items() if k != "bccRecipients"}
    parsed = sent_message(item) if isinstance(item, dict) and parse_time(item.get("sentDateTime")) else None
    if parsed is None and isinstance(item, dict) and parse_time(item.get("receivedDateTime")):
        parsed = sent_message({**item, "sentDateTime": item["receivedDateTime"]})
    sender = (_address(item.get("from")) or _address(item.get("sender"))) if parsed else None
    if sender is None:
        return None
    message = parsed[1]
    when = parse_time(item.get("receivedDateTime")) or message.sent_at
    return ReceivedMessage(when, Correspondence(*sender), message.recipients, message.subject)


def _address(recipient) -> tuple[str, str] | None:
    if not isinstance(recipient, dict) or not isinstance(recipient.get("emailAddress"), dict):
        return None
    email = recipient["emailAddress"]
    address = email.get("address")
    if not isinstance(address, str) or "@" not in address:
        return None
    name = email.get("name") if isinstance(email.get("name"), str) else ""
    return normalise_address(address), name


def read_history(path, sender: str | None = None, before: datetime | None = None) -> list[SentMessage]:
    """The messages of ``sender`` (any sender when None) sent before ``before``."""
    wanted = normalise_address(sender) if sender else None
    return [
        message
        for from_address, message in _messages(path)
        if not (wanted and from_address and from_address != wanted)
        and (before is None or message.sent_at < before)
    ]


def _lines(path):
    path = Path(path)
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                yield from handle
        else:
            with path.open(encoding="utf-8") as handle:
                yield from handle
    except OSError as error:
        raise UnreadableHistory(f"{path}: {error.strerror or error}") from None
    except (UnicodeError, EOFError) as error:
        raise UnreadableHistory(f"{path}: not UTF-8 JSON Lines ({type(error).__name__})") from None


class HistoryFile:
    """``sendward check --history``: the sender's model from a file, from what was sent before the draft.

    The file may hold several people's sent mail: the draft's From picks the sender. Read once;
    a model per (sender, date) is built on demand.
    """

    def __init__(self, path, key: bytes = LOCAL_KEY, *, lines=None):
        self.key = key
        self._by_sender: dict[str, list[SentMessage]] = {}
        self._received: dict[str, list[ReceivedMessage]] = {}  # recipient -> others' mail to them
        for sender, message, received in _messages(path, lines, received=True):
            self._by_sender.setdefault(sender, []).append(message)
            if received is not None:
                for recipient in {r.address for r in received.recipients} - {sender}:
                    self._received.setdefault(recipient, []).append(received)
        for messages in self._by_sender.values():
            messages.sort(key=lambda m: m.sent_at)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "history", key: bytes = LOCAL_KEY) -> HistoryFile:
        """An uploaded history (the admin simulator): JSON Lines, gzip'd or not, bounded once inflated."""
        return cls(name, key, lines=_lines_of_bytes(data, name))

    @property
    def senders(self) -> list[str]:
        return sorted(self._by_sender)

    def model(self, draft, caller=None, tenant_id: str = "") -> CorrespondentModel | None:
        sender = normalise_address(draft.sender.address) if draft.sender else ""
        return self.model_for(sender, draft.date)

    def model_for(self, sender: str, before: datetime | None = None) -> CorrespondentModel | None:
        """``sender``'s sent mail, and the others' mail to them as received, before ``before``."""
        messages, received = self.mail_of(sender, before)
        if not messages:
            return None
        model = CorrespondentModel.build(messages, key=self.key)
        for message in received:
            model.add_received(message, normalise_address(sender))
        return model

    def mail_of(self, sender: str, before: datetime | None = None) -> tuple[list[SentMessage], list[ReceivedMessage]]:
        """What ``sender`` sent and what the others in the file sent them, before ``before``, oldest first
        (a file of one anonymous sender's mail is theirs)."""
        sender = normalise_address(sender)
        messages = self._by_sender.get(sender) or (self._by_sender.get("") if len(self._by_sender) == 1 else None) or []
        received = sorted(self._received.get(sender, ()), key=lambda m: m.received_at)
        if before is not None:
            messages = [m for m in messages if m.sent_at < before]
            received = [m for m in received if m.received_at < before]
        return messages, received

    def subject_key(self, caller=None, tenant_id: str = "") -> bytes:
        return self.key


def _lines_of_bytes(data: bytes, name: str):
    try:
        if data[:2] == b"\x1f\x8b":
            handle = gzip.GzipFile(fileobj=io.BytesIO(data))
        else:
            handle = io.BytesIO(data)
        total = 0
        for raw in handle:
            total += len(raw)
            if total > MAX_UPLOAD_TEXT_BYTES:
                raise UnreadableHistory(f"{name}: larger than {MAX_UPLOAD_TEXT_BYTES // (1024 * 1024)} MB of text")
            yield raw.decode("utf-8")
    except (OSError, EOFError, UnicodeError) as error:
        raise UnreadableHistory(f"{name}: not UTF-8 JSON Lines, gzip'd or not ({type(error).__name__})") from None


def _messages(path, lines=None, received=False):
    for number, line in enumerate(lines if lines is not None else _lines(path), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE_CHARS:
            raise UnreadableHistory(f"{path}: line {number} is longer than {MAX_LINE_CHARS:,} characters")
        try:
            item = json.loads(line)
        except ValueError:
            raise UnreadableHistory(f"{path}: line {number} is not JSON") from None
        parsed = sent_message(item)
        if parsed is not None:
            yield (*parsed, received_message(item)) if received else parsed
