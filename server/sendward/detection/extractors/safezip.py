"""Opening zip containers (xlsx, docx, ods, zip) without trusting their headers."""

from __future__ import annotations

import io
import zipfile

from sendward.detection.extractors.state import ScanState
from sendward.detection.limits import Unscannable

_CHUNK = 1 << 20
_SMALL = 1 << 20  # members below this may compress as well as they like


class SafeZip:
    def __init__(self, data: bytes, state: ScanState, what: str = "zip file"):
        self.state = state
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = {info.filename: info for info in self.zip.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
            raise Unscannable("corrupt", f"not a valid {what}") from None
        if len(self.infos) > state.limits.max_members:
            raise Unscannable("too_large", f"holds more than {state.limits.max_members:,} files")
        declared = sum(info.file_size for info in self.infos.values())
        if declared + state.expanded_bytes > state.limits.max_expanded_bytes:
            raise Unscannable("too_large", f"expands to more than {state.limits.max_expanded_bytes // 2**20} MB")
        for info in self.infos.values():
            if info.file_size > _SMALL and info.file_size > state.limits.max_compression_ratio * max(info.compress_size, 1):
                raise Unscannable("zip_bomb", "compressed suspiciously well (a zip bomb?)")

    def names(self) -> list[str]:
        return list(self.infos)

    def exists(self, name: str) -> bool:
        return name in self.infos

    def is_encrypted(self, name: str) -> bool:
        return bool(self.infos[name].flag_bits & 0x1)

    def read(self, name: str) -> bytes:
        """The member's bytes, never more than its header declared."""
        info = self.infos[name]
        if self.is_encrypted(name):
            raise Unscannable("encrypted", f"'{name}' is password-protected")
        self.state.deadline.check()
        # One growing buffer, handed out without a copy: joining a list of chunks would hold
        # the member twice at its largest (a 300 MB member cost 600 MB).
        buffer, total = io.BytesIO(), 0
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    total += len(chunk)
                    if total > info.file_size:
                        raise Unscannable("zip_bomb", f"'{name}' is larger than its header says")
                    self.state.expand(len(chunk))
                    buffer.write(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
            raise Unscannable("corrupt", f"'{name}' is damaged ({type(error).__name__})") from None
        return buffer.getvalue()
