"""A reference attachment (a OneDrive or SharePoint link) resolved to its file through /shares.

Graph v1.0 cannot return a reference attachment's bytes ($value answers 405);
the link itself is encoded as a sharing token and read as a drive item:
``/shares/{token}/driveItem`` for its size and type, then ``.../content``
(a redirect to a download URL, streamed with the size cap).
"""

from __future__ import annotations

import base64
from sendward.adapters.graph.errors import GraphError, TooLarge
from sendward.adapters.graph.sdk import query

_SELECT = query(select=["name", "size", "file", "folder"])


def sharing_token(url: str) -> str:
    """Microsoft's encoding of a sharing URL: unpadded base64url of the URL, prefixed with ``u!``."""
    return "u!" + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


async def fetch_linked_file(session, url: str, max_bytes: int) -> tuple[bytes, str | None]:
    """The linked file's content and its type, if Graph gives one."""
    shared = session.sdk.shares.by_shared_drive_item_id(sharing_token(url)).drive_item
    item = await session.retried(lambda: shared.get(request_configuration=_SELECT), "linked file")
    if item is None:
        raise GraphError("the linked file was not found", code="not_found")
    if item.folder is not None:
        raise GraphError("it links to a folder", code="folder")
    if item.size is not None and item.size > max_bytes:
        raise TooLarge("larger than the most Sendward fetches")
    content = await session.download(shared.content.to_get_request_information(), max_bytes, "linked file content")
    return content, item.file.mime_type if item.file is not None else None
