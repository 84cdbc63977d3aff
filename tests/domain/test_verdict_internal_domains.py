"""The verdict says which domains counted as inside, so the add-in's move-to-BCC fix agrees with it."""

from sendward.domain.policy import Policy
from tests.builders import draft, evaluate_recipients


def recipients_json(d, policy=None) -> dict:
    return evaluate_recipients(d, policy).to_json()["recipients"]


def test_the_policys_internal_and_trusted_domains_in_lower_case_in_that_order():
    policy = Policy(internal_domains=["Northshire.gov.uk", "northshire-council.org.uk"],
                    trusted_domains=["NHS.net", "northshire.gov.uk"])
    found = recipients_json(draft(to=["a@nhs.net"]), policy)
    assert found["internal_domains"] == ["northshire.gov.uk", "northshire-council.org.uk", "nhs.net"]
    assert found["external"] == 0


def test_without_a_policy_the_senders_domain_is_inside():
    assert recipients_json(draft(to=["a@gmail.com"]))["internal_domains"] == ["northshire.gov.uk"]


def test_the_contracts_counts_are_all_still_there():
    found = recipients_json(draft(to=["a@gmail.com"]))
    assert {"total", "visible", "external", "visible_external", "external_domains"} <= set(found)
