"""The Telemetry port and the HTTP request metrics as Prometheus metrics, and their exposition.

Every label takes its value from a small fixed set (route templates, actions, rule ids, stage
names, error kinds); a value outside its set is counted as "other". The tenant label is only
used when the deployment asks for it (SENDWARD_METRICS_TENANT_LABEL).

Under `sendward serve` several gunicorn workers each count their own requests: with
PROMETHEUS_MULTIPROC_DIR set before prometheus_client is imported, every worker writes its
values to files in that directory and the exposition adds them up (see docs/monitoring.md).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from sendward.domain.rules import RULE_IDS
from sendward.domain.verdict import FINDING_ACTIONS, VERDICT_ACTIONS
from sendward.kernel import GRAPH_ERROR_KINDS, STAGES

PURPOSES = ("send", "precheck")
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
OTHER = "other"

REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 5, 8, 15, 30, 60)
STAGE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 4, 8, 15, 30)


def bounded(value: str, allowed: Sequence[str]) -> str:
    return value if value in allowed else OTHER


class PrometheusMetrics:
    """Implements sendward.kernel.Telemetry; one per process (its registry is its own)."""

    def __init__(self, *, tenant_label: bool = False, registry: CollectorRegistry | None = None):
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.http_requests = Counter(
            "sendward_http_requests", "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"], registry=r,
        )
        self.http_duration = Histogram(
            "sendward_http_request_duration_seconds", "Time to answer an HTTP request",
            ["method", "route"], buckets=REQUEST_BUCKETS, registry=r,
        )
        self.http_in_flight = Gauge(
            "sendward_http_requests_in_flight", "HTTP requests being answered now",
            multiprocess_mode="livesum", registry=r,
        )
        self.stage_duration = Histogram(
            "sendward_stage_duration_seconds",
            "Time one request spent in a stage (auth, graph, extraction, detection, policy)",
            ["stage"], buckets=STAGE_BUCKETS, registry=r,
        )
        self.decisions = Counter(
            "sendward_decisions", "Verdicts given, by action and purpose (send or precheck)",
            ["action", "purpose"], registry=r,
        )
        self.findings = Counter(
            "sendward_findings", "Findings in verdicts, by rule id and the finding's action",
            ["rule", "action"], registry=r,
        )
        self.scan_cache_lookups = Counter(
            "sendward_scan_cache_lookups", "Attachment scan cache lookups, by result (hit or miss)",
            ["result"], registry=r,
        )
        self.draft_cache_lookups = Counter(
            "sendward_draft_cache_lookups",
            "Drafts whose signals were gathered before (a Send after its background check), by result",
            ["result"], registry=r,
        )
        self.graph_errors = Counter(
            "sendward_graph_errors", "Failed calls to Microsoft Graph, by kind", ["kind"], registry=r,
        )
        self.rate_limited_requests = Counter(
            "sendward_rate_limited", "Score requests refused with 429, by the limit they met (user or tenant)",
            ["scope"], registry=r,
        )
        self.tenant_decisions = None
        if tenant_label:
            self.tenant_decisions = Counter(
                "sendward_tenant_decisions", "Verdicts given, by tenant id and action",
                ["tenant", "action"], registry=r,
            )
        self._zero_known_series()

    def _zero_known_series(self) -> None:
        """Series an alert rate() over should exist before their first event."""
        for action in VERDICT_ACTIONS:
            for purpose in PURPOSES:
                self.decisions.labels(action, purpose)
        for result in ("hit", "miss"):
            self.scan_cache_lookups.labels(result)
            self.draft_cache_lookups.labels(result)
        for kind in GRAPH_ERROR_KINDS:
            self.graph_errors.labels(kind)
        for scope in ("user", "tenant"):
            self.rate_limited_requests.labels(scope)

    # -- Telemetry ----------------------------------------------------------------

    def stages_finished(self, seconds_by_stage: Mapping[str, float]) -> None:
        for stage, seconds in seconds_by_stage.items():
            if stage in STAGES:
                self.stage_duration.labels(stage).observe(seconds)

    def decided(self, action: str, finding_rules, *, purpose: str, tenant_id: str) -> None:
        action = bounded(action, VERDICT_ACTIONS)
        self.decisions.labels(action, bounded(purpose, PURPOSES)).inc()
        for rule, finding_action in finding_rules:
            self.findings.labels(bounded(rule, RULE_IDS), bounded(finding_action, FINDING_ACTIONS)).inc()
        if self.tenant_decisions is not None:
            self.tenant_decisions.labels(tenant_id, action).inc()

    def scan_cache(self, *, hit: bool) -> None:
        self.scan_cache_lookups.labels("hit" if hit else "miss").inc()

    def draft_cache(self, *, hit: bool) -> None:
        self.draft_cache_lookups.labels("hit" if hit else "miss").inc()

    def graph_error(self, kind: str) -> None:
        self.graph_errors.labels(bounded(kind, GRAPH_ERROR_KINDS)).inc()

    def rate_limited(self, scope: str) -> None:
        self.rate_limited_requests.labels(bounded(scope, ("user", "tenant"))).inc()

    # -- HTTP -----------------------------------------------------------------------

    def request_started(self) -> None:
        self.http_in_flight.inc()

    def request_ended(self) -> None:
        self.http_in_flight.dec()

    def request_answered(self, method: str, route: str, status: int, seconds: float) -> None:
        method = bounded(method, METHODS)
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_duration.labels(method, route).observe(seconds)

    # -- exposition -------------------------------------------------------------------

    def exposition(self, accept: str | None = None) -> tuple[bytes, str]:
        """The metrics in the format ``accept`` asks for (Prometheus text or OpenMetrics):
        every worker's values added up under gunicorn, else this registry's."""
        encoder, content_type = choose_encoder(accept)
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if directory:
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=directory)
            return encoder(registry), content_type
        return encoder(self.registry), content_type
