"""POST /api/v1/admin/simulate: score an uploaded draft against a policy without recording anything."""

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.builders import draft, people, score_request

SEED = Path(__file__).resolve().parents[2] / "examples" / "01-mass-email-client-list.eml"


@pytest.fixture
def admin(auth):
    return auth(admin=True)


def upload(client, headers, data: bytes = None, name="seed.eml", **fields):
    form = {"file": (io.BytesIO(SEED.read_bytes() if data is None else data), name), **fields}
    return client.post(
        "/api/v1/admin/simulate", data=form, headers=headers, content_type="multipart/form-data"
    )


def decision_count(container) -> int:
    with container.storage.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar()


def test_the_seed_draft_is_blocked_and_nothing_is_recorded(client, admin, container):
    response = upload(client, admin)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["simulated"], body["recorded"]) == (True, False)
    assert body["policy"] == {"source": "published", "version": 0}
    verdict = body["verdict"]
    assert verdict["action"] == "block"
    assert {"recipients.exposed", "attachment.personal_data"} <= {
        f["rule"] for f in verdict["findings"]
    }
    assert verdict["recipients"]["visible_external"] == 157
    assert decision_count(container) == 0


def test_a_candidate_policy_is_tried_without_saving_it(client, admin):
    candidate = {"mode": "monitor"}
    body = upload(client, admin, policy=json.dumps(candidate)).get_json()
    assert body["policy"] == {"source": "candidate", "version": None}
    assert body["verdict"]["action"] == "allow"
    assert body["verdict"]["would_action"] == "block"
    assert client.get("/api/v1/admin/versions", headers=admin).get_json()["latest"] == 0


def test_a_saved_version_can_be_simulated(client, admin):
    client.post("/api/v1/admin/versions", json={"mode": "monitor"}, headers=admin)
    body = upload(client, admin, version="1").get_json()
    assert body["policy"] == {"source": "version", "version": 1}
    assert body["verdict"]["action"] == "allow"


def test_a_json_draft_with_a_candidate(client, admin, container):
    request = {
        "draft": score_request(draft(to=people(4))),
        "policy": {"rules": {"recipients.exposed": {"min_visible_external": 3}}},
    }
    response = client.post("/api/v1/admin/simulate", json=request, headers=admin)
    assert response.status_code == 200
    assert response.get_json()["verdict"]["action"] == "warn"
    without = client.post(
        "/api/v1/admin/simulate", json={"draft": request["draft"]}, headers=admin
    ).get_json()
    assert without["verdict"]["action"] == "allow"
    assert decision_count(container) == 0


def test_an_override_in_the_draft_is_not_reviewed(client, admin):
    request = score_request(draft(to=people(60)))
    request["override"] = {"decision_id": "anything", "justification": "a long enough reason"}
    body = client.post("/api/v1/admin/simulate", json={"draft": request}, headers=admin).get_json()
    assert body["verdict"]["action"] == "block"
    assert "override" not in body["verdict"]


def test_an_invalid_candidate_is_422_with_fields(client, admin):
    response = upload(
        client, admin, policy=json.dumps({"rules": {"recipients.exposed": {"action": "explode"}}})
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid_policy"
    assert body["fields"][0]["field"] == "rules.recipients.exposed.action"
    assert (
        client.post(
            "/api/v1/admin/simulate", json={"draft": {"to": []}, "policy": []}, headers=admin
        ).status_code
        == 422
    )


def test_bad_requests(client, admin):
    assert upload(client, admin, data=b"", name="empty.eml").status_code == 422
    assert upload(client, admin, policy="{not json").status_code == 400
    assert upload(client, admin, version="two").status_code == 400
    assert upload(client, admin, version="9").status_code == 404
    assert upload(client, admin, version="1", policy="{}").status_code == 400
    no_file = client.post(
        "/api/v1/admin/simulate",
        data={"policy": "{}"},
        headers=admin,
        content_type="multipart/form-data",
    )
    assert no_file.status_code == 400 and no_file.get_json()["error"] == "missing_file"
    assert (
        client.post(
            "/api/v1/admin/simulate", data="x", headers=admin, content_type="text/plain"
        ).status_code
        == 415
    )
    assert (
        client.post("/api/v1/admin/simulate", json={"policy": {}}, headers=admin).status_code == 400
    )
    bad_draft = client.post(
        "/api/v1/admin/simulate", json={"draft": {"to": "nobody"}}, headers=admin
    )
    assert bad_draft.status_code == 400 and bad_draft.get_json()["error"] == "invalid_draft"


def test_an_unreadable_file_is_a_clear_error(client, admin):
    response = upload(
        client, admin, data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, name="broken.msg"
    )
    assert response.status_code == 422
    assert response.get_json()["error"] == "unreadable_draft"


def test_a_too_large_upload_is_413(client, admin, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(client, admin)
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_a_history_beside_the_draft_lets_the_wrong_recipient_rule_judge(client, admin, container):
    import gzip

    from tests.cli.test_check_history import graph_message

    history = "".join(
        json.dumps(graph_message(d, [("john.smith@partner.org", "John Smith")])) + "\n" for d in range(40)
    ).encode()
    eml = (
        b"From: Me <me@northshire.gov.uk>\r\nTo: John Smith <john.smith@gmail.com>\r\n"
        b"Subject: Report\r\nDate: Mon, 01 Apr 2024 10:00:00 +0000\r\n\r\nHello\r\n"
    )
    for data in (history, gzip.compress(history)):
        response = upload(client, admin, eml, name="draft.eml", history=(io.BytesIO(data), "history.jsonl"))
        assert response.status_code == 200
        [found] = [f for f in response.get_json()["verdict"]["findings"] if f["rule"] == "recipients.misdirected"]
        assert found["evidence"]["suggestion"] == "john.smith@partner.org"
    without = upload(client, admin, eml, name="draft.eml").get_json()["verdict"]["findings"]
    assert not [f for f in without if f["rule"] == "recipients.misdirected"]
    bad = upload(client, admin, eml, name="draft.eml", history=(io.BytesIO(b"not json\n"), "h.jsonl"))
    assert bad.status_code == 422 and bad.get_json()["error"] == "unreadable_history"
    assert decision_count(container) == 0
