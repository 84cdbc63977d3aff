"""A draft from a file: .eml, .msg or the JSON of the HTTP API, chosen by content."""

from __future__ import annotations

import json
from pathlib import Path

from sendward.domain.draft import Draft
from sendward.drafts.eml import parse_eml
from sendward.drafts.errors import UnreadableDraft
from sendward.drafts.msg import OLE_SIGNATURE, parse_msg

MAX_DRAFT_FILE_BYTES = 150 * 1024 * 1024


def read_draft_file(path: str | Path) -> Draft:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_DRAFT_FILE_BYTES:
            raise UnreadableDraft(f"{path.name}: larger than {MAX_DRAFT_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableDraft(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UnreadableDraft(f"{path}: is a directory") from None
    except PermissionError:
        raise UnreadableDraft(f"{path}: permission denied") from None
    except OSError as error:
        raise UnreadableDraft(f"{path}: {error.strerror or error}") from None
    try:
        return read_draft_bytes(data)
    except UnreadableDraft as error:
        raise UnreadableDraft(f"{path.name}: {error}") from None


def read_draft_bytes(data: bytes) -> Draft:
    if not data.strip():
        raise UnreadableDraft("empty file")
    if data.startswith(OLE_SIGNATURE):
        return parse_msg(data)
    if data.lstrip()[:1] == b"{":
        from sendward.drafts.json_draft import draft_from_json

        try:
            document = json.loads(data)
        except (ValueError, RecursionError) as error:
            raise UnreadableDraft(f"not valid JSON: {error}") from None
        return draft_from_json(document)
    return parse_eml(data)
