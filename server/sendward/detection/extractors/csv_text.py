"""Delimited text (.csv, .tsv): encoding and delimiter sniffed, then read as one table."""

from __future__ import annotations

import csv
import io

from sendward.detection.extractors.decoding import decode
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Table

_DELIMITERS = ",;\t|"


def extract(data: bytes, state: ScanState):
    text = decode(data)
    if len(text) > state.limits.max_text_chars:
        raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
    delimiter = sniff_delimiter(text[:65536])
    rows = []
    csv.field_size_limit(1 << 24)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            state.cells += len(row)
            if state.cells > state.limits.max_cells:
                raise Unscannable("too_large", f"more than {state.limits.max_cells:,} cells")
            rows.append(row)
            if len(rows) % 5000 == 0:
                state.deadline.check()
    except csv.Error as error:
        raise Unscannable("corrupt", f"not readable as CSV ({error})") from None
    yield Table(name="table", rows=rows)


def sniff_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sum(line.count(d) for line in lines) for d in _DELIMITERS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","
