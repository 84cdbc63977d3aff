"""The database goes away: sends keep their verdicts, nothing recorded is lost, nothing is a 500."""

import pytest
import sqlalchemy as sa

from sendward.domain.records import StorageUnavailable
from tests.builders import draft, people, score_request


@pytest.fixture
def outage(container, monkeypatch, tmp_path):
    """outage(True) makes every storage call fail like a database that went away (the driver's own
    error, translated at the adapter's edge); outage(False) ends it."""
    working = container.storage.engine
    gone = sa.create_engine(f"sqlite:///{tmp_path}/no-such-directory/sendward.db")

    def set_down(down: bool):
        monkeypatch.setattr(container.storage, "engine", gone if down else working)

    yield set_down
    gone.dispose()


def decisions_in_db(container, tenant="tenant-a"):
    import sqlalchemy as sa

    with container.storage.engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM decisions WHERE tenant_id = :t"), {"t": tenant}).scalar()


def test_a_known_tenant_keeps_its_policy_and_its_audit_trail(client, auth, container, outage):
    admin = auth(admin=True)
    client.put("/api/v1/admin/policy", json={"rules": {"recipients.exposed": {"min_visible_external": 3, "block_at": None}}}, headers=admin)
    body = score_request(draft(to=people(4)))
    assert client.post("/api/v1/score", json=body, headers=auth()).get_json()["policy_version"] == 1

    outage(True)
    during = client.post("/api/v1/score", json=body, headers=auth())
    assert during.status_code == 200
    verdict = during.get_json()
    assert (verdict["policy_version"], verdict["action"]) == (1, "warn")  # the tenant's policy, not the defaults
    assert container.decisions.outbox.pending == 1

    outage(False)
    client.post("/api/v1/score", json=body, headers=auth())
    assert container.decisions.outbox.pending == 0
    assert decisions_in_db(container) == 3


def test_a_tenant_never_seen_gets_503_not_the_defaults(client, auth, outage):
    outage(True)
    response = client.post("/api/v1/score", json=score_request(draft(to=people(4))), headers=auth(tenant="tenant-new"))
    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"


def test_admin_pages_of_a_missing_database_are_503(client, auth, outage):
    outage(True)
    response = client.get("/api/v1/admin/policy", headers=auth(admin=True, tenant="tenant-z"))
    assert response.status_code == 503


def test_an_override_cannot_be_checked_while_the_database_is_away(client, auth, outage):
    first = client.post("/api/v1/score", json=score_request(draft(to=people(12))), headers=auth()).get_json()
    assert first["action"] == "warn"
    outage(True)
    body = score_request(draft(to=people(12)))
    body["override"] = {"decision_id": first["decision_id"], "justification": "Agreed with everyone at the meeting"}
    verdict = client.post("/api/v1/score", json=body, headers=auth()).get_json()
    assert verdict["action"] == "warn"
    assert verdict["override"]["accepted"] is False


def test_the_outbox_is_bounded(container):
    from sendward.services.audit import decision_record
    from sendward.services.outbox import AuditOutbox
    from tests.builders import evaluate_recipients

    class DownStorage:
        def record_decision(self, record):
            raise StorageUnavailable("OperationalError")

    outbox = AuditOutbox(DownStorage(), max_pending=5)
    for i in range(8):
        verdict = evaluate_recipients(draft(to=people(2)), decision_id=f"d{i}")
        outbox.record(decision_record(verdict, tenant_id="t", user="u"))
    assert (outbox.pending, outbox.dropped) == (5, 3)
