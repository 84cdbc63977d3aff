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


def test_the_move_to_bcc_fix_is_told_exactly_who_was_counted_outside():
    """Positions of the visible outside people (first place each address appears), by the service's own
    rule: a colleague at the parent of an internal subdomain is inside, BCC is not visible, and an
    address listed twice is moved once."""
    from sendward.signals.recipients import addresses_at

    d = draft(
        to=["Ann@Gmail.com", "carol@northshire.gov.uk", "dan@partner.org"],
        cc=["ann@gmail.com", "eve@social.dept.northshire.gov.uk"],
        bcc=["hidden@yahoo.com"],
    )
    signals = recipient_signals(d, Policy(internal_domains=["dept.northshire.gov.uk"]))
    assert signals.outside_visible == (0, 2)
    assert addresses_at(d, signals.outside_visible) == ("ann@gmail.com", "dan@partner.org")
    assert signals.visible_external == len(signals.outside_visible)
    assert addresses_at(d, (99,)) == ()
