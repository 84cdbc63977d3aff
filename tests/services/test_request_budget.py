"""The client's budget_ms bounds the time the decision service gives the scorer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sendguard.adapters.identity.tokens import Caller
from sendguard.services.decide import DecisionService
from sendguard.services.scoring import Scorer
from tests.builders import draft

CALLER = Caller(tenant_id="tenant-a", user_id="user-1", name="alice@northshire.gov.uk",
                scopes=frozenset({"access_as_user"}), roles=frozenset())


@dataclass
class BudgetSpy(Scorer):
    budgets: list = field(default_factory=list)

    def score(self, *args, budget_ms=None, **kwargs):
        self.budgets.append(budget_ms)
        return super().score(*args, budget_ms=budget_ms, **kwargs)


@pytest.fixture
def decide(container, scanner):
    def run(requested, *, record=True, time_budget_ms=4000):
        spy = BudgetSpy(scanner=scanner, time_budget_ms=time_budget_ms)
        service = DecisionService(scorer=spy, policies=container.policies, storage=container.storage,
                                  user_hash_key=b"test-key")
        service.decide(CALLER, draft(to=["a@gmail.com"]), record=record, budget_ms=requested)
        return spy.budgets[0]

    return run


def test_a_send_gets_the_smaller_of_the_clients_budget_and_the_configured_one(decide):
    assert decide(1500) == 1500
    assert decide(60_000) == 4000


def test_a_client_that_sends_no_budget_gets_the_configured_one(decide):
    assert decide(None) == 4000
    assert decide(None, record=False) == 4000
