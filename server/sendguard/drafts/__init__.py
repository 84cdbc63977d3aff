"""Reading drafts: .eml and .msg files, and the JSON of the HTTP API."""

from sendguard.drafts.errors import UnreadableDraft
from sendguard.drafts.files import read_draft_file, read_draft_bytes

__all__ = ["UnreadableDraft", "read_draft_bytes", "read_draft_file"]
