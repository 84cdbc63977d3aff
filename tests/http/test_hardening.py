"""Careless-deployment hardening (issue 14): no-store answers, 413 for chunked bodies, /metrics with Entra ID."""

from __future__ import annotations

import io

import pytest

from sendward.bootstrap import bootstrap
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app


def test_api_answers_are_never_stored(client, auth):
    scored = client.post("/api/v1/score", json={"to": [{"address": "a@gmail.com"}]}, headers=auth())
    policy = client.get("/api/v1/admin/policy", headers=auth(admin=True))
    refused = client.get("/api/v1/admin/policy", headers=auth())
    for response in (scored, policy, refused):
        assert response.headers["Cache-Control"] == "no-store"


def test_an_oversized_chunked_body_is_413(container, auth, scanner):
    settings = container.settings.with_changes(max_request_bytes=1000)
    client = create_app(container=bootstrap(settings, scanner=scanner)).test_client()
    body = b'{"to": [], "subject": "' + b"x" * 5000 + b'"}'
    response = client.post(
        "/api/v1/score", input_stream=io.BytesIO(body),
        headers={**auth(), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"


def test_a_small_chunked_body_is_read_in_full(container, auth, scanner):
    client = create_app(container=container).test_client()
    response = client.post(
        "/api/v1/score", input_stream=io.BytesIO(b'{"to": [{"address": "a@gmail.com"}]}'),
        headers={**auth(), "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200


@pytest.fixture
def entra_settings(identity_provider, tmp_path):
    return identity_provider.settings(Settings(data_dir=tmp_path / "data"))


def test_metrics_with_entra_and_no_token_are_refused(entra_settings, scanner):
    client = create_app(container=bootstrap(entra_settings, scanner=scanner)).test_client()
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "SENDWARD_METRICS_TOKEN" in response.get_json()["message"]


def test_metrics_with_entra_and_a_token_need_it(entra_settings, scanner):
    token = "m" * 40
    client = create_app(container=bootstrap(entra_settings.with_changes(metrics_token=token), scanner=scanner)).test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_metrics_stay_open_on_the_embedded_default(client):
    assert client.get("/metrics").status_code == 200


def test_dev_tenant_ids_are_lower_cased(container):
    token = container.dev_identity.issue("Tenant-A", "alice@northshire.gov.uk")
    assert container.validator.validate(token).tenant_id == "tenant-a"
