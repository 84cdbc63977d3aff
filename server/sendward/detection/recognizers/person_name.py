"""Person names without a language model.

Running text: a title and a capitalised name ("Mrs Okafor", "Dr Priya Shah"), or
a known given name followed by a known surname ("Sarah Jones", "JAMES SMITH").
Given names and surnames come from ../data (US Census 1990 lists, public
domain, plus names common in the UK). A spaCy NER model, when the operator
installs one, adds Presidio's own PERSON results on top (see analyzer.py).

Table cells: a column is a name column when its header says so or when most
sampled values are two or more words starting with a known given name; a single
word ("Leeds", "Kent", "Smith") is a name only under a name header ("Surname").
Organisation words ("Ltd", "Council", "Services") disqualify a value, and a
header naming a place ("Town", "Site name", "Customer county") rules the column out.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult

from sendward.detection.recognizers.base import CellRecognizerMixin, header_words

# "Cumings, Mrs. John Bradley (Florence Briggs Thayer)": titles and bracketed names inside a cell.
_CELL_TITLE = re.compile(r"(?<![^\s,])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Master|Mme|Mlle|Sr|Sra|Herr|Frau)\.?(?=\s)")
_BRACKETED = re.compile(r'\([^()]{0,80}\)|"[^"]{0,40}"')


@functools.lru_cache(maxsize=8)
def _compiled_alternation(patterns: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)

_WORD = r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?"
_TITLED = re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Cllr)\.?[ \t]+(?:{_WORD}[ \t]+){{0,2}}{_WORD}\b")
_CAP = r"(?:[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]{2,}(?:-[A-Z]{2,})?)"
# Every pair of capitalised words, overlapping ("Dear Sarah Jones" gives "Dear Sarah" and
# "Sarah Jones"), found in one pass: group 2 is the gap, "Sarah J. Jones" or "Jones, Sarah".
_PAIRS = re.compile(rf"(?=\b({_CAP})([ \t]+(?:[A-Z]\.?[ \t]+)?|,[ \t]*)({_CAP})\b)")  # never across lines
# Words of letters joined by one apostrophe, hyphen or dot ("O'Neil", "Smith-Jones", "J.");
# every repetition needs its separator, so the pattern cannot backtrack exponentially.
_NAME_WORD = r"[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?"
_CELL = re.compile(rf"{_NAME_WORD}(?:,?\s+{_NAME_WORD}){{0,4}}")

ORGANISATION_WORDS = frozenset(
    """ltd limited plc llp llc inc corp corporation co company group holdings services solutions
    partners partnership associates consulting consultants trust council university college school
    academy hospital centre center foundation charity society club association agency bank capital
    systems technologies technology tech media studio studios shop store stores bakery plumbing
    electrical electrics builders building construction motors garage cafe restaurant hotel pharmacy
    surgery practice international uk gb europe global trading enterprises industries logistics
    supplies supply products industries network networks software labs laboratories farm farms
    estates properties lettings homes care nhs department ministry office board authority federation
    union church mosque temple fund insurance finance financial accountants solicitors law legal
    clinic medical dental health energy water gas power airways airlines rail railway trains transport
    taxis cars travel tours events catering cleaning security recruitment marketing design digital
    print printing publishing press news radio tv television films pictures music records sports
    fitness gym leisure garden gardens landscaping roofing windows doors kitchens bathrooms carpets
    furniture interiors brewing brewery breweries brewers brewpub ales taproom tavern pub inn bar grill bistro
    diner pizzeria café coffee wines winery vineyard distillery cellars market deli butchers barbers salon spa
    hairdressers florist florists opticians vets veterinary kennels cattery nurseries motel hostel cinema
    theatre gallery museum library stadium and &""".split()
)


@functools.lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    return _read_names("given_names.txt")


@functools.lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    return _read_names("surnames.txt")


def _read_names(filename: str) -> frozenset[str]:
    text = resources.files("sendward.detection").joinpath("data", filename).read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class PersonNameRecognizer(CellRecognizerMixin, LocalRecognizer):
    ENTITY = "PERSON"
    # Headers that say the column holds people; "Name" alone could be anything's name.
    SPECIFIC_HINTS = (
        r"full\s*name", r"first\s*name", r"fore\s*names?", r"given\s*names?", r"sur\s*name", r"last\s*name",
        r"family\s*name", r"maiden\s*name", r"middle\s*name", r"\bclient\b", r"\bpatient\b", r"\bcustomer\b",
        r"\bemployee\b", r"\bstaff\b", r"\bpupil\b", r"\bstudent\b", r"\bresident\b", r"\btenant\b",
        r"\bmember\b", r"\bapplicant\b", r"service\s*user", r"\bclaimant\b", r"\bcontact\b", r"\bperson\b",
        r"\bchild\b", r"\bparent\b", r"\bcarer\b", r"next of kin", r"\bvolunteer\b", r"\bdonor\b",
        r"\bofficer\b", r"\bmanager\b", r"\bsupervisor\b", r"\bco-?ordinator\b", r"\bpassenger\b",
        r"\bguest\b", r"\battendee\b", r"\bparticipant\b", r"\bdelegate\b", r"\blearner\b", r"\bcandidate\b",
        r"\bbeneficiary\b", r"\bfname\b", r"\blname\b",
        # other languages: Portuguese, Spanish, French, German, Italian, Dutch
        r"nome completo", r"sobrenome", r"apellidos?", r"pr[ée]nom", r"\bnom de famille\b", r"vorname",
        r"nachname", r"familienname", r"cognome", r"voornaam", r"achternaam",
    )
    GENERIC_HINTS = (r"\bnames?\b", r"\bnome\b", r"\bnombre\b", r"\bnom\b", r"\bnaam\b")
    HEADER_HINTS = SPECIFIC_HINTS + GENERIC_HINTS
    # "Town", "Branch name", "Country of birth": places. "Site contact", "Ward manager": people.
    HEADER_VETOES = (
        r"\b(?:town|city|county|region|location|site|branch|depot|country|area|borough|ward|district|"
        r"parish|village|locality|suburb|neighbou?rhood|constituency|venue|premises|place|street|road|"
        r"destination)s?\b(?:\s*name)?",
        # "Customer ID", "Client code", "Patient no": an identifier of a person, not their name
        r"\b(?:id|ids|code|codigo|c[oó]digo|key|no|num|number|ref|reference|count|type|status|category)\b",
    )

    def __init__(self):
        LocalRecognizer.__init__(self, supported_entities=[self.ENTITY], name="PersonNameRecognizer")

    def load(self) -> None:
        given_names(), surnames()

    def analyze(self, text, entities, nlp_artifacts=None):
        if self.ENTITY not in entities:
            return []
        results = [self._result(start, end, 0.85, "title + name") for start, end in titled_names(text)]
        for start, end in name_pairs(text):
            if not _is_organisation(text[end : end + 30]):
                results.append(self._result(start, end, 0.7, "given name + surname"))
        return results

    def generic_header(self, header: str) -> bool:
        """A header saying only "Name": products, places, businesses and species have names too."""
        words = header_words(header)
        return not _compiled_alternation(self.SPECIFIC_HINTS).search(words)

    def matches_value(self, value: str, strict: bool = False) -> bool:
        text = " ".join(str(value).split())
        if strict or not _CELL.fullmatch(text):  # titles and bracketed names only cost when they matter
            text = " ".join(_BRACKETED.sub(" ", _CELL_TITLE.sub(" ", text)).split()).strip(" ,")
        if not 2 <= len(text) <= 60 or not _CELL.fullmatch(text):
            return False
        words = [w.strip(".,").lower() for w in text.replace(",", " ").split()]
        if any(w in ORGANISATION_WORDS for w in words):
            return False
        if not strict:
            return True
        if len(words) < 2:  # a surname, a town or a county: only a name header says which
            return False
        if "," in text:  # "Smith, John"
            return words[1] in given_names()
        return words[0] in given_names()

    def _result(self, start: int, end: int, score: float, why: str) -> RecognizerResult:
        return RecognizerResult(
            entity_type=self.ENTITY,
            start=start,
            end=end,
            score=score,
            analysis_explanation=AnalysisExplanation(self.name, score, textual_explanation=why),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


def titled_names(text: str) -> list[tuple[int, int]]:
    """Where a title and a capitalised name stand: "Mrs Okafor", "Dr Priya Shah"."""
    return [m.span() for m in _TITLED.finditer(text)]


def name_pairs(text: str) -> list[tuple[int, int]]:
    """Where a known given name and a known surname stand together: "Sarah Jones", "JONES, Sarah".

    Whatever follows them: "Sarah Jones and Co" is here too (the recognizer drops it).
    """
    given, family = given_names(), surnames()
    found = []
    for match in _PAIRS.finditer(text):
        left, gap, right = match.groups()
        first, last = left.lower(), right.lower()
        if gap.startswith(","):
            is_name = first in family and last in given  # "Jones, Sarah" and "JONES, Sarah"
        else:
            is_name = left.isupper() == right.isupper() and first in given and last in family
        if is_name:
            found.append((match.start(), match.start() + len(left) + len(gap) + len(right)))
    return found


def _is_organisation(following: str) -> bool:
    words = following.split()[:2]
    return any(w.strip(".,").lower() in ORGANISATION_WORDS for w in words)
