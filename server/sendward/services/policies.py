"""A tenant's policy: the published version, or the built-in defaults until an admin saves one."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from cachetools import LRUCache
from sendward.domain.policy import Policy, policy_from_file
from sendward.domain.policy_diff import Change, diff_documents
from sendward.domain.records import (
    ExpectedRevision,
    PolicyRecord,
    PolicyState,
    StorageUnavailable,
    UnknownVersion,
)
from sendward.services.ports import PolicyCache, PolicyStore

log = logging.getLogger(__name__)

DEFAULT_VERSION = 0  # the built-in defaults, before any version is saved
DEFAULTS = Policy()  # one copy for every tenant that has saved none (policies are never changed in place)
DEFAULTS_AUTHOR = "Sendward"
MAX_VERSION = 2**31 - 1  # the column is a 32-bit integer: a larger number cannot exist


def version_json(record: PolicyRecord) -> dict[str, Any]:
    """A version's history entry: who saved it, when, why, and whether it is enforced."""
    return {
        "version": record.version,
        "author": record.author,
        "comment": record.comment,
        "created_at": record.created_at.isoformat(),
        "published": record.published,
        "copied_from": record.copied_from,
    }


def export_json(record: PolicyRecord) -> dict[str, Any]:
    """A version as the API and `sendward policy export` give it; `sendward policy import` reads it back."""
    return {**version_json(record), "tenant": record.tenant_id, "policy": record.document}


class PolicyUnavailable(Exception):
    """The policy store cannot be read and this process has never seen the tenant's policy."""


@dataclass
class PolicyService:
    storage: PolicyStore
    cache: PolicyCache | None = None  # shared by instances (Redis); without it, the database per request
    # The policy last read per tenant, kept for database outages; the least recently used go first.
    last_known_tenants: int = 10_000
    _last_known: LRUCache[str, tuple[Policy, int]] = field(init=False, repr=False)
    _last_known_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._last_known = LRUCache(self.last_known_tenants)

    def editable(self, tenant_id: str) -> tuple[Policy, int, PolicyState]:
        """The published policy as an admin edits it, with the state to send back as If-Match.

        Read from the store, never a cache, and the state first: the revision handed out is
        never newer than the policy shown with it (at worst a save in between gives a needless 409).
        """
        state = self.storage.policy_state(tenant_id)
        policy, version = self._published(tenant_id)
        return policy, version, state

    def state(self, tenant_id: str) -> PolicyState:
        return self.storage.policy_state(tenant_id)

    def current(self, tenant_id: str) -> tuple[Policy, int]:
        if self.cache is not None:
            cached = self.cache.get(tenant_id)
            if cached is not None:
                return cached
        try:
            current = self._published(tenant_id)
        except StorageUnavailable as error:
            return self._last_known_or_fail(tenant_id, error)
        self._remember(tenant_id, current)
        if self.cache is not None:
            self.cache.fill(tenant_id, current)
        return current

    def _published(self, tenant_id: str) -> tuple[Policy, int]:
        record = self.storage.published_policy(tenant_id)
        return (Policy.from_stored(record.document), record.version) if record else (DEFAULTS, DEFAULT_VERSION)

    def _remember(self, tenant_id: str, current: tuple[Policy, int]) -> None:
        with self._last_known_lock:  # the threads of a worker share it
            self._last_known[tenant_id] = current

    def _last_known_or_fail(self, tenant_id: str, error: Exception) -> tuple[Policy, int]:
        """While the database is away, keep enforcing the policy last read; never fall back to defaults."""
        with self._last_known_lock:
            known = self._last_known.get(tenant_id)
        if known is None:
            raise PolicyUnavailable() from error
        log.warning("policy store unavailable (%s): using version %d", type(error.__cause__ or error).__name__, known[1])
        return known

    def replace(
        self,
        tenant_id: str,
        document: dict,
        *,
        author: str,
        comment: str = "",
        expected_revision: ExpectedRevision = None,
        publish: bool = True,
    ) -> PolicyRecord:
        """Validate (raises pydantic.ValidationError) and store as the next version."""
        policy = Policy.model_validate(document)
        record = self.storage.save_policy(
            tenant_id,
            policy.to_json(),
            author=author,
            comment=comment,
            publish=publish,
            expected_revision=expected_revision,
        )
        if publish:
            self._announce(record)
        return record

    def import_file(
        self, tenant_id: str, raw: bytes, file_name: str, *, author: str, comment: str = "", publish: bool = False
    ) -> PolicyRecord:
        """Save a policy file (a document or an export) as the next version. Raises InvalidPolicyFile."""
        policy = policy_from_file(raw)
        comment = comment.strip()[:500] or f"Imported from {file_name[:200]}"
        return self.replace(tenant_id, policy.to_json(), author=author, comment=comment, publish=publish)

    # -- versions -------------------------------------------------------------

    def history(self, tenant_id: str) -> list[PolicyRecord]:
        """Every saved version, newest first (the built-in defaults are version 0, not listed)."""
        return self.storage.policy_versions(tenant_id)

    def version(self, tenant_id: str, version: int) -> PolicyRecord:
        """One version of this tenant's policy; version 0 is the built-in defaults. Raises UnknownVersion."""
        if version == DEFAULT_VERSION:
            return self._defaults_record(tenant_id)
        if not 0 < version <= MAX_VERSION:
            raise UnknownVersion(version)
        return self.storage.policy_version(tenant_id, version)

    def latest_version(self, tenant_id: str) -> int:
        return self.storage.latest_version(tenant_id)

    def save_draft(
        self, tenant_id: str, document: dict, *, author: str, comment: str = "", expected_revision: ExpectedRevision = None
    ) -> PolicyRecord:
        """Store a new version without enforcing it (it can be simulated, compared and published later)."""
        return self.replace(
            tenant_id, document, author=author, comment=comment, expected_revision=expected_revision, publish=False
        )

    def publish(self, tenant_id: str, version: int, *, expected_revision: ExpectedRevision = None) -> PolicyRecord:
        """Enforce an existing version. Raises UnknownVersion, VersionConflict or pydantic.ValidationError."""
        if version == DEFAULT_VERSION:
            raise UnknownVersion(version)  # the defaults are restored by a rollback to 0, which saves a copy
        record = self.version(tenant_id, version)
        Policy.model_validate(record.document)  # a version saved by an older release may no longer be valid
        published = self.storage.publish(tenant_id, version, expected_revision=expected_revision)
        self._announce(published)
        return published

    def rollback(
        self,
        tenant_id: str,
        version: int,
        *,
        author: str,
        comment: str = "",
        expected_revision: ExpectedRevision = None,
    ) -> PolicyRecord:
        """Save a copy of ``version`` as the newest version and publish it: history stays linear."""
        source = self.version(tenant_id, version)
        policy = Policy.model_validate(source.document)
        record = self.storage.save_policy(
            tenant_id,
            policy.to_json(),
            author=author,
            comment=comment or f"Rolled back to version {version}",
            publish=True,
            expected_revision=expected_revision,
            copied_from=version,
        )
        self._announce(record)
        return record

    def diff(self, tenant_id: str, before: int, after: int) -> list[Change]:
        older = self.version(tenant_id, before)
        newer = self.version(tenant_id, after)
        return diff_documents(older.document, newer.document)

    def _defaults_record(self, tenant_id: str) -> PolicyRecord:
        published = self.storage.published_policy(tenant_id)
        return PolicyRecord(
            tenant_id=tenant_id,
            version=DEFAULT_VERSION,
            document=Policy().to_json(),
            author=DEFAULTS_AUTHOR,
            comment="The built-in defaults",
            created_at=datetime(1970, 1, 1, tzinfo=timezone.utc),
            published=published is None,
        )

    def _announce(self, published: PolicyRecord) -> None:
        """After a publish: every instance enforces the new version from its next request."""
        if self.cache is not None:
            current = (Policy.model_validate(published.document), published.version)
            self.cache.replace(published.tenant_id, current)
