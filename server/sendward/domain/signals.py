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
class Signals:
    recipients: RecipientSignals = field(default_factory=RecipientSignals)
    context: ContextSignals = field(default_factory=ContextSignals)
    attachments: tuple[AttachmentSignals, ...] = ()
    body: ContentSignals = field(default_factory=ContentSignals)
