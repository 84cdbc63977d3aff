"""Special-category data: column headers that name a category, and the policy's terms in text."""

from __future__ import annotations

import functools
import re

from sendward.signals.context import term_index

# Column headers that say a column holds special-category data.
HEADER_HINTS: dict[str, str] = {
    "health": r"diagnos|condition|medical|medication|illness|health|hiv|clinic|treatment|symptom|gp\b|prescri|allerg|pregnan|mental",
    "disability": r"disab|impairment|\bsen\b|ehcp|access needs|reasonable adjust",
    "ethnicity": r"ethnic|race\b|racial|nationality",
    "religion": r"religio|faith|belief",
    "sexuality": r"sexual|orientation|lgb",
    "gender_identity": r"gender identity|trans\b|gender reassign",
    "criminal": r"offen[cs]e|convict|criminal|probation|custody|dbs\b|arrest",
}


@functools.lru_cache(maxsize=1)
def _header_regexes():
    return tuple((category, re.compile(pattern, re.IGNORECASE)) for category, pattern in HEADER_HINTS.items())


def header_categories(header: str, enabled: frozenset[str]) -> set[str]:
    from sendward.detection.recognizers.base import header_words

    header = header_words(header)
    return {category for category, regex in _header_regexes() if category in enabled and regex.search(header)}


class TermMatcher:
    """Which special categories a text names, from the policy's terms."""

    def __init__(self, terms: dict[str, list[str]], categories):
        self.categories = frozenset(categories)
        self._index = term_index(tuple((c, tuple(terms.get(c, ()))) for c in sorted(self.categories)))

    def categories_in(self, text: str) -> set[str]:
        return self._index.categories_in(text, counts=lambda text, match: not _proper_name(text, match))


# Terms that also name institutions ("Riverside Clinic", "Northshire Mental Health Trust"); a
# condition ("Severe Depression" in a title-cased cell) is never read as a name.
_INSTITUTIONS = frozenset(
    """clinic clinics church mosque synagogue gurdwara temple oncology fertility prison probation refuge
    hospice""".split()
) | {"mental health", "sexual health", "gum clinic", "drug treatment", "alcohol treatment", "addiction",
     "substance misuse", "occupational health", "counselling"}
_CAPITALISED_BEFORE = re.compile(r"(?:^|[^.!?:;\n]\s)[A-Z][\w'’]*\s$")


def _proper_name(text: str, match) -> bool:
    """A capitalised term after a capitalised word is part of a name: "Riverside Clinic",
    "St Mary's Church", "Northshire Mental Health Trust" as an employer or an address says nothing
    about a person's health or faith."""
    if not text[match.start()].isupper() or " ".join(match.group().lower().split()) not in _INSTITUTIONS:
        return False
    before = text[max(0, match.start() - 40) : match.start()]
    return bool(_CAPITALISED_BEFORE.search(before)) and not before.rstrip().endswith((".", ":", "!", "?"))
