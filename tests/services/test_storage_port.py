"""The services on the storage port: decisions, overrides, outages and the decision log, without a database.

Most tests take ``store`` and so also run on SQLite behind the real adapter (tests/services/conftest.py);
the outage tests use the fake's ``down`` switch (tests/http/test_database_outage.py breaks the real one).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from sendward.domain.draft import Override
from sendward.domain.records import DecisionFilter, StorageUnavailable
from sendward.kernel import Caller
from sendward.services.audit_log import decisions_page
from sendward.services.decide import DecisionService
from sendward.services.policies import PolicyService, PolicyUnavailable
from tests.builders import draft, evaluate_recipients, people
from tests.fakes.storage import FakeStorage

KEY = b"k" * 32
ALICE = Caller("tenant-a", "alice-oid", "alice@northshire.gov.uk", frozenset(), frozenset())
BOB = dataclasses.replace(ALICE, user_id="bob-oid", name="bob@northshire.gov.uk")


@dataclasses.dataclass
class RecipientsScorer:
    """Scores the recipients only (no attachment scanning): what DecisionService needs of a Scorer."""

    time_budget_ms: int = 4000

    def score(self, d, policy, version, **_context):
        verdict = evaluate_recipients(d, policy, decision_id=str(uuid.uuid4()))
        return dataclasses.replace(verdict, policy_version=version)


def decisions(store) -> DecisionService:
    return DecisionService(RecipientsScorer(), PolicyService(store), store, KEY)


def overriding(d, decision_id):
    return dataclasses.replace(d, override=Override(decision_id, "Agreed with the team lead today"))


def test_a_decision_is_recorded_as_counts_and_rule_ids(store):
    service = decisions(store)
    verdict = service.decide(ALICE, draft(to=people(12)))
    assert verdict.action == "warn"
    stored = store.decision("tenant-a", verdict.decision_id)
    assert stored["action"] == "warn"
    assert "recipients.exposed" in {f["rule"] for f in stored["findings"]}
    assert "alice" not in repr(stored)  # a keyed hash, never the user
    assert store.decision("tenant-b", verdict.decision_id) is None  # another tenant's


def test_an_override_binds_to_the_user_and_the_draft(store):
    service = decisions(store)
    warned = service.decide(ALICE, draft(to=people(12)))
    accepted = service.decide(ALICE, overriding(draft(to=people(12)), warned.decision_id))
    assert (accepted.override["accepted"], accepted.action) == (True, "allow")
    by_bob = service.decide(BOB, overriding(draft(to=people(12)), warned.decision_id))
    assert by_bob.override["accepted"] is False
    other = service.decide(ALICE, overriding(draft(to=people(12), subject="Else"), warned.decision_id))
    assert other.override["accepted"] is False
    page = decisions_page(store, "tenant-a", DecisionFilter())
    assert [d["override_of"] for d in page["decisions"]].count(warned.decision_id) == 1


def test_sends_keep_their_verdict_while_the_store_is_away_and_nothing_is_lost():
    store = FakeStorage()
    service = decisions(store)
    known = service.decide(ALICE, draft(to=people(12)))
    store.down = True
    during = service.decide(ALICE, draft(to=people(12)))
    assert during.action == "warn"  # the policy last read, and the verdict all the same
    assert service.outbox.pending == 1
    late = service.decide(ALICE, overriding(draft(to=people(12)), known.decision_id))
    assert late.override["accepted"] is False  # cannot be checked: the override waits
    store.down = False
    service.decide(ALICE, draft(to=people(2)))
    assert service.outbox.pending == 0
    assert decisions_page(store, "tenant-a", DecisionFilter())["total"] == 4


def test_a_tenant_never_read_is_unavailable_not_the_defaults():
    store = FakeStorage()
    policies = PolicyService(store)
    policies.replace("tenant-a", {"retention_days": 30}, author="a")
    assert policies.current("tenant-a")[1] == 1
    store.down = True
    assert policies.current("tenant-a")[1] == 1  # the version last read is still enforced
    with pytest.raises(PolicyUnavailable) as unavailable:
        policies.current("tenant-new")
    assert isinstance(unavailable.value.__cause__, StorageUnavailable)
    with pytest.raises(StorageUnavailable):  # an admin's edit is never served from memory
        policies.editable("tenant-a")


def test_the_decision_log_filters_and_pages(store):
    service = decisions(store)
    warned = [service.decide(ALICE, draft(to=people(12))) for _ in range(3)]
    allowed = service.decide(BOB, draft(to=people(1)))
    page = decisions_page(store, "tenant-a", DecisionFilter(), per_page=2)
    assert (page["total"], page["pages"], len(page["decisions"])) == (4, 2, 2)
    assert decisions_page(store, "tenant-a", DecisionFilter(action="allow"))["decisions"][0]["decision_id"] == (
        allowed.decision_id
    )
    with_rule = decisions_page(store, "tenant-a", DecisionFilter(rule="recipients.exposed"))
    assert {d["decision_id"] for d in with_rule["decisions"]} == {v.decision_id for v in warned}
    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert decisions_page(store, "tenant-a", DecisionFilter(since=future))["total"] == 0
    with pytest.raises(ValueError):
        decisions_page(store, "tenant-a", DecisionFilter(), per_page=0)


def test_the_fake_store_down_raises_the_domain_error_everywhere():
    store = FakeStorage()
    store.down = True
    assert not store.ping()
    with pytest.raises(StorageUnavailable):
        store.policy_state("t")
    with pytest.raises(StorageUnavailable):
        store.audit.tenants()


def _members(protocol) -> set[str]:
    return {
        name
        for klass in protocol.__mro__
        if klass.__module__ == "sendward.services.ports"
        for name in vars(klass)
        if not name.startswith("_")
    }


def test_the_fake_and_the_adapter_implement_the_whole_port():
    from sendward.adapters.storage.audit_queries import AuditQueries
    from sendward.adapters.storage.repository import Storage
    from sendward.services.ports import AuditStore, Store

    assert {"publish", "record_decision", "decisions_page", "audit"} <= _members(Store)
    for implementation in (Storage, FakeStorage):
        assert {name for name in _members(Store) if not hasattr(implementation, name)} == set()
    for implementation in (AuditQueries, type(FakeStorage().audit)):
        assert {name for name in _members(AuditStore) if not hasattr(implementation, name)} == set()
