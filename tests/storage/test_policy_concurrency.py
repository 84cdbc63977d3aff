"""Two service instances sharing one database: a compare-and-set on the policy has one winner.

Each writer has its own engine (as two processes would). A third connection holds the
tenant's row while both writers start, so both reach the check at the same time; it lets go
once both are waiting (PostgreSQL reports who waits on whom) or after a moment (SQLite).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from sendward.adapters.storage import schema
from sendward.adapters.storage.repository import Storage
from sendward.domain.records import VersionConflict

TENANT = "tenant-a"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """(first engine, a second engine on the same database, a way to hold the tenant's row)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.db'}"
        first, second = schema.make_engine(url), schema.make_engine(url)
        hold = _hold_sqlite
    else:
        first = request.getfixturevalue("postgres_engine")
        with first.connect() as connection:
            own_schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
        second = sa.create_engine(
            first.url, connect_args={"options": f"-csearch_path={own_schema}"}
        )
        hold = _hold_postgresql
    schema.upgrade(first)
    try:
        yield first, second, hold
    finally:
        second.dispose()
        first.dispose()


@contextmanager
def _hold_sqlite(engine, waiters: int):
    raw = engine.raw_connection()
    try:
        raw.cursor().execute("BEGIN IMMEDIATE")  # the database's write lock
        yield lambda: time.sleep(0.5)
        raw.rollback()
    finally:
        raw.close()


# Backends waiting on the holder, and those queued behind them (PostgreSQL queues the second
# waiter for a row behind the first, so pg_blocking_pids names the first waiter, not the holder).
WAITING_ON = sa.text(
    "WITH direct AS (SELECT pid FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid)))"
    " SELECT (SELECT count(*) FROM direct) + (SELECT count(*) FROM pg_stat_activity"
    " WHERE pg_blocking_pids(pid) && ARRAY(SELECT pid FROM direct))"
)


@contextmanager
def _hold_postgresql(engine, waiters: int):
    with engine.connect() as holder, engine.connect() as observer:
        transaction = holder.begin()
        holder.execute(sa.text("SELECT 1 FROM tenants WHERE id = :t FOR UPDATE"), {"t": TENANT})
        pid = holder.execute(sa.text("SELECT pg_backend_pid()")).scalar()

        def until_both_wait():
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                waiting = observer.execute(WAITING_ON, {"pid": pid}).scalar()
                observer.commit()
                if waiting >= waiters:
                    return
                time.sleep(0.02)
            raise AssertionError(f"the writers never both waited on the tenant's row (saw {waiting})")

        yield until_both_wait
        transaction.rollback()


def race(hold, engine, writers):
    """Run each writer in its own thread while the row is held; what each returned or raised."""
    results: list = [None] * len(writers)

    def run(index, writer):
        try:
            results[index] = writer()
        except Exception as error:  # the test looks at what each one got
            results[index] = error

    with hold(engine, len(writers)) as until_both_wait:
        threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(writers)]
        for thread in threads:
            thread.start()
        until_both_wait()
    for thread in threads:
        thread.join(timeout=30)
    return results


def outcomes(results) -> list[str]:
    return sorted("conflict" if isinstance(r, VersionConflict) else type(r).__name__ for r in results)


def test_two_publishes_from_the_same_revision_have_one_winner(database):
    first, second, hold = database
    a, b = Storage(first), Storage(second)
    for days in (10, 20, 30):
        a.save_policy(TENANT, {"retention_days": days}, author="x", publish=False)
    seen = a.policy_state(TENANT).revision
    results = race(
        hold,
        first,
        [
            lambda: a.publish(TENANT, 2, expected_revision=seen),
            lambda: b.publish(TENANT, 1, expected_revision=seen),
        ],
    )
    assert outcomes(results) == ["PolicyRecord", "conflict"]
    winner = next(r for r in results if not isinstance(r, Exception))
    state = a.policy_state(TENANT)
    assert (state.published, state.revision) == (winner.version, seen + 1)


def test_two_saves_from_the_same_revision_have_one_winner(database):
    first, second, hold = database
    a, b = Storage(first), Storage(second)
    a.save_policy(TENANT, {}, author="x", publish=True)
    seen = a.policy_state(TENANT).revision
    results = race(
        hold,
        first,
        [
            lambda: a.save_policy(TENANT, {"mode": "monitor"}, author="a", publish=True, expected_revision=seen),
            lambda: b.save_policy(TENANT, {"retention_days": 9}, author="b", publish=False, expected_revision=seen),
        ],
    )
    assert outcomes(results) == ["PolicyRecord", "conflict"]
    assert [r.version for r in a.policy_versions(TENANT)] == [2, 1]


def test_without_an_expected_revision_both_saves_land_one_after_the_other(database):
    first, second, hold = database
    a, b = Storage(first), Storage(second)
    a.save_policy(TENANT, {}, author="x", publish=True)
    results = race(
        hold,
        first,
        [
            lambda: a.save_policy(TENANT, {"mode": "monitor"}, author="a", publish=True),
            lambda: b.save_policy(TENANT, {"retention_days": 9}, author="b", publish=True),
        ],
    )
    assert outcomes(results) == ["PolicyRecord", "PolicyRecord"]
    assert sorted(r.version for r in results) == [2, 3]
    assert sorted(r.revision for r in results) == [2, 3]
    assert a.policy_state(TENANT).latest == 3
