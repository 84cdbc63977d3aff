"""Counting distinct people (data subjects) across the parts of one file or body.

Every row or text value that carries personal data contributes a key: the
person's name where a name column allows, else their first identifying value.
Keys are Python hashes, kept in memory for one scan only.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sendguard.domain.signals import ContentSignals, Location


class PeopleCounter:
    def __init__(self):
        self.keys: set[int] = set()
        self.hidden_keys: set[int] = set()
        self.entities: Counter[str] = Counter()
        self.special: dict[str, set[int]] = defaultdict(set)
        self.custom: Counter[str] = Counter()
        self._locations: Counter[tuple[str, str, str | None]] = Counter()
        self.emails: set[int] = set()

    def add_person(self, key: str, *, hidden: bool = False, categories=()) -> None:
        hashed = hash(key)
        self.keys.add(hashed)
        if hidden:
            self.hidden_keys.add(hashed)
        for category in categories:
            self.special[category].add(hashed)

    def add_category(self, key: str, category: str) -> None:
        self.special[category].add(hash(key))

    def add_entity(self, entity: str, count: int, where: str, hidden: str | None) -> None:
        if count:
            self.entities[entity] += count
            self._locations[(where, entity, hidden)] += count

    def add_email(self, address: str) -> None:
        self.emails.add(hash(address.strip().lower()))

    def signals(self, recipient_keys: frozenset[int] = frozenset()) -> ContentSignals:
        about_recipient = len(self.keys) == 1 and bool(
            (self.keys & recipient_keys) or (self.emails and self.emails <= recipient_keys)
        )
        return ContentSignals(
            data_subjects=len(self.keys),
            entities=dict(self.entities),
            special_categories={c: len(k) for c, k in sorted(self.special.items()) if k},
            custom_patterns=dict(self.custom),
            hidden_data_subjects=len(self.hidden_keys),
            locations=tuple(
                Location(where=where, entity=entity, count=count, hidden=hidden)
                for (where, entity, hidden), count in sorted(self._locations.items(), key=lambda i: (i[0][0], i[0][1]))
            ),
            about_recipient=about_recipient,
        )


def person_key(value: str) -> str:
    """The same key for "John Smith", "SMITH, John" and "john  smith"."""
    return " ".join(sorted(str(value).lower().replace(",", " ").split()))
