"""Attachment scan results in a KeyValueCache (Redis), as JSON: counts, types and locations only.

The in-process MemoryScanCache keeps the objects themselves; this one is for a cache shared by
instances, so a result scanned on one is a hit on every other. The file's name and type are
left out: a name can name a person, and a hit takes the name of the file it answers for. For
the same reason a file that could not be read (its reason may name a file inside it) is not
kept here; it is cheap to find unreadable again.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from sendward.domain.signals import AttachmentSignals, ContentSignals, Location

CODEC_VERSION = 1


class KeyValueScanCache:
    def __init__(self, store, *, ttl_seconds: int = 3600):
        self.store = store
        self.ttl_seconds = ttl_seconds

    def get(self, key: str) -> AttachmentSignals | None:
        raw = self.store.get(key)
        if raw is None:
            return None
        try:
            return decode(raw)
        except (ValueError, KeyError, TypeError):
            return None  # written by another release: scan again

    def put(self, key: str, value: AttachmentSignals) -> None:
        if value.error is None:  # a reason can quote a file's name inside an archive: not kept outside the process
            self.store.set(key, encode(value), self.ttl_seconds)


def encode(signals: AttachmentSignals) -> bytes:
    return json.dumps({"v": CODEC_VERSION, "signals": attachment_dict(signals)}, separators=(",", ":")).encode()


def decode(raw: bytes) -> AttachmentSignals:
    data = json.loads(raw)
    if data.get("v") != CODEC_VERSION:
        raise ValueError("another codec version")
    return attachment_from(data["signals"])


def attachment_dict(signals: AttachmentSignals) -> dict:
    return asdict(replace(signals, name="", content_type=""))


def attachment_from(data: dict) -> AttachmentSignals:
    fields = dict(data)
    content = content_from(fields.pop("content"))
    return AttachmentSignals(**fields, content=content)


def content_from(data: dict) -> ContentSignals:
    fields = dict(data)
    fields["locations"] = tuple(Location(**location) for location in fields["locations"])
    fields["subject_keys"] = tuple(fields.get("subject_keys", ()))
    return ContentSignals(**fields)
