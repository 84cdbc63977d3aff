"""Payment card numbers: 13-19 digits passing the Luhn check (Presidio's recognizer).

A run of digits that starts with the year of a date ("09/07/1980 346 484 8507": a date of birth
and an NHS number, printed with single spaces as PDF text often is) is not a card number, even
when the digits pass the Luhn check (about one in ten such runs does).
"""

import re

from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer

_DATE_BEFORE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]$")


class PaymentCardRecognizer(CellPatternRecognizer, CreditCardRecognizer):
    ENTITY = "CREDIT_CARD"
    HEADER_HINTS = (r"card\s*(?:no|number|num)", r"\bpan\b", r"credit card", r"debit card")

    def __init__(self):
        CreditCardRecognizer.__init__(self)

    def analyze(self, text, entities, *args, **kwargs):
        results = super().analyze(text, entities, *args, **kwargs)
        return [r for r in results if not _DATE_BEFORE.search(text[max(0, r.start - 6) : r.start])]
