"""Hard limits on what one scan may read (the draft's time budget is ``sendward.kernel.Deadline``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 35 * 1024 * 1024  # one attachment as sent
    max_expanded_bytes: int = 300 * 1024 * 1024  # everything decompressed from one attachment
    max_compression_ratio: int = 200  # a member expanding more than this is a zip bomb
    max_depth: int = 5  # archives and e-mails inside each other
    max_members: int = 2000  # files inside one archive
    max_cells: int = 2_000_000  # spreadsheet cells in one file
    max_pages: int = 500  # PDF pages
    max_text_chars: int = 20_000_000  # extracted text from one file


class Unscannable(Exception):
    """A file cannot be read; ``code`` is machine-readable, ``str()`` is a human reason."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code = code

    def __reduce__(self):  # crosses from an extraction worker intact
        return (type(self), (self.code, str(self)))
