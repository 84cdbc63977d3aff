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
    return {category for category, regex in _header_regexes() if category in enabled and regex.search(header)}


class TermMatcher:
    """Which special categories a text names, from the policy's terms."""

    def __init__(self, terms: dict[str, list[str]], categories):
        self.categories = frozenset(categories)
        self._index = term_index(tuple((c, tuple(terms.get(c, ()))) for c in sorted(self.categories)))

    def categories_in(self, text: str) -> set[str]:
        return self._index.categories_in(text)
