"""UK NHS numbers (and Scottish CHI numbers): ten digits with a mod-11 check digit."""

import re

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import NhsRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer


_NHS_FORM = re.compile(r"[0-9]{3} [0-9]{3} [0-9]{4}")


class UkNhsRecognizer(CellPatternRecognizer, NhsRecognizer):
    ENTITY = "UK_NHS"
    # In running text, a ten-digit number is also a phone number, a date stamp or a build number:
    # only NHS numbers as the NHS writes them (3 3 4 with spaces) score on their own; dashes,
    # dots, brackets or bare digits need "NHS" (or another context word) beside them. A column
    # is judged by its header and sample instead (tables.py).
    PATTERNS = [
        Pattern("NHS number (3 3 4)", r"(?<![\d+(-])\b[0-9]{3} [0-9]{3} [0-9]{4}\b(?![-\d])", 0.5),
        Pattern("NHS number, other forms", r"(?<![\d+(.])\b[0-9]{3}-?[0-9]{3}-?[0-9]{4}\b(?!-?\d)", 0.3),
    ]
    CELL_PATTERN = r"[0-9]{3}[- ]?[0-9]{3}[- ]?[0-9]{4}"
    CONTEXT = ["nhs", "nhs number", "nhs no", "national health service", "chi number", "patient number"]
    HEADER_HINTS = (r"\bnhs\b", r"\bchi\b", r"health (?:service|care) (?:no|number)")

    def __init__(self):
        NhsRecognizer.__init__(self, patterns=self.PATTERNS, context=self.CONTEXT)

    def validate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if len(digits) != 10 or len(set(digits)) == 1:
            return False
        total = sum(int(d) * w for d, w in zip(digits, range(10, 0, -1)))
        if total % 11:
            return False
        # True lifts the score to certain; other forms keep their low score, which only a context
        # word ("NHS number") raises above the threshold.
        return True if _NHS_FORM.fullmatch(pattern_text.strip()) else None
