"""Plain text (.txt, .vcf, .ics, .json, ...)."""

from __future__ import annotations

from sendguard.detection.extractors.decoding import decode
from sendguard.detection.extractors.state import ScanState
from sendguard.detection.limits import Unscannable
from sendguard.detection.model import Text


def extract(data: bytes, state: ScanState):
    text = decode(data)
    if len(text) > state.limits.max_text_chars:
        raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
    yield Text(name="text", text=text)
