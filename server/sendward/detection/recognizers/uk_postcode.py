"""UK postcodes (a quasi-identifier: with a name or date of birth it singles a person out)."""

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkPostcodeRecognizer as PresidioPostcode

from sendward.detection.recognizers.base import CellPatternRecognizer

_POSTCODE = (
    r"\b(?:GIR ?0AA"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]? ?[0-9][ABD-HJLNP-UW-Z]{2}"
    r"|[A-PR-UWYZ][A-HK-Y][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2})\b"
)


class UkPostcodeRecognizer(CellPatternRecognizer, PresidioPostcode):
    ENTITY = "UK_POSTCODE"
    PATTERNS = [Pattern("UK postcode", _POSTCODE, 0.4)]
    CONTEXT = ["postcode", "post code", "address", "postal"]
    HEADER_HINTS = (r"post\s*code", r"\bzip\b", r"\bpostal code\b")

    def __init__(self):
        PresidioPostcode.__init__(self, patterns=self.PATTERNS, context=self.CONTEXT)
        self.global_regex_flags = 0
