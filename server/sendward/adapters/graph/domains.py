"""GraphTenantDomains: the organisation's verified domains (``GET /organization``), cached per tenant.

Used as the internal domains when the policy names none. Read with the
caller's delegated token (User.Read is enough for ``verifiedDomains``) or as the
application (Organization.Read.All). Domain names are not personal data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sendward.adapters.graph.client import GraphClient
from sendward.adapters.graph.sdk import query
from sendward.kernel import Deadline

_SELECT = query(select=["id", "verifiedDomains"])


class GraphTenantDomains:
    def __init__(self, client: GraphClient, cache, *, ttl_seconds: int = 6 * 3600):
        self.client = client
        self.cache = cache
        self.ttl_seconds = ttl_seconds

    def verified_domains(self, caller, deadline: Deadline) -> Sequence[str]:
        key = f"graph:domains:{caller.tenant_id}"
        cached = self.cache.get(key)
        if cached is not None:
            return json.loads(cached)
        domains = self.client.call(caller, deadline, _read_domains)
        if domains:  # an empty answer is not worth remembering
            self.cache.set(key, json.dumps(domains).encode(), self.ttl_seconds)
        return domains


async def _read_domains(session) -> list[str]:
    page = await session.retried(lambda: session.sdk.organization.get(request_configuration=_SELECT), "organization")
    names = {
        domain.name.strip().lower().rstrip(".")
        for organization in ((page.value if page else None) or [])
        for domain in (organization.verified_domains or [])
        if domain.name and domain.name.strip()
    }
    return sorted(names)
