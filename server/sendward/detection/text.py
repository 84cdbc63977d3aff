"""Running text: split into lines, skip the chunks that cannot hold personal data, run Presidio on the rest.

Lines travel in chunks of a few hundred characters. Presidio's engine costs
milliseconds per chunk (mostly spaCy's tokens), so it runs only on chunks where
a pattern recognizer could match (a digit run, an '@', a postcode shape); other
chunks meet only the name recognizer, which needs no tokens. Special-category terms count
only for people found on the same line or the lines either side (or after a letter's
salutation), so a policy paper that mentions "mental health" and ends with a contact
name is not a health record, while "Sarah Jones ... diagnosed with HIV" is.

People are then counted as a data-protection officer would: the header blocks of quoted
messages are blanked first (quoted.py); a letter (one of each identifier) is one person,
its signatory and contact lines are not data subjects; otherwise only records count:
lists (several e-mail addresses or strong identifiers, or names with phone numbers from
different exchanges) and lines holding a person's private details. Names in minutes,
articles and press releases, business addresses and role mailboxes are mentions.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict

from sendward.detection.model import Text
from sendward.detection.people import PeopleCounter, normalise
from sendward.detection.quoted import blank_quoted_headers
from sendward.detection.recognizers.base import IDENTIFYING
from sendward.signals.domains import is_webmail

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
    records: list[tuple[int, list[tuple[str, str]]]] = []  # (line number, what it holds), for lines holding anything
    offset = 0
    text = blank_quoted_headers(part.text)
    for lines in chunks(text):
        scan.deadline.check()
        found = _analyze_lines(lines, scan)
        chunk = "\n".join(lines)
        for name, hits in scan.custom.find(chunk).items():
            counter.custom[name] += len(hits)
            line = _line_of(lines, chunk.find(hits[0]))
            found.extend(("CUSTOM", normalise("CUSTOM", hit), line) for hit in hits)
        categories = _LineCategories(lines, scan.special)
        by_line: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for entity, value, line in found:
            values[entity].add(value)
            if entity == "EMAIL_ADDRESS" and _ROLE_ADDRESS.match(value):
                continue  # info@, press@, a crawler's contact address: a mailbox, not a person
            by_line[line].append((entity, value))
            nearby = categories.near(line)
            if nearby:
                categorised[f"{entity}:{value}"].update(nearby)
        records.extend((offset + line, by_line[line]) for line in sorted(by_line))
        offset += len(lines)
    records = _without_signatories(text, records)
    records = _one_name_per_person(records, categorised)
    _link_salutations(text, records, categorised, scan)
    _count(part, values, categorised, records, counter)


# "Yours sincerely" / "Kind regards": the name and details after it are the author's, in their
# professional role, not a data subject of the letter.
_CLOSING = re.compile(
    r"^\s*(?:yours\s+(?:sincerely|faithfully|truly)|kind(?:est)?\s+regards|best\s+(?:wishes|regards)|"
    r"warm(?:est)?\s+regards|with\s+(?:best|kind)\s+(?:wishes|regards)|many\s+thanks|regards|sincerely|"
    r"cordialement|mit\s+freundlichen\s+gr[üu]ßen|atentamente|saludos)\b[\s,.!]*$",
    re.IGNORECASE,
)
_SIGNATURE_LINES = 5


# "Contact: Grace Campbell, HR Adviser, 020 7946 0555", "Media enquiries:", "Prepared by:": the
# document's author or contact point, in their professional role.
_CONTACT_LINE = re.compile(
    r"^\s*(?:(?:media|press|further|general)?\s*(?:contact(?:\s+(?:us|details|point|name|officer))?|enquiries)|"
    r"for\s+(?:more|further)\s+information[^:\n]{0,30}|author|report\s+author|lead\s+officer|"
    r"(?:prepared|written|issued|approved|published)\s+by)\s*:",
    re.IGNORECASE,
)


def _without_signatories(text: str, records):
    if not records:
        return records
    lines = text.split("\n")
    closings = [i for i, line in enumerate(lines) if len(line) < 60 and _CLOSING.match(line)]
    signed = {j for c in closings for j in range(c + 1, c + 1 + _SIGNATURE_LINES)}
    signed |= {n for n, _ in records if n < len(lines) and _CONTACT_LINE.match(lines[n])}
    if not signed:
        return records
    return [(number, entries) for number, entries in records if number not in signed]


def _one_name_per_person(records, categorised):
    """"Mr Okafor" and "Amelia Okafor" in one text are one person: a lone surname or given name
    that belongs to exactly one full name found in the text becomes that name."""
    full = {v for _, entries in records for e, v in entries if e == "PERSON" and " " in v}
    if not full:
        return records
    parts: dict[str, set[str]] = defaultdict(set)
    for name in full:
        for word in name.split():
            parts[word].add(name)
    changed = {}
    for _, entries in records:
        for entity, value in entries:
            if entity == "PERSON" and " " not in value and len(parts.get(value, ())) == 1:
                changed[value] = next(iter(parts[value]))
    if not changed:
        return records
    for short, name in changed.items():
        categorised[f"PERSON:{name}"].update(categorised.pop(f"PERSON:{short}", ()))
    return [(n, [(e, changed.get(v, v) if e == "PERSON" else v) for e, v in entries]) for n, entries in records]


# The person a letter is addressed to or about ("Dear Mrs Okafor", "Re: Sarah Jones, DOB ...") is
# the subject of the paragraphs that follow, not only of the lines beside the name.
_SALUTATION = re.compile(r"^\s*(?:dear|re|patient|client|name|subject)\b\s*:?", re.IGNORECASE)
_LETTER_LINES = 15


def _link_salutations(text: str, records, categorised, scan) -> None:
    if not records or not scan.special.categories:
        return
    lines = None
    for number, entries in records:
        if not any(entity == "PERSON" for entity, _ in entries):
            continue
        lines = lines if lines is not None else text.split("\n")
        if number >= len(lines) or not _SALUTATION.match(lines[number]):
            continue
        found = scan.special.categories_in("\n".join(lines[number : number + _LETTER_LINES]))
        for entity, value in entries:
            if found:
                categorised[f"{entity}:{value}"].update(found)


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


_ROLE_ADDRESS = re.compile(
    r"^(?:info|admin|administrator|support|help|helpdesk|sales|contact|contactus|enquiries|enquiry|office|hello|"
    r"team|noreply|no-reply|donotreply|do-not-reply|webmaster|postmaster|hostmaster|abuse|bot|crawler|spider|"
    r"press|media|news|newsletter|marketing|accounts|billing|invoices|jobs|careers|recruitment|reception|"
    r"service|customerservice|feedback|privacy|security|dpo|foi|mailer-daemon)(?:[._+-][^@]*)?@"
)
# Identifiers that single out a private individual wherever they stand.
STRONG = frozenset({"UK_NHS", "UK_NINO", "UK_PASSPORT", "UK_DRIVING_LICENCE", "UK_BANK_ACCOUNT", "IBAN_CODE",
                    "CREDIT_CARD", "CUSTOM"})
# Values that make a line about a person a record of them (a name beside a business e-mail address
# is a business contact; beside a phone number, an address or a date of birth it is a record).
_PRIVATE = STRONG | {"PHONE_NUMBER", "LOCATION", "UK_POSTCODE", "DATE_OF_BIRTH"}


def _private(entity: str, value: str) -> bool:
    if entity == "EMAIL_ADDRESS":
        return is_webmail(value.rpartition("@")[2])
    return entity in _PRIVATE


def _count(part: Text, values, categorised, records, counter: PeopleCounter) -> None:
    hidden = part.hidden is not None
    for entity, entity_values in values.items():
        if entity != "CUSTOM":
            counter.add_entity(entity, len(entity_values), part.name, part.hidden)
    # People are judged on what the records hold: no role mailboxes, no signatory, one name per person.
    identifying: dict[str, set[str]] = defaultdict(set)
    for _, entries in records:
        for entity, value in entries:
            if entity in IDENTIFYING:
                identifying[entity].add(value)
    if not identifying:
        return
    if all(len(v) == 1 for v in identifying.values()):
        # One of each: a text about one person (a letter, a referral).
        name = next(iter(identifying.get("PERSON", {None})))
        ids = [counter.key(e, next(iter(v))) for e, v in identifying.items() if e != "PERSON"]
        categories = {c for cats in categorised.values() for c in cats}
        counter.add_person(ids, name, hidden=hidden, categories=categories)
        return
    # Several people: a document that mentions people (names in minutes, a press release, an
    # article, signatures, business addresses) is not a record about them. What counts are
    # records: a line that holds a person's private details (a name or e-mail address beside
    # a phone number, a postal address, a date of birth), a strong identifier (NHS, NI,
    # passport, account number...), a private e-mail address, or a person named beside a
    # special-category term. Records sharing a strong identifier are one person.
    for block in _blocks(records):
        if _is_list(block):
            _count_list(block, categorised, counter, hidden)
        else:
            office = _office_phones(block)
            for entries in block:
                _count_line([(e, v) for e, v in entries if v not in office], categorised, counter, hidden)


LIST_MIN = 3  # distinct e-mail addresses (or strong identifiers, or names with phone numbers) make a list
_GAP = 2  # lines with nothing between records of one block (a title, a blank line)


def _blocks(records):
    """Runs of lines holding personal data with at most _GAP lines between them."""
    block, last = [], None
    for number, entries in records:
        if block and number - last > _GAP:
            yield block
            block = []
        block.append(entries)
        last = number
    if block:
        yield block


def _is_list(block) -> bool:
    """A pasted list or table of people: several e-mail addresses or strong identifiers, or several
    names with several phone numbers (one signature's phone, mobile and fax are not a list)."""
    distinct: dict[str, set[str]] = defaultdict(set)
    for entries in block:
        for entity, value in entries:
            distinct[entity].add(value)
    if len(distinct["EMAIL_ADDRESS"]) >= LIST_MIN or any(len(distinct[e]) >= LIST_MIN for e in STRONG):
        return True
    phones = distinct["PHONE_NUMBER"]
    return len(phones) >= LIST_MIN and len(distinct["PERSON"]) >= LIST_MIN and not _one_exchange(phones)


def _office_phones(block) -> set[str]:
    """The phone numbers of a block when they are one organisation's extensions."""
    phones = {v for entries in block for e, v in entries if e == "PHONE_NUMBER"}
    return phones if len(phones) >= LIST_MIN and _one_exchange(phones) else set()


def _one_exchange(phones: set[str]) -> bool:
    """Most numbers share all but their last four digits: one organisation's extensions (a team's
    direct lines), business contact details rather than a list of private individuals."""
    prefixes: dict[str, int] = defaultdict(int)
    for number in phones:
        if len(number) > 6:
            prefixes[number[:-4]] += 1
    return max(prefixes.values(), default=0) >= 0.6 * len(phones)


def _count_list(block, categorised, counter: PeopleCounter, hidden: bool) -> None:
    """The kind with the most distinct values stands for the people (a list of 40 clients has 40
    e-mail addresses); on a tie, a strong identifier beats a name."""
    distinct: dict[str, dict[str, None]] = defaultdict(dict)
    for entries in block:
        for entity, value in entries:
            if entity in IDENTIFYING:
                distinct[entity][value] = None
    entity, people = max(distinct.items(), key=lambda item: (len(item[1]), item[0] != "PERSON"))
    for value in people:
        categories = categorised.get(f"{entity}:{value}", ())
        if entity == "PERSON":
            counter.add_person((), value, hidden=hidden, categories=categories)
        else:
            counter.add_person([counter.key(entity, value)], hidden=hidden, categories=categories)


def _count_line(entries, categorised, counter: PeopleCounter, hidden: bool) -> None:
    """One line outside a list: a record when it holds a person's private details."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for entity, value in entries:
        if value not in kinds[entity]:
            kinds[entity].append(value)
    categories = {c for entity, value in entries for c in categorised.get(f"{entity}:{value}", ())}
    private = [(e, v) for e, v in entries if _private(e, v)]
    identifying = [e for e in kinds if e in IDENTIFYING]
    if not identifying:
        return
    several = max(len(kinds[e]) for e in identifying) > 1
    if several:
        # Several people on one line ("Sarah Jones 07700 900123, Tom Reid 07700 900456"):
        # each private identifier is a person; names alone are mentions.
        named = len(kinds.get("PERSON", ())) > 1  # phone numbers without names are offices, not people
        for entity, value in dict.fromkeys(private):
            if entity in IDENTIFYING and (entity != "PHONE_NUMBER" or named):
                counter.add_person([counter.key(entity, value)], hidden=hidden,
                                   categories=categorised.get(f"{entity}:{value}", ()))
        return
    strong_alone = any(e in STRONG or e == "EMAIL_ADDRESS" for e, _ in private)
    is_record = (len(kinds) >= 2 and bool(private)) or strong_alone or bool(categories)
    if not is_record:
        return
    name = kinds["PERSON"][0] if kinds.get("PERSON") else None
    ids = [counter.key(e, kinds[e][0]) for e in identifying if e != "PERSON"]
    counter.add_person(ids, name, hidden=hidden, categories=categories)
