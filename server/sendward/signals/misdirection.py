"""Draft recipients + the sender's correspondent model -> how each recipient fits (HistorySignals).

The autocomplete slip: the right John Smith's name, the wrong John Smith's address; a typo of
an address the sender uses every week; a personal webmail address next to the same person's
work address; someone new on a thread in place of one of its participants. CPU only: the model
(``sendward.domain.correspondents``) is built or loaded beforehand.
"""

from __future__ import annotations

import functools
from collections import defaultdict

from rapidfuzz import process
from rapidfuzz.distance import OSA

from sendward.domain.correspondents import (
    CO_OCCURRENCE_MAX_RECIPIENTS,
    CorrespondentModel,
    is_reply,
    name_tokens,
    normalise_address,
    person_key,
)
from sendward.domain.draft import Draft
from sendward.domain.signals import CONTACT_DETAILS, HistorySignals, RecipientFit
from sendward.signals.domains import is_webmail, within

DAY = 86400.0
# A usual correspondent: mailed at least this often (a one-off is nobody's "usual John").
USUAL_MIN_MESSAGES = 2
# The other recipients "usually come with" an address when at least this share of their group mail had it.
COMPANION_SHARE = 0.5


def history_signals(
    draft: Draft,
    model: CorrespondentModel | None,
    internal_domains=(),
    webmail_domains=(),
    now: float | None = None,
    contents=(),
    cold_below: int = 0,
) -> HistorySignals:
    """``now``: the draft's time in epoch seconds (the offline path); else the model's last message.
    ``contents``: the ContentSignals of the draft's files and body (their ``subject_keys``).
    ``cold_below``: with fewer messages learnt, the model's cold-start people count as usual
    correspondents (for namesakes, typos, personal addresses, letters); with more, they are ignored."""
    seeded = bool(model and model.people) and model.messages < cold_below
    if model is None or (model.messages == 0 and not seeded):
        return HistorySignals()
    sender = normalise_address(draft.sender.address) if draft.sender else ""
    recipients: dict[str, str] = {}
    for r in draft.recipients:
        address = normalise_address(r.address.address)
        if "@" in address and address != sender:
            recipients.setdefault(address, r.address.name.strip())
    keys = {address: model.key_of(address) for address in recipients}
    index = _index(model, seeded)
    now = model.last_sent if now is None else now
    thread = model.thread(draft.subject)
    # One new address among usual ones is a substitution; several new ones are a new group. Someone
    # on the sender's received mail is not new here (a reply to them, with someone added).
    new = sum(1 for k in keys.values() if k not in model.correspondents and k not in model.received)
    own = model.key_of(sender) if sender else None  # never the missing participant or companion
    letters = _letters_about(draft, contents, recipients, keys, model, index, internal_domains)
    fits = tuple(
        _fit(address, name, keys, model, index, thread, internal_domains, webmail_domains, now, new == 1, letters, own)
        for address, name in recipients.items()
    )
    return HistorySignals(
        known=True,
        messages=model.messages,
        novelty_rate=model.novelty_rate,
        recipients=fits,
        seeded=len(model.people) if seeded else 0,
        received_messages=model.received_messages,
        reply_unseen=is_reply(draft.subject) and thread is None,
    )


def _fit(
    address, name, keys, model, index, thread, internal_domains, webmail_domains, now, alone, letters, own=None
) -> RecipientFit:
    key = keys[address]
    entry = model.correspondents.get(key)
    domain = address.rpartition("@")[2]
    fit = dict(
        address=address,
        internal=within(domain, internal_domains) is not None,
        mailed=entry.count if entry else 0,
        received=model.received.get(key, 0),
        days_since=(max(0.0, now - entry.last_seen) / DAY) if entry else None,
    )
    # Company is judged on messages to a group (as the model learns it), not on mass mailings.
    grouped = len(keys) <= CO_OCCURRENCE_MAX_RECIPIENTS
    others = [k for a, k in keys.items() if a != address] if grouped else []
    if entry is None and index.seeded and key in model.people:
        fit["known_person"] = True  # someone the sender works with, by Graph's word: not a stranger
    elif entry is None or entry.count < USUAL_MIN_MESSAGES:
        fit.update(_namesake(address, name, key, model, index))
        fit.update(_typo(address, key, model, index))
        fit["personal_address_of"] = _personal_address(address, name, domain, key, model, index, webmail_domains)
        if alone and grouped:
            fit["thread_dropped"] = _thread_dropped(key, thread, keys, model, own)
            fit["companion_missing"] = _companion_missing(others, keys, model, own)
    elif grouped:
        fit["other_company"] = _other_company(entry, others, model)
    if not fit["internal"]:
        fit.update(_letter_about(key, entry, letters, index))
    return RecipientFit(**fit)


# -- a letter about one person -------------------------------------------------


def _letters_about(draft, contents, recipients, keys, model, index, internal_domains) -> list[tuple[str, bool]]:
    """(correspondent key, holds more than contact details) for each file or body about exactly one
    person who is a correspondent of the sender outside the organisation, neither a recipient (by
    any name or address they are known by) nor the sender."""
    about = [c for c in contents if c.data_subjects == 1 and c.subject_keys]
    if not about:
        return []
    known_as = set(keys.values())
    for address, name in recipients.items():
        entry = index.entries.get(keys[address])
        for spelling in (name, *(entry.names if entry else ())):
            known_as.add(person_key(model.key, spelling, address))
    if draft.sender is not None:
        known_as.add(model.key_of(draft.sender.address))
        known_as.add(person_key(model.key, draft.sender.name, draft.sender.address))
    letters = []
    for content in about:
        subject = set(content.subject_keys)
        if subject & known_as:
            continue  # about a recipient, or the sender's own (a CV, a signature)
        candidates = {k for k in subject if k in index.entries}
        candidates.update(k for s in subject for k in index.people.get(s, ()))
        outside = [
            index.entries[k] for k in candidates
            if within(index.entries[k].address.rpartition("@")[2], internal_domains) is None
        ]
        if outside:
            best = max(outside, key=lambda e: (e.count, e.last_seen))
            identifies = bool(set(content.entities) - CONTACT_DETAILS) or bool(content.special_categories)
            letters.append((model.key_of(best.address), identifies))
    return letters


def _letter_about(key, entry, letters, index) -> dict:
    """The first letter about someone this recipient was never addressed together with."""
    for subject, identifies in letters:
        if subject == key:
            continue
        other = index.entries[subject]
        if (entry is not None and entry.co.get(subject)) or other.co.get(key):
            continue  # mailed together before: their adviser, their family
        return {"letter_about": other.address, "letter_identifies": identifies}
    return {}


class _Index:
    """Lookups derived from a model, rebuilt when the model changes."""

    def __init__(self, model: CorrespondentModel, seeded: bool = False):
        self.version = model.version
        self.seeded = seeded
        self._model = model
        self.entries = model.correspondents
        if seeded:  # cold start: the people Graph names count as usual correspondents
            self.entries = {**{k: e for k, e in model.people.items()}, **model.correspondents}
        self.full = defaultdict(list)
        self.first = defaultdict(list)
        self.last = defaultdict(list)
        self.work_local = defaultdict(list)  # local part of a usual work address -> keys
        self.addresses: list[str] = []
        self.keys: list[str] = []
        # Addresses by length: a typo (two edits at most) is within two characters of the original.
        self.by_length: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for key, entry in self.entries.items():
            self.addresses.append(entry.address)
            self.keys.append(key)
            self.by_length[len(entry.address)].append((entry.address, key))
            if entry.count < USUAL_MIN_MESSAGES and not (seeded and key in model.people and key not in model.correspondents):
                continue
            tokens = name_tokens(entry.name, entry.address)
            if tokens:
                self.full[tokens].append(key)
                self.first[tokens[0]].append(key)
                self.last[tokens[1]].append(key)
            local, _, domain = entry.address.partition("@")
            if not is_webmail(domain):
                self.work_local[local].append(key)

    @functools.cached_property
    def people(self) -> dict[str, list[str]]:
        """Keyed hash of a first and last name -> keys of the correspondents known by it (any of their
        display names, or a first.last address); built only when a draft's content names one person."""
        people = defaultdict(list)
        for key, entry in self.entries.items():
            spellings = {person_key(self._model.key, n, entry.address) for n in entry.names}
            spellings.add(person_key(self._model.key, "", entry.address))
            for spelling in spellings - {None}:
                people[spelling].append(key)
        return people


def _index(model: CorrespondentModel, seeded: bool = False) -> _Index:
    cached = model.__dict__.get("_misdirection_index")
    if cached is None or cached.version != model.version or cached.seeded != seeded:
        cached = _Index(model, seeded)
        model.__dict__["_misdirection_index"] = cached
    return cached


def _namesake(address, name, key, model, index) -> dict:
    tokens = name_tokens(name, address)
    if not tokens:
        return {}
    first, last = tokens
    for kind, candidates in (
        ("full_name", index.full.get(tokens, ())),
        ("surname", index.last.get(last, ()) if len(last) > 2 else ()),
        ("first_name", index.first.get(first, ()) if len(first) > 2 else ()),
    ):
        found = [index.entries[k] for k in candidates if k != key]
        if found:
            best = max(found, key=lambda e: (e.count, e.last_seen))
            share = best.count / model.messages if model.messages else 0.0
            return {"namesake": kind, "namesake_of": best.address, "namesake_share": share}
    return {}


def _typo(address, key, model, index) -> dict:
    if len(address) < 8:
        return {}
    near = [pair for length in range(len(address) - 2, len(address) + 3) for pair in index.by_length.get(length, ())]
    found = process.extractOne(address, [a for a, _ in near], scorer=OSA.distance, score_cutoff=2)
    if found is None:
        return {}
    known, distance, position = found
    if near[position][1] == key or distance == 0:
        return {}
    local, known_local = address.partition("@")[0], known.partition("@")[0]
    if distance == 2 and min(len(local), len(known_local)) < 6:
        return {}  # two edits in a short name make another name, not a typo
    return {"typo_of": known, "typo_distance": int(distance)}


def _personal_address(address, name, domain, key, model, index, webmail_domains) -> str | None:
    if not is_webmail(domain, webmail_domains):
        return None
    tokens = name_tokens(name, address)
    candidates = index.work_local.get(address.partition("@")[0], []) + (index.full.get(tokens, []) if tokens else [])
    for other_key in candidates:
        other = index.entries[other_key].address
        if other_key != key and not is_webmail(other.rpartition("@")[2], webmail_domains):
            return other
    return None


def _thread_dropped(key, thread, keys, model, own=None) -> str | None:
    if not thread or key in thread:
        return None
    present = {*keys.values(), own}
    missing = [(count, k) for k, count in thread.items() if k not in present and k in model.correspondents]
    if not missing:
        return None
    return model.correspondents[max(missing)[1]].address


def _companion_missing(others, keys, model, own=None) -> str | None:
    """The known address every other (usual) recipient mostly came with, absent here."""
    known = [model.correspondents[k] for k in others if k in model.correspondents]
    known = [e for e in known if e.count >= USUAL_MIN_MESSAGES and e.group_messages >= USUAL_MIN_MESSAGES]
    if not known:
        return None
    present = {*keys.values(), own}
    candidates = set().union(*(e.co.keys() for e in known)) - present
    best, best_share = None, COMPANION_SHARE
    for candidate in candidates:
        share = min(e.co.get(candidate, 0) / e.group_messages for e in known)
        if share >= best_share and candidate in model.correspondents:
            best, best_share = candidate, share
    return model.correspondents[best].address if best else None


def _other_company(entry, others, model) -> bool:
    """Mailed before, always with other people, never with any of the (usual) co-recipients here."""
    usual = [k for k in others if (e := model.correspondents.get(k)) and e.count >= USUAL_MIN_MESSAGES]
    if not usual or entry.group_messages < USUAL_MIN_MESSAGES:
        return False
    return not any(entry.co.get(k) for k in usual)
