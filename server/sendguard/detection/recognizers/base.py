"""What a SendGuard recognizer adds to Presidio's: judging one table cell, and column-header hints.

Presidio recognizers find entities in running text. In a table we already know
where each value starts and ends, so a recognizer also answers "is this whole
cell one of mine?" with the same patterns and checksums (``matches_value``), and
names the column headers that announce its entity (``HEADER_HINTS``).
"""

from __future__ import annotations

import re
from typing import ClassVar

from presidio_analyzer import PatternRecognizer

IDENTIFYING = frozenset(
    {
        "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "UK_NHS", "UK_NINO", "UK_PASSPORT",
        "UK_DRIVING_LICENCE", "UK_BANK_ACCOUNT", "IBAN_CODE", "CREDIT_CARD", "CUSTOM",
    }
)


class CellRecognizerMixin:
    """Mixed into a recognizer; ``ENTITY`` and ``HEADER_HINTS`` are class data."""

    ENTITY: ClassVar[str]
    HEADER_HINTS: ClassVar[tuple[str, ...]] = ()
    # True: the column header alone may classify a column (free text such as addresses)
    HEADER_DECIDES: ClassVar[bool] = False

    def header_matches(self, header: str) -> bool:
        return bool(self._header_regex().search(header)) if self.HEADER_HINTS else False

    def matches_value(self, value: str, strict: bool = False) -> bool:
        """Is the whole cell one of this recognizer's entities? ``strict`` for classification samples."""
        raise NotImplementedError

    @classmethod
    def _header_regex(cls):
        compiled = cls.__dict__.get("_compiled_hints")
        if compiled is None:
            compiled = re.compile("|".join(f"(?:{h})" for h in cls.HEADER_HINTS), re.IGNORECASE)
            cls._compiled_hints = compiled
        return compiled


class CellPatternRecognizer(CellRecognizerMixin, PatternRecognizer):
    """A pattern recognizer whose patterns, anchored, also judge whole cells."""

    CELL_PATTERN: ClassVar[str | None] = None  # default: the alternation of PATTERNS

    def matches_value(self, value: str, strict: bool = False) -> bool:
        text = value.strip()
        if not text or len(text) > 64 or not self._cell_regex().fullmatch(text):
            return False
        if self.invalidate_result(text):
            return False
        return self.validate_result(text) is not False

    def _cell_regex(self):
        compiled = getattr(self, "_compiled_cell", None)
        if compiled is None:
            source = self.CELL_PATTERN or "|".join(f"(?:{p.regex})" for p in self.patterns)
            source = source.replace(r"\b", "")
            compiled = re.compile(f"(?:{source})", (self.global_regex_flags or 0) & re.IGNORECASE)
            self._compiled_cell = compiled
        return compiled
