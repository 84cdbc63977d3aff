"""Plain text (.txt, .vcf, .ics, .json, ...); arrays of objects in JSON are read as tables."""

from __future__ import annotations

from sendward.detection.extractors.decoding import decode
from sendward.detection.extractors.json_records import records
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Table, Text


def extract(data: bytes, state: ScanState):
    text = decode(data)
    if len(text) > state.limits.max_text_chars:
        raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
    found = records(text)  # a JSON export of users or patients is a table, not prose
    if found is None:
        yield Text(name="text", text=text)
        return
    tables, rest = found
    for path, rows in tables:
        yield Table(name=f"records '{path}'", rows=rows)
    if rest.strip():
        yield Text(name="text", text=rest)
