"""UK driving licence numbers (DVLA): surname, birth date with gender, initials, check characters."""

from presidio_analyzer.predefined_recognizers import UkDrivingLicenceRecognizer as PresidioLicence

from sendward.detection.recognizers.base import CellPatternRecognizer


class UkDrivingLicenceRecognizer(CellPatternRecognizer, PresidioLicence):
    ENTITY = "UK_DRIVING_LICENCE"
    HEADER_HINTS = (r"driv\w* licen[cs]e", r"\bdl\s*(?:no|number)\b", r"licen[cs]e (?:no|number)")

    def __init__(self):
        PresidioLicence.__init__(self)
        self.global_regex_flags = 0
