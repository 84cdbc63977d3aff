"""What the services need from the edges. Adapters implement these; tests pass fakes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Protocol, Sequence

from sendward.kernel import Deadline
from sendward.domain.draft import Attachment, Draft
from sendward.domain.records import (
    DecisionFilter,
    DecisionRecord,
    ExpectedRevision,
    PolicyRecord,
    PolicyState,
)
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


# -- storage ------------------------------------------------------------------
# Every method may raise sendward.domain.records.StorageUnavailable (the store is away); the
# ones named below also raise UnknownVersion or VersionConflict. No database library's error
# reaches a service.


class PolicyStore(Protocol):
    """Tenants' policy versions: saved, published, rolled back; never changed or deleted."""

    def published_policy(self, tenant_id: str) -> PolicyRecord | None:
        """The version enforced, or None while the tenant uses the built-in defaults."""

    def policy_version(self, tenant_id: str, version: int) -> PolicyRecord:
        """One saved version; raises UnknownVersion."""

    def policy_versions(self, tenant_id: str) -> list[PolicyRecord]:
        """Every saved version, newest first."""

    def latest_version(self, tenant_id: str) -> int:
        """The newest version saved; 0 for none."""

    def policy_state(self, tenant_id: str) -> PolicyState: ...

    def save_policy(
        self,
        tenant_id: str,
        document: dict[str, Any],
        *,
        author: str,
        comment: str = "",
        publish: bool,
        expected_revision: ExpectedRevision = None,
        copied_from: int | None = None,
    ) -> PolicyRecord:
        """Store ``document`` as the next version (and enforce it with ``publish``); one step with the
        revision check: raises VersionConflict when the revision is not an expected one."""

    def publish(self, tenant_id: str, version: int, *, expected_revision: ExpectedRevision = None) -> PolicyRecord:
        """Enforce a saved version; raises UnknownVersion or VersionConflict."""


class DecisionStore(Protocol):
    """The audit records of decisions: counts, types and rule ids, never personal data."""

    def record_decision(self, record: DecisionRecord) -> None: ...

    def decision(self, tenant_id: str, decision_id: str) -> dict[str, Any] | None:
        """One decision as the decision log shows it, or None."""

    def decision_binding(self, tenant_id: str, decision_id: str) -> tuple[str, str | None] | None:
        """(user hash, draft digest) of a decision, for checking an override; None if unknown."""

    def decisions_page(
        self, tenant_id: str, where: DecisionFilter, *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Decisions matching ``where``, newest first (then by id), and how many match in all."""


class AuditStore(Protocol):
    """Aggregates of the decisions for the dashboard (grouped by UTC day, 'YYYY-MM-DD'), and the purge.

    Windows include ``since`` and exclude ``until``. "Overrides left out": decisions with
    ``override_of`` set repeat the decision they override and are not counted again."""

    def actions_per_day(
        self, tenant_id: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, str | None, bool, int]]:
        """(day, action, would_action, is an override, decisions)."""

    def rule_counts(self, tenant_id: str, since: datetime, until: datetime) -> list[tuple[str, str, str | None, int]]:
        """(rule, action, would_action, findings), overrides left out."""

    def attachment_types(self, tenant_id: str, since: datetime, until: datetime) -> list[tuple[str, bool, int, int]]:
        """(file type, scanned, attachments, attachments holding personal data), overrides left out."""

    def override_counts(self, tenant_id: str, since: datetime, until: datetime) -> tuple[int, int]:
        """(decisions that interrupted the sender, overrides accepted)."""

    def sent_anyway(self, tenant_id: str, since: datetime, until: datetime) -> int:
        """Warnings whose e-mail the same sender never sent again nor overrode."""

    def would_interrupt(self, tenant_id: str, since: datetime, until: datetime) -> list[tuple[str, str, str, int]]:
        """(rule, user hash, day, decisions) for monitored (info) findings that enforcement would have shown."""

    def rule_prompts(
        self, tenant_id: str, rule: str, since: datetime, until: datetime
    ) -> list[tuple[str, str, datetime, dict]]:
        """(decision id, user hash, time, counts) of decisions where ``rule`` warned or blocked, overrides left out."""

    def follow_ups(
        self, tenant_id: str, users: list[str], since: datetime, until: datetime
    ) -> list[tuple[str, datetime, dict, str | None]]:
        """(user hash, time, counts, override_of) of these users' decisions."""

    def sends(self, tenant_id: str, since: datetime, until: datetime) -> int:
        """Decisions recorded, overrides left out."""

    def tenants(self) -> list[str]:
        """Every tenant with a policy or a decision, sorted."""

    def count_before(self, tenant_id: str, before: datetime) -> int: ...

    def purge(self, tenant_id: str, before: datetime) -> int:
        """Delete the tenant's decisions older than ``before``; how many went."""


class Store(PolicyStore, DecisionStore, Protocol):
    """Everything the services keep: the SQLAlchemy ``Storage`` adapter, or the in-memory fake in tests."""

    @property
    def audit(self) -> AuditStore: ...
