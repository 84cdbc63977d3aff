"""The decision log and the dashboard figures over the admin API."""

from datetime import datetime, timedelta, timezone

import pytest

from sendward.domain.records import DecisionRecord
from sendward.kernel import utcnow
from tests.builders import draft, people, score_request


@pytest.fixture
def admin(auth):
    return auth(admin=True)


def record(container, id, at, action="warn", rule="recipients.exposed", tenant="tenant-a"):
    container.storage.record_decision(
        DecisionRecord(
            id=id,
            tenant_id=tenant,
            user_hash="abc123",
            created_at=at,
            action=action,
            would_action=None,
            mode="enforce",
            score=40,
            policy_version=0,
            counts={},
            findings=((rule, action, None),) if action != "allow" else (),
            attachments=(("xlsx", True, 4),),
        )
    )


def test_scored_drafts_appear_in_the_log(client, admin, auth):
    verdict = client.post(
        "/api/v1/score", json=score_request(draft(to=people(12))), headers=auth()
    ).get_json()
    log = client.get("/api/v1/admin/decisions", headers=admin).get_json()
    assert log["total"] == 1 and log["page"] == 1 and log["pages"] == 1
    [entry] = log["decisions"]
    assert entry["decision_id"] == verdict["decision_id"]
    assert entry["action"] == "warn"
    assert [f["rule"] for f in entry["findings"]] == [f["rule"] for f in verdict["findings"]]
    assert len(entry["user"]) == 32  # a hash, never the user's name
    one = client.get(f"/api/v1/admin/decisions/{verdict['decision_id']}", headers=admin)
    assert one.status_code == 200 and one.get_json() == entry


def test_filters_and_pages(client, admin, container):
    start = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)
    for i in range(7):
        record(container, f"w{i}", start + timedelta(days=i))
    record(
        container, "b", start + timedelta(days=2), action="block", rule="attachment.personal_data"
    )
    record(container, "a", start + timedelta(days=3), action="allow")

    def ids(query):
        response = client.get(f"/api/v1/admin/decisions?{query}", headers=admin)
        assert response.status_code == 200, response.get_json()
        return [d["decision_id"] for d in response.get_json()["decisions"]]

    assert ids("action=block") == ["b"]
    assert ids("rule=attachment.personal_data") == ["b"]
    assert ids("since=2026-10-06") == ["w6", "w5"]
    assert ids("until=2026-10-01") == ["w0"]  # a date includes the whole day
    assert ids("since=2026-10-03T00:00:00Z&until=2026-10-04T00:00:00Z&action=warn") == ["w2"]
    page = client.get("/api/v1/admin/decisions?per_page=4&page=3", headers=admin).get_json()
    assert (page["total"], page["pages"], page["per_page"]) == (9, 3, 4)
    assert [d["decision_id"] for d in page["decisions"]] == ["w0"]
    assert ids("page=4&per_page=4") == []


@pytest.mark.parametrize(
    "query",
    [
        "action=explode",
        "rule=no.such",
        "since=yesterday",
        "until=2026-13-01",
        "page=0",
        "page=-1",
        "per_page=201",
        "per_page=0",
        "per_page=x",
        "user=../../etc",
        "until=9999-12-31",
        "since=9999-12-31T23:00:00-14:00",
    ],
)
def test_bad_filters_are_400(client, admin, query):
    response = client.get(f"/api/v1/admin/decisions?{query}", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_query"


def test_an_unknown_decision_is_404(client, admin):
    response = client.get("/api/v1/admin/decisions/nope", headers=admin)
    assert response.status_code == 404
    assert response.get_json()["error"] == "unknown_decision"


def test_stats(client, admin, container):
    now = utcnow()
    record(container, "w", now, action="warn")
    record(container, "b", now - timedelta(days=2), action="block", rule="attachment.personal_data")
    record(container, "old", now - timedelta(days=40), action="block")
    body = client.get("/api/v1/admin/stats?days=7", headers=admin).get_json()
    assert body["days"] == 7 and len(body["per_day"]) == 7
    assert body["decisions"] == 2
    assert body["per_day"][-1]["warn"] == 1 and body["per_day"][-3]["block"] == 1
    assert {r["rule"] for r in body["top_rules"]} == {
        "recipients.exposed",
        "attachment.personal_data",
    }
    assert body["top_attachment_types"] == [
        {"type": "xlsx", "attachments": 2, "with_personal_data": 2, "unscanned": 0}
    ]
    assert body["overrides"] == {"interrupted": 2, "overridden": 0, "sent_anyway": 1, "rate": 0.5}  # the warning never sent again
    assert client.get("/api/v1/admin/stats", headers=admin).get_json()["days"] == 30


@pytest.mark.parametrize("days", ["0", "367", "-1", "many"])
def test_stats_days_out_of_range_are_400(client, admin, days):
    assert client.get(f"/api/v1/admin/stats?days={days}", headers=admin).status_code == 400


def test_monitor_mode_lets_mail_go_and_records_what_would_have_happened(client, admin, auth):
    client.put("/api/v1/admin/policy", json={"mode": "monitor"}, headers=admin)
    verdict = client.post(
        "/api/v1/score", json=score_request(draft(to=people(60))), headers=auth()
    ).get_json()
    assert verdict["action"] == "allow" and verdict["would_action"] == "block"
    body = client.get("/api/v1/admin/stats?days=7", headers=admin).get_json()
    assert body["per_day"][-1]["allow"] == 1
    assert body["would_per_day"][-1]["block"] == 1
    [row] = [r for r in body["monitor"]["would_interrupt"] if r["rule"] == "recipients.exposed"]
    assert (row["users"], row["interruptions"]) == (1, 1)


def test_one_rule_in_monitor_mode_while_the_rest_enforce(client, admin, auth):
    client.put(
        "/api/v1/admin/policy", json={"rules": {"recipients.exposed": {"mode": "monitor"}}}, headers=admin
    )
    verdict = client.post(
        "/api/v1/score", json=score_request(draft(to=people(60))), headers=auth()
    ).get_json()
    actions = {f["rule"]: (f["action"], f.get("would_action")) for f in verdict["findings"]}
    assert actions["recipients.exposed"] == ("info", "block")
    assert actions["recipients.external_domains"] == ("warn", None)
    assert verdict["action"] == "warn"
    monitor = client.get("/api/v1/admin/stats?days=1", headers=admin).get_json()["monitor"]
    assert [r["rule"] for r in monitor["would_interrupt"]] == ["recipients.exposed"]
