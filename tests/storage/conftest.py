"""Engines for storage tests: SQLite in a temporary directory, and the PostgreSQL server on this machine.

PostgreSQL tests run in a schema of their own, created and dropped around each
test, so other test runs on the same database are not disturbed.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from sendward.adapters.storage import schema

POSTGRES_URL = os.environ.get(
    "SENDWARD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_or_skip() -> sa.Engine:
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        engine.dispose()
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {str(error).splitlines()[0]}")
    return engine


@pytest.fixture
def postgres_engine():
    server = postgres_or_skip()
    name = f"sg_admin_test_{uuid.uuid4().hex[:12]}"
    with server.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    engine = sa.create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={name}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with server.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        server.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = schema.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    """A migrated, empty database of each kind."""
    fixture = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    engine = request.getfixturevalue(fixture)
    schema.upgrade(engine)
    return engine
