"""Running text: split into lines, skip the chunks that cannot hold personal data, run Presidio on the rest.

Lines travel in chunks of a few hundred characters. Presidio's engine costs
milliseconds per chunk (mostly spaCy's tokens), so it runs only on chunks where
a pattern recognizer could match (a digit run, an '@', a postcode shape); other
chunks meet only the name recognizer, which needs no tokens. Special-category terms count
only for people found on the same line or the lines either side, so a policy
paper that mentions "mental health" and ends with a contact name is not a
health record, while "Sarah Jones ... diagnosed with HIV" is.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict

from sendward.detection.model import Text
from sendward.detection.people import PeopleCounter, identifier, normalise
from sendward.detection.recognizers.base import IDENTIFYING

MIN_SCORE = 0.4
_MAX_CHUNK = 4000
_MIN_CHUNK = 400
# What pattern recognizers need: a digit run, an '@', a postcode-like shape.
_PATTERN_CANDIDATE = re.compile(r"\d{2}|@|\b[A-Z]{1,2}\d")


def chunks(text: str):
    """Lists of lines of a few hundred characters (fewer Presidio calls); each line
    keeps its own place for special-category terms."""
    batch: list[str] = []
    size = 0
    for piece in text.split("\n"):
        for line in _split_long(piece):
            if batch and size + len(line) >= _MIN_CHUNK:
                yield batch
                batch, size = [], 0
            batch.append(line)
            size += len(line) + 1
    if batch:
        yield batch


def _split_long(piece: str):
    while len(piece) > _MAX_CHUNK:
        cut = piece.rfind("\n", 0, _MAX_CHUNK)
        if cut < _MAX_CHUNK // 2:
            cut = piece.rfind(" ", 0, _MAX_CHUNK)
        if cut <= 0:
            cut = _MAX_CHUNK
        yield piece[:cut]
        piece = piece[cut:]
    yield piece


def analyze_text(part: Text, scan, counter: PeopleCounter) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    categorised: dict[str, set[str]] = defaultdict(set)  # "ENTITY:value" -> special categories nearby
    for lines in chunks(part.text):
        scan.deadline.check()
        found = _analyze_lines(lines, scan)
        chunk = "\n".join(lines)
        for name, hits in scan.custom.find(chunk).items():
            counter.custom[name] += len(hits)
            line = _line_of(lines, chunk.find(hits[0]))
            found.extend(("CUSTOM", normalise("CUSTOM", hit), line) for hit in hits)
        categories = _LineCategories(lines, scan.special)
        for entity, value, line in found:
            values[entity].add(value)
            nearby = categories.near(line)
            if nearby:
                categorised[f"{entity}:{value}"].update(nearby)
    _count(part, values, categorised, counter)


def _analyze_lines(lines: list[str], scan) -> list[tuple[str, str, int]]:
    """(entity, normalised value, line index) for each non-overlapping result.

    Presidio's engine (spaCy tokens, every recognizer, context words) sees only the
    lines where a pattern can match, each with the line before it for context; the
    name recognizer, which needs no tokens, reads the whole chunk. Most prose meets
    only the name recognizer, and most of that meets nothing."""
    candidates = {i for i, line in enumerate(lines) if _PATTERN_CANDIDATE.search(line)}
    found = []
    if candidates:
        window = sorted({j for i in candidates for j in (i - 1, i) if j >= 0})
        text = "\n".join(lines[j] for j in window)
        starts = _starts([lines[j] for j in window])
        results = scan.analyzer.analyze(text, language="en", entities=scan.entities, score_threshold=MIN_SCORE)
        for result in _without_overlaps(results):
            found.append(_finding(result, text, window[bisect.bisect_right(starts, result.start) - 1]))
    chunk = "\n".join(lines)
    starts = _starts(lines)
    for result in scan.names.analyze(chunk, ["PERSON"]):
        line = bisect.bisect_right(starts, result.start) - 1
        if line not in candidates:  # candidate lines met the name recognizer inside Presidio
            found.append(_finding(result, chunk, line))
    return found


def _finding(result, text: str, line: int) -> tuple[str, str, int]:
    value = text[result.start : result.end]
    if result.entity_type == "PERSON":
        value = _without_title(value)
    return result.entity_type, normalise(result.entity_type, value), line


def _starts(lines: list[str]) -> list[int]:
    return list(itertools.accumulate((len(line) + 1 for line in lines[:-1]), initial=0))


def _line_of(lines: list[str], position: int) -> int:
    return max(0, bisect.bisect_right(_starts(lines), position) - 1)


class _LineCategories:
    """Special categories named on a line or the lines either side, computed when asked."""

    def __init__(self, lines: list[str], special):
        self.lines = lines
        self.special = special
        self._cache: dict[int, set[str]] = {}

    def near(self, line: int) -> set[str]:
        nearby: set[str] = set()
        for j in range(max(0, line - 1), min(len(self.lines), line + 2)):
            if j not in self._cache:
                self._cache[j] = self.special.categories_in(self.lines[j])
            nearby |= self._cache[j]
        return nearby


def _without_overlaps(results):
    kept = []
    for result in sorted(results, key=lambda r: (-r.score, r.start)):
        if all(result.end <= k.start or result.start >= k.end for k in kept):
            kept.append(result)
    return kept


_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Cllr)\.?\s+", re.IGNORECASE)


def _without_title(value: str) -> str:
    return _TITLE.sub("", value.strip())


def _count(part: Text, values, categorised, counter: PeopleCounter) -> None:
    hidden = part.hidden is not None
    for entity, entity_values in values.items():
        if entity != "CUSTOM":
            counter.add_entity(entity, len(entity_values), part.name, part.hidden)
    identifying = {e: v for e, v in values.items() if e in IDENTIFYING}
    if not identifying:
        return
    if all(len(v) == 1 for v in identifying.values()):
        # One of each: a text about one person (a letter, a referral).
        name = next(iter(identifying.get("PERSON", {None})))
        ids = [identifier(e, next(iter(v))) for e, v in identifying.items() if e != "PERSON"]
        categories = {c for cats in categorised.values() for c in cats}
        counter.add_person(ids, name, hidden=hidden, categories=categories)
        return
    # Otherwise the kind with the most distinct values stands for the people (a list
    # of 40 clients has 40 e-mail addresses); on a tie, a strong identifier beats a name.
    entity, people = max(identifying.items(), key=lambda item: (len(item[1]), item[0] != "PERSON"))
    for value in people:
        categories = categorised.get(f"{entity}:{value}", ())
        if entity == "PERSON":
            counter.add_person((), value, hidden=hidden, categories=categories)
        else:
            counter.add_person([identifier(entity, value)], hidden=hidden, categories=categories)
