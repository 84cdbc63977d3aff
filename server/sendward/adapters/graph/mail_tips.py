"""GraphGroupSizes: distribution list sizes from Graph mail tips (``POST /me/getMailTips``).

Mail tips report ``totalMemberCount`` and ``externalMemberCount`` for a group; a
mailbox reports one member, so only addresses that are groups are returned.
Exchange caches these counts itself (they are not live), and so do we: per
tenant and address, for ``ttl_seconds``, through the KeyValueCache port, for
mailboxes as well as groups so an everyday e-mail costs no call. Cache keys
hold a hash of the address, never the address.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping, Sequence

from sendward.adapters.graph.client import GraphClient
from sendward.adapters.graph.errors import GraphError
from sendward.adapters.graph.sdk import GetMailTipsPostRequestBody
from sendward.kernel import Deadline
from sendward.domain.draft import Draft
from sendward.signals.recipients import GroupSize

BATCH = 100  # addresses per getMailTips call
MAX_ADDRESSES = 1000  # distinct addresses one draft may look up; beyond that the check is skipped
CONCURRENCY = 4  # calls at once: Outlook's limit of concurrent requests per mailbox
SIZE_OPTIONS = "totalMemberCount, externalMemberCount"  # MailTipsOptions
_MAILBOX = b"mailbox"


class GraphGroupSizes:
    def __init__(self, client: GraphClient, cache, *, mode: str = "delegated", ttl_seconds: int = 3600):
        self.client = client
        self.cache = cache
        self.mode = mode
        self.ttl_seconds = ttl_seconds

    def sizes(self, draft: Draft, caller, deadline: Deadline) -> Mapping[str, GroupSize]:
        addresses = sorted({r.address.address.strip().lower() for r in draft.recipients if "@" in r.address.address})
        if len(addresses) > MAX_ADDRESSES:  # already a large audience; not worth a thousand lookups
            raise GraphError(f"more than {MAX_ADDRESSES} recipients to look up", code="too_many")
        cached = {address: self.cache.get(self._key(caller.tenant_id, address)) for address in addresses}
        known = {address: _decode(value) for address, value in cached.items() if value is not None}
        unknown = [address for address, value in cached.items() if value is None]
        if unknown:
            found = self.client.call(caller, deadline, lambda s: self._look_up(s, unknown))
            for address in unknown:
                if address in found:
                    known[address] = found[address]
                    self.cache.set(self._key(caller.tenant_id, address), _encode(found[address]), self.ttl_seconds)
            missing = len([a for a in unknown if a not in found])
            if missing:  # an address Graph answered with an error (or not at all) is not a one-person mailbox
                raise GraphError(f"mail tips not read for {missing} recipient(s)", code="partial")
        return {address: size for address, size in known.items() if size is not None}

    async def _look_up(self, session, addresses: Sequence[str]) -> dict[str, GroupSize | None]:
        tips = await mail_tips(session, self.mode, addresses, SIZE_OPTIONS, BATCH, CONCURRENCY)
        found: dict[str, GroupSize | None] = {}
        for tip in tips:
            address = (tip.email_address.address or "").lower() if tip.email_address else ""
            if address:
                found[address] = _group(tip.total_member_count, tip.external_member_count)
        return found

    def _key(self, tenant_id: str, address: str) -> str:
        digest = hashlib.sha256(f"{tenant_id}\n{address}".encode()).hexdigest()[:40]
        return f"graph:mailtips:{tenant_id}:{digest}"


async def mail_tips(session, mode: str, addresses: Sequence[str], options: str, batch: int, concurrency: int) -> list:
    """``POST {the caller's mailbox}/getMailTips`` for ``addresses``, ``batch`` at a time and ``concurrency`` calls at
    once; the tips Graph answered without an error. ``options``: Graph's MailTipsOptions (several, comma-separated)."""
    mailbox = session.mailbox(mode)
    slots = asyncio.Semaphore(concurrency)

    async def one(chunk: Sequence[str]):
        # The SDK's MailTipsOptions field takes one flag; Graph takes several, comma-separated.
        body = GetMailTipsPostRequestBody(email_addresses=list(chunk), additional_data={"MailTipsOptions": options})
        async with slots:
            return await session.retried(lambda: mailbox.get_mail_tips.post(body), "mail tips")

    answers = await asyncio.gather(*(one(addresses[i : i + batch]) for i in range(0, len(addresses), batch)))
    return [tip for answer in answers for tip in (answer.value if answer else None) or [] if tip.error is None]


def _group(total: int | None, external: int | None) -> GroupSize | None:
    """A group's size; None for a mailbox (one member, none outside) or when Graph gives no count."""
    if total is None or (total == 1 and not external):
        return None
    return GroupSize(total=max(0, total), external=max(0, external or 0))


def _encode(size: GroupSize | None) -> bytes:
    return _MAILBOX if size is None else json.dumps({"total": size.total, "external": size.external}).encode()


def _decode(value: bytes) -> GroupSize | None:
    if value == _MAILBOX:
        return None
    data = json.loads(value)
    return GroupSize(total=int(data["total"]), external=int(data["external"]))
