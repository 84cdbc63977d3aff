"""Which of the saved draft's attachments (as Graph lists them) is each attachment the add-in named.

The add-in names the attachments to scan. Its ids differ by client: Outlook on
the web gives EWS ids (standard base64), Graph REST ids use the URL-safe
alphabet, and classic Outlook on Windows gives an index. So: the same id in
either alphabet first, then a name that is unique among what is left (the size
breaks a tie). Anything still unmatched is reported as not found, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sendward.domain.draft import Attachment


@dataclass(frozen=True)
class Listed:
    """One attachment of the saved draft, as Graph lists it."""

    id: str
    name: str
    kind: str  # "file", "item" or "reference"
    size: int = 0
    content_type: str | None = None
    source_url: str | None = None  # a reference attachment's link, where Graph gives it


def rest_id(attachment_id: str) -> str:
    return attachment_id.strip().replace("/", "-").replace("+", "_")


def match(wanted: Sequence[Attachment], listed: Sequence[Listed]) -> list[Listed | None]:
    by_id = {rest_id(item.id): item for item in listed}
    found: list[Listed | None] = [by_id.get(rest_id(a.id)) if a.id else None for a in wanted]
    taken = {item.id for item in found if item is not None}
    for index, attachment in enumerate(wanted):
        if found[index] is None:
            found[index] = _by_name(attachment, [item for item in listed if item.id not in taken])
            if found[index] is not None:
                taken.add(found[index].id)
    return found


def _by_name(attachment: Attachment, left: Sequence[Listed]) -> Listed | None:
    same_name = [item for item in left if item.name == attachment.name]
    if len(same_name) > 1 and attachment.size:
        same_name = [item for item in same_name if item.size == attachment.size]
    return same_name[0] if len(same_name) == 1 else None
