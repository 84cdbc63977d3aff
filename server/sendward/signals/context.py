"""Sensitive topics named in the subject, body or attachment names."""

from __future__ import annotations

import functools
import re

from sendward.domain.signals import ContextSignals

# A sensitive topic shows early; scanning the first part of a long body is enough.
MAX_CONTEXT_CHARS = 200_000


def context_signals(texts, terms: dict[str, list[str]]) -> ContextSignals:
    matchers = _compile(tuple((category, tuple(words)) for category, words in sorted(terms.items())))
    text = "\n".join(t[:MAX_CONTEXT_CHARS] for t in texts if t)
    found = frozenset(category for category, matcher in matchers if matcher.search(text))
    return ContextSignals(sensitive_categories=found)


@functools.lru_cache(maxsize=64)
def _compile(terms: tuple[tuple[str, tuple[str, ...]], ...]):
    return tuple(
        (category, re.compile(term_alternation(words), re.IGNORECASE))
        for category, words in terms
        if words
    )


def term_alternation(words) -> str:
    """Whole-word alternation; a trailing '*' matches any word ending; a space matches any
    run of spaces, hyphens or underscores (file names: mental-health-referrals.xlsx). A term
    that names a street or a building ("Church Lane", "St Mary's Church") does not match."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        stem = word.rstrip("*")
        pattern = r"[\s_-]+".join(re.escape(piece) for piece in stem.split())
        parts.append(pattern + (r"\w*" if word.endswith("*") else ""))
    return r"(?<![^\W_])(?<!\bst\s)(?<!\bst\.\s)(?<!\bsaint\s)(?:" + "|".join(parts) + r")(?![^\W_])" + _NOT_A_PLACE


# A term that is part of a place's or an organisation's name is not about anyone: "Church Lane",
# "Mosque Road", "Clinic Street", "St Mary's Church" (after "St"/"Saint", above).
_NOT_A_PLACE = (
    r"(?!['’]?s?\s+(?:lane|road|street|st|avenue|ave|close|way|drive|hill|green|view|walk|row|place|court|"
    r"farm|fields?|gardens|park|square|terrace|crescent|grove|mews|yard|end|gate|house|hall|walk)\b)"
)
