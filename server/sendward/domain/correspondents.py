"""A sender's correspondents, learned from their sent mail (metadata only).

Per address the sender has written to: how often, first and last time, the display names
used, and with whom it was addressed together (co-recipients). Per conversation (a
normalised subject): who took part. From the mail they received (their Inbox), only how often
each address was on it (as its sender or a co-recipient): someone who wrote to the sender, or
was copied with them, is not a stranger even before the first reply. Addresses are keyed by an HMAC with the tenant's key,
so what is stored cannot be matched against a list of addresses without the key; the
address itself is kept beside its key only to offer "did you mean" and to find typos.

Pure: no IO, no clock. ``SentMessage`` values come from Graph (adapters) or a JSON Lines
file (the offline path); ``recipients.misdirected`` reads the model through
``sendward.signals.misdirection``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

# The offline path (``sendward check --history``, the evaluation) keys addresses with this.
LOCAL_KEY = b"sendward-offline-history"
# Bounds, so one user's model stays small whatever their mailbox holds.
MAX_CO_RECIPIENTS = 40  # kept per correspondent (the most frequent)
MAX_THREADS = 2000  # most recent conversations
MAX_THREAD_PARTICIPANTS = 30
MAX_CORRESPONDENTS = 20_000  # beyond this, the longest unseen one-off addresses are forgotten
CO_OCCURRENCE_MAX_RECIPIENTS = 25  # a message to more people says nothing about who belongs together
MAX_PEOPLE = 500  # people seeded for a cold start (Graph's relevant people, their suggested co-recipients)
# Messages before which every address is new anyway (the model is warming up).
WARM_UP_MESSAGES = 30

_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|tr|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
# A reply (not a forward): Re, and German, Scandinavian and Finnish equivalents.
_REPLY = re.compile(r"^\s*(?:re|aw|sv|vs)\s*(?:\[\d+\])?\s*:", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_TITLES = frozenset("mr mrs ms miss dr prof sir jr sr ii iii iv phd esq".split())
_TOKEN = re.compile(r"[a-z]+")
# A content's one person is compared by at most this many spellings (names, addresses).
MAX_SUBJECT_KEYS = 16


def tenant_key_from(user_hash_key: bytes, tenant_id: str) -> bytes:
    """The tenant's key for the HMAC of addresses inside its users' models."""
    return hmac.new(user_hash_key, f"sendward correspondents v1:{tenant_id}".encode(), hashlib.sha256).digest()


class UnreadableModel(Exception):
    """A stored model that does not open (another key, damaged): it is synced afresh."""


class HistoryRestart(Exception):
    """The source of a user's history forgot where the last sync stopped (Graph's 410): start over."""


@dataclass(frozen=True)
class Correspondence:
    """One address a message went to."""

    address: str
    name: str = ""


@dataclass(frozen=True)
class SentMessage:
    sent_at: datetime
    recipients: tuple[Correspondence, ...]
    subject: str = ""


@dataclass(frozen=True)
class ReceivedMessage:
    """A message in the sender's Inbox: who sent it and who else it went to."""

    received_at: datetime
    sender: Correspondence
    recipients: tuple[Correspondence, ...]
    subject: str = ""


def normalise_address(address: str) -> str:
    return address.strip().strip("<>").lower().rstrip(".")


def address_key(key: bytes, address: str) -> str:
    return hmac.new(key, b"a:" + normalise_address(address).encode(), hashlib.sha256).hexdigest()[:32]


def name_tokens(name: str, address: str = "") -> tuple[str, str] | None:
    """(first, last) from a display name ("Smith, John" too), else from a first.last local part."""
    if name and "@" not in name:
        text = _ascii(name)
        if "," in text:
            last, _, first = text.partition(",")
            text = f"{first} {last}"
        words = [w for w in _TOKEN.findall(text) if len(w) > 1 and w not in _TITLES]
        if len(words) >= 2:
            return words[0], words[-1]
    local = _ascii(address.partition("@")[0])
    words = [w for w in _TOKEN.findall(local) if len(w) > 1]
    return (words[0], words[-1]) if len(words) >= 2 else None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def person_key(key: bytes, name: str, address: str = "") -> str | None:
    """A keyed hash of a person's first and last name (in either order), from a display name or a
    first.last address; None when neither gives both."""
    tokens = name_tokens(name, address)
    if tokens is None:
        return None
    return hmac.new(key, b"p:" + " ".join(sorted(tokens)).encode(), hashlib.sha256).hexdigest()[:32]


def subject_keys(key: bytes, names=(), addresses=()) -> tuple[str, ...]:
    """The keyed hashes by which a piece of content names the one person it is about: its e-mail
    addresses (as ``address_key``, so they find the correspondent directly) and full names (as
    ``person_key``). Nothing is kept in the clear; empty when there are too many to be one person."""
    found = [address_key(key, a) for a in addresses if "@" in a]
    found += [k for n in names if (k := person_key(key, n)) is not None]
    unique = tuple(dict.fromkeys(found))
    return unique if len(unique) <= MAX_SUBJECT_KEYS else ()


def thread_key(key: bytes, subject: str) -> str | None:
    """A conversation as the subject without Re:/Fw:; None when too short to tell threads apart."""
    topic = _SPACE.sub(" ", _REPLY_PREFIX.sub("", subject or "")).strip().lower()
    if len(topic) < 4:
        return None
    return hmac.new(key, b"t:" + topic.encode(), hashlib.sha256).hexdigest()[:32]


def is_reply(subject: str) -> bool:
    return bool(_REPLY.match(subject or ""))


@dataclass
class Correspondent:
    address: str
    count: int = 0
    first_seen: float = 0.0  # epoch seconds
    last_seen: float = 0.0
    names: Counter = field(default_factory=Counter)
    co: Counter = field(default_factory=Counter)  # keys of co-recipients -> messages together
    # Messages with co-recipients (CO_OCCURRENCE_MAX_RECIPIENTS at most): the base of ``co``.
    group_messages: int = 0

    @property
    def name(self) -> str:
        return self.names.most_common(1)[0][0] if self.names else ""


@dataclass
class CorrespondentModel:
    key: bytes
    correspondents: dict[str, Correspondent] = field(default_factory=dict)
    threads: OrderedDict = field(default_factory=OrderedDict)  # thread key -> Counter of recipient keys
    messages: int = 0
    warm_messages: int = 0  # messages after the warm-up
    warm_novel: int = 0  # ... of which went to at least one address never mailed before
    last_sent: float = 0.0
    # Cold start: people the user works with by another source than their sent mail (Graph's People
    # API, MailTips recipient suggestions), by key. Used only while the model has learnt too little.
    people: dict[str, Correspondent] = field(default_factory=dict)
    # Received mail: key of an address -> messages it was on (as their sender or a co-recipient).
    received: dict[str, int] = field(default_factory=dict)
    received_messages: int = 0
    # Received conversations, kept apart (and bounded apart) so a busy Inbox never pushes the
    # sender's own conversations out: thread key -> Counter of participant keys.
    received_threads: OrderedDict = field(default_factory=OrderedDict)
    _version: int = 0  # bumped on every change: caches of derived indexes check it

    @classmethod
    def build(cls, messages, key: bytes = LOCAL_KEY) -> CorrespondentModel:
        model = cls(key=key)
        for message in sorted(messages, key=lambda m: m.sent_at):
            model.add(message)
        return model

    def key_of(self, address: str) -> str:
        return address_key(self.key, address)

    def get(self, address: str) -> Correspondent | None:
        return self.correspondents.get(self.key_of(address))

    def add(self, message: SentMessage) -> None:
        when = message.sent_at.timestamp()
        seen: dict[str, Correspondence] = {}
        for recipient in message.recipients:
            address = normalise_address(recipient.address)
            if "@" in address:
                seen.setdefault(self.key_of(address), Correspondence(address, recipient.name.strip()))
        if not seen:
            return
        novel = any(k not in self.correspondents for k in seen)
        if self.messages >= WARM_UP_MESSAGES:
            self.warm_messages += 1
            self.warm_novel += novel
        self.messages += 1
        self.last_sent = max(self.last_sent, when)
        self._version += 1
        grouped = 1 < len(seen) <= CO_OCCURRENCE_MAX_RECIPIENTS
        for k, recipient in seen.items():
            entry = self.correspondents.get(k)
            if entry is None:
                entry = self.correspondents[k] = Correspondent(recipient.address, first_seen=when)
            entry.count += 1
            entry.last_seen = max(entry.last_seen, when)
            if recipient.name and recipient.name.lower() != recipient.address:
                entry.names[recipient.name] += 1
            if grouped:
                entry.group_messages += 1
                entry.co.update(other for other in seen if other != k)
                if len(entry.co) > 2 * MAX_CO_RECIPIENTS:
                    entry.co = Counter(dict(entry.co.most_common(MAX_CO_RECIPIENTS)))
        self._add_thread(message.subject, list(seen))
        if len(self.correspondents) > MAX_CORRESPONDENTS:
            self._forget_least_used()

    def add_received(self, message: ReceivedMessage, own_address: str = "") -> None:
        """Learn from a message the sender received: its sender and co-recipients are people the
        sender is in touch with; its conversation's participants are known for replies. A mailing
        to more than CO_OCCURRENCE_MAX_RECIPIENTS puts nobody in touch but its sender."""
        own = normalise_address(own_address)
        people = (message.sender, *message.recipients)
        if len(message.recipients) > CO_OCCURRENCE_MAX_RECIPIENTS:
            people = (message.sender,)
        keys = {
            self.key_of(address)
            for person in people
            if "@" in (address := normalise_address(person.address)) and address != own
        }
        if not keys:
            return
        self.received_messages += 1
        self._version += 1
        for k in keys:
            self.received[k] = self.received.get(k, 0) + 1
        _add_thread(self.received_threads, thread_key(self.key, message.subject), keys)
        if len(self.received) > MAX_CORRESPONDENTS:
            ranked = sorted(self.received, key=self.received.__getitem__)
            for k in ranked[: len(ranked) // 10]:
                del self.received[k]

    def forget_received(self) -> None:
        """Everything learnt from received mail (the Inbox is read again from the start)."""
        self.received, self.received_messages, self.received_threads = {}, 0, OrderedDict()
        self._version += 1

    def received_count(self, address: str) -> int:
        return self.received.get(self.key_of(address), 0)

    def seed(self, people) -> None:
        """Replace the cold-start people (``Correspondence`` values, most relevant first)."""
        self.people = {}
        for person in people:
            address = normalise_address(person.address)
            if "@" not in address or len(self.people) >= MAX_PEOPLE:
                continue
            entry = self.people.setdefault(self.key_of(address), Correspondent(address))
            name = person.name.strip()
            if name and name.lower() != address:
                entry.names[name] += 1
        self._version += 1

    def _forget_least_used(self) -> None:
        """Drop a tenth: the fewest messages first, then the longest unseen."""
        ranked = sorted(self.correspondents.items(), key=lambda item: (item[1].count, item[1].last_seen))
        for key, _ in ranked[: len(ranked) // 10]:
            del self.correspondents[key]

    def _add_thread(self, subject: str, keys: list[str]) -> None:
        _add_thread(self.threads, thread_key(self.key, subject), keys)

    @property
    def novelty_rate(self) -> float:
        """How often this sender writes to someone new, smoothed towards 1 in 10 while little is known."""
        return (self.warm_novel + 1) / (self.warm_messages + 10)

    def thread(self, subject: str) -> Counter | None:
        """The conversation's participants: as the sender wrote it, else as they received it."""
        key = thread_key(self.key, subject)
        if not key:
            return None
        return self.threads.get(key) or self.received_threads.get(key)

    @property
    def version(self) -> int:
        return self._version


def _add_thread(threads: OrderedDict, thread: str | None, keys) -> None:
    if thread is None or len(keys) > MAX_THREAD_PARTICIPANTS:
        return
    participants = threads.pop(thread, None) or Counter()
    participants.update(keys)
    threads[thread] = participants  # most recent last
    while len(threads) > MAX_THREADS:
        threads.popitem(last=False)


FORMAT_VERSION = 1


def model_to_dict(model: CorrespondentModel) -> dict:
    """Plain JSON values (the storage adapter seals them); keys stay keyed hashes."""
    return {
        "v": FORMAT_VERSION,
        "messages": model.messages,
        "warm_messages": model.warm_messages,
        "warm_novel": model.warm_novel,
        "last_sent": model.last_sent,
        "correspondents": {
            k: [e.address, e.count, e.first_seen, e.last_seen, dict(e.names.most_common(3)), dict(e.co), e.group_messages]
            for k, e in model.correspondents.items()
        },
        "threads": [[k, dict(participants)] for k, participants in model.threads.items()],
        "people": {k: [e.address, dict(e.names.most_common(3))] for k, e in model.people.items()},
        "received": model.received,
        "received_messages": model.received_messages,
        "received_threads": [[k, dict(participants)] for k, participants in model.received_threads.items()],
    }


def model_from_dict(data: dict, key: bytes) -> CorrespondentModel:
    if data.get("v") != FORMAT_VERSION:
        raise ValueError("another model format")
    model = CorrespondentModel(
        key=key,
        messages=int(data["messages"]),
        warm_messages=int(data["warm_messages"]),
        warm_novel=int(data["warm_novel"]),
        last_sent=float(data["last_sent"]),
        received={str(k): int(v) for k, v in (data.get("received") or {}).items()},
        received_messages=int(data.get("received_messages") or 0),
    )
    for k, (address, count, first, last, names, co, grouped) in data["correspondents"].items():
        model.correspondents[k] = Correspondent(
            address, int(count), float(first), float(last), Counter(names), Counter(co), int(grouped)
        )
    for k, participants in data["threads"]:
        model.threads[k] = Counter(participants)
    for k, participants in data.get("received_threads") or ():
        model.received_threads[k] = Counter(participants)
    for k, (address, names) in (data.get("people") or {}).items():
        model.people[k] = Correspondent(address, names=Counter(names))
    return model
