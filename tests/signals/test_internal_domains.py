"""Which domains are internal: the policy's, else the tenant's verified domains, else the sender's."""

from sendward.domain.policy import Policy
from sendward.signals.recipients import internal_domains, recipient_signals
from tests.builders import draft


def test_the_policy_wins_then_verified_domains_then_the_sender():
    d = draft(to=["a@northshire-council.org.uk"])
    named = Policy(internal_domains=["northshire.gov.uk"])
    assert internal_domains(d, named, ["northshire-council.org.uk"]) == ["northshire.gov.uk"]
    assert internal_domains(d, Policy(), [" Northshire-Council.org.uk. "]) == ["northshire-council.org.uk"]
    assert internal_domains(d, Policy(), []) == ["northshire.gov.uk"]


def test_verified_domains_make_their_recipients_internal():
    d = draft(to=["a@northshire-council.org.uk", "b@gmail.com"])
    assert recipient_signals(d, Policy()).external == 2
    assert recipient_signals(d, Policy(), verified_domains=["northshire.gov.uk", "northshire-council.org.uk"]).external == 1
