"""International bank account numbers, with their mod-97 check (Presidio's recognizer)."""

import re

from presidio_analyzer.predefined_recognizers import IbanRecognizer as PresidioIban

from sendward.detection.recognizers.base import CellPatternRecognizer


class IbanRecognizer(CellPatternRecognizer, PresidioIban):
    ENTITY = "IBAN_CODE"
    HEADER_HINTS = (r"\biban\b",)

    def __init__(self):
        PresidioIban.__init__(self)

    def matches_value(self, value: str, strict: bool = False) -> bool:
        compact = value.replace(" ", "").upper()
        return bool(_SHAPE.fullmatch(compact)) and bool(self.validate_result(compact))


_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
