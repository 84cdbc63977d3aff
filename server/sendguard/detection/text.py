"""Running text: split into paragraphs, skip those that cannot hold personal data, run Presidio on the rest.

A paragraph is analysed only when it has a digit run, an '@', a title or a known
given name: most prose has none, and Presidio costs milliseconds per paragraph.
Special-category terms count only for people found in the same paragraph, so
a policy document that mentions "mental health" and ends with a contact name
is not a health record.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sendguard.detection.model import Text
from sendguard.detection.people import PeopleCounter, person_key
from sendguard.detection.recognizers.base import IDENTIFYING
from sendguard.detection.recognizers.person_name import given_names

MIN_SCORE = 0.4
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=[^\n]{0,3}\n)")
_MAX_CHUNK = 4000
_MIN_CHUNK = 400
_CANDIDATE = re.compile(r"\d{2}|@|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b\.?|[A-Z]{2}\s?\d")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+|\b[A-Z]{2,}\b")


def paragraphs(text: str):
    """Chunks of about a paragraph: small ones merged, long ones split at line ends."""
    buffer = ""
    for piece in _PARAGRAPH_BREAK.split(text):
        for chunk in _split_long(piece):
            if len(buffer) + len(chunk) < _MIN_CHUNK:
                buffer = f"{buffer}\n{chunk}" if buffer else chunk
                continue
            if buffer:
                yield buffer
            buffer = chunk
    if buffer:
        yield buffer


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
    categorised: dict[str, set[str]] = defaultdict(set)  # person value -> special categories nearby
    for chunk in paragraphs(part.text):
        scan.deadline.check()
        found = _analyze_chunk(chunk, scan) if may_hold_personal_data(chunk) else {}
        for name, hits in scan.custom.find(chunk).items():
            counter.custom[name] += len(hits)
            found.setdefault("CUSTOM", set()).update(hits)
        if not found:
            continue
        categories = scan.special.categories_in(chunk)
        for entity, entity_values in found.items():
            values[entity].update(entity_values)
            if categories:
                for value in entity_values:
                    categorised[f"{entity}:{value}"].update(categories)
    _count(part, values, categorised, scan, counter)


def _analyze_chunk(chunk: str, scan) -> dict[str, set[str]]:
    results = scan.analyzer.analyze(chunk, language="en", entities=scan.entities, score_threshold=MIN_SCORE)
    found: dict[str, set[str]] = defaultdict(set)
    for result in _without_overlaps(results):
        found[result.entity_type].add(normalise(result.entity_type, chunk[result.start : result.end]))
    return found


def _without_overlaps(results):
    kept = []
    for result in sorted(results, key=lambda r: (-r.score, r.start)):
        if all(result.end <= k.start or result.start >= k.end for k in kept):
            kept.append(result)
    return kept


def normalise(entity: str, value: str) -> str:
    if entity == "PERSON":
        return person_key(_without_title(value))
    if entity == "EMAIL_ADDRESS":
        return value.strip().lower()
    return re.sub(r"[\s().-]", "", value).upper()


_TITLE = re.compile(r"^(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Rev|Cllr)\.?\s+", re.IGNORECASE)


def _without_title(value: str) -> str:
    return _TITLE.sub("", value.strip())


def _count(part: Text, values, categorised, scan, counter: PeopleCounter) -> None:
    hidden = part.hidden is not None
    for entity, entity_values in values.items():
        if entity != "CUSTOM":
            counter.add_entity(entity, len(entity_values), part.name, part.hidden)
        if entity == "EMAIL_ADDRESS":
            for address in entity_values:
                counter.add_email(address)
    identifying = {e: v for e, v in values.items() if e in IDENTIFYING}
    if not identifying:
        return
    # The kind with the most distinct values stands for the people: a list of 40
    # clients has 40 names, 40 phone numbers; a letter to one has one of each.
    entity, people = max(identifying.items(), key=lambda item: (len(item[1]), item[0] == "PERSON"))
    for value in people:
        counter.add_person(_key(entity, value), hidden=hidden)
    for category in {c for cats in categorised.values() for c in cats}:
        linked = (
            (e, [v for v in vs if category in categorised.get(f"{e}:{v}", ())]) for e, vs in identifying.items()
        )
        best_entity, best_values = max(linked, key=lambda item: len(item[1]))
        for value in best_values:
            counter.add_category(_key(best_entity, value), category)


def _key(entity: str, value: str) -> str:
    return value if entity == "PERSON" else f"{entity}:{value}"
