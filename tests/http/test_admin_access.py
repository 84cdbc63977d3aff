"""Every admin endpoint: 401 without a token, 403 without the admin role, and one tenant never reaches another."""

import io
from datetime import datetime, timezone

import pytest

from sendward.domain.records import DecisionRecord


def admin_routes(app) -> list[tuple[str, str]]:
    """Every (method, path) of the admin API in the app's URL map, with 1 for each path value.

    Derived, not listed: a new admin route without ``require_admin`` fails the tests below.
    """
    urls = app.url_map.bind("localhost")
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule != "/api/v1/admin" and not rule.rule.startswith("/api/v1/admin/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = urls.build(rule.endpoint, dict.fromkeys(rule.arguments, 1), method=method)
            routes.append((method.lower(), path))
    return routes


def refused(client, headers, status: int, error: str) -> list[str]:
    """The admin routes that do not answer ``status`` with ``error`` for these headers."""
    app = client.application
    wrong = []
    for method, path in admin_routes(app):
        body = {} if method == "get" else {"json": {}}
        response = getattr(client, method)(path, headers=headers, **body)
        answer = response.get_json(silent=True) or {}
        if response.status_code != status or answer.get("error") != error:
            wrong.append(f"{method.upper()} {path}: {response.status_code} {answer.get('error')}")
    return wrong


def test_the_route_list_comes_from_the_url_map(app):
    routes = admin_routes(app)
    assert len(routes) >= 14  # the admin API as of this writing; more is fine, fewer means a broken derivation
    assert ("get", "/api/v1/admin/stats") in routes
    assert ("post", "/api/v1/admin/versions/1/publish") in routes
    assert ("get", "/api/v1/admin/decisions/1") in routes


def test_no_token_is_401(client):
    assert refused(client, {}, 401, "missing_token") == []


def test_a_bad_token_is_401(client):
    assert refused(client, {"Authorization": "Bearer not-a-token"}, 401, "invalid_token") == []


def test_a_sender_without_the_admin_role_is_403(client, auth):
    assert refused(client, auth(admin=False), 403, "forbidden") == []


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
