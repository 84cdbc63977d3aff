"""Plain text (.txt, .vcf, .ics, .json, ...)."""

from __future__ import annotations

from sendward.detection.extractors.decoding import decode
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Text


def extract(data: bytes, state: ScanState):
    text = decode(data)
    if len(text) > state.limits.max_text_chars:
        raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
    yield Text(name="text", text=text)
