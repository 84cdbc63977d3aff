"""Attachment scan results in a KeyValueCache (Redis), as JSON: counts, types and locations only.

The in-process MemoryScanCache keeps the objects themselves; this one is for a cache shared by
instances, so a result scanned on one is a hit on every other.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace

from sendguard.domain.signals import AttachmentSignals, ContentSignals, Location

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
        # The file's name can name a person, and a hit takes the name of the file it answers for.
        self.store.set(key, encode(replace(value, name="", content_type="")), self.ttl_seconds)


def encode(signals: AttachmentSignals) -> bytes:
    return json.dumps({"v": CODEC_VERSION, "signals": asdict(signals)}, separators=(",", ":")).encode()


def decode(raw: bytes) -> AttachmentSignals:
    data = json.loads(raw)
    if data.get("v") != CODEC_VERSION:
        raise ValueError("another codec version")
    fields = dict(data["signals"])
    content = dict(fields.pop("content"))
    content["locations"] = tuple(Location(**location) for location in content["locations"])
    return AttachmentSignals(**fields, content=ContentSignals(**content))
