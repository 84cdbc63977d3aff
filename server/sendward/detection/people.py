"""Counting distinct people (data subjects) across the parts of one file or body.

Each row or text mention that carries personal data is a record: its strong
identifiers (e-mail address, phone number, NHS number, case reference...) and
perhaps a name. Records sharing a strong identifier are one person, so the
same client on a visible sheet and in a pivot cache counts once, while two
John Smiths with different e-mail addresses count twice. A record with only a
name joins the first record that carries that name. Everything is held as
Python hashes, in memory, for one scan only.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable

from sendward.domain.correspondents import MAX_SUBJECT_KEYS
from sendward.domain.signals import ContentSignals, Location


_NOT_DIGIT = re.compile(r"\D")
# Whether the people are the recipients is asked only of content about this many people or fewer.
MAX_RECIPIENT_SUBJECTS = 2000
_NOT_ALNUM = re.compile(r"[\W_]")


def person_key(value: str) -> str:
    """The same key for "John Smith", "SMITH, John" and "john  smith"."""
    return " ".join(sorted(str(value).lower().replace(",", " ").split()))


def normalise(entity: str, value: str) -> str:
    """One spelling per value: case, spaces, punctuation and phone prefixes ironed out."""
    text = str(value).strip()
    if entity == "PERSON":
        return person_key(text)
    if entity == "EMAIL_ADDRESS":
        return text.lower()
    if entity == "PHONE_NUMBER":
        digits = _NOT_DIGIT.sub("", text)
        if digits.startswith("0044"):
            digits = digits[2:]
        if digits.startswith("44") and len(digits) == 12:
            return "0" + digits[2:]
        if len(digits) == 10 and digits[0] != "0":
            return "0" + digits  # a number whose leading zero a spreadsheet dropped
        return digits
    return _NOT_ALNUM.sub("", text).upper()


def identifier(entity: str, value: str) -> int:
    """The hash of a strong identifier, as records and recipients both spell it."""
    return hash(f"{entity}:{normalise(entity, value)}")


def name_key(name: str) -> int:
    return hash(f"NAME:{person_key(name)}")


class PeopleCounter:
    def __init__(self):
        self._parent: list[int] = []
        self._hidden: list[bool] = []
        self._categories: list = []  # each record's special categories (any iterable)
        self._keys: list[list[int]] = []
        self._by_identifier: dict[int, int] = {}
        self._named: dict[int, tuple[int, str | None]] = {}  # name -> first record (and table) with identifiers
        self._name_only: dict[int, tuple[int, str | None]] = {}  # name -> record (and table) of a bare mention
        self._claimed: set[int] = set()  # names whose bare mention already joined a record
        self.entities: Counter[str] = Counter()
        self.custom: Counter[str] = Counter()
        self._locations: Counter[tuple[str, str, str | None]] = Counter()
        # The names and e-mail addresses seen (a few), for the one person a content may be about.
        self._names: dict[str, None] = {}
        self._emails: dict[str, None] = {}

    def key(self, entity: str, value: str) -> int:
        """A strong identifier's key (``identifier``); an e-mail address is remembered too."""
        if entity == "EMAIL_ADDRESS" and len(self._emails) <= MAX_SUBJECT_KEYS:
            self._emails[normalise(entity, value)] = None
        return identifier(entity, value)

    # -- records -------------------------------------------------------------

    def add_person(
        self, identifiers=(), name: str | None = None, *, hidden=False, categories=(), scope: str | None = None
    ) -> None:
        """``scope``: the table the record is a row of. Rows of one table are distinct people unless
        they share a strong identifier: a name links records only across tables (the same client on
        a visible sheet and a hidden copy), never two rows of one list (two Charlie Davises)."""
        record = len(self._parent)
        self._parent.append(record)
        self._hidden.append(hidden)
        self._categories.append(categories)
        keys = list(identifiers)
        for key in keys:
            earlier = self._by_identifier.setdefault(key, record)
            if earlier != record:
                self._union(record, earlier)
        if name and len(self._names) <= MAX_SUBJECT_KEYS:
            self._names[str(name)] = None
        if name and (scope is None or len(name.split()) > 1):  # a lone first name links nobody
            key = name_key(name)
            keys.append(key)
            self._link_name(record, key, has_identifiers=bool(identifiers), scope=scope)
        self._keys.append(keys)

    def _link_name(self, record: int, key: int, has_identifiers: bool, scope: str | None) -> None:
        if has_identifiers:
            self._named.setdefault(key, (record, scope))
            if key in self._name_only and key not in self._claimed:
                earlier, earlier_scope = self._name_only[key]
                if _may_link(scope, earlier_scope):
                    self._claimed.add(key)
                    self._union(record, earlier)
            return
        target = self._named.get(key, self._name_only.get(key))
        if target is None:
            self._name_only[key] = (record, scope)
        elif _may_link(scope, target[1]):
            self._union(record, target[0])

    # -- what was found, where ------------------------------------------------

    def add_entity(self, entity: str, count: int, where: str, hidden: str | None) -> None:
        if count:
            self.entities[entity] += count
            self._locations[(where, entity, hidden)] += count

    # -- result ----------------------------------------------------------------

    def signals(
        self,
        recipient_keys: Callable[[], frozenset[int]] = frozenset,
        subject_keys: Callable[[list[str], list[str]], tuple[str, ...]] | None = None,
    ) -> ContentSignals:
        """``recipient_keys`` is asked only when the content is about people (it costs per recipient);
        ``subject_keys`` (names, addresses -> keyed hashes) only when it is about exactly one person:
        then every name and address seen is theirs."""
        roots = [self._find(r) for r in range(len(self._parent))]
        people = set(roots)
        hidden = {root for root, is_hidden in zip(roots, self._hidden) if is_hidden}
        special: dict[str, set[int]] = defaultdict(set)
        for root, categories in zip(roots, self._categories):
            for category in categories:
                special[category].add(root)
        wanted = recipient_keys() if 0 < len(people) <= MAX_RECIPIENT_SUBJECTS else frozenset()
        among = {root for root, keys in zip(roots, self._keys) if any(k in wanted for k in keys)} if wanted else set()
        about_recipient = len(people) == 1 and bool(among)
        subject = ()
        if subject_keys is not None and len(people) == 1 and not about_recipient:
            subject = subject_keys(list(self._names), list(self._emails))
        return ContentSignals(
            data_subjects=len(people),
            entities=dict(self.entities),
            special_categories={c: len(r) for c, r in sorted(special.items())},
            custom_patterns=dict(self.custom),
            hidden_data_subjects=len(hidden),
            locations=tuple(
                Location(where=where, entity=entity, count=count, hidden=hidden_kind)
                for (where, entity, hidden_kind), count in sorted(
                    self._locations.items(), key=lambda item: (item[0][0], item[0][1], item[0][2] or "")
                )
            ),
            about_recipient=about_recipient,
            recipient_data_subjects=len(among),
            subject_keys=subject,
        )

    def _find(self, record: int) -> int:
        root = record
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[record] != root:
            self._parent[record], record = root, self._parent[record]
        return root

    def _union(self, a: int, b: int) -> None:
        root_a, root_b = self._find(a), self._find(b)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)


def _may_link(scope: str | None, other: str | None) -> bool:
    return scope is None or other is None or scope != other


