"""The decision log an admin reads: filtered, paged, for their own tenant only."""

from __future__ import annotations

from typing import Any

from sendward.domain.records import DecisionFilter
from sendward.services.ports import DecisionStore

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


def decisions_page(
    storage: DecisionStore,
    tenant_id: str,
    where: DecisionFilter,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
) -> dict[str, Any]:
    if page < 1:
        raise ValueError("page must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
    rows, total = storage.decisions_page(
        tenant_id, where, offset=(page - 1) * per_page, limit=per_page
    )
    return {
        "decisions": rows,
        "page": page,
        "per_page": per_page,
        "total": total,
        "pages": max(1, -(-total // per_page)),
    }
