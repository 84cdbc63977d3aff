"""Zip archives: every member, recursively (the scanner applies the depth limit)."""

from __future__ import annotations

from sendward.detection.extractors.safezip import SafeZip
from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable
from sendward.detection.model import Embedded, Failed


def extract(data: bytes, state: ScanState):
    archive = SafeZip(data, state, "zip archive")
    for name in archive.names():
        if name.endswith("/"):
            continue
        if archive.is_encrypted(name):
            yield Failed(name=name, code="encrypted", reason=f"'{name}' in the archive is password-protected")
            continue
        try:
            content = archive.read(name)
        except Unscannable as error:
            if error.code in ("zip_bomb", "too_large"):
                raise
            yield Failed(name=name, code=error.code, reason=str(error))
            continue
        yield Embedded(name=name, content=content)
