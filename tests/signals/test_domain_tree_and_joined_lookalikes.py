"""Internal means the organisation's domain tree; lookalikes that run a domain's labels together."""

import pytest

from sendward.domain.policy import Policy
from sendward.signals.domains import in_tree
from sendward.signals.lookalike import lookalike_kind
from tests.builders import draft, evaluate_recipients, people


@pytest.mark.parametrize("domain, internal, expected", [
    ("northshire.gov.uk", ["housing.northshire.gov.uk"], "housing.northshire.gov.uk"),  # a parent
    ("social.northshire.gov.uk", ["northshire.gov.uk"], "northshire.gov.uk"),  # a subdomain
    ("gov.uk", ["housing.northshire.gov.uk"], None),  # a public suffix is nobody's parent
    ("southshire.gov.uk", ["housing.northshire.gov.uk"], None),
    ("shire.gov.uk", ["northshire.gov.uk"], None),  # a suffix of the name is not a parent
])
def test_the_domain_tree(domain, internal, expected):
    assert in_tree(domain, internal) == expected


def test_colleagues_on_the_parent_domain_of_the_sender_are_internal():
    d = draft(to=people(12, domain="northshire.gov.uk"), sender="duty.manager@housing.northshire.gov.uk")
    assert evaluate_recipients(d).recipients.external == 0


def test_colleagues_on_the_parent_of_a_policy_internal_domain_are_internal():
    p = Policy(internal_domains=["social.northshire.gov.uk"])
    assert evaluate_recipients(draft(to=people(5, domain="northshire.gov.uk")), p).recipients.external == 0


@pytest.mark.parametrize("candidate, protected", [
    ("nhs-net.co.uk", "nhs.net"),
    ("nhsnet.co.uk", "nhs.net"),
    ("nhs-net.com", "nhs.net"),
    ("northshire-gov.co.uk", "northshire.gov.uk"),
    ("northshiregovuk.com", "northshire.gov.uk"),
    ("nhs-nеt.co.uk".encode("idna").decode(), "nhs.net"),  # a Cyrillic е as well
])
def test_labels_run_together_under_another_suffix(candidate, protected):
    assert lookalike_kind(candidate, protected) == "separator"


@pytest.mark.parametrize("candidate, protected", [
    ("nhs.uk", "nhs.net"), ("mail.nhs.net", "nhs.net"), ("northshire-cars.co.uk", "northshire.gov.uk"),
    ("netnhs.co.uk", "nhs.net"),
])
def test_other_organisations_are_no_lookalikes(candidate, protected):
    assert lookalike_kind(candidate, protected) is None


def test_the_finding_offers_to_remove_the_recipient():
    p = Policy(trusted_domains=["nhs.net"])
    verdict = evaluate_recipients(draft(to=["gp.referrals@nhs-net.co.uk"]), p)
    found = [f for f in verdict.findings if f.rule == "recipients.lookalike_domain"]
    assert found and found[0].fix == "remove_recipient"
