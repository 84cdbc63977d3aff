"""GET/PUT /api/v1/admin/policy: admin role, own tenant only, field-level 422, versions and ETags."""

import pytest

from tests.builders import draft, people, score_request


def test_non_admins_are_refused(client, auth):
    response = client.get("/api/v1/admin/policy", headers=auth(admin=False))
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_no_token_is_401(client):
    assert client.get("/api/v1/admin/policy").status_code == 401


def test_defaults_until_a_policy_is_saved(client, auth):
    response = client.get("/api/v1/admin/policy", headers=auth(admin=True))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r0"'
    body = response.get_json()
    assert body["version"] == 0
    assert "recipients.exposed" in body["policy"]["rules"]


def test_put_replaces_and_is_enforced(client, auth):
    policy = client.get("/api/v1/admin/policy", headers=auth(admin=True)).get_json()["policy"]
    policy["rules"]["recipients.exposed"]["min_visible_external"] = 3
    policy["rules"]["recipients.exposed"]["block_at"] = None
    response = client.put("/api/v1/admin/policy", json=policy, headers=auth(admin=True))
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r1"'
    verdict = client.post("/api/v1/score", json=score_request(draft(to=people(4))), headers=auth()).get_json()
    assert verdict["policy_version"] == 1
    assert any(f["rule"] == "recipients.exposed" and f["action"] == "warn" for f in verdict["findings"])


def test_invalid_policy_is_422_with_fields(client, auth):
    response = client.put(
        "/api/v1/admin/policy",
        json={"internal_domains": ["not a domain"], "rules": {"recipients.exposed": {"action": "explode"}}},
        headers=auth(admin=True),
    )
    assert response.status_code == 422
    fields = {f["field"] for f in response.get_json()["fields"]}
    assert fields == {"internal_domains.0", "rules.recipients.exposed.action"}


def test_tenants_are_isolated(client, auth):
    client.put("/api/v1/admin/policy", json={"internal_domains": ["a.example"]}, headers=auth(tenant="tenant-a", admin=True))
    other = client.get("/api/v1/admin/policy", headers=auth(tenant="tenant-b", admin=True)).get_json()
    assert other["version"] == 0
    assert other["policy"]["internal_domains"] == []


def test_if_match_prevents_lost_updates(client, auth):
    admin = auth(admin=True)
    etag = client.get("/api/v1/admin/policy", headers=admin).headers["ETag"]
    first = client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200
    stale = client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 409
    assert (stale.get_json()["latest_version"], stale.get_json()["published_version"]) == (1, 1)
    fresh = client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": first.headers["ETag"]})
    assert fresh.status_code == 200


def test_without_if_match_the_last_writer_wins(client, auth):
    """Outside users rely on a plain PUT (the contract): no precondition, no 409."""
    admin = auth(admin=True)
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    client.post("/api/v1/admin/versions", json={}, headers=admin)
    response = client.put("/api/v1/admin/policy", json={"mode": "monitor"}, headers=admin)
    assert response.status_code == 200
    assert client.get("/api/v1/admin/policy", headers=admin).get_json()["policy"]["mode"] == "monitor"


@pytest.mark.parametrize("header", ["garbage", "r0", '"r0', '"r0" "r1"', "", "W/r0"])
def test_a_malformed_if_match_is_400(client, auth, header):
    response = client.put("/api/v1/admin/policy", json={}, headers={**auth(admin=True), "If-Match": header})
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_if_match"


@pytest.mark.parametrize("header", ['"v0"', '"something-else"', '"r99"', '"r0x"'])
def test_a_well_formed_tag_that_does_not_match_is_409(client, auth, header):
    """A tag this API never gave, or gave before a change (an older release's "v0" too), is stale."""
    response = client.put("/api/v1/admin/policy", json={}, headers={**auth(admin=True), "If-Match": header})
    assert response.status_code == 409
    assert response.get_json()["error"] == "version_conflict"


@pytest.mark.parametrize("header", ['"r0"', 'W/"r0"', '"r5", "r0"', ' "v1" , "r0" '])
def test_if_match_takes_a_list_of_tags_and_weak_ones(client, auth, header):
    response = client.put("/api/v1/admin/policy", json={}, headers={**auth(admin=True), "If-Match": header})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"r1"'


def test_the_etag_of_get_can_be_sent_back_while_a_draft_is_unpublished(client, auth):
    admin = auth(admin=True)
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    client.post("/api/v1/admin/versions", json={"mode": "monitor"}, headers=admin)  # an unpublished draft
    etag = client.get("/api/v1/admin/policy", headers=admin).headers["ETag"]
    response = client.put("/api/v1/admin/policy", json={}, headers={**admin, "If-Match": etag})
    assert response.status_code == 200
    assert response.get_json()["version"] == 3


def test_if_match_star_accepts_any_current_state(client, auth):
    admin = auth(admin=True)
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    response = client.put("/api/v1/admin/policy", json={"mode": "monitor"}, headers={**admin, "If-Match": "*"})
    assert response.status_code == 200
    assert client.get("/api/v1/admin/policy", headers=admin).get_json()["policy"]["mode"] == "monitor"
