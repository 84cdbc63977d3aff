"""Reading drafts: .eml and .msg files, and the JSON of the HTTP API."""

from sendward.drafts.errors import UnreadableDraft
from sendward.drafts.files import read_draft_file, read_draft_bytes

__all__ = ["UnreadableDraft", "read_draft_bytes", "read_draft_file"]
