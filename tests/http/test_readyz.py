"""GET /readyz: ready with the database and detectors; degraded (still 200) without Redis or the database;
unready without working detectors."""

import socket

import pytest
import sqlalchemy as sa

from sendward.adapters.storage.repository import Storage


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ready_with_the_embedded_default(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json["status"] == "ready"
    assert answer.json["checks"] == {"database": "ok", "redis": "not_configured", "detectors": "ok"}


def test_degraded_but_ready_while_the_database_cannot_be_reached(client, container):
    """Every instance shares the database: unready would take them all out of the load balancer at once,
    while each keeps enforcing the policies it has read."""
    container.storage = Storage(sa.create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/none"))
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json["status"] == "degraded" and answer.json["checks"]["database"] == "unavailable"


def test_unready_when_the_detectors_do_not_work(client, container, monkeypatch):
    monkeypatch.setattr(container.scorer.scanner, "scan_body", lambda body, request: 1 / 0)
    answer = client.get("/readyz")
    assert answer.status_code == 503 and answer.json["checks"]["detectors"] == "unavailable"


@pytest.fixture
def settings(settings, request):
    if "unreachable_redis" in request.fixturenames:
        return settings.with_changes(redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    return settings


@pytest.fixture
def unreachable_redis():
    pass


def test_degraded_but_ready_and_scoring_while_redis_is_away(unreachable_redis, client, auth):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json["status"] == "degraded" and answer.json["checks"]["redis"] == "unavailable"
    body = {"from": {"address": "a@northshire.gov.uk"}, "to": [{"address": "x@gmail.com"}], "subject": "hi",
            "body": {"type": "text", "content": "hello"}}
    assert client.post("/api/v1/score", json=body, headers=auth()).status_code == 200
