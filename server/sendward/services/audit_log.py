"""The decision log an admin reads: filtered, paged, for their own tenant only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from sendward.domain.records import DecisionFilter
from sendward.domain.rules import RULE_IDS
from sendward.domain.verdict import VERDICT_ACTIONS
from sendward.services.ports import DecisionStore

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


class DecisionQuery(BaseModel):
    """What an admin asks the decision log for (the API's query parameters, the page's filter form).

    Raises pydantic.ValidationError for a bad value; an empty one is best left out (the default).
    """

    model_config = ConfigDict(frozen=True)

    action: Literal[tuple(map(str, VERDICT_ACTIONS))] | None = None
    rule: Literal[tuple(RULE_IDS)] | None = None
    user: str | None = Field(default=None, pattern="^[A-Za-z0-9]{1,64}$", description="a user hash")
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive; a date includes the whole day
    page: int = Field(default=1, ge=1, le=999_999_999)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)

    @field_validator("since", "until", mode="before")
    @classmethod
    def _moment(cls, raw: Any, info: ValidationInfo) -> datetime | None:
        """A date (YYYY-MM-DD) or an ISO date and time, UTC when it has no offset."""
        try:
            if isinstance(raw, str) and len(raw) == 10:
                day = date.fromisoformat(raw) + timedelta(days=1 if info.field_name == "until" else 0)
                return datetime.combine(day, time(), tzinfo=timezone.utc)
            moment = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
            moment = moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
            return moment.astimezone(timezone.utc)
        except (ValueError, OverflowError, TypeError, AttributeError):  # Overflow: past 9999 in UTC
            raise ValueError("must be a date like 2026-11-25 or an ISO date and time") from None

    def where(self) -> DecisionFilter:
        return DecisionFilter(
            since=self.since, until=self.until, action=self.action, rule=self.rule, user=self.user
        )


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


def queried_page(storage: DecisionStore, tenant_id: str, query: DecisionQuery) -> dict[str, Any]:
    """The page of the decision log ``query`` asks for."""
    return decisions_page(storage, tenant_id, query.where(), page=query.page, per_page=query.per_page)
