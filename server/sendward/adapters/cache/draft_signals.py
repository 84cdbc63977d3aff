"""A draft's signals in a KeyValueCache (Redis), as JSON, so a Send after a background check of
the same draft is evaluated without fetching or reading anything again.

Counts, types, locations and domains only: attachment names are left out (a name can name a
person) and given back from the draft the signals answer for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from sendward.adapters.cache.scan_results import attachment_dict, attachment_from, content_from
from sendward.domain.draft import Draft
from sendward.domain.signals import ContextSignals, Lookalike, RecipientSignals, Signals

CODEC_VERSION = 2


class KeyValueDraftSignals:
    def __init__(self, store, *, ttl_seconds: int = 900):
        self.store = store
        self.ttl_seconds = ttl_seconds

    def get(self, key: str, draft: Draft) -> Signals | None:
        raw = self.store.get(key)
        if raw is None:
            return None
        try:
            signals = decode(raw)
        except (ValueError, KeyError, TypeError):
            return None
        if len(signals.attachments) != len(draft.attachments):
            return None
        named = tuple(
            replace(found, name=a.name, content_type=a.content_type)
            for found, a in zip(signals.attachments, draft.attachments)
        )
        return replace(signals, attachments=named)

    def put(self, key: str, signals: Signals) -> None:
        if all(a.error is None for a in signals.attachments):  # reasons can name files inside archives
            self.store.set(key, encode(signals), self.ttl_seconds)


def encode(signals: Signals) -> bytes:
    data = {
        "v": CODEC_VERSION,
        "recipients": asdict(signals.recipients),
        "context": sorted(signals.context.sensitive_categories),
        "attachments": [attachment_dict(a) for a in signals.attachments],
        "body": asdict(signals.body),
    }
    return json.dumps(data, separators=(",", ":")).encode()


def decode(raw: bytes) -> Signals:
    data = json.loads(raw)
    if data.get("v") != CODEC_VERSION:
        raise ValueError("another codec version")
    recipients = dict(data["recipients"])
    recipients["lookalikes"] = tuple(Lookalike(**item) for item in recipients["lookalikes"])
    recipients["internal_domains"] = tuple(recipients["internal_domains"])
    recipients["outside_visible"] = tuple(int(p) for p in recipients["outside_visible"])
    return Signals(
        recipients=RecipientSignals(**recipients),
        context=ContextSignals(frozenset(data["context"])),
        attachments=tuple(attachment_from(a) for a in data["attachments"]),
        body=content_from(data["body"]),
    )

