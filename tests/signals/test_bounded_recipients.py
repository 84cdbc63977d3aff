"""Recipients within the budget (issue 14): lookalikes through an index, the clock checked in the loops."""

from __future__ import annotations

import random
import string

from hypothesis import given
from hypothesis import strategies as st

from sendward.kernel import Deadline
from sendward.domain.draft import Address, Draft
from sendward.domain.policy import Policy
from sendward.signals.domains import registrable_domain
from sendward.signals.lookalike import LookalikeIndex, imitation
from sendward.signals.recipients import recipient_signals

PROTECTED = sorted({registrable_domain(d) for d in (
    "northshire.gov.uk", "northshire-council.org.uk", "nhs.net", "leeds.gov.uk", "partner-charity.org",
    "cityofyork.gov.uk", "example.co.uk", "abc.com",
)})


def pairwise(domain: str):
    """The loop the index replaces: every protected domain in order, the first that imitates wins."""
    for protected in PROTECTED:
        found = imitation(domain, protected)
        if found:
            return found[0], found[1], protected
    return None


IMITATIONS = [
    "northshlre.gov.uk", "n0rthshire.gov.uk", "north-shire.gov.uk", "northshire-gov.uk", "northshre.gov.uk",
    "nortshhire.gov.uk", "northshire.co.uk", "northshire.gov.uk.attacker.com", "northshire.gov.com",
    "mail.northshire.gov.uk", "northshire-cars.com", "leeds.gov.com", "leedss.gov.uk", "cityofy0rk.gov.uk",
    "abc.co.uk", "abd.com", "nhs.net.evil.org", "partnercharity.org", "gmail.com", "example.com",
]


def test_the_index_answers_as_the_pairwise_loop_on_known_tricks():
    index = LookalikeIndex(tuple(PROTECTED))
    for domain in IMITATIONS:
        assert index.find(domain) == pairwise(domain), domain
    assert index.find("northshlre.gov.uk") is not None


label = st.text(alphabet=string.ascii_lowercase + "-01", min_size=1, max_size=12).filter(
    lambda s: not s.startswith("-") and not s.endswith("-"))


@given(st.lists(label, min_size=1, max_size=3), st.sampled_from(["gov.uk", "org.uk", "com", "co.uk", "net", "org"]))
def test_the_index_answers_as_the_pairwise_loop_on_any_domain(labels, suffix):
    domain = ".".join(labels + [suffix])
    assert LookalikeIndex(tuple(PROTECTED)).find(domain) == pairwise(domain)


def test_near_misses_of_protected_domains_are_found_as_pairwise():
    rng = random.Random(14)
    index = LookalikeIndex(tuple(PROTECTED))
    for _ in range(300):
        name = list(rng.choice(PROTECTED))
        position = rng.randrange(len(name))
        name[position] = rng.choice(string.ascii_lowercase + ".-")
        domain = "".join(name).strip(".-")
        if ".." in domain or "." not in domain:
            continue
        assert index.find(domain) == pairwise(domain), domain


def _draft(count: int) -> Draft:
    return Draft(sender=Address("me@northshire.gov.uk"),
                 to=tuple(Address(f"p{i}@org{i}.com") for i in range(count)))


def test_past_the_deadline_recipients_are_counted_but_domains_not_worked_out():
    signals = recipient_signals(_draft(2000), Policy(), deadline=Deadline(0))
    assert (signals.total, signals.external, signals.visible_external) == (2000, 2000, 2000)
    assert not signals.complete


def test_within_the_deadline_the_signals_are_complete():
    signals = recipient_signals(_draft(2000), Policy(), deadline=Deadline(60))
    assert signals.complete and signals.external_organisations == 2000


def test_a_draft_scored_past_its_budget_says_recipient_domains_were_not_checked(scanner):
    from sendward.services.scoring import Scorer

    clock = iter(range(0, 10**6, 5))  # every look at the clock: 5 s later
    verdict = Scorer(scanner=scanner, clock=lambda: next(clock)).score(_draft(3000), Policy(), 1)
    assert "recipient_domains" in verdict.not_checked
    assert verdict.action == "block"  # 3,000 visible outside recipients still count
