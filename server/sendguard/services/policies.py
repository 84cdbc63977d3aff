"""A tenant's policy: the published version, or the built-in defaults until an admin saves one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sendguard.adapters.storage.repository import PolicyRecord, Storage
from sendguard.domain.policy import Policy

DEFAULT_VERSION = 0  # the built-in defaults, before any version is saved


@dataclass
class PolicyService:
    storage: Storage
    cache: Any = None  # an optional cache with get(tenant) / put(tenant, value) / invalidate(tenant)

    def current(self, tenant_id: str) -> tuple[Policy, int]:
        if self.cache is not None:
            cached = self.cache.get(tenant_id)
            if cached is not None:
                return cached
        record = self.storage.published_policy(tenant_id)
        current = (Policy.model_validate(record.document), record.version) if record else (Policy(), DEFAULT_VERSION)
        if self.cache is not None:
            self.cache.put(tenant_id, current)
        return current

    def replace(
        self,
        tenant_id: str,
        document: dict,
        *,
        author: str,
        comment: str = "",
        expected_version: int | None = None,
        publish: bool = True,
    ) -> PolicyRecord:
        """Validate (raises pydantic.ValidationError) and store as the next version."""
        policy = Policy.model_validate(document)
        record = self.storage.save_policy(
            tenant_id,
            policy.to_json(),
            author=author,
            comment=comment,
            publish=publish,
            expected_version=expected_version,
        )
        if publish and self.cache is not None:
            self.cache.invalidate(tenant_id)
        return record
