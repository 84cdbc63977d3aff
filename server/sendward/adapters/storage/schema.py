"""Creating the engine and migrating the schema (Alembic)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        _private_sqlite_file(sa.engine.make_url(url).database)
        engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A database host that does not answer must not hold a request for minutes.
    return sa.create_engine(
        url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800, connect_args={"connect_timeout": 3}
    )


def _private_sqlite_file(database: str | None) -> None:
    """The database file readable by this user only (0600), in a directory only it can list (0700).

    SQLite gives its -wal and -shm files the database file's permissions, so they follow."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    for target, mode in ((path, 0o600), (path.parent, 0o700)):
        try:
            if stat.S_IMODE(target.stat().st_mode) & 0o077:
                target.chmod(mode)
        except OSError as error:  # not ours (a mounted volume): say so, keep serving
            log.warning("could not make %s private: %s", "the database" if target == path else "its directory",
                        type(error).__name__)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several instances may start at once: only one migrates at a time.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(7263001)"))
        config = _alembic_config(connection)
        if revision == "head" and _is_newer_than_this_release(connection, config):
            # A newer release migrated first (a rolling update): migrations only add, so this one
            # keeps working on the newer schema instead of refusing to start.
            log.warning("the database schema is newer than this release knows; leaving it as it is")
            return
        command.upgrade(config, revision)


def _is_newer_than_this_release(connection, config: Config) -> bool:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    current = MigrationContext.configure(connection).get_current_revision()
    if current is None:
        return False
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    return current not in known


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        command.downgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
