"""The client's budget_ms bounds the time the decision service gives the scorer; a precheck may take longer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from sendward.kernel import Caller
from sendward.config import ConfigError, Settings
from sendward.services.decide import DecisionService
from sendward.services.scoring import Scorer
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
    def run(requested, *, record=True, time_budget_ms=4000, precheck_budget_ms=30_000):
        spy = BudgetSpy(scanner=scanner, time_budget_ms=time_budget_ms)
        service = DecisionService(scorer=spy, policies=container.policies, storage=container.storage,
                                  user_hash_key=b"test-key", precheck_budget_ms=precheck_budget_ms)
        service.decide(CALLER, draft(to=["a@gmail.com"]), record=record, budget_ms=requested)
        return spy.budgets[0]

    return run


def test_a_send_gets_the_smaller_of_the_clients_budget_and_the_configured_one(decide):
    assert decide(1500) == 1500
    assert decide(60_000) == 4000


def test_a_client_that_sends_no_budget_gets_the_configured_one(decide):
    assert decide(None) == 4000
    assert decide(None, record=False) == 4000


def test_a_precheck_gets_the_clients_budget_up_to_the_precheck_ceiling(decide):
    assert decide(20_000, record=False) == 20_000
    assert decide(60_000, record=False) == 30_000
    assert decide(60_000, record=True) == 4000, "a Send stays at the configured budget"


def test_a_precheck_never_gets_less_than_a_send(decide):
    assert decide(60_000, record=False, time_budget_ms=8000, precheck_budget_ms=5000) == 8000


def test_the_precheck_ceiling_comes_from_the_environment(tmp_path):
    assert Settings().precheck_budget_ms == 30_000
    settings = Settings.from_env({"SENDWARD_DATA_DIR": str(tmp_path), "SENDWARD_PRECHECK_BUDGET_MS": "45000"})
    assert settings.precheck_budget_ms == 45_000


@pytest.mark.parametrize("raw", ["99", "300001", "soon"])
def test_a_bad_precheck_ceiling_is_refused_by_name(tmp_path, raw):
    with pytest.raises(ConfigError, match="SENDWARD_PRECHECK_BUDGET_MS"):
        Settings.from_env({"SENDWARD_DATA_DIR": str(tmp_path), "SENDWARD_PRECHECK_BUDGET_MS": raw})


def test_a_budget_below_the_floor_is_raised_to_it(decide):
    assert decide(100) == 1000, "a short budget never buys less than recipients and the body"
    assert decide(100, record=False) == 1000


def test_the_floor_never_exceeds_the_configured_budget(decide):
    assert decide(100, time_budget_ms=600) == 600
