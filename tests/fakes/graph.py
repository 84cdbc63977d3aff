"""A local Microsoft Graph over HTTPS on loopback: the real msgraph-sdk talks to it as it would to Graph.

Usage::

    ca = make_test_ca(tmp_path)
    with FakeGraph(ca, token="graph-token") as graph:
        graph.add_message("draft-1", [
            FakeAttachment("att-1", "clients.xlsx", content=xlsx_bytes),
            FakeAttachment("att-2", "Fwd: the list", kind="item", content=eml_bytes),
            FakeAttachment("att-3", "plan.docx", kind="reference", source_url=LINK),
        ])
        graph.add_shared_file(LINK, "plan.docx", docx_bytes)
        graph.add_group("all-staff@northshire.gov.uk", total=400, external=3)
        graph.verified_domains = ["northshire.gov.uk", "northshire.org.uk"]
        settings = Settings(graph_base_url=graph.url, ca_bundle=str(ca.bundle))

``graph.url`` is the base URL (``https://127.0.0.1:PORT/v1.0``). Routes, by the
names faults and counters use:

==================  =====================================================================
``list_attachments``  GET  /v1.0/me/messages/{id}/attachments (or /users/{upn}/...)
``attachment_value``  GET  .../attachments/{id}/$value: a file's bytes, an item's MIME; 405 for a link
``mail_tips``         POST /v1.0/me/getMailTips (or /users/{upn}/getMailTips)
``organization``      GET  /v1.0/organization: ``verified_domains``
``beta_attachment``   GET  /beta/me/messages/{id}/attachments/{id}: one attachment, a reference's ``sourceUrl``
                    included (v1.0 lists none); 404 with ``graph.beta = False``
``drive_item``        GET  /v1.0/shares/{u!token}/driveItem
``drive_content``     GET  /v1.0/shares/{u!token}/driveItem/content: a 302 to ``download``
``download``          GET  https://localhost:PORT/download/{n}: another origin, pre-authenticated
``sent_items_delta``  GET  /v1.0/me/mailFolders/sentitems/messages/delta (or /users/{id}/...): Sent Items
``inbox_delta``       GET  /v1.0/me/mailFolders/inbox/messages/delta (or /users/{id}/...): the Inbox
``people``            GET  /v1.0/me/people (or /users/{id}/people): a user's relevant people
==================  =====================================================================

People (``add_person(mailbox, name, *addresses, kind="Person")``, a Graph person resource with
``scoredEmailAddresses``) are served most relevant first (the order added), ``$top`` of them
(default 10, as Graph) after ``$skip``, with only the ``$select``-ed fields plus ``id``; a
/users/{id} mailbox with no people added is a 404. Recipient suggestions
(``add_recipient_suggestions(address, [(address, name), ...])``) are answered in getMailTips's
``recipientSuggestions`` when its ``MailTipsOptions`` name ``recipientSuggestions``.

Sent Items (``add_sent_message(mailbox, message)``, a Graph message resource) are served by the
delta query as Graph does: only the ``$select``-ed fields (plus ``id``), at most
``Prefer: odata.maxpagesize`` per page (default 10), pages linked by ``@odata.nextLink``
(``$skiptoken``), the last with ``@odata.deltaLink`` (``$deltatoken``), from which a later call
returns only messages added since. A /users/{id} mailbox with no Sent Items added is a 404
(``ErrorInvalidUser``). ``expire_delta_links()`` makes every earlier token answer
410 Gone (``SyncStateNotFound``). ``delta_requests`` holds each call's query parameters.

Every route but ``download`` answers 401 unless ``Authorization: Bearer <token>``: a token this fake
made with ``issue_token(tenant)`` (per test, per tenant; ``Seen.tenant`` records whose it was;
``revoke_tokens()`` refuses them all from then on), or the ``token`` given to the constructor: a fixed
string, a callable that checks the presented token (e.g. the fake Entra ID's ``graph_token_check``,
which answers the token's claims: then its ``scp``/``roles`` must hold a permission Graph accepts for
the route (``PERMISSIONS``), else 403 ErrorAccessDenied), or None for "only issued tokens".

As Graph does, ``$select`` is honoured (a listing, the organisation and a drive item carry only the
selected properties, plus ``id`` and ``@odata.type``; a listing without it carries each file's
``contentBytes``); ``attachments_page_size = n`` pages attachment listings by ``@odata.nextLink``
(``$skiptoken``, the ``$select`` kept); ``mail_tips_limit = n`` answers 400 to a getMailTips call naming
more than n addresses (Graph documents no number; Exchange publishes its own as
MaxRecipientsPerGetMailTipsRequest), and ``mail_tip_error(address)`` answers that address with an
``error`` (a mailTipsError) instead of counts. ``add_unsynced_message`` models a draft that is 404 first
and there later.
Messages live in a mailbox: ``"me"`` (delegated calls) or a user's address
(application calls to /users/{upn}); an unknown message or attachment is a 404.

Faults, each for the next ``times`` requests of a route, in the order added:
``throttle(route, times, retry_after)`` answers 429 with Retry-After;
``fail(route, times, status=503)`` answers an error status;
``reset(route, times)`` drops the connection without an answer (TCP RST).
``slow(route, seconds)`` delays every request of the route until ``slow(route, 0)``.

Observations: ``count(route)``; ``requests`` (a list of ``Seen``: route, mailbox,
authorised, the ``$select`` asked for); ``mail_tips_requests`` (the JSON bodies of getMailTips
calls); ``peak_concurrency(route)`` (the most slow requests of a route answered at once).
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tests.fakes.tls import LoopbackServer, TestCA

# What Graph accepts for each route (delegated scp or application roles): the least privileged permission
# Microsoft documents and those above it. Enforced only for tokens whose claims a token check gives.
_MAIL_READ = frozenset({"Mail.Read", "Mail.ReadWrite", "Mail.Read.Shared", "Mail.ReadWrite.Shared"})
PERMISSIONS = {
    "list_attachments": _MAIL_READ,
    "attachment_value": _MAIL_READ,
    "mail_tips": _MAIL_READ,
    "sent_items_delta": _MAIL_READ | {"Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.ReadBasic.Shared"},
    "inbox_delta": _MAIL_READ | {"Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.ReadBasic.Shared"},
    "organization": frozenset({"User.Read", "User.Read.All", "Organization.Read.All", "Directory.Read.All"}),
    "drive_item": frozenset({"Files.ReadWrite", "Files.ReadWrite.All", "Files.Read.All", "Sites.Read.All"}),
    "drive_content": frozenset({"Files.ReadWrite", "Files.ReadWrite.All", "Files.Read.All", "Sites.Read.All"}),
}

ODATA_TYPES = {
    "file": "#microsoft.graph.fileAttachment",
    "item": "#microsoft.graph.itemAttachment",
    "reference": "#microsoft.graph.referenceAttachment",
}


@dataclass
class FakeAttachment:
    id: str
    name: str
    kind: str = "file"  # "file", "item" (its content is MIME) or "reference" (a link)
    content: bytes = b""
    content_type: str = "application/octet-stream"
    source_url: str | None = None  # a reference's link; listed as sourceUrl only when list_source_url
    listed_size: int | None = None  # the size the listing reports (default: len(content))
    chunked: bool = False  # $value without Content-Length (chunked transfer)
    is_inline: bool = False


@dataclass
class SharedFile:
    name: str
    content: bytes
    mime_type: str = "application/octet-stream"
    folder: bool = False


@dataclass(frozen=True)
class Seen:
    route: str
    mailbox: str | None
    authorised: bool
    select: tuple[str, ...] = ()  # the $select the request asked for, in its order
    tenant: str | None = None  # the presented token's tenant: an issued one's, or what a token check answered


@dataclass
class _Fault:
    route: str
    kind: str  # "throttle", "fail", "reset"
    left: int
    status: int = 503
    retry_after: str | None = None


@dataclass
class _State:
    token: str | Callable[[str], bool] | None  # a fixed token, a check of the presented one, or None
    messages: dict = field(default_factory=dict)  # (mailbox, message id) -> [FakeAttachment]
    groups: dict = field(default_factory=dict)  # address -> (total, external)
    shared: dict = field(default_factory=dict)  # url -> SharedFile
    downloads: dict = field(default_factory=dict)  # n -> SharedFile
    verified_domains: list = field(default_factory=list)
    list_source_url: bool = False
    beta: bool = True  # serve GET /beta/.../attachments/{id} (a reference's sourceUrl, which v1.0 lacks)
    faults: list = field(default_factory=list)
    slow: dict = field(default_factory=dict)
    issued: dict = field(default_factory=dict)  # token -> tenant, for tokens made by issue_token
    attachments_page_size: int | None = None  # None: one page, as a short listing is
    foreign_next_links: bool = False  # nextLinks name another origin (localhost for 127.0.0.1)
    mail_tips_limit: int | None = None  # addresses one getMailTips call may name (None: any number)
    mail_tip_errors: dict = field(default_factory=dict)  # address -> error code answered for it
    counts: Counter = field(default_factory=Counter)
    in_flight: Counter = field(default_factory=Counter)  # requests being answered now, per route
    peak_in_flight: Counter = field(default_factory=Counter)  # the most ever at once, per route
    requests: list = field(default_factory=list)
    mail_tips_requests: list = field(default_factory=list)
    sent_items: dict = field(default_factory=dict)  # mailbox -> [message resource], in the order added
    inbox: dict = field(default_factory=dict)  # mailbox -> [message resource], in the order added
    delta_epoch: int = 0  # tokens of an earlier epoch answer 410
    delta_requests: list = field(default_factory=list)
    unsynced: dict = field(default_factory=dict)  # (mailbox, message id) -> listings still answered 404
    people: dict = field(default_factory=dict)  # mailbox -> [person resource], most relevant first
    people_requests: list = field(default_factory=list)  # the query of each people call
    suggestions: dict = field(default_factory=dict)  # address -> [recipient resource] (MailTips)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FakeGraph:
    def __init__(self, ca: TestCA, token: str | Callable[[str], bool] | None = "graph-token"):
        self._state = _State(token=token)
        self._server = LoopbackServer(_handler(self._state), ca)
        self._server.httpd.handle_error = lambda request, address: None  # resets and hang-ups are on purpose
        # Poll for shutdown every 50 ms (the default 0.5 s would add that much to every test).
        self._server.thread = threading.Thread(
            target=self._server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- setup ------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"{self._server.url}/v1.0"

    @property
    def token(self):
        return self._state.token

    @token.setter
    def token(self, token: str | Callable[[str], bool] | None) -> None:
        """The token accepted besides issued ones: a fixed string, a check, or None (e.g. a check that
        needs ``url``, known once the fake is made)."""
        self._state.token = token

    @property
    def verified_domains(self) -> list[str]:
        return self._state.verified_domains

    @verified_domains.setter
    def verified_domains(self, domains: list[str]) -> None:
        self._state.verified_domains = list(domains)

    @property
    def beta(self) -> bool:
        return self._state.beta

    @beta.setter
    def beta(self, value: bool) -> None:
        """Answer Graph beta's single-attachment GET (with ``sourceUrl``); False: 404 as if it were gone."""
        self._state.beta = value

    @property
    def list_source_url(self) -> bool:
        return self._state.list_source_url

    @list_source_url.setter
    def list_source_url(self, value: bool) -> None:
        """List references' ``sourceUrl`` (Graph beta does; v1.0 does not)."""
        self._state.list_source_url = value

    def add_message(self, message_id: str, attachments: list[FakeAttachment], mailbox: str = "me") -> None:
        self._state.messages[(mailbox.lower(), message_id)] = list(attachments)

    def add_unsynced_message(
        self, message_id: str, attachments: list[FakeAttachment], lookups: int = 1, mailbox: str = "me"
    ) -> None:
        """A draft saved in classic Outlook's cached mode: not on the server yet, so its first
        ``lookups`` listings answer 404 (ErrorItemNotFound); after that it is there."""
        self.add_message(message_id, attachments, mailbox)
        self._state.unsynced[(mailbox.lower(), message_id)] = lookups

    # -- strictness (additive: a fake made as before behaves as before) -------------

    def issue_token(self, tenant: str) -> str:
        """A new bearer token for ``tenant``, unguessable and valid for this fake only: requests with it
        are recorded with that tenant (``Seen.tenant``). ``revoke_tokens()`` makes every one answer 401."""
        token = secrets.token_urlsafe(24)
        with self._state.lock:
            self._state.issued[token] = tenant
        return token

    def revoke_tokens(self) -> None:
        with self._state.lock:
            self._state.issued.clear()

    @property
    def attachments_page_size(self) -> int | None:
        return self._state.attachments_page_size

    @attachments_page_size.setter
    def attachments_page_size(self, size: int | None) -> None:
        """Answer attachment listings this many at a time, linked by ``@odata.nextLink`` as Graph does."""
        self._state.attachments_page_size = size

    @property
    def foreign_next_links(self) -> bool:
        return self._state.foreign_next_links

    @foreign_next_links.setter
    def foreign_next_links(self, value: bool) -> None:
        """Listings' ``@odata.nextLink`` names another origin (``localhost`` for ``127.0.0.1``): a hostile page."""
        self._state.foreign_next_links = value

    @property
    def mail_tips_limit(self) -> int | None:
        return self._state.mail_tips_limit

    @mail_tips_limit.setter
    def mail_tips_limit(self, limit: int | None) -> None:
        """Refuse (400) a getMailTips call naming more than ``limit`` addresses."""
        self._state.mail_tips_limit = limit

    def mail_tip_error(self, address: str, code: str = "ErrorMailTipsUnavailable") -> None:
        """getMailTips answers this address with an ``error`` (a mailTipsError) instead of its counts."""
        self._state.mail_tip_errors[address.lower()] = code

    def clear_mail_tip_errors(self) -> None:
        self._state.mail_tip_errors.clear()

    def add_group(self, address: str, total: int, external: int = 0) -> None:
        self._state.groups[address.lower()] = (total, external)

    def add_shared_file(self, url: str, name: str, content: bytes = b"", mime_type: str = "application/octet-stream",
                        folder: bool = False) -> None:
        self._state.shared[url] = SharedFile(name, content, mime_type, folder)

    def add_sent_message(self, mailbox: str, message: dict) -> None:
        """A message in a mailbox's Sent Items ("me", or a user's id or address as /users/{id} names it)."""
        with self._state.lock:
            self._state.sent_items.setdefault(mailbox.lower(), []).append(dict(message))

    def add_sent_messages(self, mailbox: str, messages) -> None:
        with self._state.lock:
            self._state.sent_items.setdefault(mailbox.lower(), []).extend(dict(m) for m in messages)

    def add_received_messages(self, mailbox: str, messages) -> None:
        """Messages in a mailbox's Inbox."""
        with self._state.lock:
            self._state.inbox.setdefault(mailbox.lower(), []).extend(dict(m) for m in messages)

    def add_person(self, mailbox: str, name: str, *addresses: str, kind: str = "Person") -> None:
        """A person relevant to ``mailbox``'s user (after those added before)."""
        with self._state.lock:
            people = self._state.people.setdefault(mailbox.lower(), [])
            people.append({
                "id": f"person-{len(people)}",
                "displayName": name,
                "givenName": name.split()[0] if name.split() else "",
                "surname": name.split()[-1] if name.split() else "",
                "personType": {"class": kind, "subclass": "OrganizationUser" if kind == "Person" else "UnifiedGroup"},
                "scoredEmailAddresses": [
                    {"address": a, "relevanceScore": 100.0 - i, "selectionLikelihood": "notSpecified"}
                    for i, a in enumerate(addresses)
                ],
                "jobTitle": "never to be asked for",
            })

    def add_recipient_suggestions(self, address: str, suggested) -> None:
        """What Exchange suggests beside ``address``: (address, name) pairs."""
        with self._state.lock:
            self._state.suggestions[address.lower()] = [
                {"emailAddress": {"address": a, "name": n}} for a, n in suggested
            ]

    @property
    def people_requests(self) -> list[dict]:
        with self._state.lock:
            return list(self._state.people_requests)

    def expire_delta_links(self) -> None:
        with self._state.lock:
            self._state.delta_epoch += 1

    @property
    def delta_requests(self) -> list[dict]:
        with self._state.lock:
            return list(self._state.delta_requests)

    # -- faults -----------------------------------------------------------------

    def throttle(self, route: str, times: int = 1, retry_after: float | str = 1) -> None:
        self._add_fault(_Fault(route, "throttle", times, 429, str(retry_after)))

    def fail(self, route: str, times: int = 1, status: int = 503, retry_after: float | str | None = None) -> None:
        self._add_fault(_Fault(route, "fail", times, status, None if retry_after is None else str(retry_after)))

    def reset(self, route: str, times: int = 1) -> None:
        self._add_fault(_Fault(route, "reset", times))

    def slow(self, route: str, seconds: float) -> None:
        with self._state.lock:
            self._state.slow[route] = seconds

    def _add_fault(self, fault: _Fault) -> None:
        with self._state.lock:
            self._state.faults.append(fault)

    # -- observations -----------------------------------------------------------

    def count(self, route: str) -> int:
        with self._state.lock:
            return self._state.counts[route]

    def peak_concurrency(self, route: str) -> int:
        """The most requests to ``route`` this fake was answering at the same moment."""
        with self._state.lock:
            return self._state.peak_in_flight[route]

    @property
    def requests(self) -> list[Seen]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def mail_tips_requests(self) -> list[dict]:
        with self._state.lock:
            return list(self._state.mail_tips_requests)

    def __enter__(self):
        self._server.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._state.stopping.set()  # wake slow handlers
        self._server.__exit__(*exc)


def _handler(state: _State):
    class Handler(_GraphHandler):
        pass

    Handler.state = state
    return Handler


class _GraphHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: _State

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    # -- dispatch -----------------------------------------------------------------

    def _serve(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        route, mailbox, parts = _route(method, url.path)
        parts["query"] = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        authorised, tenant, permissions = _authorised(self.headers.get("Authorization", ""), self.state)
        select = tuple(
            name for value in parse_qs(url.query).get("$select", []) for name in value.split(",") if name
        )
        with self.state.lock:
            self.state.counts[route] += 1
            self.state.requests.append(Seen(route, mailbox, authorised, select, tenant))
            delay = self.state.slow.get(route, 0)
        if route == "unknown":
            return self._error(404, "UnknownRoute", "no such fake route")
        if route != "download" and not authorised:
            return self._error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
        if permissions is not None and route in PERMISSIONS and not permissions & PERMISSIONS[route]:
            return self._error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        if delay and self._wait(route, delay):
            return self._reset()
        if self._faulted(route):
            return
        getattr(self, f"_{route}")(mailbox, parts, body)

    def _wait(self, route: str, delay: float) -> bool:
        """Answer ``delay`` seconds late, counting how many slow answers overlap; True when stopping."""
        with self.state.lock:
            self.state.in_flight[route] += 1
            self.state.peak_in_flight[route] = max(self.state.peak_in_flight[route], self.state.in_flight[route])
        try:
            return self.state.stopping.wait(delay)
        finally:
            with self.state.lock:
                self.state.in_flight[route] -= 1

    def _faulted(self, route: str) -> bool:
        with self.state.lock:
            fault = next((f for f in self.state.faults if f.route == route and f.left > 0), None)
            if fault is not None:
                fault.left -= 1
        if fault is None:
            return False
        if fault.kind == "reset":
            self._reset()
        else:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            code = "TooManyRequests" if fault.status == 429 else "ServiceUnavailable"
            self._error(fault.status, code, "fault injected", headers)
        return True

    # -- routes ---------------------------------------------------------------------

    def _list_attachments(self, mailbox, parts, body) -> None:
        attachments = self._message(mailbox, parts["message"])
        with self.state.lock:
            unsynced = self.state.unsynced.get((mailbox, parts["message"]), 0)
            if unsynced:
                self.state.unsynced[(mailbox, parts["message"])] = unsynced - 1
        if attachments is None or unsynced:
            return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        query = parts["query"]
        try:
            start = int(query.get("$skiptoken") or 0)
        except ValueError:
            return self._error(400, "BadRequest", "Invalid $skiptoken.")
        size = self.state.attachments_page_size or len(attachments) or 1
        fields = [f for f in (query.get("$select") or "").split(",") if f]
        document = {"value": [_selected(self._listing(a), fields) for a in attachments[start : start + size]]}
        if start + size < len(attachments):
            select = f"$select={quote(query['$select'], safe=',')}&" if fields else ""
            document["@odata.nextLink"] = f"{self._base()}?{select}$skiptoken={start + size}"
        self._json(200, document)

    def _beta_attachment(self, mailbox, parts, body) -> None:
        attachment = next(
            (a for a in self._message(mailbox, parts["message"]) or [] if a.id == parts["attachment"]), None
        )
        if attachment is None or not self.state.beta:
            return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        listed = self._listing(attachment)
        if attachment.kind == "reference" and attachment.source_url:
            listed["sourceUrl"] = attachment.source_url  # beta returns it, listed or fetched alone
        self._json(200, listed)

    def _attachment_value(self, mailbox, parts, body) -> None:
        attachment = next(
            (a for a in self._message(mailbox, parts["message"]) or [] if a.id == parts["attachment"]), None
        )
        if attachment is None:
            return self._error(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        if attachment.kind == "reference":
            return self._error(405, "ErrorInvalidRequest", "Reference attachments have no raw content.")
        content_type = "message/rfc822" if attachment.kind == "item" else attachment.content_type
        self._bytes(attachment.content, content_type, chunked=attachment.chunked)

    def _mail_tips(self, mailbox, parts, body) -> None:
        request = json.loads(body or b"{}")
        with self.state.lock:
            self.state.mail_tips_requests.append(request)
        addresses = request.get("EmailAddresses", [])
        limit = self.state.mail_tips_limit
        if limit is not None and len(addresses) > limit:
            return self._error(400, "ErrorInvalidArgument", f"At most {limit} addresses per request.")
        tips = []
        for address in addresses:
            error = self.state.mail_tip_errors.get(address.lower())
            if error is not None:
                tips.append({"emailAddress": {"address": address, "name": ""},
                             "error": {"code": error, "message": "MailTips could not be read for this recipient."}})
                continue
            total, external = self.state.groups.get(address.lower(), (1, 0))
            tips.append({"emailAddress": {"address": address, "name": ""},
                         "totalMemberCount": total, "externalMemberCount": external})
        self._add_recipient_suggestions(request, tips)
        self._json(200, {"value": tips})

    def _add_recipient_suggestions(self, request: dict, tips: list[dict]) -> None:
        """MailTips ``recipientSuggestions`` for each address, when the options ask for them."""
        options = [o.strip().lower() for o in str(request.get("MailTipsOptions", "")).split(",")]
        if "recipientsuggestions" not in options:
            return
        with self.state.lock:
            for tip in tips:
                tip["recipientSuggestions"] = list(self.state.suggestions.get(tip["emailAddress"]["address"].lower(), []))

    def _people(self, mailbox, parts, body) -> None:
        query = parts["query"]
        with self.state.lock:
            self.state.people_requests.append(dict(query))
            known = mailbox == "me" or mailbox in self.state.people
            people = list(self.state.people.get(mailbox, []))
        if not known:
            return self._error(404, "ErrorInvalidUser", "The requested user is invalid.")
        try:
            top = int(query.get("$top", 10))
            skip = int(query.get("$skip", 0))
        except ValueError:
            return self._error(400, "BadRequest", "Invalid $top or $skip.")
        fields = [f for f in (query.get("$select") or "").split(",") if f]
        page = [
            {"id": p["id"], **{f: p[f] for f in fields if f in p}} if fields else p
            for p in people[skip : skip + max(0, top)]
        ]
        self._json(200, {"value": page})

    def _sent_items_delta(self, mailbox, parts, body, folder="sent_items") -> None:
        query = parts["query"]
        with self.state.lock:
            self.state.delta_requests.append({**query, "folder": folder})
            epoch = self.state.delta_epoch
            known = mailbox == "me" or mailbox in self.state.sent_items or mailbox in self.state.inbox
            messages = list(getattr(self.state, folder).get(mailbox, []))
        if not known:
            return self._error(404, "ErrorInvalidUser", "The requested user is invalid.")
        try:
            if "$skiptoken" in query:
                token_epoch, start, end = (int(x) for x in query["$skiptoken"].split("-"))
            elif "$deltatoken" in query:
                token_epoch, start = (int(x) for x in query["$deltatoken"].split("-"))
                end = len(messages)
            else:
                token_epoch, start, end = epoch, 0, len(messages)
        except ValueError:
            return self._error(400, "BadRequest", "Invalid token.")
        if token_epoch != epoch:
            return self._error(410, "SyncStateNotFound", "The sync state generation is not found.")
        size = 10
        for preference in (self.headers.get("Prefer") or "").split(","):
            name, _, value = preference.strip().partition("=")
            if name == "odata.maxpagesize" and value.isdigit():
                size = max(1, int(value))
        fields = [f for f in (query.get("$select") or "").split(",") if f]
        page = [
            {"id": m.get("id"), **{f: m.get(f) for f in fields if f in m}} if fields else m
            for m in messages[start : min(end, start + size)]
        ]
        base = f"https://{self.headers.get('Host')}/v1.0{urlsplit(self.path).path.removeprefix('/v1.0')}"
        select = f"$select={quote(query['$select'], safe=',')}&" if fields else ""
        document = {"value": page}
        if start + size < end:
            document["@odata.nextLink"] = f"{base}?{select}$skiptoken={epoch}-{start + size}-{end}"
        else:
            document["@odata.deltaLink"] = f"{base}?{select}$deltatoken={epoch}-{end}"
        self._json(200, document)

    def _inbox_delta(self, mailbox, parts, body) -> None:
        self._sent_items_delta(mailbox, parts, body, folder="inbox")

    def _organization(self, mailbox, parts, body) -> None:
        domains = [{"name": d, "isDefault": i == 0, "isInitial": False, "capabilities": "Email", "type": "Managed"}
                   for i, d in enumerate(self.state.verified_domains)]
        organization = {"id": "org-1", "displayName": "Test organisation", "verifiedDomains": domains}
        fields = [f for f in (parts["query"].get("$select") or "").split(",") if f]
        self._json(200, {"value": [_selected(organization, fields)]})

    def _drive_item(self, mailbox, parts, body) -> None:
        shared = self._shared(parts["share"])
        if shared is None:
            return self._error(404, "itemNotFound", "The sharing link no longer exists, or you do not have access.")
        item = {"id": "item-1", "name": shared.name, "size": len(shared.content)}
        item.update({"folder": {"childCount": 3}} if shared.folder else {"file": {"mimeType": shared.mime_type}})
        fields = [f for f in (parts["query"].get("$select") or "").split(",") if f]
        self._json(200, _selected(item, fields))

    def _drive_content(self, mailbox, parts, body) -> None:
        shared = self._shared(parts["share"])
        if shared is None:
            return self._error(404, "itemNotFound", "The sharing link no longer exists, or you do not have access.")
        with self.state.lock:
            number = len(self.state.downloads) + 1
            self.state.downloads[number] = shared
        # Another origin, as SharePoint's download URLs are: the Graph token must not follow the redirect.
        port = self.server.server_address[1]
        self._send(302, b"", {"Location": f"https://localhost:{port}/download/{number}"})

    def _download(self, mailbox, parts, body) -> None:
        shared = self.state.downloads.get(int(parts["number"]))
        if shared is None:
            return self._error(404, "itemNotFound", "gone")
        self._bytes(shared.content, shared.mime_type)

    # -- helpers ----------------------------------------------------------------------

    def _message(self, mailbox: str, message_id: str):
        return self.state.messages.get((mailbox, message_id))

    def _shared(self, token: str) -> SharedFile | None:
        if not token.startswith("u!"):
            return None
        encoded = token[2:]
        try:
            url = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        except ValueError:
            return None
        return self.state.shared.get(url)

    def _listing(self, a: FakeAttachment) -> dict:
        listed = {"@odata.type": ODATA_TYPES[a.kind], "id": a.id, "name": a.name,
                  "contentType": a.content_type if a.kind == "file" else None,
                  "size": len(a.content) if a.listed_size is None else a.listed_size, "isInline": a.is_inline}
        if a.kind == "reference" and self.state.list_source_url and a.source_url:
            listed["sourceUrl"] = a.source_url
        if a.kind == "file":  # as Graph: a listing carries each file's bytes unless $select leaves them out
            listed["contentBytes"] = base64.b64encode(a.content).decode()
        return listed

    def _base(self) -> str:
        host = self.headers.get("Host", "")
        if self.state.foreign_next_links:
            host = host.replace("127.0.0.1", "localhost")
        return f"https://{host}{urlsplit(self.path).path}"

    def _json(self, status: int, document, headers=None) -> None:
        self._send(status, json.dumps(document).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _error(self, status: int, code: str, message: str, headers=None) -> None:
        self._json(status, {"error": {"code": code, "message": message}}, headers)

    def _bytes(self, content: bytes, content_type: str, chunked: bool = False) -> None:
        if not chunked:
            return self._send(200, content, {"Content-Type": content_type})
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(content), 64 * 1024):
            piece = content[start : start + 64 * 1024]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def _send(self, status: int, payload: bytes, headers: dict) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _reset(self) -> None:
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def _route(method: str, path: str) -> tuple[str, str | None, dict]:
    """(route name, mailbox, path parts) for a request path."""
    segments = [unquote(s) for s in path.strip("/").split("/")]
    if segments[:1] == ["download"] and len(segments) == 2 and segments[1].isdigit():
        return "download", None, {"number": segments[1]}
    if segments[:1] == ["beta"]:
        mailbox, rest = _mailbox(segments[1:])
        if mailbox and len(rest) == 4 and rest[0] == "messages" and rest[2] == "attachments" and method == "GET":
            return "beta_attachment", mailbox, {"message": rest[1], "attachment": rest[3]}
        return "unknown", mailbox, {}
    if segments[:1] != ["v1.0"]:
        return "unknown", None, {}
    rest = segments[1:]
    if rest == ["organization"] and method == "GET":
        return "organization", None, {}
    if rest[:1] == ["shares"] and len(rest) >= 3 and rest[2] == "driveItem" and method == "GET":
        route = {3: "drive_item", 4: "drive_content"}.get(len(rest), "unknown")
        if route == "drive_content" and rest[3] != "content":
            route = "unknown"
        return route, None, {"share": rest[1]}
    mailbox, rest = _mailbox(rest)
    if mailbox is None:
        return "unknown", None, {}
    if rest == ["getMailTips"] and method == "POST":
        return "mail_tips", mailbox, {}
    if [r.lower() for r in rest] == ["mailfolders", "sentitems", "messages", "delta"] and method == "GET":
        return "sent_items_delta", mailbox, {}
    if [r.lower() for r in rest] == ["mailfolders", "inbox", "messages", "delta"] and method == "GET":
        return "inbox_delta", mailbox, {}
    if rest == ["people"] and method == "GET":
        return "people", mailbox, {}
    if len(rest) >= 3 and rest[0] == "messages" and rest[2] == "attachments" and method == "GET":
        if len(rest) == 3:
            return "list_attachments", mailbox, {"message": rest[1]}
        if len(rest) == 5 and rest[4] == "$value":
            return "attachment_value", mailbox, {"message": rest[1], "attachment": rest[3]}
    return "unknown", mailbox, {}


def _mailbox(rest: list[str]) -> tuple[str | None, list[str]]:
    if rest[:1] == ["me"]:
        return "me", rest[1:]
    if rest[:1] == ["users"] and len(rest) >= 2:
        return rest[1].lower(), rest[2:]
    return None, rest


def _selected(resource: dict, fields: list[str]) -> dict:
    """``resource`` as ``$select=fields`` returns it: those properties (Graph adds ``id`` and ``@odata.type``)."""
    if not fields:
        return resource
    return {k: v for k, v in resource.items() if k in fields or k in ("id", "@odata.type")}


def _authorised(header: str, state: _State) -> tuple[bool, str | None, frozenset | None]:
    """(authorised, the token's tenant if known, its permissions if known) for an Authorization header."""
    scheme, _, presented = header.partition(" ")
    if scheme != "Bearer" or not presented:
        return False, None, None
    with state.lock:
        tenant = state.issued.get(presented)
    if tenant is not None:
        return True, tenant, None
    expected = state.token
    if expected is None:
        return False, None, None
    if not callable(expected):
        return presented == expected, None, None
    try:  # a check may answer the token's tenant, or its claims (then scp and roles are enforced)
        verdict = expected(presented)
    except Exception:  # a token the check cannot read is simply not authorised
        return False, None, None
    if isinstance(verdict, dict):
        permissions = frozenset(str(verdict.get("scp") or "").split()) | frozenset(verdict.get("roles") or ())
        return True, verdict.get("tid"), permissions
    return bool(verdict), verdict if isinstance(verdict, str) else None, None
