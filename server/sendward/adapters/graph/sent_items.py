"""GraphSentItems: a user's Sent Items or Inbox, page by page, through the delta query (metadata only).

``GET /users/{id}/mailFolders/{sentitems|inbox}/messages/delta?$select=...`` (``/me/...`` on the
user's behalf) returns pages linked by ``@odata.nextLink``; the last one carries ``@odata.deltaLink``,
where the next sync starts to get only what changed. ``$select`` keeps to recipients, sender,
time, subject and conversation: ``Mail.ReadBasic`` is enough and no body is ever fetched. A
delta link Graph no longer knows answers 410 Gone: ``DeltaExpired``, and the caller starts over.
Links are followed only on Graph's own origin: a page cannot send our token anywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation

from sendward.adapters.graph.client import GraphClient, on_graph
from sendward.adapters.graph.errors import DeltaExpired, GraphError, GraphRefused
from sendward.kernel import Deadline

SELECT = "sentDateTime,subject,conversationId,from,toRecipients,ccRecipients,bccRecipients"
FOLDERS = {"sentitems": SELECT, "inbox": "receivedDateTime," + SELECT.removesuffix(",bccRecipients")}
PAGE_SIZE = 200  # Prefer: odata.maxpagesize (Graph may send fewer)
MAX_PAGE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Page:
    items: list
    next_link: str | None = None  # more pages of this round
    delta_link: str | None = None  # the round is complete; the next sync starts here


class GraphSentItems:
    def __init__(self, client: GraphClient, *, mode: str = "application", page_size: int = PAGE_SIZE):
        self.client = client
        self.mode = mode
        self.page_size = page_size

    def first_link(self, user_id: str, folder: str = "sentitems") -> str:
        mailbox = "me" if self.mode == "delegated" else f"users/{user_id}"
        return f"{self.client.base_url}/{mailbox}/mailFolders/{folder}/messages/delta?$select={FOLDERS[folder]}"

    def page(self, caller, deadline: Deadline, link: str) -> Page:
        base = self.client.base_url
        if not on_graph(link, base) or not urlsplit(link).path.startswith(urlsplit(base).path.rstrip("/") + "/"):
            raise GraphError("a sent items link pointed away from Microsoft Graph", code="bad_link")
        return self.client.call(caller, deadline, lambda session: self._get(session, link))

    async def _get(self, session, link: str) -> Page:
        request = RequestInformation(Method.GET)
        request.url = link
        request.headers.add("Prefer", f"odata.maxpagesize={self.page_size}")
        try:
            raw = await session.download(request, MAX_PAGE_BYTES, "sent items")
        except GraphRefused as error:
            if error.status == 410:
                raise DeltaExpired("the sent items delta link has expired") from None
            raise
        try:
            document = json.loads(raw)
        except ValueError:
            raise GraphError("Microsoft Graph answered sent items with something that is not JSON") from None
        items = document.get("value") if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise GraphError("Microsoft Graph answered sent items without a list of messages")
        links = {key: value for key, value in document.items() if key.startswith("@odata.") and isinstance(value, str)}
        return Page(items=items, next_link=links.get("@odata.nextLink"), delta_link=links.get("@odata.deltaLink"))
