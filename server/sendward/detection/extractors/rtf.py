"""Rich Text Format (.rtf): the text, through striprtf."""

from __future__ import annotations

from striprtf.striprtf import rtf_to_text

from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Text


def extract(data: bytes, state: ScanState):
    if len(data) > state.limits.max_text_chars:
        raise Unscannable("too_large", f"more than {state.limits.max_text_chars:,} characters")
    try:
        text = rtf_to_text(data.decode("latin-1"), errors="replace")
    except Exception as error:  # striprtf has no error type of its own
        raise Unscannable("corrupt", f"not readable RTF ({type(error).__name__})") from None
    yield Text(name="text", text=text)
