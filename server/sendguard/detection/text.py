"""Running text: split into lines, skip the chunks that cannot hold personal data, run Presidio on the rest.

Lines travel in chunks of a few hundred characters; a chunk is analysed only
when it has a digit run, an '@', a title or a known given name: most prose has
none, and Presidio costs milliseconds per chunk. Special-category terms count
only for people found on the same line or the lines either side, so a policy
paper that mentions "mental health" and ends with a contact name is not a
health record, while "Sarah Jones ... diagnosed with HIV" is.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict

from sendguard.detection.model import Text
from sendguard.detection.people import PeopleCounter, identifier, normalise
from sendguard.detection.recognizers.base import IDENTIFYING
from sendguard.detection.recognizers.person_name import given_names

MIN_SCORE = 0.4
_MAX_CHUNK = 4000
_MIN_CHUNK = 400
_CANDIDATE = re.compile(r"\d{2}|@|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b\.?|[A-Z]{2}\s?\d")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+|\b[A-Z]{2,}\b")


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


def may_hold_personal_data(chunk: str) -> bool:
    if _CANDIDATE.search(chunk):
        return True
    given = given_names()
    return any(word.lower() in given for word in _CAPITALISED.findall(chunk))


def analyze_text(part: Text, scan, counter: PeopleCounter) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    categorised: dict[str, set[str]] = defaultdict(set)  # "ENTITY:value" -> special categories nearby
    for batch in chunks(part.text):
        scan.deadline.check()
        chunk = "\n".join(batch)
        found = _analyze_chunk(chunk, scan) if may_hold_personal_data(chunk) else []
        for name, hits in scan.custom.find(chunk).items():
            counter.custom[name] += len(hits)
            found.extend(("CUSTOM", normalise("CUSTOM", hit), chunk.find(hit)) for hit in hits)
        if not found:
            continue
        starts = list(itertools.accumulate((len(p) + 1 for p in batch[:-1]), initial=0))
        categories = [scan.special.categories_in(line) for line in batch]
        for entity, value, start in found:
            values[entity].add(value)
            line = bisect.bisect_right(starts, start) - 1
            nearby = set().union(*categories[max(0, line - 1) : line + 2])
            if nearby:
                categorised[f"{entity}:{value}"].update(nearby)
    _count(part, values, categorised, counter)


def _analyze_chunk(chunk: str, scan) -> list[tuple[str, str, int]]:
    """(entity, normalised value, start) for each non-overlapping Presidio result."""
    results = scan.analyzer.analyze(chunk, language="en", entities=scan.entities, score_threshold=MIN_SCORE)
    found = []
    for result in _without_overlaps(results):
        value = chunk[result.start : result.end]
        if result.entity_type == "PERSON":
            value = _without_title(value)
        found.append((result.entity_type, normalise(result.entity_type, value), result.start))
    return found


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
