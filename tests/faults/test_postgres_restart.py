"""PostgreSQL stops in the middle of a run and comes back: no request goes unanswered, nothing
recorded is lost, and the service recovers without being restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest
import sqlalchemy as sa

from sendward.bootstrap import bootstrap
from sendward.entrypoints.http.app import create_app
from tests.builders import draft, people, score_request
from tests.conftest import POSTGRES_URL, postgres_schema, postgres_up

POSTGRES = POSTGRES_URL
pytestmark = pytest.mark.postgres


def _cluster():
    versions = os.listdir("/etc/postgresql") if os.path.isdir("/etc/postgresql") else []
    return versions[0] if versions else None


@pytest.fixture
def schema_url():
    if not shutil.which("pg_ctlcluster") or _cluster() is None:
        pytest.skip("pg_ctlcluster is not available to restart PostgreSQL")
    with postgres_schema("sg_restart") as url:
        yield url
        _wait_for(POSTGRES)  # back up before the schema is dropped


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if postgres_up(url):
            return
        time.sleep(0.3)
    raise AssertionError("PostgreSQL did not come back")


def _cluster_command(action: str) -> None:
    arguments = ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", action]
    if action == "stop":
        arguments += ["-m", "fast"]
    subprocess.run(arguments, check=True, capture_output=True, timeout=120)


def test_requests_during_and_after_a_restart(settings, scanner, schema_url):
    container = bootstrap(settings.with_changes(database_url=schema_url), scanner=scanner)
    client = create_app(container=container).test_client()
    headers = {"Authorization": f"Bearer {container.dev_identity.issue('tenant-pg', 'alice@example.org')}"}
    body = score_request(draft(to=people(12)))
    assert client.post("/api/v1/score", json=body, headers=headers).status_code == 200

    _cluster_command("stop")
    try:
        answers = [client.post("/api/v1/score", json=body, headers=headers) for _ in range(5)]
        pending = container.decisions.outbox.pending
    finally:
        _cluster_command("start")  # whatever happens, the shared server comes back
    assert [a.status_code for a in answers] == [200] * 5  # every request answered with a verdict
    assert {a.get_json()["action"] for a in answers} == {"warn"}
    assert pending == 5  # recorded later, not lost

    _wait_for(POSTGRES)
    assert client.post("/api/v1/score", json=body, headers=headers).status_code == 200
    container.decisions.outbox.flush()
    with container.storage.engine.connect() as connection:
        recorded = connection.execute(sa.text("SELECT count(*) FROM decisions")).scalar()
    assert recorded == 7  # nothing lost: the ones made while it restarted were written later
