"""What a Sendward recognizer adds to Presidio's: judging one table cell, and column-header hints.

Presidio recognizers find entities in running text. In a table we already know
where each value starts and ends, so a recognizer also answers "is this whole
cell one of mine?" with the same patterns and checksums (``matches_value``),
names the column headers that announce its entity (``HEADER_HINTS``) and those
that rule it out (``HEADER_VETOES``).
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


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def header_words(header: str) -> str:
    """A column header as words: snake_case, camelCase and PascalCase split ("date_of_birth",
    "ClientName", "placeID" -> "date of birth", "Client Name", "place ID")."""
    return " ".join(_CAMEL.sub(" ", header).replace("_", " ").split())


class CellRecognizerMixin:
    """Mixed into a recognizer; ``ENTITY``, ``HEADER_HINTS`` and ``HEADER_VETOES`` are class data."""

    ENTITY: ClassVar[str]
    HEADER_HINTS: ClassVar[tuple[str, ...]] = ()
    # Headers that say the column holds something else ("Town" for PERSON), unless a
    # hint comes after them: the last word of a header names what it holds ("Site contact").
    HEADER_VETOES: ClassVar[tuple[str, ...]] = ()
    # True: the column header alone may classify a column (free text such as addresses)
    HEADER_DECIDES: ClassVar[bool] = False

    def header_matches(self, header: str) -> bool:
        return bool(self._header_regex().search(header_words(header))) if self.HEADER_HINTS else False

    def header_vetoes(self, header: str) -> bool:
        if not self.HEADER_VETOES:
            return False
        header = header_words(header)
        vetoes = list(self._veto_regex().finditer(header))
        if not vetoes:
            return False
        after_veto = vetoes[-1].end()
        return not (self.HEADER_HINTS and self._header_regex().search(header, after_veto))

    def matches_value(self, value: str, strict: bool = False) -> bool:
        """Is the whole cell one of this recognizer's entities? ``strict`` for classification samples."""
        raise NotImplementedError

    @classmethod
    def _header_regex(cls):
        return cls._compiled("_compiled_hints", cls.HEADER_HINTS)

    @classmethod
    def _veto_regex(cls):
        return cls._compiled("_compiled_vetoes", cls.HEADER_VETOES)

    @classmethod
    def _compiled(cls, attribute: str, patterns: tuple[str, ...]) -> re.Pattern:
        """``patterns`` as one regex, compiled once per recognizer class (not inherited: each has its own)."""
        compiled = cls.__dict__.get(attribute)
        if compiled is None:
            compiled = _alternation(patterns)
            setattr(cls, attribute, compiled)
        return compiled


def _alternation(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


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
