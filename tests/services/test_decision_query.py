"""The decision log's query (services.audit_log.DecisionQuery): what the admin API and page both read."""

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from sendward.domain.records import DecisionFilter
from sendward.services.audit_log import DEFAULT_PER_PAGE, DecisionQuery, decisions_page
from tests.fakes.storage import FakeStorage

UTC = timezone.utc


def test_a_date_until_includes_the_whole_day_and_a_time_without_offset_is_utc():
    query = DecisionQuery.model_validate({"since": "2026-10-03T08:00:00", "until": "2026-10-04"})
    assert query.since == datetime(2026, 10, 3, 8, tzinfo=UTC)
    assert query.until == datetime(2026, 10, 5, tzinfo=UTC)
    offset = DecisionQuery.model_validate({"since": "2026-10-03T08:00:00+02:00"})
    assert offset.since == datetime(2026, 10, 3, 6, tzinfo=UTC)


def test_the_filter_and_page_come_from_the_query():
    query = DecisionQuery.model_validate({"action": "warn", "rule": "recipients.exposed", "user": "ab12", "page": "2"})
    assert query.where() == DecisionFilter(action="warn", rule="recipients.exposed", user="ab12")
    assert (query.page, query.per_page) == (2, DEFAULT_PER_PAGE)
    assert decisions_page(FakeStorage(), "tenant-a", query.where(), page=query.page)["total"] == 0


@pytest.mark.parametrize(
    "bad",
    [
        {"action": "explode"},
        {"rule": "no.such"},
        {"user": "../../etc"},
        {"since": "yesterday"},
        {"until": "9999-12-31"},  # the next day is past what a datetime holds
        {"since": "9999-12-31T23:00:00-14:00"},
        {"page": "0"},
        {"per_page": "201"},
        {"per_page": "x"},
    ],
)
def test_a_bad_value_is_a_validation_error(bad):
    with pytest.raises(ValidationError):
        DecisionQuery.model_validate(bad)
