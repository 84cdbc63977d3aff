"""What a draft is, independent of where it came from (.eml, .msg, JSON, Graph)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum


class RecipientField(StrEnum):
    TO = "to"
    CC = "cc"
    BCC = "bcc"

    @property
    def visible(self) -> bool:
        """To and CC recipients see each other; BCC recipients see nobody."""
        return self is not RecipientField.BCC


@dataclass(frozen=True)
class Address:
    address: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2].strip().lower().rstrip(".")


@dataclass(frozen=True)
class Recipient:
    address: Address
    field: RecipientField


@dataclass(frozen=True)
class Body:
    content: str = ""
    type: str = "text"  # "text" or "html"


LINK_NOT_READ = "a link to a file in OneDrive or SharePoint; linked files are not read (scan_linked_files is off)"


class DraftNotSynced(Exception):
    """The saved draft the request names is not where Graph looks (yet): classic Outlook's cached
    mode saves locally first, and a shared or delegate mailbox's draft is saved in that mailbox.
    The client should send the attachment bytes inline instead."""


@dataclass(frozen=True)
class FetchError:
    """Why an attachment's bytes could not be had.

    ``infrastructure`` is True when the failure is ours (Graph down, the time
    budget spent), so the tenant's fail mode decides; False when it is the
    file's (too large to fetch).
    """

    code: str  # "unavailable", "time_budget", "not_found", "too_large", ...
    reason: str  # a human sentence without personal data
    infrastructure: bool = True


EMPTY_CONTENT = FetchError(
    "empty_content",
    "its content came back empty although the file is not empty, so it was not read",
)
TIME_BUDGET = FetchError("time_budget", "the time budget ran out before it could be read")


@dataclass(frozen=True)
class Attachment:
    """One attachment. ``content`` is None when the bytes live elsewhere (Graph)."""

    name: str
    content_type: str = "application/octet-stream"
    size: int = 0
    content: bytes | None = None
    id: str | None = None
    kind: str = "file"  # "file", "item" (an attached e-mail) or "reference" (a link)
    url: str | None = None  # a reference attachment's link (OneDrive, SharePoint)
    fetch_error: FetchError | None = None  # set when content could not be fetched
    note: str | None = None  # set when content was deliberately not fetched (policy)

    def read_as(self, content: bytes, **changes) -> Attachment:
        """These bytes as its content. No bytes for a file declared non-empty is not an empty file:
        Office.js and Graph have been seen to hand back empty content for a real file (office-js
        #4725, #6098, #3897), so it stays unread (``empty_content``) and the fail mode decides."""
        if not content and self.size > 0:
            return replace(self, content=None, fetch_error=EMPTY_CONTENT, **changes)
        return replace(self, content=content, size=len(content), fetch_error=None, **changes)


@dataclass(frozen=True)
class Override:
    decision_id: str
    justification: str


@dataclass(frozen=True)
class Draft:
    sender: Address | None = None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()
    subject: str = ""
    body: Body = field(default_factory=Body)
    attachments: tuple[Attachment, ...] = ()
    item_id: str | None = None
    override: Override | None = None
    date: datetime | None = None  # an .eml's Date (the offline path judges it against the history before it)
    # The decision of this e-mail's previous Send, when Send is pressed again (the add-in keeps it):
    # that Send did not go as it was. Not part of what is judged.
    previous_decision_id: str | None = None

    @functools.cached_property
    def recipients(self) -> tuple[Recipient, ...]:
        return (
            tuple(Recipient(a, RecipientField.TO) for a in self.to)
            + tuple(Recipient(a, RecipientField.CC) for a in self.cc)
            + tuple(Recipient(a, RecipientField.BCC) for a in self.bcc)
        )
