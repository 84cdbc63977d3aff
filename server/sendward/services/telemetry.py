"""What the services report about their own work: stage timings, decisions, cache use, Graph errors.

The services call a ``Telemetry``; adapters/metrics turns it into Prometheus metrics. Only
counts, durations, actions, rule ids and fixed kinds pass through here, never draft content.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Protocol

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
