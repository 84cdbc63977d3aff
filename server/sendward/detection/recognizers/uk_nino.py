"""UK National Insurance numbers: two prefix letters (with HMRC's exclusions), six digits, A-D."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkNinoRecognizer as PresidioNino

from sendward.detection.recognizers.base import CellPatternRecognizer


class UkNinoRecognizer(CellPatternRecognizer, PresidioNino):
    ENTITY = "UK_NINO"
    PATTERNS = [
        Pattern(
            "NINO",
            r"\b(?!BG|GB|NK|KN|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b",
            0.5,
        )
    ]
    CONTEXT = ["national insurance", "ni number", "ni no", "nino", "nics"]
    HEADER_HINTS = (r"national insurance", r"\bni\s*(?:no|number|num)\b", r"\bnino\b")

    def __init__(self):
        PresidioNino.__init__(self, patterns=self.PATTERNS, context=self.CONTEXT)
        self.global_regex_flags = 0  # the letters are upper case: 'ab 12 34 56 c' is not one
