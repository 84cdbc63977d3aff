"""GraphAttachmentSource: the bytes of a saved draft's attachments, read through Microsoft Graph.

One listing of the draft's attachments (``/me/messages/{id}/attachments``, or
``/users/{caller's object id}/...`` as the application), matched against the ids the
add-in sent, then every fetch at once on the shared loop (at most four at a
time: Outlook's limit of concurrent requests per mailbox):

- a file attachment: ``/attachments/{id}/$value``, streamed, stopped at the size cap;
- an item attachment (an attached e-mail): its MIME through the same ``$value``,
  passed on as ``message/rfc822`` so the e-mail extractor reads it and its attachments;
- a reference attachment (a link): through ``/shares`` when the policy reads
  linked files, otherwise reported with a note. Only the ``sourceUrl`` Graph lists for
  that attachment is read, never a link the client sent.

An attachment that could not be fetched keeps content None and says why
(``fetch_error``); the scanner and the tenant's fail mode take it from there.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sendward.adapters.graph.client import GraphClient, beta_base_url, item_request, on_graph
from sendward.adapters.graph.errors import GraphError, TooLarge
from sendward.adapters.graph.sdk import ItemAttachment, ReferenceAttachment, query
from sendward.kernel import Deadline
from sendward.domain.draft import LINK_NOT_READ, Attachment, Draft, FetchError
from sendward.domain.draft import DraftNotSynced

log = logging.getLogger(__name__)
MAILBOX_CONCURRENCY = 4
_LINK_BYTES = 64 * 1024  # one reference attachment's properties
# Only what is needed to match and fetch: without $select a listing carries every file's bytes in base64.
_LIST = query(select=["id", "name", "contentType", "size", "isInline"])
_LINKED = query(select=["name", "size", "file", "folder"])  # a linked file's metadata, not the whole item
_NOT_OURS = frozenset({"too_large", "folder"})  # the file's nature: the rule's usual action, not the fail mode


class GraphAttachmentSource:
    def __init__(self, client: GraphClient, *, mode: str = "delegated", max_bytes: int = 35 * 2**20):
        self.client = client
        self.mode = mode
        self.max_bytes = max_bytes

    def fetch(self, draft: Draft, caller, deadline: Deadline, *, scan_links: bool = False) -> Sequence[Attachment]:
        wanted = [i for i, a in enumerate(draft.attachments) if a.content is None and a.note is None]
        if not wanted or not draft.item_id:
            return draft.attachments
        targets = [draft.attachments[i] for i in wanted]
        try:
            fetched = self.client.call(caller, deadline, lambda s: self._fetch_all(s, draft, targets, scan_links))
        except GraphError as error:
            if error.code == "not_found":  # the listing itself: the draft is not in that mailbox (yet)
                raise DraftNotSynced("the saved draft was not found in Microsoft 365") from None
            log.warning("attachments not fetched: %s", error)
            fetched = [replace(a, fetch_error=self.failure(error)) for a in targets]
        replaced = dict(zip(wanted, fetched))
        return tuple(replaced.get(index, attachment) for index, attachment in enumerate(draft.attachments))

    async def _fetch_all(self, session, draft: Draft, targets: list[Attachment], scan_links: bool):
        message = session.mailbox(self.mode).messages.by_message_id(draft.item_id)
        listed = [_listed(a) for a in await _all_listed(session, message, self.client.base_url)]
        slots = asyncio.Semaphore(MAILBOX_CONCURRENCY)
        return await asyncio.gather(
            *(
                self._one(session, message, attachment, found, scan_links, slots)
                for attachment, found in zip(targets, match(targets, listed))
            )
        )

    async def _one(self, session, message, attachment: Attachment, found: Listed | None, scan_links, slots):
        if found is None:
            return replace(attachment, fetch_error=self.failure(GraphError("", code="not_found")))
        # A link is read only at the address Graph gives for this draft's attachment, never at one the
        # client sent: in application mode that would let any user have any file in the tenant read.
        attachment = replace(attachment, kind=found.kind, url=found.source_url, size=attachment.size or found.size)
        if found.kind == "reference" and not scan_links:
            return replace(attachment, note=LINK_NOT_READ)
        if found.kind == "reference" and not found.source_url:
            attachment = replace(attachment, url=await self._source_url(session, message, found))
        if found.kind == "file" and found.size > self.max_bytes:
            return replace(attachment, fetch_error=self.failure(TooLarge("")))
        try:
            async with slots:
                return await self._content(session, message, attachment, found)
        except GraphError as error:
            log.warning("attachment not fetched: %s", error)
            return replace(attachment, fetch_error=self.failure(error))

    async def _content(self, session, message, attachment: Attachment, found: Listed) -> Attachment:
        if found.kind == "reference":
            if not attachment.url:
                raise GraphError("the link of a reference attachment is not known", code="no_link")
            content, content_type = await fetch_linked_file(session, attachment.url, self.max_bytes)
            return attachment.read_as(content, content_type=content_type or attachment.content_type)
        request = item_request(message.attachments.by_attachment_id(found.id), "/$value")
        content = await session.download(request, self.max_bytes, "attachment content")
        content_type = _item_type(content) if found.kind == "item" else found.content_type or attachment.content_type
        return attachment.read_as(content, content_type=content_type)

    async def _source_url(self, session, message, found: Listed) -> str | None:
        """The link of a reference attachment, from Graph beta: v1.0 lists no ``sourceUrl``."""
        beta = beta_base_url(self.client.base_url)
        if beta is None:
            return None
        request = item_request(message.attachments.by_attachment_id(found.id))
        request.path_parameters["baseurl"] = beta
        try:
            raw = await session.download(request, _LINK_BYTES, "reference attachment link")
            link = json.loads(raw).get("sourceUrl")
        except (GraphError, ValueError, AttributeError) as error:
            log.warning("reference attachment link not read: %s", type(error).__name__)
            return None
        return link if isinstance(link, str) and link.startswith("https://") else None

    def failure(self, error: GraphError) -> FetchError:
        reasons = {
            "too_large": f"it is larger than {self.max_bytes // 2**20} MB, the most Sendward fetches",
            "folder": "it links to a folder, whose files Sendward does not read",
            "time_budget": "the time budget ran out before it could be fetched from Microsoft 365",
            "not_found": "it was not found on the saved draft in Microsoft 365",
            "forbidden": "Sendward is not allowed to read it (a Microsoft Graph permission is missing)",
            "auth": "Sendward could not sign in to Microsoft 365 to fetch it",
            "no_user": "the caller's token names no user, so its mailbox is unknown",
            "no_link": "Microsoft 365 did not give its link, so the linked file could not be read",
        }
        code = error.code if error.code in reasons else "unavailable"
        reason = reasons.get(code, "Microsoft 365 could not be reached to fetch it")
        return FetchError(code=code, reason=reason, infrastructure=code not in _NOT_OURS)


def sharing_token(url: str) -> str:
    """Microsoft's encoding of a sharing URL: unpadded base64url of the URL, prefixed with ``u!``."""
    return "u!" + base64.urlsafe_b64encode(url.encode("utf-8")).decode("ascii").rstrip("=")


async def fetch_linked_file(session, url: str, max_bytes: int) -> tuple[bytes, str | None]:
    """A reference attachment (a OneDrive or SharePoint link) resolved to its file through /shares: the
    file's content and its type, if Graph gives one.

    Graph v1.0 cannot return a reference attachment's bytes ($value answers 405);
    the link itself is encoded as a sharing token and read as a drive item:
    ``/shares/{token}/driveItem`` for its size and type, then ``.../content``
    (a redirect to a download URL, streamed with the size cap).
    """
    shared = session.sdk.shares.by_shared_drive_item_id(sharing_token(url)).drive_item
    item = await session.retried(lambda: shared.get(request_configuration=_LINKED), "linked file")
    if item is None:
        raise GraphError("the linked file was not found", code="not_found")
    if item.folder is not None:
        raise GraphError("it links to a folder", code="folder")
    if item.size is not None and item.size > max_bytes:
        raise TooLarge("larger than the most Sendward fetches")
    content = await session.download(shared.content.to_get_request_information(), max_bytes, "linked file content")
    return content, item.file.mime_type if item.file is not None else None


MAX_PAGES = 20  # listing pages followed; a draft's attachments fit in one or two


async def _all_listed(session, message, base_url: str) -> list:
    """Every page of the listing, following ``@odata.nextLink`` on Graph's own origin (at most MAX_PAGES;
    an attachment on a page not read is then unmatched, so named as not found, never skipped)."""
    page = await session.retried(lambda: message.attachments.get(request_configuration=_LIST), "list attachments")
    found = list((page.value if page else None) or [])
    for _ in range(MAX_PAGES - 1):
        link = page.odata_next_link if page else None
        if not link:
            break
        if not on_graph(link, base_url):
            log.warning("an attachment listing's next page pointed away from Microsoft Graph; not followed")
            break
        page = await session.retried(lambda: message.attachments.with_url(link).get(), "list attachments")
        found += (page.value if page else None) or []
    return found


@dataclass(frozen=True)
class Listed:
    """One attachment of the saved draft, as Graph lists it."""

    id: str
    name: str
    kind: str  # "file", "item" or "reference"
    size: int = 0
    content_type: str | None = None
    source_url: str | None = None  # a reference attachment's link, where Graph gives it


def rest_id(attachment_id: str) -> str:
    return attachment_id.strip().replace("/", "-").replace("+", "_")


def match(wanted: Sequence[Attachment], listed: Sequence[Listed]) -> list[Listed | None]:
    """Which of the saved draft's attachments (as Graph lists them) is each attachment the add-in named.

    The add-in names the attachments to scan. Its ids differ by client: Outlook on
    the web gives EWS ids (standard base64), Graph REST ids use the URL-safe
    alphabet, and classic Outlook on Windows gives an index. So: the same id in
    either alphabet first, then a name that is unique among what is left (the size
    breaks a tie). Anything still unmatched is reported as not found, never guessed.
    """
    by_id = {rest_id(item.id): item for item in listed}
    found: list[Listed | None] = [by_id.get(rest_id(a.id)) if a.id else None for a in wanted]
    taken = {item.id for item in found if item is not None}
    for index, attachment in enumerate(wanted):
        if found[index] is None:
            found[index] = _by_name(attachment, [item for item in listed if item.id not in taken])
            if found[index] is not None:
                taken.add(found[index].id)
    return found


def _by_name(attachment: Attachment, left: Sequence[Listed]) -> Listed | None:
    same_name = [item for item in left if item.name == attachment.name]
    if len(same_name) > 1 and attachment.size:
        same_name = [item for item in same_name if item.size == attachment.size]
    return same_name[0] if len(same_name) == 1 else None


def _listed(attachment) -> Listed:
    kind = "item" if isinstance(attachment, ItemAttachment) else "file"
    if isinstance(attachment, ReferenceAttachment):
        kind = "reference"
    extra = attachment.additional_data or {}
    return Listed(
        id=attachment.id or "",
        name=attachment.name or "",
        kind=kind,
        size=attachment.size or 0,
        content_type=attachment.content_type,
        source_url=extra.get("sourceUrl") if isinstance(extra.get("sourceUrl"), str) else None,
    )


def _item_type(mime: bytes) -> str:
    """An attached e-mail is MIME; an attached contact or event comes as vCard or iCalendar text."""
    return "text/plain" if mime.lstrip()[:6].upper() == b"BEGIN:" else "message/rfc822"
