"""The shared kernel: the few plain types every layer uses.

Lowest layer of all (see pyproject.toml, [tool.importlinter]): this module imports
nothing from sendward, so the domain, detection, services, adapters and entrypoints
can all depend on it without depending on each other.

- ``Deadline``      a draft's time budget, passed from the entrypoint down to every read
- ``Caller``        who is calling, as the identity adapter validated it
- ``Telemetry``     what the services and adapters report about their work (counts and times only)
- ``utcnow``/``as_utc`` the time helpers the stores and services share
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Protocol

# -- time ------------------------------------------------------------------------


class DeadlineExceeded(Exception):
    """The draft's time budget ran out."""


class Deadline:
    def __init__(self, seconds: float, clock=time.monotonic):
        self._clock = clock
        self.seconds = seconds  # the whole budget, as given
        self.expires_at = clock() + seconds

    @classmethod
    def unlimited(cls) -> "Deadline":
        return cls(365 * 24 * 3600.0)

    def within(self, seconds: float) -> "Deadline":
        """A deadline at most ``seconds`` away that never outlives this one."""
        return Deadline(min(seconds, self.remaining()), clock=self._clock)

    def remaining(self) -> float:
        return max(0.0, self.expires_at - self._clock())

    @property
    def expired(self) -> bool:
        return self._clock() >= self.expires_at

    def check(self) -> None:
        if self.expired:
            raise DeadlineExceeded()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """Every time is stored in UTC (SQLite would silently drop another offset); naive means UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# -- who is calling ---------------------------------------------------------------

ADMIN_ROLE = "Sendward.Admin"
# A tenant id as tokens, the command line and the admin sign-in accept it.
TENANT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Caller:
    tenant_id: str
    user_id: str  # the immutable object id (oid), never written to storage unhashed
    name: str  # preferred_username: shown as the author of a policy version
    scopes: frozenset[str]
    roles: frozenset[str]
    # The bearer token itself: Graph's on-behalf-of flow exchanges it. Kept out of repr and logs.
    assertion: str = field(default="", repr=False, compare=False)

    @property
    def is_admin(self) -> bool:
        return ADMIN_ROLE in self.roles


# -- telemetry ----------------------------------------------------------------------
# What the services report about their own work: stage timings, decisions, cache use, Graph
# errors. The services call a ``Telemetry``; adapters/metrics turns it into Prometheus metrics.
# Only counts, durations, actions, rule ids and fixed kinds pass through here, never draft content.

# The stages a score request goes through; a stage that did not run is not reported.
# policy: reading the tenant's policy and evaluating the rules; detection: recipient,
# context and personal-data signals; extraction: reading the attachments' content.
STAGES = ("auth", "graph", "extraction", "detection", "policy")

# What went wrong talking to Microsoft Graph; anything else is reported as "other".
GRAPH_ERROR_KINDS = ("auth", "throttled", "timeout", "network", "not_found", "server", "other")


class Telemetry(Protocol):
    def stages_finished(self, seconds_by_stage: Mapping[str, float]) -> None:
        """The time one request spent in each stage it went through."""

    def decided(self, action: str, finding_rules: Sequence[tuple[str, str]], *, purpose: str, tenant_id: str) -> None:
        """A verdict was given: its action and each finding's (rule, action)."""

    def scan_cache(self, *, hit: bool) -> None: ...

    def draft_cache(self, *, hit: bool) -> None:
        """A draft whose signals were (not) gathered before, by a background check or a Send."""

    def graph_error(self, kind: str) -> None:
        """A call to Microsoft Graph failed; ``kind`` is one of GRAPH_ERROR_KINDS."""


class NoTelemetry:
    """Reports nothing: the command line and tests that do not look at metrics."""

    def stages_finished(self, seconds_by_stage: Mapping[str, float]) -> None:
        pass

    def decided(self, action, finding_rules, *, purpose, tenant_id) -> None:
        pass

    def scan_cache(self, *, hit: bool) -> None:
        pass

    def draft_cache(self, *, hit: bool) -> None:
        pass

    def graph_error(self, kind: str) -> None:
        pass


NO_TELEMETRY = NoTelemetry()


class StageTimes:
    """Time spent per stage while one request is handled, summed over each entry into a stage."""

    def __init__(self, clock=time.perf_counter):
        self._clock = clock
        self._seconds: dict[str, float] = {}

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = self._clock()
        try:
            yield
        finally:
            self._seconds[stage] = self._seconds.get(stage, 0.0) + (self._clock() - started)

    def seconds(self) -> dict[str, float]:
        return dict(self._seconds)


class NoStageTimes:
    """For scans outside a request (the command line): timing nothing costs nothing."""

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        yield

    def seconds(self) -> dict[str, float]:
        return {}


NO_STAGE_TIMES = NoStageTimes()
