"""POST /api/v1/score through the Flask test client."""

import base64

import pytest

from tests.builders import attachment, draft, people, score_request


def test_the_seed_incident_is_blocked(client, auth, clients_xlsx):
    d = draft(to=people(157), attachments=[attachment("clients.xlsx", clients_xlsx)])
    response = client.post("/api/v1/score", json=score_request(d), headers=auth())
    assert response.status_code == 200
    verdict = response.get_json()
    assert verdict["action"] == "block"
    rules = {f["rule"]: f for f in verdict["findings"]}
    assert rules["recipients.exposed"]["evidence"]["visible_external"] == 157
    assert rules["attachment.personal_data"]["evidence"]["data_subjects"] == 163
    assert verdict["attachments"][0] == {
        **verdict["attachments"][0],
        "name": "clients.xlsx",
        "scanned": True,
        "data_subjects": 163,
        "hidden_content": False,
        "error": None,
    }
    assert verdict["recipients"]["visible_external"] == 157
    assert verdict["policy_version"] == 0


def test_an_internal_email_is_allowed(client, auth):
    d = draft(to=people(30, domain="northshire.gov.uk"))
    verdict = client.post("/api/v1/score", json=score_request(d), headers=auth()).get_json()
    assert verdict["action"] == "allow"
    assert verdict["findings"] == []
    assert verdict["decision_id"]


def test_each_decision_has_its_own_id(client, auth):
    body = score_request(draft(to=["a@northshire.gov.uk"]))
    ids = {client.post("/api/v1/score", json=body, headers=auth()).get_json()["decision_id"] for _ in range(3)}
    assert len(ids) == 3


def test_the_minimal_request_is_just_to(client, auth):
    response = client.post("/api/v1/score", json={"to": [{"address": "a@northshire.gov.uk"}]}, headers=auth())
    assert response.status_code == 200


def test_inline_images_are_ignored(client, auth):
    body = score_request(draft(to=["a@gmail.com"]))
    body["attachments"] = [{"name": "logo.png", "is_inline": True, "content_base64": base64.b64encode(b"\x89PNG....").decode()}]
    assert client.post("/api/v1/score", json=body, headers=auth()).get_json()["attachments"] == []


def test_an_attachment_without_content_or_graph_is_reported_not_allowed_silently(client, auth):
    body = score_request(draft(to=["a@gmail.com"]))
    body["attachments"] = [{"id": "AAMk-attachment", "name": "clients.xlsx", "size": 1234}]
    verdict = client.post("/api/v1/score", json=body, headers=auth()).get_json()
    finding = next(f for f in verdict["findings"] if f["rule"] == "attachment.unscannable")
    assert finding["evidence"]["reason"] == "not_fetched"
    assert verdict["attachments"][0]["scanned"] is False


def test_a_precheck_is_answered_but_not_recorded(client, auth, container):
    body = score_request(draft(to=people(12)))
    before = _decisions(container)
    precheck = client.post("/api/v1/score", json={**body, "purpose": "precheck"}, headers=auth())
    assert precheck.status_code == 200 and precheck.get_json()["action"] == "warn"
    assert _decisions(container) == before
    client.post("/api/v1/score", json={**body, "purpose": "send"}, headers=auth())
    assert _decisions(container) == before + 1


def test_an_unknown_purpose_is_a_clear_400(client, auth):
    body = {**score_request(draft(to=["a@gmail.com"])), "purpose": "later"}
    response = client.post("/api/v1/score", json=body, headers=auth())
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_draft"
    assert "purpose" in response.get_json()["message"]


def _decisions(container) -> int:
    from sqlalchemy import text

    with container.storage.engine.connect() as connection:
        return connection.execute(text("select count(*) from decisions")).scalar_one()


@pytest.mark.parametrize("budget", [99, 300_001, -1, "soon", 1.5, {}])
def test_a_bad_budget_is_a_clear_400(client, auth, budget):
    body = {**score_request(draft(to=["a@gmail.com"])), "budget_ms": budget}
    response = client.post("/api/v1/score", json=body, headers=auth())
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_draft"
    assert "budget_ms" in response.get_json()["message"]


@pytest.mark.parametrize("budget", [100, 2600, 300_000])
def test_a_budget_within_bounds_is_accepted(client, auth, budget):
    body = {**score_request(draft(to=["a@gmail.com"])), "budget_ms": budget}
    assert client.post("/api/v1/score", json=body, headers=auth()).status_code == 200


def test_send_pressed_again_names_the_previous_decision_and_the_dashboard_counts_it(client, auth, container):
    from sendward.services.dashboard import stats

    warned = score_request(draft(to=people(12)))
    first = client.post("/api/v1/score", json=warned, headers=auth()).get_json()
    assert first["action"] == "warn" and first["sender_may_override"] is True
    fixed = score_request(draft(to=["a@northshire.gov.uk"]))
    again = client.post(
        "/api/v1/score", json={**fixed, "previous_decision_id": first["decision_id"]}, headers=auth()
    )
    assert again.status_code == 200
    assert container.storage.decision("tenant-a", again.get_json()["decision_id"]) is not None
    overrides = stats(container.storage, "tenant-a", days=1)["overrides"]
    assert (overrides["interrupted"], overrides["sent_anyway"]) == (1, 0)  # fixed, not sent anyway
    client.post("/api/v1/score", json=warned, headers=auth())  # warned, then Send Anyway: nothing follows
    assert stats(container.storage, "tenant-a", days=1)["overrides"]["sent_anyway"] == 1


def test_a_previous_decision_id_that_is_not_an_id_is_refused(client, auth):
    body = {**score_request(draft(to=["a@northshire.gov.uk"])), "previous_decision_id": "x" * 101}
    assert client.post("/api/v1/score", json=body, headers=auth()).status_code in (400, 422)
