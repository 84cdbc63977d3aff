"""E-mail addresses: Presidio's pattern, validated offline against the bundled public suffix list."""

import re

from presidio_analyzer.predefined_recognizers import EmailRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer
from sendward.signals.domains import has_public_suffix

_CELL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,63}")


class EmailAddressRecognizer(CellPatternRecognizer, EmailRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    HEADER_HINTS = (r"e-?mail", r"\bemail\b", r"\bcorreo\b", r"courriel")

    def __init__(self):
        EmailRecognizer.__init__(self)

    def validate_result(self, pattern_text: str) -> bool:
        # Presidio's own check calls tldextract, which may fetch the suffix list over the network.
        return has_public_suffix(pattern_text.rpartition("@")[2].lower().rstrip("."))

    def matches_value(self, value: str, strict: bool = False) -> bool:
        text = value.strip()
        return len(text) <= 254 and bool(_CELL.fullmatch(text)) and self.validate_result(text)
