"""Draft recipients + policy (+ group sizes from Graph) -> RecipientSignals."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from sendward.domain.draft import Draft
from sendward.domain.policy import Policy
from sendward.domain.signals import Lookalike, RecipientSignals
from sendward.signals.domains import in_tree, is_webmail, registrable_domain, within
from sendward.signals.lookalike import imitation


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
) -> RecipientSignals:
    group_sizes = group_sizes or {}
    internal = internal_domains(draft, policy, verified_domains)
    trusted = list(policy.trusted_domains)
    webmail_extra = frozenset(policy.webmail_domains)

    visible_by_address: dict[str, bool] = {}
    for recipient in draft.recipients:
        address = recipient.address.address.strip().lower()
        visible_by_address[address] = visible_by_address.get(address, False) or recipient.field.visible

    total = external = visible = visible_external = private = groups = 0
    organisations: Counter[str] = Counter()
    outside_domains: Counter[str] = Counter()
    for address, is_visible in visible_by_address.items():
        domain = address.rpartition("@")[2].rstrip(".")
        outside = "@" not in address or not (in_tree(domain, internal) or within(domain, trusted))
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
            webmail = is_webmail(domain, webmail_extra)
            private += webmail
            organisations[address if webmail else registrable_domain(domain)] += 1

    return RecipientSignals(
        total=total,
        visible=visible,
        external=external,
        visible_external=visible_external,
        visible_external_private=private,
        external_organisations=len(organisations),
        largest_external_organisation=max(organisations.values(), default=0),
        groups_expanded=groups,
        lookalikes=tuple(_lookalikes(outside_domains, internal + trusted)),
        internal_domains=tuple(dict.fromkeys(internal + trusted)),
    )


def _lookalikes(outside_domains: Counter[str], protected: list[str]) -> list[Lookalike]:
    """One per imitating domain (a registrable domain, or a whole one such as northshire.gov.uk.evil.com)."""
    protected_registrable = sorted({registrable_domain(d) for d in protected})
    counts: Counter[tuple[str, str, str]] = Counter()
    for domain, count in outside_domains.items():
        for trusted in protected_registrable:
            found = imitation(domain, trusted)
            if found:
                kind, shown = found
                counts[(shown, trusted, kind)] += count
                break
    return [
        Lookalike(domain=shown, resembles=trusted, kind=kind, recipients=count)
        for (shown, trusted, kind), count in sorted(counts.items())
    ]
