"""Dates of birth: a date only counts with "DOB", "date of birth" or "born" beside it."""

import re
from datetime import date, datetime

from presidio_analyzer import Pattern, PatternRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer

_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+(?:19|20)\d{{2}}"
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2})"
)
_PREFIX = r"(?:\bd\.?o\.?b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bborn(?:\s+on)?)\s*[:\-]?\s*"
_CELL_DATE = re.compile(_DATE + r"(?:[ T]00:00(?::00)?)?", re.IGNORECASE)


class DateOfBirthRecognizer(CellPatternRecognizer, PatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [Pattern("date after DOB / born", _PREFIX + _DATE, 0.7)]
    CONTEXT = ["dob", "birth", "born", "age"]
    HEADER_HINTS = (
        r"\bd\.?o\.?b\b", r"date of birth", r"birth\s*date", r"birthday", r"\bborn\b",
        r"nascimento", r"nacimiento", r"naissance", r"geburtsdatum", r"data di nascita", r"geboortedatum",
    )

    def __init__(self):
        PatternRecognizer.__init__(
            self, supported_entity=self.ENTITY, patterns=self.PATTERNS, context=self.CONTEXT
        )

    def matches_value(self, value, strict: bool = False) -> bool:
        """A cell under a date-of-birth header: a plausible birth date."""
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            return 1900 <= value.year <= date.today().year
        text = str(value).strip()
        return len(text) <= 40 and bool(_CELL_DATE.fullmatch(text))
