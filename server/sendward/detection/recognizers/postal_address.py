"""Postal addresses: a house number and a street ("14 Acacia Avenue"), or an address column."""

from presidio_analyzer import Pattern, PatternRecognizer

from sendward.detection.recognizers.base import CellPatternRecognizer

_STREET_TYPES = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|"
    "gardens|gdns|terrace|grove|hill|park|square|sq|walk|row|mews|rise|view|green|vale|parade|"
    "wharf|quay|yard|gate|heights|croft|fold|meadow|meadows"
)


class PostalAddressRecognizer(CellPatternRecognizer, PatternRecognizer):
    ENTITY = "LOCATION"
    PATTERNS = [
        Pattern(
            "house number + street",
            rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z'’]+\s+){{1,3}}(?i:{_STREET_TYPES})\b\.?",
            0.6,
        ),
        Pattern(
            "flat + number",
            r"\b(?:flat|apartment|apt)\s+\d{1,4}[A-Za-z]?\b",
            0.4,
        ),
    ]
    CONTEXT = ["address", "lives at", "resides", "street", "postcode"]
    HEADER_HINTS = (
        r"address", r"\bstreet\b", r"\baddr\b", r"line\s*1", r"house\s*(?:no|number|name)",
        r"direcci[óo]n", r"endere[çc]o", r"\badresse\b", r"indirizzo", r"anschrift", r"\bmorada\b",
    )
    HEADER_DECIDES = True

    def __init__(self):
        PatternRecognizer.__init__(
            self,
            supported_entity=self.ENTITY,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            global_regex_flags=0,
        )

    def matches_value(self, value, strict: bool = False) -> bool:
        text = str(value).strip()
        if strict:
            return bool(self._cell_regex().search(text))
        return 3 <= len(text) <= 200 and any(c.isalpha() for c in text)
