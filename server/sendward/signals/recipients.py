"""Draft recipients + policy (+ group sizes from Graph) -> RecipientSignals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from sendward.domain.draft import Draft
from sendward.domain.policy import Policy
from sendward.domain.signals import Lookalike, RecipientSignals
from sendward.signals.domains import is_webmail, registrable_domain
from sendward.signals.lookalike import lookalike_index

_CHECK_EVERY = 512  # recipients between two looks at the clock


@dataclass(frozen=True)
class GroupSize:
    """Members of a distribution list, as Graph mail tips report them."""

    total: int
    external: int


def internal_domains(draft: Draft, policy: Policy, verified_domains: Sequence[str] = ()) -> list[str]:
    """The policy's internal domains, else the tenant's verified domains, else the sender's own domain."""
    if policy.internal_domains:
        return list(policy.internal_domains)
    if verified_domains:
        return [d.strip().lower().rstrip(".") for d in verified_domains if d.strip()]
    if draft.sender and "@" in draft.sender.address:
        return [draft.sender.domain]
    return []


def recipient_signals(
    draft: Draft,
    policy: Policy,
    group_sizes: Mapping[str, GroupSize] | None = None,
    verified_domains: Sequence[str] = (),
    deadline=None,
) -> RecipientSignals:
    """``deadline`` (detection.limits.Deadline): when it passes, recipients are still counted, but
    organisations and lookalikes are no longer worked out; the signals then say ``complete=False``."""
    group_sizes = group_sizes or {}
    internal = internal_domains(draft, policy, verified_domains)
    trusted = list(policy.trusted_domains)
    webmail_extra = frozenset(policy.webmail_domains)
    inside = _DomainSet(internal, trusted)
    registrable = {}  # per distinct domain, once
    complete = True

    visible_by_address: dict[str, bool] = {}
    first_at: dict[str, int] = {}
    for position, recipient in enumerate(draft.recipients):
        address = recipient.address.address.strip().lower()
        visible_by_address[address] = visible_by_address.get(address, False) or recipient.field.visible
        first_at.setdefault(address, position)
    outside_visible = []

    total = external = visible = visible_external = private = groups = 0
    organisations: Counter[str] = Counter()
    outside_domains: Counter[str] = Counter()
    for number, (address, is_visible) in enumerate(visible_by_address.items()):
        if complete and deadline is not None and number % _CHECK_EVERY == 0 and deadline.expired:
            complete = False
        domain = address.rpartition("@")[2].rstrip(".")
        outside = "@" not in address or not inside.contains(domain)
        group = group_sizes.get(address)
        if group is not None:
            groups += 1
            total += group.total
            external += group.external if not outside else max(group.external, group.total)
        else:
            total += 1
            external += outside
        visible += is_visible
        if outside and "@" in address:
            outside_domains[domain] += 1
        if outside and is_visible:
            visible_external += 1
            outside_visible.append(first_at[address])
            webmail = is_webmail(domain, webmail_extra)
            private += webmail
            if webmail:
                organisations[address] += 1
            elif complete:
                if domain not in registrable:
                    registrable[domain] = registrable_domain(domain)
                organisations[registrable[domain]] += 1

    lookalikes, checked = _lookalikes(outside_domains, internal + trusted, registrable, deadline)
    return RecipientSignals(
        total=total,
        visible=visible,
        external=external,
        visible_external=visible_external,
        visible_external_private=private,
        external_organisations=len(organisations),
        largest_external_organisation=max(organisations.values(), default=0),
        groups_expanded=groups,
        lookalikes=tuple(lookalikes),
        internal_domains=tuple(dict.fromkeys(internal + trusted)),
        outside_visible=tuple(outside_visible),
        complete=complete and checked,
    )


def addresses_at(draft: Draft, positions) -> tuple[str, ...]:
    """The draft's recipients' addresses (lower case) at ``positions`` (``outside_visible``)."""
    recipients = draft.recipients
    return tuple(recipients[p].address.address.strip().lower() for p in positions if 0 <= p < len(recipients))


class _DomainSet:
    """Inside or not, for many domains at once: ``in_tree`` for the internal domains (the domain, a
    parent of it, or a subdomain of an internal one down to its registrable domain) and ``within`` for
    the trusted ones, each a few set lookups instead of a loop over the policy's domains."""

    def __init__(self, internal, trusted):
        self.domains = frozenset(internal) | frozenset(trusted)
        # parents of an internal domain down to its registrable domain: dept.northshire.gov.uk's
        # colleagues at northshire.gov.uk are inside; gov.uk is not
        self.parents = frozenset(
            parent for entry in internal for parent in _parents(entry) if len(parent) >= len(registrable_domain(entry))
        )

    def contains(self, domain: str) -> bool:
        if domain in self.parents:
            return True
        while True:
            if domain in self.domains:
                return True
            _, dot, domain = domain.partition(".")
            if not dot:
                return False


def _parents(domain: str):
    while True:
        _, dot, domain = domain.partition(".")
        if not dot:
            return
        yield domain


def _lookalikes(outside_domains: Counter[str], protected: list[str], registrable: dict, deadline):
    """One per imitating domain (a registrable domain, or a whole one such as northshire.gov.uk.evil.com),
    and whether every outside domain was checked before the deadline."""
    index = lookalike_index(tuple(sorted({registrable_domain(d) for d in protected})))
    counts: Counter[tuple[str, str, str]] = Counter()
    for number, (domain, count) in enumerate(outside_domains.items()):
        if deadline is not None and number % _CHECK_EVERY == 0 and deadline.expired:
            return _listed(counts), False
        found = index.find(domain, registrable.get(domain))
        if found:
            kind, shown, trusted = found
            counts[(shown, trusted, kind)] += count
    return _listed(counts), True


def _listed(counts) -> list[Lookalike]:
    return [
        Lookalike(domain=shown, resembles=trusted, kind=kind, recipients=count)
        for (shown, trusted, kind), count in sorted(counts.items())
    ]
