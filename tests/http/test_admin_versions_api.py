"""Policy versions over the admin API: list, read, save a draft, diff, publish, roll back."""

import pytest

from tests.builders import draft, people, score_request


@pytest.fixture
def admin(auth):
    return auth(admin=True)


def policy_with(client, admin, **exposed):
    policy = client.get("/api/v1/admin/policy", headers=admin).get_json()["policy"]
    policy["rules"]["recipients.exposed"].update(exposed)
    return policy


def test_history_lists_every_version_newest_first(client, admin):
    client.put(
        "/api/v1/admin/policy",
        json=policy_with(client, admin, min_visible_external=5),
        headers={**admin, "X-Policy-Comment": "stricter"},
    )
    client.post(
        "/api/v1/admin/versions",
        json=policy_with(client, admin, min_visible_external=3),
        headers=admin,
    )
    response = client.get("/api/v1/admin/versions", headers=admin)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r2"'  # two changes: a save and publish, a draft
    body = response.get_json()
    assert (body["latest"], body["published"]) == (2, 1)
    assert [(v["version"], v["published"], v["comment"]) for v in body["versions"]] == [
        (2, False, ""),
        (1, True, "stricter"),
    ]
    assert body["versions"][1]["author"] == "alice@northshire.gov.uk"


def test_an_empty_history(client, admin):
    body = client.get("/api/v1/admin/versions", headers=admin).get_json()
    assert body == {"latest": 0, "published": 0, "versions": []}


def test_saving_a_draft_does_not_change_what_is_enforced(client, admin, auth):
    response = client.post(
        "/api/v1/admin/versions",
        json=policy_with(client, admin, min_visible_external=3),
        headers=admin,
    )
    assert response.status_code == 201
    assert response.headers["Location"].endswith("/api/v1/admin/versions/1")
    assert response.get_json()["published"] is False
    verdict = client.post(
        "/api/v1/score", json=score_request(draft(to=people(4))), headers=auth()
    ).get_json()
    assert verdict["action"] == "allow" and verdict["policy_version"] == 0


def test_a_version_reads_back_as_an_export(client, admin):
    client.post(
        "/api/v1/admin/versions", json={"internal_domains": ["northshire.gov.uk"]}, headers=admin
    )
    response = client.get("/api/v1/admin/versions/1", headers=admin)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r1"'
    body = response.get_json()
    assert body["tenant"] == "tenant-a"
    assert body["policy"]["internal_domains"] == ["northshire.gov.uk"]
    assert body["version"] == 1


def test_version_zero_is_the_defaults(client, admin):
    body = client.get("/api/v1/admin/versions/0", headers=admin).get_json()
    assert body["author"] == "Sendward"
    assert body["policy"]["rules"]["recipients.exposed"]["min_visible_external"] == 10


def test_diff_names_the_changed_fields(client, admin):
    client.put(
        "/api/v1/admin/policy",
        json=policy_with(client, admin, min_visible_external=5),
        headers=admin,
    )
    client.post(
        "/api/v1/admin/versions", json=policy_with(client, admin, block_at=80), headers=admin
    )
    body = client.get("/api/v1/admin/versions/1/diff/2", headers=admin).get_json()
    assert body["changes"] == [
        {
            "field": "rules.recipients.exposed.block_at",
            "change": "changed",
            "before": 50,
            "after": 80,
        }
    ]


def test_publishing_a_draft_enforces_it(client, admin, auth):
    client.post(
        "/api/v1/admin/versions",
        json=policy_with(client, admin, min_visible_external=3),
        headers=admin,
    )
    response = client.post(
        "/api/v1/admin/versions/1/publish", headers={**admin, "If-Match": '"r1"'}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r2"'
    assert response.get_json()["published"] is True
    verdict = client.post(
        "/api/v1/score", json=score_request(draft(to=people(4))), headers=auth()
    ).get_json()
    assert verdict["action"] == "warn" and verdict["policy_version"] == 1


def test_rollback_makes_a_new_published_copy(client, admin):
    client.put(
        "/api/v1/admin/policy",
        json=policy_with(client, admin, min_visible_external=5),
        headers=admin,
    )
    client.put(
        "/api/v1/admin/policy",
        json=policy_with(client, admin, min_visible_external=3),
        headers=admin,
    )
    response = client.post(
        "/api/v1/admin/rollback", json={"version": 1, "comment": "too noisy"}, headers=admin
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["version"], body["copied_from"], body["published"], body["comment"]) == (
        3,
        1,
        True,
        "too noisy",
    )
    current = client.get("/api/v1/admin/policy", headers=admin)
    assert current.headers["ETag"] == '"r3"'
    assert current.get_json()["policy"]["rules"]["recipients.exposed"]["min_visible_external"] == 5


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("get", "/api/v1/admin/versions/7", None),
        ("get", "/api/v1/admin/versions/99999999999999999999", None),
        ("get", "/api/v1/admin/versions/1/diff/7", None),
        ("post", "/api/v1/admin/versions/7/publish", None),
        ("post", "/api/v1/admin/versions/0/publish", None),
        ("post", "/api/v1/admin/rollback", {"version": 7}),
        ("post", "/api/v1/admin/rollback", {"version": 2**63}),
    ],
)
def test_unknown_versions_are_404(client, admin, method, path, body):
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    response = (
        getattr(client, method)(path, json=body, headers=admin)
        if body
        else getattr(client, method)(path, headers=admin)
    )
    assert response.status_code == 404
    assert response.get_json()["error"] == "unknown_version"


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/api/v1/admin/versions", {}),
        ("post", "/api/v1/admin/versions/1/publish", None),
        ("post", "/api/v1/admin/rollback", {"version": 1}),
        ("put", "/api/v1/admin/policy", {}),
    ],
)
def test_a_stale_if_match_is_409(client, admin, method, path, body):
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    client.post("/api/v1/admin/versions", json={}, headers=admin)
    stale = {**admin, "If-Match": '"r1"'}
    response = (
        getattr(client, method)(path, json=body, headers=stale)
        if body is not None
        else getattr(client, method)(path, headers=stale)
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body.pop("request_id")  # every error names its request
    assert body == {
        "error": "version_conflict",
        "message": "someone changed the policy since you loaded it (version 2 is the newest, "
        "version 1 is published); reload and try again",
        "latest_version": 2,
        "published_version": 1,
    }


def test_two_admins_publishing_from_the_same_view_cannot_both_win(client, admin):
    for days in (10, 20, 30):
        client.post("/api/v1/admin/versions", json={"retention_days": days}, headers=admin)
    etag = client.get("/api/v1/admin/versions", headers=admin).headers["ETag"]
    first = client.post("/api/v1/admin/versions/2/publish", headers={**admin, "If-Match": etag})
    second = client.post("/api/v1/admin/versions/1/publish", headers={**admin, "If-Match": etag})
    assert (first.status_code, second.status_code) == (200, 409)
    assert second.get_json()["published_version"] == 2
    assert client.get("/api/v1/admin/policy", headers=admin).get_json()["version"] == 2


def test_publishing_changes_the_etag_of_the_policy_and_the_history(client, admin):
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    client.post("/api/v1/admin/versions", json={"mode": "monitor"}, headers=admin)
    before = client.get("/api/v1/admin/policy", headers=admin).headers["ETag"]
    assert client.get("/api/v1/admin/versions", headers=admin).headers["ETag"] == before
    client.post("/api/v1/admin/versions/2/publish", headers=admin)
    after = client.get("/api/v1/admin/policy", headers=admin).headers["ETag"]
    assert after != before
    assert client.get("/api/v1/admin/versions", headers=admin).headers["ETag"] == after
    stale = client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": before})
    assert stale.status_code == 409


def test_the_etag_of_a_version_publishes_it(client, admin):
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    client.post("/api/v1/admin/versions", json={"mode": "monitor"}, headers=admin)
    etag = client.get("/api/v1/admin/versions/1", headers=admin).headers["ETag"]
    response = client.post("/api/v1/admin/versions/1/publish", headers={**admin, "If-Match": etag})
    assert response.status_code == 200


def test_every_change_answers_the_etag_for_the_next_one(client, admin):
    """PUT, save a draft, publish, roll back: each sends back a new ETag that the next change accepts."""
    etag = client.get("/api/v1/admin/policy", headers=admin).headers["ETag"]
    changes = [
        ("put", "/api/v1/admin/policy", {}),
        ("post", "/api/v1/admin/versions", {"mode": "monitor"}),
        ("post", "/api/v1/admin/versions/2/publish", None),
        ("post", "/api/v1/admin/rollback", {"version": 1}),
    ]
    seen = [etag]
    for method, path, body in changes:
        response = getattr(client, method)(path, json=body, headers={**admin, "If-Match": seen[-1]})
        assert response.status_code in (200, 201), path
        seen.append(response.headers["ETag"])
        assert client.get("/api/v1/admin/policy", headers=admin).headers["ETag"] == seen[-1]
    assert len(set(seen)) == len(seen)
    assert client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": seen[-2]}).status_code == 409


def test_an_invalid_draft_is_422_with_fields(client, admin):
    response = client.post(
        "/api/v1/admin/versions",
        json={"rules": {"recipients.exposed": {"block_at": 1}}},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.get_json()["fields"][0]["field"] == "rules.recipients.exposed.block_at"


@pytest.mark.parametrize(
    "body", [{}, {"version": "1"}, {"version": -1}, {"version": True}, {"version": 1, "comment": 5}]
)
def test_a_bad_rollback_request_is_422(client, admin, body):
    response = client.post("/api/v1/admin/rollback", json=body, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"] == "invalid"


def test_a_version_that_no_longer_validates_is_422_on_publish(client, admin, container):
    container.storage.save_policy(
        "tenant-a", {"retention_days": 0}, author="older release", publish=False
    )
    response = client.post("/api/v1/admin/versions/1/publish", headers=admin)
    assert response.status_code == 422
    assert response.get_json()["fields"][0]["field"] == "retention_days"


def test_validate_checks_without_saving(client, admin):
    ok = client.post(
        "/api/v1/admin/policy/validate",
        json={"internal_domains": ["NORTHSHIRE.gov.uk"]},
        headers=admin,
    )
    assert ok.status_code == 200
    assert ok.get_json()["policy"]["internal_domains"] == ["northshire.gov.uk"]
    bad = client.post("/api/v1/admin/policy/validate", json={"retention_days": 0}, headers=admin)
    assert bad.status_code == 422
    assert client.get("/api/v1/admin/versions", headers=admin).get_json()["latest"] == 0


def test_the_pattern_tester_uses_re2(client, admin):
    body = {"pattern": r"ILS/[A-Z]{3}/\d{5}", "text": "Re ILS/ABC/00042 and ILS/XYZ/12345."}
    result = client.post("/api/v1/admin/patterns/test", json=body, headers=admin).get_json()
    assert result["valid"] and result["count"] == 2
    assert result["matches"][0] == {"start": 3, "end": 16, "text": "ILS/ABC/00042"}
    lookbehind = client.post(
        "/api/v1/admin/patterns/test", json={"pattern": "(?<=x)y", "text": "xy"}, headers=admin
    ).get_json()
    assert lookbehind["valid"] is False and "RE2" in lookbehind["error"]
    assert (
        client.post("/api/v1/admin/patterns/test", json={"pattern": 5}, headers=admin).status_code
        == 400
    )
    assert (
        client.post(
            "/api/v1/admin/patterns/test",
            json={"pattern": "a", "text": "x" * 20_001},
            headers=admin,
        ).status_code
        == 413
    )
