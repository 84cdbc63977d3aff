"""What the services and the storage adapters exchange: policy versions, decisions, the decision-log
filter, and the errors a store raises. Plain values; the storage port is ``sendward.services.ports``.

The errors are the store's, in domain terms: the SQLAlchemy adapter translates its driver's
errors into them at its edge, so no caller ever handles a database library's exception.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class PolicyState:
    """Where a tenant's policy stands; ``revision`` goes up by one on every save, publish and rollback."""

    revision: int = 0
    latest: int = 0  # the newest version saved; 0 for none
    published: int = 0  # the version enforced; 0 for the built-in defaults


# The revisions a change may start from (If-Match): one, any of several, or None for whatever it is now.
ExpectedRevision = int | Collection[int] | None


@dataclass(frozen=True)
class PolicyRecord:
    tenant_id: str
    version: int
    document: dict[str, Any]
    author: str
    comment: str
    created_at: datetime
    published: bool = False
    copied_from: int | None = None  # set when a rollback restored that version
    revision: int | None = None  # on a record a save or publish returns: the tenant's revision it made


@dataclass(frozen=True)
class DecisionRecord:
    id: str
    tenant_id: str
    user_hash: str
    created_at: datetime
    action: str
    would_action: str | None
    mode: str
    score: int
    policy_version: int
    counts: dict[str, Any]
    findings: tuple[tuple[str, str, str | None], ...]  # (rule, action, would_action)
    attachments: tuple[tuple[str, bool, int], ...]  # (file type, scanned, data subjects)
    override_of: str | None = None
    justification: str | None = None
    resends: str | None = None  # the decision of this e-mail's previous Send (Send pressed again)
    client_platform: str = ""
    elapsed_ms: int = 0
    draft_digest: str | None = None  # keyed digest of the draft: what an override of it must match


@dataclass(frozen=True)
class DecisionFilter:
    """Which decisions of a tenant the decision log shows; every field set must hold."""

    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    action: str | None = None
    rule: str | None = None  # a rule id among the decision's findings
    user: str | None = None  # a user hash


# -- what a store raises ------------------------------------------------------


class StorageError(Exception):
    """Any failure of the store, in domain terms."""


class StorageUnavailable(StorageError):
    """The store cannot be reached or did not answer (database away, pool exhausted, query failed).

    Raised ``from`` the driver's error, whose type is the only part worth logging."""


class NotFound(StorageError, LookupError):
    """What was asked for does not exist."""


class UnknownVersion(NotFound):
    """The tenant has no policy version with this number."""


class VersionConflict(StorageError):
    """Someone saved, published or rolled back since the caller read the policy."""

    def __init__(self, state: PolicyState):
        super().__init__(f"the policy is now at revision {state.revision}")
        self.state = state
