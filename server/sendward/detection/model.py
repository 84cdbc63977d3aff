"""What extractors produce: tables, running text and embedded files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

# Where the sender cannot see content; these names appear in findings.
HIDDEN_SHEET = "hidden_sheet"
VERY_HIDDEN_SHEET = "very_hidden_sheet"
HIDDEN_ROWS = "hidden_rows"
HIDDEN_COLUMNS = "hidden_columns"
PIVOT_CACHE = "pivot_cache"
COMMENTS = "comments"
TRACKED_CHANGES = "tracked_changes"
HIDDEN_TEXT = "hidden_text"
DEFINED_NAMES = "defined_names"


@dataclass
class Table:
    """Rows of cell values (str, numbers, dates or None) from a sheet or a document table."""

    name: str  # e.g. "sheet 'Clients'"
    rows: Sequence[Sequence[object]]
    hidden: str | None = None  # the whole table is hidden (a hidden sheet, a pivot cache)
    hidden_rows: frozenset[int] = frozenset()
    hidden_columns: frozenset[int] = frozenset()


@dataclass
class Text:
    name: str  # e.g. "document body", "comments"
    text: str
    hidden: str | None = None


@dataclass
class Embedded:
    """A file inside the file: an archive member, an e-mail's attachment, an OLE object."""

    name: str
    content: bytes
    content_type: str = ""
    # An object embedded in a document (not an archive member or an attached file):
    # when its type is unknown it is noted and skipped rather than made an error.
    skippable: bool = False


@dataclass
class Extracted:
    parts: list = field(default_factory=list)


@dataclass
class Failed:
    """A part that could not be read (an encrypted archive member, say); the rest goes on."""

    name: str
    code: str
    reason: str


def is_data_table(rows) -> bool:
    """A grid of short values (a list of people), not a page laid out with a table."""
    cells = [str(c) for row in rows for c in row if c not in (None, "")]
    if len(rows) < 2 or max((len(r) for r in rows), default=0) < 2 or not cells:
        return False
    return sum(len(c) for c in cells) / len(cells) <= 120
