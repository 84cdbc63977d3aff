"""UK passport numbers: nine digits, or two letters and seven digits; only with context."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkPassportRecognizer as PresidioPassport

from sendward.detection.recognizers.base import CellPatternRecognizer


class UkPassportRecognizer(CellPatternRecognizer, PresidioPassport):
    ENTITY = "UK_PASSPORT"
    # Nine digits alone are too common: a low score that only context words lift.
    PATTERNS = [
        Pattern("passport (2 letters + 7 digits)", r"\b[A-Z]{2}\d{7}\b", 0.3),
        Pattern("passport (9 digits)", r"\b\d{9}\b", 0.05),
    ]
    CONTEXT = ["passport", "passport number", "passport no", "travel document"]
    HEADER_HINTS = (r"passport",)

    def __init__(self):
        PresidioPassport.__init__(self, patterns=self.PATTERNS, context=self.CONTEXT)
        self.global_regex_flags = 0
