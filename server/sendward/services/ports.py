"""What the services need from the edges. Adapters implement these; tests pass fakes."""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from sendward.kernel import Deadline
from sendward.domain.draft import Attachment, Draft
from sendward.signals.recipients import GroupSize


class AttachmentSource(Protocol):
    """Fetches attachment bytes the draft only names (Graph, for a saved draft)."""

    def fetch(
        self, draft: Draft, caller, deadline: Deadline, *, scan_links: bool = False
    ) -> Sequence[Attachment]:
        """The draft's attachments with content filled in.

        One that could not be fetched keeps content None and says why in ``fetch_error``;
        a link (reference attachment) is fetched only with ``scan_links``, else it carries a ``note``.
        Raises DraftNotSynced when the draft itself cannot be found.
        """


class GroupSizes(Protocol):
    """Sizes of distribution lists among the recipients (Graph mail tips)."""

    def sizes(self, draft: Draft, caller, deadline: Deadline) -> Mapping[str, GroupSize]:
        """Address (lower case) -> its size, for the addresses that are groups."""


class CorrespondentHistory(Protocol):
    """The sender's correspondent model (recipients.misdirected): synced from Graph, or a file offline."""

    def model(self, draft: Draft, caller, tenant_id: str):
        """A CorrespondentModel, or None when nothing is known of the sender yet (cold start).

        Raise when the history exists but cannot be read: the verdict names it as not checked.
        """

    def subject_key(self, caller, tenant_id: str) -> bytes | None:
        """The key the sender's model hashes addresses with (the tenant's), so the people a draft's
        content is about can be compared with its correspondents; None when there is none."""


class RelevantPeople(Protocol):
    """Who a user works with beside their sent mail (Graph's People API, MailTips recipientSuggestions):
    the seed of a new user's correspondent model (cold start)."""

    def relevant(self, caller, deadline: Deadline) -> Sequence:
        """``Correspondence`` values (address, display name), most relevant first."""

    def suggested(self, caller, deadline: Deadline, addresses: Sequence[str]) -> Sequence:
        """``Correspondence`` values Exchange suggests beside these addresses."""


class ScanCache(Protocol):
    """Scan results by tenant, content hash and policy fingerprint (never the content)."""

    def get(self, key: str): ...

    def put(self, key: str, value) -> None: ...


class DraftSignalsCache(Protocol):
    """A draft's signals by a digest of the draft, its sender and the policy (never the content)."""

    def get(self, key: str, draft: Draft): ...

    def put(self, key: str, signals) -> None: ...


class GraphTokens(Protocol):
    """Access tokens for Microsoft Graph (msal: on-behalf-of the caller, or as the app)."""

    def graph_token(self, caller) -> str:
        """A bearer token for Graph acting for ``caller``; raise GraphAuthError when none can be had."""


class TenantDomains(Protocol):
    """The organisation's verified domains (Graph /organization), used as internal domains."""

    def verified_domains(self, caller, deadline: Deadline) -> Sequence[str]:
        """Lower-case domain names; raise GraphError when Graph cannot say."""


class KeyValueCache(Protocol):
    """Small shared values with a time to live (Graph token caches, mail tips, verified domains).

    In-process by default, Redis when configured. A cache that cannot answer behaves as a miss.
    """

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_seconds: int) -> None: ...

    def add(self, key: str, value: bytes, ttl_seconds: int) -> None:
        """Set only where the key holds nothing."""

    def delete(self, key: str) -> None: ...


class WindowCounter(Protocol):
    """Counts events per key in fixed windows (rate limits): Redis across instances, else in process."""

    def hit(self, key: str, window_seconds: int) -> int | None:
        """Count one event; the count so far in this window, or None when the counter cannot say."""


class PolicyCache(Protocol):
    """Tenants' published policies, shared by every instance (Redis)."""

    def get(self, tenant_id: str): ...

    def fill(self, tenant_id: str, current) -> None:
        """Remember what was read from the database, unless a publisher has written since."""

    def replace(self, tenant_id: str, current) -> None:
        """A new version was published: every instance enforces it from the next request."""
