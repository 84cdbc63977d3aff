"""The drafts of test_no_personal_data_stored.py, full of personal data, are scored, overridden and
simulated; afterwards neither /metrics nor any log line (service, access, gunicorn) holds any of it.
"""

from __future__ import annotations

import json

import pytest

from tests.audit.test_no_personal_data_stored import (
    PEOPLE,
    SENDER,
    leaked,
    request_json,
    scored_everything,  # noqa: F401  (a fixture)
    secrets,
)
from tests.served import request, serve


@pytest.fixture
def scored_with_logs(json_log, request):
    """json_log is set up first, so every record of the scoring below is captured."""
    verdicts = request.getfixturevalue("scored_everything")
    return json_log, verdicts


def metrics_text(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_metrics_hold_no_personal_data(scored_with_logs, client):
    text = metrics_text(client)
    assert "sendward_findings_total" in text  # the verdicts were counted
    assert leaked(text, secrets()) == []


def test_no_json_log_line_holds_personal_data(scored_with_logs):
    log, _verdicts = scored_with_logs
    lines = log.lines()
    access = [line for line in lines if line["logger"] == "sendward.access"]
    assert len(access) >= 7  # two policies, four scores, one simulation
    assert {line["route"] for line in access} >= {"/api/v1/score", "/api/v1/admin/simulate"}
    assert leaked(log.text(), secrets()) == []


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("served-audit"), workers=2) as server:
        yield server


@pytest.mark.served
def test_a_real_server_logs_and_counts_no_personal_data(served):
    status, _, body = request(served.base + "/api/v1/score", request_json(), served.token)
    assert status == 200
    decision_id = json.loads(body)["decision_id"]
    override = {
        **request_json(),
        "override": {"decision_id": decision_id, "justification": f"Agreed with {PEOPLE[0]['email']}"},
    }
    assert request(served.base + "/api/v1/score", override, served.token)[0] == 200
    admin = served.dev_token("--admin")
    assert request(served.base + "/api/v1/admin/simulate", {"draft": request_json()}, admin)[0] == 200
    # Malformed input that quotes personal data in the error the client gets back:
    bad = {**request_json(), "to": [{"address": SENDER, "name": "x" * 600}]}
    assert request(served.base + "/api/v1/score", bad, served.token)[0] == 400
    status, _, metrics = request(served.base + "/metrics")
    assert status == 200

    lines = [json.loads(line) for line in served.stderr_lines() if line.strip()]
    assert {"sendward.access", "gunicorn.error"} <= {line["logger"] for line in lines}
    assert leaked("\n".join(served.stderr_lines()), secrets()) == []
    assert "sendward_decisions_total" in metrics.decode()
    assert leaked(metrics.decode(), secrets()) == []
