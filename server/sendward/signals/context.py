"""Sensitive topics named in the subject, body or attachment names."""

from __future__ import annotations

import functools
import re

from sendward.domain.signals import ContextSignals

# A sensitive topic shows early; scanning the first part of a long body is enough.
MAX_CONTEXT_CHARS = 200_000


def context_signals(texts, terms: dict[str, list[str]]) -> ContextSignals:
    index = term_index(tuple((category, tuple(words)) for category, words in sorted(terms.items())))
    text = "\n".join(t[:MAX_CONTEXT_CHARS] for t in texts if t)
    return ContextSignals(sensitive_categories=frozenset(index.categories_in(text)))


_TOKEN = re.compile(r"[^\W_]+")


class TermIndex:
    """Which categories' terms occur in a text: each category's regex, run only when a word of the
    text can start one of its terms.

    Built once per set of terms (``term_index`` caches it, so once per policy version): with a policy of
    thousands of terms, a text costs one pass to list its words plus the few regexes it can match, not
    one regex per category over the whole text. Same answers as running every regex: a match of a term
    always contains the term's first word (its first run of letters and digits) as a whole word of the
    text, or, for a trailing ``*`` right after it, as the start of one.
    """

    def __init__(self, terms: tuple[tuple[str, tuple[str, ...]], ...]):
        self._words = {c: words for c, words in terms if words}
        self._regexes: dict[str, re.Pattern] = {}  # compiled when a text first needs them
        self.exact: dict[str, set[str]] = {}
        self.prefixes: dict[str, set[str]] = {}
        self.always: set[str] = set()  # terms with no letter or digit: checked every time
        for category, words in terms:
            for word in words:
                stem = word.rstrip("*")
                first = _TOKEN.search(stem.lower())
                if first is None:
                    self.always.add(category)
                elif word.endswith("*") and first.end() == len(stem):
                    self.prefixes.setdefault(first.group(0), set()).add(category)
                else:
                    self.exact.setdefault(first.group(0), set()).add(category)
        self.longest_prefix = max(map(len, self.prefixes), default=0)

    def categories_in(self, text: str, counts=None) -> set[str]:
        """``counts(text, match)``: whether a match counts (default: every match does)."""
        if not text:
            return set()
        candidates = set(self.always)
        for token in set(_TOKEN.findall(text.lower())):
            found = self.exact.get(token)
            if found:
                candidates |= found
            for end in range(1, min(len(token), self.longest_prefix) + 1):
                found = self.prefixes.get(token[:end])
                if found:
                    candidates |= found
        if counts is None:
            return {c for c in candidates if c in self._words and self._regex(c).search(text)}
        return {
            c for c in candidates
            if c in self._words and any(counts(text, m) for m in self._regex(c).finditer(text))
        }

    def _regex(self, category: str) -> re.Pattern:
        regex = self._regexes.get(category)
        if regex is None:  # a race compiles it twice at worst
            regex = self._regexes[category] = re.compile(term_alternation(self._words[category]), re.IGNORECASE)
        return regex


@functools.lru_cache(maxsize=64)
def term_index(terms: tuple[tuple[str, tuple[str, ...]], ...]) -> TermIndex:
    return TermIndex(terms)


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
