"""The admin API end to end with PostgreSQL as the store (in a schema of its own)."""

import uuid

import pytest
import sqlalchemy as sa

from sendward.bootstrap import bootstrap
from sendward.config import Settings
from sendward.entrypoints.http.app import create_app
from tests.builders import draft, people, score_request
from tests.storage.conftest import POSTGRES_URL, postgres_or_skip

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_client(data_dir, scanner):
    server = postgres_or_skip()
    schema = f"sg_admin_app_{uuid.uuid4().hex[:12]}"
    with server.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://") + f"?options=-csearch_path%3D{schema}"
    container = bootstrap(Settings(data_dir=data_dir, database_url=url), scanner=scanner)
    app = create_app(container=container)
    try:
        yield app.test_client(), container
    finally:
        container.storage.engine.dispose()
        with server.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        server.dispose()


def test_versions_scoring_log_and_stats(pg_client, auth):
    client, container = pg_client
    assert container.storage.engine.dialect.name == "postgresql"
    admin = auth(admin=True)
    client.put("/api/v1/admin/policy", json={"mode": "monitor"}, headers=admin)
    client.put("/api/v1/admin/policy", json={}, headers=admin)
    assert client.post("/api/v1/admin/rollback", json={"version": 1}, headers=admin).status_code == 201
    assert client.get("/api/v1/admin/versions/1/diff/2").status_code == 401
    changes = client.get("/api/v1/admin/versions/1/diff/2", headers=admin).get_json()["changes"]
    assert [c["field"] for c in changes] == ["mode"]

    verdict = client.post("/api/v1/score", json=score_request(draft(to=people(60))), headers=auth()).get_json()
    assert (verdict["action"], verdict["would_action"], verdict["policy_version"]) == ("allow", "block", 3)
    log = client.get("/api/v1/admin/decisions?action=allow&rule=recipients.exposed", headers=admin).get_json()
    assert log["total"] == 1
    stats = client.get("/api/v1/admin/stats?days=7", headers=admin).get_json()
    assert stats["would_per_day"][-1]["block"] == 1
    assert stats["monitor"]["would_interrupt"][0]["rule"] == "recipients.exposed"
    assert client.get("/api/v1/admin/versions/99999999999", headers=admin).status_code == 404
    other_tenant = auth(tenant="tenant-b", admin=True)
    assert client.get("/api/v1/admin/decisions", headers=other_tenant).get_json()["total"] == 0
