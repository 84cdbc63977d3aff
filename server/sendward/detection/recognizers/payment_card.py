"""Payment card numbers: 13-19 digits passing the Luhn check (Presidio's recognizer)."""

from presidio_analyzer.predefined_recognizers import CreditCardRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer


class PaymentCardRecognizer(CellPatternRecognizer, CreditCardRecognizer):
    ENTITY = "CREDIT_CARD"
    HEADER_HINTS = (r"card\s*(?:no|number|num)", r"\bpan\b", r"credit card", r"debit card")

    def __init__(self):
        CreditCardRecognizer.__init__(self)
