"""GET /metrics after real requests: counters move, labels stay bounded, the token guards it."""

from __future__ import annotations

import base64

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sendward.domain.rules import RULE_IDS
from sendward.kernel import GRAPH_ERROR_KINDS, STAGES


def samples(client, headers=None) -> list:
    response = client.get("/metrics", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    return [s for family in text_string_to_metric_families(text) for s in family.samples]


def value(client, name: str, **labels) -> float:
    found = [s.value for s in samples(client) if s.name == name and s.labels == labels]
    return found[0] if found else 0.0


def label_values(client, name: str, label: str) -> set[str]:
    return {s.labels[label] for s in samples(client) if s.name == name and label in s.labels}


def exposed_draft(n=157) -> dict:
    return {
        "from": {"address": "ils@northshire.gov.uk"},
        "to": [{"address": f"client{i}@gmail.com"} for i in range(n)],
    }


def with_attachment(draft: dict, data: bytes) -> dict:
    content = base64.b64encode(data).decode()
    return {**draft, "attachments": [{"name": "list.csv", "content_type": "text/csv", "content_base64": content}]}


def test_scoring_moves_the_request_decision_and_finding_counters(client, auth):
    headers = auth()
    for _ in range(3):
        assert client.post("/api/v1/score", json=exposed_draft(), headers=headers).status_code == 200
    client.post("/api/v1/score", json={"to": [{"address": "colleague@northshire.gov.uk"}]}, headers=headers)
    client.post("/api/v1/score", json={**exposed_draft(), "purpose": "precheck"}, headers=headers)

    assert value(client, "sendward_http_requests_total", method="POST", route="/api/v1/score", status="200") == 5
    assert value(client, "sendward_decisions_total", action="block", purpose="send") == 3
    assert value(client, "sendward_decisions_total", action="allow", purpose="send") == 1
    assert value(client, "sendward_decisions_total", action="block", purpose="precheck") == 1
    assert value(client, "sendward_findings_total", rule="recipients.exposed", action="block") == 4
    count = value(client, "sendward_http_request_duration_seconds_count", method="POST", route="/api/v1/score")
    assert count == 5


def test_every_stage_of_a_score_request_is_timed(client, auth, clients_xlsx):
    draft = exposed_draft()
    draft["attachments"] = [
        {"name": "clients.xlsx", "content_base64": base64.b64encode(clients_xlsx).decode()}
    ]
    draft["body"] = {"type": "html", "content": "<p>Call Amelia Okafor on 07700 900123</p>"}
    assert client.post("/api/v1/score", json=draft, headers=auth()).status_code == 200
    for stage in ("auth", "extraction", "detection", "policy"):
        assert value(client, "sendward_stage_duration_seconds_count", stage=stage) == 1, stage
        assert value(client, "sendward_stage_duration_seconds_sum", stage=stage) > 0, stage
    # No Graph adapter here: the graph stage did not run, so it is not reported.
    assert value(client, "sendward_stage_duration_seconds_count", stage="graph") == 0
    assert label_values(client, "sendward_stage_duration_seconds_count", "stage") <= set(STAGES)


def test_a_rejected_token_still_times_authentication(client):
    client.post("/api/v1/score", json=exposed_draft(), headers={"Authorization": "Bearer nonsense"})
    assert value(client, "sendward_stage_duration_seconds_count", stage="auth") == 1
    assert value(client, "sendward_http_requests_total", method="POST", route="/api/v1/score", status="401") == 1
    assert value(client, "sendward_decisions_total", action="block", purpose="send") == 0


def test_the_same_attachment_twice_is_a_cache_miss_then_a_hit(client, auth, clients_xlsx):
    draft = with_attachment(exposed_draft(), clients_xlsx)
    client.post("/api/v1/score", json=draft, headers=auth())
    assert value(client, "sendward_scan_cache_lookups_total", result="miss") == 1
    assert value(client, "sendward_scan_cache_lookups_total", result="hit") == 0
    client.post("/api/v1/score", json={**draft, "subject": "another draft"}, headers=auth())
    assert value(client, "sendward_scan_cache_lookups_total", result="hit") == 1


def test_the_same_draft_again_is_a_draft_cache_hit(client, auth, clients_xlsx):
    draft = with_attachment(exposed_draft(), clients_xlsx)
    client.post("/api/v1/score", json={**draft, "purpose": "precheck"}, headers=auth())
    assert value(client, "sendward_draft_cache_lookups_total", result="miss") == 1
    client.post("/api/v1/score", json=draft, headers=auth())
    assert value(client, "sendward_draft_cache_lookups_total", result="hit") == 1
    assert value(client, "sendward_scan_cache_lookups_total", result="hit") == 0  # nothing read again


def test_routes_are_templates_and_odd_requests_fall_into_fixed_labels(client, auth):
    admin = auth(admin=True)
    client.get("/api/v1/admin/versions/123456", headers=admin)
    client.get("/api/v1/admin/decisions/some-decision-id-0001", headers=admin)
    client.get("/no/such/path/alice@example.org")
    client.open("/api/v1/score", method="BREW")
    routes = label_values(client, "sendward_http_requests_total", "route")
    assert "/api/v1/admin/versions/<int:version>" in routes
    assert "/api/v1/admin/decisions/<decision_id>" in routes
    assert "unmatched" in routes
    assert not any("123456" in r or "0001" in r or "alice" in r for r in routes)
    assert label_values(client, "sendward_http_requests_total", "method") <= {"GET", "POST", "other"}
    assert value(client, "sendward_http_requests_total", method="other", route="unmatched", status="405") == 1


def test_label_values_come_from_fixed_sets(client, auth, container):
    client.post("/api/v1/score", json=exposed_draft(), headers=auth())
    container.metrics.graph_error("throttled")
    container.metrics.graph_error("a kind nobody planned for <alice@example.org>")
    assert value(client, "sendward_graph_errors_total", kind="throttled") == 1
    assert value(client, "sendward_graph_errors_total", kind="other") == 1
    assert label_values(client, "sendward_graph_errors_total", "kind") == set(GRAPH_ERROR_KINDS)
    assert label_values(client, "sendward_findings_total", "rule") <= set(RULE_IDS)
    assert label_values(client, "sendward_decisions_total", "action") == {"allow", "warn", "block"}
    assert all("tenant" not in s.labels for s in samples(client))


def test_tenant_label_only_when_the_deployment_asks_for_it(settings, scanner, token):
    from sendward.bootstrap import bootstrap
    from sendward.entrypoints.http.app import create_app

    container = bootstrap(settings.with_changes(metrics_tenant_label=True), scanner=scanner)
    client = create_app(container=container).test_client()
    for tenant in ("tenant-a", "tenant-b"):
        bearer = {"Authorization": f"Bearer {container.dev_identity.issue(tenant, 'u@northshire.gov.uk')}"}
        client.post("/api/v1/score", json=exposed_draft(), headers=bearer)
    assert value(client, "sendward_tenant_decisions_total", tenant="tenant-a", action="block") == 1
    assert value(client, "sendward_tenant_decisions_total", tenant="tenant-b", action="block") == 1


@pytest.fixture
def guarded_client(settings, scanner):
    from sendward.bootstrap import bootstrap
    from sendward.entrypoints.http.app import create_app

    container = bootstrap(settings.with_changes(metrics_token="s3cret-metrics-token"), scanner=scanner)
    return create_app(container=container).test_client()


@pytest.mark.parametrize(
    "headers, code",
    [({}, "missing_token"), ({"Authorization": "Bearer wrong"}, "invalid_token"), ({"Authorization": "Basic x"}, "missing_token")],
)
def test_a_metrics_token_when_set_is_required(guarded_client, headers, code):
    response = guarded_client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == code
    assert "sendward_" not in response.get_data(as_text=True)


def test_the_right_metrics_token_opens_metrics(guarded_client):
    found = samples(guarded_client, {"Authorization": "Bearer s3cret-metrics-token"})
    assert any(s.name == "sendward_decisions_total" for s in found)


def test_openmetrics_is_served_when_asked_for(client):
    response = client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.content_type.startswith("application/openmetrics-text")
    assert response.get_data(as_text=True).rstrip().endswith("# EOF")
