"""UK sort code and account number, together or in columns of their own."""

from presidio_analyzer import Pattern, PatternRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer


class UkBankAccountRecognizer(CellPatternRecognizer, PatternRecognizer):
    ENTITY = "UK_BANK_ACCOUNT"
    PATTERNS = [
        Pattern("sort code + account", r"\b\d{2}[- ]\d{2}[- ]\d{2}[ ,/;:]+\d{8}\b", 0.6),
        Pattern("sort code", r"\b\d{2}-\d{2}-\d{2}\b", 0.1),
        Pattern("account number", r"\b\d{8}\b", 0.05),
    ]
    CONTEXT = ["sort code", "account number", "account no", "bank account", "acc no", "a/c"]
    HEADER_HINTS = (r"sort\s*code", r"(?:bank\s*)?acc(?:ount|t)?\.?\s*(?:no|number|num)\b", r"\ba/c\b")

    def __init__(self):
        PatternRecognizer.__init__(
            self, supported_entity=self.ENTITY, patterns=self.PATTERNS, context=self.CONTEXT
        )
