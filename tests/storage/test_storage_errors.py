"""The SQLAlchemy adapters' edge: a database error leaves as the domain's StorageUnavailable."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from sendward.adapters.storage.correspondents import CorrespondentStore
from sendward.adapters.storage.repository import Storage
from sendward.domain.records import DecisionFilter, StorageUnavailable, VersionConflict

WHEN = datetime(2026, 11, 25, tzinfo=timezone.utc)


@pytest.fixture
def gone(tmp_path):
    """An engine whose database cannot be opened: every statement fails in the driver."""
    engine = sa.create_engine(f"sqlite:///{tmp_path}/no-such-directory/sendward.db")
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.published_policy("t"),
        lambda s: s.policy_state("t"),
        lambda s: s.save_policy("t", {}, author="a", publish=True),
        lambda s: s.decision_binding("t", "d"),
        lambda s: s.decisions_page("t", DecisionFilter(), offset=0, limit=1),
        lambda s: s.audit.sends("t", WHEN, WHEN),
        lambda s: s.audit.purge("t", WHEN),
        lambda s: CorrespondentStore(s.engine, b"k" * 32).load("t", "u"),
    ],
    ids=["published", "state", "save", "binding", "page", "sends", "purge", "correspondents"],
)
def test_a_database_error_is_storage_unavailable_with_its_cause(gone, call):
    with pytest.raises(StorageUnavailable) as raised:
        call(Storage(gone))
    assert isinstance(raised.value.__cause__, SQLAlchemyError)
    assert not isinstance(raised.value, SQLAlchemyError)


def test_ping_says_no_rather_than_raising(gone):
    assert Storage(gone).ping() is False


def test_a_conflict_is_still_a_conflict(engine):
    storage = Storage(engine)
    storage.save_policy("t", {}, author="a", publish=True)
    with pytest.raises(VersionConflict):
        storage.save_policy("t", {}, author="a", publish=True, expected_revision=0)
