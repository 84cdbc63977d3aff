"""The facts gathered from a draft: the only input of the rules.

Signals hold counts, types and locations, never the personal data itself, so
a verdict built from them can be logged and audited safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Lookalike:
    """A recipient domain that resembles an internal or trusted domain."""

    domain: str
    resembles: str
    kind: str  # "edit", "homoglyph", "separator", "suffix" or "prefix"
    recipients: int


@dataclass(frozen=True)
class RecipientSignals:
    total: int = 0  # every person reached, distribution lists expanded where known
    visible: int = 0  # addresses in To and CC
    external: int = 0  # people outside the organisation (trusted partners excluded)
    visible_external: int = 0  # outside people in To/CC: they see each other
    visible_external_private: int = 0  # ... of which on consumer webmail
    external_organisations: int = 0  # distinct outside organisations in To/CC
    largest_external_organisation: int = 0  # visible outside people sharing one organisation
    groups_expanded: int = 0  # distribution lists whose size is known
    lookalikes: tuple[Lookalike, ...] = ()
    # The domains counted as inside for this draft (internal, then trusted), lower case. A domain
    # name is not personal data, but the audit record keeps counts only, so it stays out of it.
    internal_domains: tuple[str, ...] = ()
    # Where the visible outside people are in the draft's recipients (the first place each address
    # appears): what the move-to-BCC fix moves. Positions, not addresses, so cached signals name nobody.
    outside_visible: tuple[int, ...] = ()
    # False when the time budget ran out first: recipients are all counted, but outside organisations
    # and lookalike domains only as far as they were worked out (the verdict lists "recipient_domains"
    # under not_checked).
    complete: bool = True

    @property
    def all_internal(self) -> bool:
        return self.external == 0


@dataclass(frozen=True)
class Location:
    """Where personal data was found inside a file: never the value itself."""

    where: str  # e.g. "sheet 'Clients', column 'Phone'"
    entity: str  # e.g. "PHONE_NUMBER"
    count: int
    hidden: str | None = None  # e.g. "hidden_sheet", "comments"; None when visible


CONTACT_DETAILS = frozenset({"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"})


@dataclass(frozen=True)
class ContentSignals:
    """Personal data found in one piece of content (an attachment or the body)."""

    data_subjects: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    special_categories: dict[str, int] = field(default_factory=dict)
    custom_patterns: dict[str, int] = field(default_factory=dict)
    hidden_data_subjects: int = 0
    locations: tuple[Location, ...] = ()
    # True when the only person the content is about is a recipient of the draft
    about_recipient: bool = False
    # False when the time budget ran out before all of it was read (the body: not_checked "message_body")
    complete: bool = True
    # How many of the people it is about are recipients of the draft (attendees sent their own list)
    recipient_data_subjects: int = 0
    # When it is about exactly one person: keyed hashes of that person's names and e-mail addresses
    # (``sendward.domain.correspondents.subject_keys``, the tenant's key), so recipients.misdirected
    # can tell a letter about one client going to another. Never in the verdict or the audit record.
    subject_keys: tuple[str, ...] = ()

    @property
    def about_recipients_only(self) -> bool:
        """Every person it is about is a recipient and it holds only their contact details (names,
        e-mail addresses, phone numbers): notes sent to the very people they list disclose nothing
        new. Identifiers (NHS numbers, dates of birth, addresses) or special-category data about
        them would still expose them to each other."""
        return (
            0 < self.data_subjects <= self.recipient_data_subjects
            and not self.special_categories
            and set(self.entities) <= CONTACT_DETAILS
        )


@dataclass(frozen=True)
class AttachmentSignals:
    name: str
    content_type: str = ""
    size: int = 0
    scanned: bool = True
    content: ContentSignals = field(default_factory=ContentSignals)
    error: str | None = None  # human reason when not (fully) scanned
    error_code: str | None = None  # "encrypted", "corrupt", "too_large", ...
    # True when we failed (Graph down, time budget), not the file: fail mode decides
    infrastructure_failure: bool = False
    content_hash: str | None = None
    note: str | None = None  # what was deliberately not read (images: no OCR)

    @property
    def hidden_content(self) -> bool:
        return self.content.hidden_data_subjects > 0


@dataclass(frozen=True)
class ContextSignals:
    """Sensitive topics named in the subject, body or attachment names."""

    sensitive_categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RecipientFit:
    """How one recipient fits the sender's history (``sendward.signals.misdirection``).

    Unlike the other signals these name addresses (the recipient, and the correspondent it may
    have been meant for): they exist for the sender's own verdict and are never stored or cached.
    """

    address: str
    internal: bool = False
    mailed: int = 0  # messages the sender wrote to this address before
    days_since: float | None = None  # since the last of them
    namesake: str | None = None  # "full_name", "surname" or "first_name": shared with a usual correspondent
    namesake_of: str | None = None  # ... that correspondent's address
    namesake_share: float = 0.0  # ... their share of the sender's messages
    typo_of: str | None = None  # a known address this one is a few keystrokes from
    typo_distance: int = 0
    personal_address_of: str | None = None  # webmail of someone the sender mails at work
    thread_dropped: str | None = None  # a participant of this conversation missing from the message
    companion_missing: str | None = None  # the address the other recipients usually come with
    other_company: bool = False  # mailed before, never with any of these co-recipients
    # A file or the body is about one person, another correspondent of the sender (outside the
    # organisation) never addressed together with this (outside) recipient: their address.
    letter_about: str | None = None
    letter_identifies: bool = False  # ... and it holds more about them than a name (an identifier)
    known_person: bool = False  # cold start: among the people Graph says the sender works with
    received: int = 0  # messages the sender received with this address on them (its sender or copied)

    @property
    def stranger(self) -> bool:
        """Neither written to nor seen on received mail (nor known from Graph's people)."""
        return self.mailed == 0 and self.received == 0 and not self.known_person


@dataclass(frozen=True)
class HistorySignals:
    """The sender's history of correspondents, as far as this draft is concerned."""

    known: bool = False  # a history was available for the sender
    messages: int = 0  # messages in it
    novelty_rate: float = 0.0  # how often the sender writes to someone new
    seeded: int = 0  # cold start: people known from Graph (People API, MailTips), used while messages are few
    recipients: tuple[RecipientFit, ...] = ()
    received_messages: int = 0  # received messages learnt (0: the Inbox is not known)
    reply_unseen: bool = False  # a reply in a conversation seen in neither sent nor received mail

    @property
    def strangers(self) -> int:
        return sum(1 for fit in self.recipients if fit.stranger)


@dataclass(frozen=True)
class Signals:
    recipients: RecipientSignals = field(default_factory=RecipientSignals)
    context: ContextSignals = field(default_factory=ContextSignals)
    attachments: tuple[AttachmentSignals, ...] = ()
    body: ContentSignals = field(default_factory=ContentSignals)
    history: HistorySignals = field(default_factory=HistorySignals)
