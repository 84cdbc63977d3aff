"""Tables: classify each column once from a sample, then count the rows that carry personal data.

Column classification (``classify_column``):
- a header that names a product, price, company or order vetoes personal data,
  and a recognizer's ``HEADER_VETOES`` rule its entity out (a "Town" is no PERSON);
- with a header hint (``HEADER_HINTS`` of a recognizer), most sampled values must
  look like that entity (for free text such as addresses, the header decides);
- without one, most sampled values must pass the recognizer's strict check
  (phonenumbers validity, a known given name, a checksum) and some recognizers
  (dates of birth, passport or account numbers) never classify without a header.
Then every cell of a classified column is checked cheaply, and a row carries
personal data when it has an identifying value (a name, e-mail, phone number,
NHS number...) or two quasi-identifiers (postcode, address, date of birth).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sendward.detection.model import HIDDEN_COLUMNS, HIDDEN_ROWS, Table
from sendward.detection.people import PeopleCounter, identifier, name_key
from sendward.detection.recognizers.base import IDENTIFYING, header_words
from sendward.detection.recognizers.person_name import ORGANISATION_WORDS, given_names
from sendward.detection.special import header_categories

SAMPLE_SIZE = 60
MIN_RATIO = 0.6
MIN_RATIO_WITH_HEADER = 0.5
HEADER_SEARCH_ROWS = 10
# Headers naming an attribute of a person (English, Portuguese, Spanish, French, German): rows beside them are people.
PERSON_ATTRIBUTES = re.compile(
    r"\b(?:gender|sex|sexo|genre|geschlecht|age|idade|edad|[âa]ge|alter|d\.?o\.?b|date of birth|birth ?date|"
    r"birthday|nascimento|nacimiento|naissance|geburtsdatum|salary|salario|sal[áa]rio|salaire|gehalt|marital)\b",
    re.IGNORECASE,
)
PERSON_ID_HEADER = re.compile(
    r"\b(?:customer|client|patient|employee|staff|member|student|pupil|user|person|resident|tenant|applicant|"
    r"passenger|cliente|paciente|aluno|alumno)\s*(?:id|no|number|num|ref|reference|code|key)\b",
    re.IGNORECASE,
)
# Under a header saying only "Name", this share of the values must be known names.
MIN_RATIO_GENERIC_NAME = 0.4
# ... and a "Name" column with fewer known names than this holds things, not people.
MAX_KNOWN_NAMES_FOR_THINGS = 0.2
# Entities a column may only be given when its header names them.
NEEDS_HEADER = frozenset({"DATE_OF_BIRTH", "UK_PASSPORT", "UK_BANK_ACCOUNT"})
# Random ten-digit numbers pass the NHS check one time in eleven: demand nearly all.
MIN_RATIO_WITHOUT_HEADER = {"UK_NHS": 0.95}
NEGATIVE_HEADERS = re.compile(
    r"product|\bitem\b|\bsku\b|barcode|\bean\b|\bupc\b|\bgtin\b|\border\b|invoice|\bprice\b|\bcost\b|"
    r"\bqty\b|quantity|amount|total|company|organi[sz]ation|supplier|vendor|business|employer|"
    r"manufacturer|brand|\bmodel\b|serial|\bpart\b|stock|\bvat\b|\bunit\b|catalogue|category|\bdept\b",
    re.IGNORECASE,
)
_SPECIAL_VALUE_SAMPLE = 30
ORGANISATION_HEADERS = re.compile(
    r"company|organi[sz]ation|supplier|vendor|business|employer|\bfirm\b|agency|practice|school|charity",
    re.IGNORECASE,
)
# In a list of organisations, their phone numbers, e-mail and postal addresses are
# business contact details, not personal data (unless a person's name is beside them).
BUSINESS_CONTACT = frozenset({"PHONE_NUMBER", "EMAIL_ADDRESS", "LOCATION", "UK_POSTCODE"})


@dataclass
class Column:
    index: int
    header: str
    entity: str | None = None
    special: frozenset[str] = frozenset()
    custom: str | None = None
    terms: bool = False  # free text in which special-category terms appear
    organisation: bool = False  # names organisations (a company list)


def cell_text(value) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value).strip()


def analyze_table(table: Table, scan, counter: PeopleCounter, context_categories=frozenset()) -> None:
    rows = table.rows
    if not rows:
        return
    header_row = find_header_row(rows, scan.recognizers)
    width = max(len(r) for r in rows)
    headers = [cell_text(c) for c in rows[header_row]] if header_row is not None else []
    headers += [""] * (width - len(headers))
    first_data = header_row + 1 if header_row is not None else 0
    about_people = any(
        PERSON_ATTRIBUTES.search(header_words(h)) or PERSON_ID_HEADER.search(header_words(h)) for h in headers if h
    )
    columns = [
        classify_column(j, headers[j], _sample(rows, first_data, j), scan, about_people) for j in range(width)
    ]
    scan.deadline.check()
    categories = frozenset(context_categories) | scan.special.categories_in(table.name)
    _count_rows(table, rows, first_data, columns, categories, scan, counter)


def find_header_row(rows, recognizers) -> int | None:
    """The first of the top rows that names columns, or None when the table starts with data."""
    width = max(len(r) for r in rows[:HEADER_SEARCH_ROWS])
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [t for t in (cell_text(c) for c in row) if t]
        if not texts:
            continue
        if any(_is_personal_value(t, recognizers) for t in texts):
            return None  # data before any header
        if len(texts) < min(2, width):
            continue  # a title above the table
        hinted = any(
            NEGATIVE_HEADERS.search(header_words(t)) or any(_names_a_column(r, t) for r in recognizers) for t in texts
        )
        if hinted or (index == 0 and all(_header_like(t) for t in texts)):
            return index
    return None


def _names_a_column(recognizer, text: str) -> bool:
    return recognizer.header_matches(text) or recognizer.header_vetoes(text)


def _header_like(text: str) -> bool:
    return len(text) <= 40 and not any(c.isdigit() for c in text)


def _is_personal_value(text: str, recognizers) -> bool:
    return any(r.ENTITY != "LOCATION" and r.matches_value(text, strict=True) for r in recognizers)


def _sample(rows, first: int, column: int) -> list:
    values = []
    data = len(rows) - first
    if data <= 0:
        return values
    step = max(1, data // (SAMPLE_SIZE * 2))
    for i in range(first, len(rows), step):
        row = rows[i]
        if column < len(row) and cell_text(row[column]):
            values.append(row[column])
            if len(values) >= SAMPLE_SIZE:
                break
    return values


def classify_column(index: int, header: str, sample: list, scan, about_people: bool = False) -> Column:
    """``about_people``: another column's header names an attribute of a person (gender, age, date
    of birth, salary), so a "Name" column of unfamiliar names is still people's names."""
    column = Column(index=index, header=header)
    column.special = frozenset(header_categories(header, scan.special.categories)) if header else frozenset()
    texts = [cell_text(v) for v in sample]
    if scan.custom and texts:
        hits = [scan.custom.first_match(t) for t in texts]
        named = [h for h in hits if h]
        if len(named) >= MIN_RATIO * len(texts):
            column.custom = max(set(named), key=named.count)
            return column
    if not texts:
        return column
    key = header_words(header)
    column.organisation = _names_organisations(key, texts)
    vetoed = bool(key) and bool(NEGATIVE_HEADERS.search(key))
    best, best_ratio = None, 0.0
    for recognizer in scan.recognizers:
        if header and recognizer.header_vetoes(header):
            continue
        hinted = bool(header) and recognizer.header_matches(header)
        generic = hinted and recognizer.ENTITY == "PERSON" and recognizer.generic_header(header)
        if vetoed and (generic or not hinted):
            continue  # "Product name", "Company name": things and businesses have names too
        if recognizer.ENTITY in NEEDS_HEADER and not hinted:
            continue
        values = sample if recognizer.ENTITY == "DATE_OF_BIRTH" else texts
        if generic:
            # Under "Name" alone, the values must read as people's names, not a list of
            # products, species, restaurants or breweries.
            matches = sum(1 for v in values if recognizer.matches_value(v, strict=True) or _given_name(v)
                          or (about_people and recognizer.matches_value(v)))
            needed = MIN_RATIO_WITH_HEADER if about_people else MIN_RATIO_GENERIC_NAME
        else:
            matches = sum(1 for v in values if recognizer.matches_value(v, strict=not hinted))
            needed = MIN_RATIO_WITH_HEADER if hinted else MIN_RATIO_WITHOUT_HEADER.get(recognizer.ENTITY, MIN_RATIO)
        ratio = matches / len(values)
        if ratio >= needed and ratio + hinted > best_ratio:
            best, best_ratio = recognizer, ratio + hinted
    if best is not None:
        column.entity = best.ENTITY
    elif _names_things(key, texts, scan):
        column.organisation = True  # a "Name" column of things (products, species, breweries): rows are things
    elif not column.special and scan.special.categories:
        column.terms = _mentions_terms(texts, scan)
    return column


def _names_things(header: str, texts: list[str], scan) -> bool:
    """A "Name" column whose values read as names, but not people's (the column was not given PERSON)."""
    names = next((r for r in scan.recognizers if r.ENTITY == "PERSON"), None)
    if not header or names is None or not (names.header_matches(header) and names.generic_header(header)):
        return False
    if sum(1 for t in texts if names.matches_value(t)) < MIN_RATIO_WITH_HEADER * len(texts):
        return False
    # Hardly any known names: things. Some (an unfamiliar spread of people's names): undecided, so
    # the rows' contact details still count.
    known = sum(1 for t in texts if names.matches_value(t, strict=True) or _given_name(t))
    return known < MAX_KNOWN_NAMES_FOR_THINGS * len(texts)


def _given_name(value: str) -> bool:
    """A lone given name ("Peter", "Maria"): a person under a "Name" header."""
    text = value.strip()
    return text.isalpha() and text.lower() in given_names()


def _names_organisations(header: str, texts: list[str]) -> bool:
    if header and ORGANISATION_HEADERS.search(header):
        return True
    with_words = sum(1 for t in texts if any(w.strip(".,&").lower() in ORGANISATION_WORDS for w in t.split()))
    return with_words >= MIN_RATIO * len(texts)


def _mentions_terms(texts, scan) -> bool:
    free_text = [t for t in texts[:_SPECIAL_VALUE_SAMPLE] if len(t) > 3 and not t.replace(".", "").isdigit()]
    return any(scan.special.categories_in(t) for t in free_text)


def _count_rows(table: Table, rows, first: int, columns, categories, scan, counter: PeopleCounter) -> None:
    pd_columns = [c for c in columns if c.entity or c.custom]
    if any(c.organisation for c in columns) and not any(c.entity == "PERSON" for c in pd_columns):
        pd_columns = [c for c in pd_columns if c.entity not in BUSINESS_CONTACT]
    if not pd_columns:
        return
    if all(c.entity == "PERSON" for c in pd_columns) and any(c.organisation for c in columns):
        return  # names beside their organisations and nothing else personal: speakers, officials, contacts
    data = rows[first:]
    texts = {c.index: [cell_text(r[c.index]) if c.index < len(r) else "" for r in data] for c in columns if c.entity or c.custom or c.special or c.terms}
    valid = {c.index: _valid_cells(c, data, texts[c.index], scan) for c in pd_columns}
    scan.deadline.check()
    name_columns = [c.index for c in pd_columns if c.entity == "PERSON"]
    extra_names = set(name_columns[1:])
    by_index_pd = {c.index: c for c in pd_columns}
    shared = {c.index: _shared_values(texts[c.index]) for c in pd_columns if c.entity != "PERSON"}
    # A column of people's ids ("Customer ID", "patient_no"): rows sharing one are one person.
    person_ids = [(c.index, header_words(c.header).lower()) for c in columns
                  if c.header and PERSON_ID_HEADER.search(header_words(c.header)) and not (c.entity or c.custom)]
    for j, _ in person_ids:
        texts.setdefault(j, [cell_text(r[j]) if j < len(r) else "" for r in data])
    birth_dates = [c.index for c in pd_columns if c.entity == "DATE_OF_BIRTH"]
    special_columns = [c for c in columns if c.special]
    term_columns = [c.index for c in columns if c.terms]
    counts: dict[tuple[int, str | None], int] = {}
    for offset in range(len(data)):
        found = [c for c in pd_columns if valid[c.index][offset]]
        if not found:
            continue
        identifying = [c for c in found if c.custom or c.entity in IDENTIFYING]
        if not identifying and len(found) < 2:
            continue
        i = first + offset
        row_hidden = table.hidden is not None or i in table.hidden_rows
        hidden = row_hidden or any(c.index in table.hidden_columns for c in found)
        row_categories = categories
        if special_columns or term_columns:
            row_categories = _row_categories(categories, special_columns, term_columns, texts, offset, scan)
        name = " ".join(texts[j][offset] for j in name_columns if texts[j][offset])
        identifiers = [
            counter.key("CUSTOM" if c.custom else c.entity, texts[c.index][offset])
            for c in identifying
            if c.entity != "PERSON" and texts[c.index][offset] not in shared[c.index]
        ]
        identifiers += [identifier(f"ROW:{key}", texts[j][offset]) for j, key in person_ids if texts[j][offset]]
        if name and birth_dates and any(texts[j][offset] for j in birth_dates):
            identifiers.append(name_key(name + " " + " ".join(texts[j][offset] for j in birth_dates)))
        if not identifiers and not name:
            identifiers = [hash(f"{table.name}#{i}")]  # quasi-identifiers only: this row is one person
        counter.add_person(identifiers, name or None, hidden=hidden, categories=row_categories, scope=table.name)
        if extra_names:  # split name columns (first_name, last_name) hold one name per row
            named = any(c.entity == "PERSON" for c in found)
            found = [c for c in found if c.index not in extra_names] if named else found
            if named and not any(c.entity == "PERSON" for c in found):
                found.append(by_index_pd[name_columns[0]])
        for column in found:
            key = (column.index, _hidden_kind(table, column.index, row_hidden))
            counts[key] = counts.get(key, 0) + 1
        if offset % 2000 == 0:
            scan.deadline.check()
    by_index = {c.index: c for c in pd_columns}
    for (j, hidden_kind), count in sorted(counts.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        column = by_index[j]
        if column.custom:
            counter.custom[column.custom] += count
        else:
            where = f"{table.name}, column '{column.header or _column_letter(j)}'"
            counter.add_entity(column.entity, count, where, hidden_kind)


def _valid_cells(column: Column, data, texts: list[str], scan) -> list[bool]:
    """For each data row: does this column's cell hold the column's entity?"""
    if column.custom:
        return scan.custom.matching_lines(column.custom, texts)
    recognizer = next(r for r in scan.recognizers if r.ENTITY == column.entity)
    matches = recognizer.matches_value
    if column.entity == "DATE_OF_BIRTH":
        j = column.index
        return [bool(t) and matches(data[k][j]) for k, t in enumerate(texts)]
    return [bool(t) and matches(t) for t in texts]


def _row_categories(categories, special_columns, term_columns, texts, offset: int, scan) -> frozenset[str]:
    """The table's categories plus those of this row's special-category cells and free text."""
    found = set(categories)
    for column in special_columns:
        if texts[column.index][offset]:
            found |= column.special
    for j in term_columns:
        found |= scan.special.categories_in(texts[j][offset])
    return frozenset(found)


def _shared_values(texts: list[str]) -> set[str]:
    """Values on more than two rows (a switchboard number, a team mailbox) identify nobody."""
    counts: dict[str, int] = {}
    for text in texts:
        if text:
            counts[text] = counts.get(text, 0) + 1
    return {text for text, count in counts.items() if count > 2}


def _hidden_kind(table: Table, column: int, row_hidden: bool) -> str | None:
    if table.hidden is not None:
        return table.hidden
    if column in table.hidden_columns:
        return HIDDEN_COLUMNS
    if row_hidden:
        return HIDDEN_ROWS
    return None


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
