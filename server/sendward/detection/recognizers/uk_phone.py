"""Phone numbers, UK first: Presidio's phonenumbers-based recognizer with region GB.

GB alone is ~2.5x faster than Presidio's eight default regions and stops NHS
numbers scoring as foreign phone numbers; numbers written with +CC are still
found. In a table, a column is classified on a sample validated by phonenumbers;
then each cell only has to look like a phone number.
"""

import re

import phonenumbers
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from sendward.detection.recognizers.base import CellRecognizerMixin

_CELL = re.compile(r"\+?[\d\s().-]{9,22}")
_DIGITS = re.compile(r"\d")
# Excel drops the leading 0 of a number typed as a number: 7700900123 was 07700 900123.
_LOST_ZERO = re.compile(r"[1-9]\d{9}")


class UkPhoneRecognizer(CellRecognizerMixin, PhoneRecognizer):
    ENTITY = "PHONE_NUMBER"
    HEADER_HINTS = (
        r"phone", r"\btel\b", r"\btel(?:ephone)?\b", r"mobile", r"\bmob\b", r"contact (?:no|number)", r"\bcell\b",
        # Portuguese, Spanish, French, German, Italian, Dutch
        r"telefone", r"tel[ée]fono", r"t[ée]l[ée]phone", r"\btelefon", r"celular", r"m[óo]vil", r"\bportable\b",
        r"\bhandy\b", r"cellulare", r"telefoonnummer",
    )
    CONTEXT = ["phone", "telephone", "tel", "mobile", "mob", "call", "contact number", "landline"]

    def __init__(self):
        PhoneRecognizer.__init__(self, context=self.CONTEXT, supported_regions=("GB",))

    def matches_value(self, value: str, strict: bool = False) -> bool:
        text = value.strip()
        if not _CELL.fullmatch(text):
            return False
        digits = len(_DIGITS.findall(text))
        if not 10 <= digits <= 15:
            return False
        if not strict:
            return True
        if _LOST_ZERO.fullmatch(text):
            if text[0] != "7":
                return False  # a bare ten-digit number: an id or a count unless it is a mobile that lost its 0
            candidate = "0" + text
        else:
            candidate = text
        try:
            number = phonenumbers.parse(candidate, "GB")
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_valid_number(number)
