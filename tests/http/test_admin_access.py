"""Every admin endpoint: 401 without a token, 403 without the admin role, and one tenant never reaches another."""

import io
from datetime import datetime, timezone

import pytest

from sendward.adapters.storage.repository import DecisionRecord

ENDPOINTS = [
    ("get", "/api/v1/admin/policy", None),
    ("put", "/api/v1/admin/policy", {}),
    ("post", "/api/v1/admin/policy/validate", {}),
    ("get", "/api/v1/admin/versions", None),
    ("post", "/api/v1/admin/versions", {}),
    ("get", "/api/v1/admin/versions/1", None),
    ("get", "/api/v1/admin/versions/1/diff/2", None),
    ("post", "/api/v1/admin/versions/1/publish", None),
    ("post", "/api/v1/admin/rollback", {"version": 1}),
    ("post", "/api/v1/admin/simulate", {"draft": {"to": []}}),
    ("post", "/api/v1/admin/patterns/test", {"pattern": "a", "text": "a"}),
    ("get", "/api/v1/admin/decisions", None),
    ("get", "/api/v1/admin/decisions/d-a", None),
    ("get", "/api/v1/admin/stats", None),
]


def call(client, method, path, body, headers):
    if body is None:
        return getattr(client, method)(path, headers=headers)
    return getattr(client, method)(path, json=body, headers=headers)


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_no_token_is_401(client, method, path, body):
    response = call(client, method, path, body, {})
    assert response.status_code == 401
    assert response.get_json()["error"] == "missing_token"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_a_bad_token_is_401(client, method, path, body):
    response = call(client, method, path, body, {"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_token"


@pytest.mark.parametrize("method, path, body", ENDPOINTS)
def test_a_sender_without_the_admin_role_is_403(client, auth, method, path, body):
    response = call(client, method, path, body, auth(admin=False))
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


@pytest.fixture
def tenant_a_has_data(client, auth, container):
    a = auth(tenant="tenant-a", admin=True)
    client.put("/api/v1/admin/policy", json={"internal_domains": ["a.example"]}, headers=a)
    client.put("/api/v1/admin/policy", json={"internal_domains": ["a2.example"]}, headers=a)
    client.post("/api/v1/admin/versions", json={"internal_domains": ["a3.example"]}, headers=a)
    container.storage.record_decision(
        DecisionRecord(
            id="d-a",
            tenant_id="tenant-a",
            user_hash="ua",
            created_at=datetime.now(timezone.utc),
            action="block",
            would_action=None,
            mode="enforce",
            score=70,
            policy_version=2,
            counts={},
            findings=(("recipients.exposed", "block", None),),
            attachments=(("xlsx", True, 9),),
        )
    )
    return a


def test_tenant_b_cannot_read_tenant_a(client, auth, tenant_a_has_data):
    b = auth(tenant="tenant-b", admin=True)
    assert client.get("/api/v1/admin/policy", headers=b).get_json()["version"] == 0
    assert client.get("/api/v1/admin/versions", headers=b).get_json()["versions"] == []
    for path in (
        "/api/v1/admin/versions/1",
        "/api/v1/admin/versions/1/diff/2",
        "/api/v1/admin/decisions/d-a",
    ):
        assert client.get(path, headers=b).status_code == 404, path
    assert client.get("/api/v1/admin/decisions", headers=b).get_json()["total"] == 0
    stats = client.get("/api/v1/admin/stats", headers=b).get_json()
    assert (
        stats["decisions"] == 0 and stats["top_rules"] == [] and stats["top_attachment_types"] == []
    )
    simulated = client.post(
        "/api/v1/admin/simulate", json={"draft": {"to": []}, "version": 2}, headers=b
    )
    assert simulated.status_code == 404


def test_tenant_b_cannot_change_tenant_a(client, auth, tenant_a_has_data):
    a, b = tenant_a_has_data, auth(tenant="tenant-b", admin=True)
    assert client.post("/api/v1/admin/versions/3/publish", headers=b).status_code == 404
    assert client.post("/api/v1/admin/rollback", json={"version": 1}, headers=b).status_code == 404
    client.put("/api/v1/admin/policy", json={"internal_domains": ["b.example"]}, headers=b)
    after = client.get("/api/v1/admin/policy", headers=a).get_json()
    assert (after["version"], after["policy"]["internal_domains"]) == (2, ["a2.example"])
    assert client.get("/api/v1/admin/versions", headers=a).get_json()["latest"] == 3


def test_the_tenant_comes_from_the_token_not_the_request(client, auth, tenant_a_has_data):
    b = auth(tenant="tenant-b", admin=True)
    for sneaky in ({"X-Tenant-Id": "tenant-a"}, {"X-Ms-Tenant": "tenant-a"}):
        assert (
            client.get(
                "/api/v1/admin/versions?tenant=tenant-a", headers={**b, **sneaky}
            ).get_json()["versions"]
            == []
        )
    upload = {"file": (io.BytesIO(b"To: a@gmail.com\n\nhi"), "x.eml"), "version": "3"}
    response = client.post(
        "/api/v1/admin/simulate", data=upload, headers=b, content_type="multipart/form-data"
    )
    assert response.status_code == 404
