"""Alembic migrations go up, down and up again on SQLite and on PostgreSQL, keeping the data."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from sendward.adapters.storage import schema

TABLES_0001 = {"tenants", "policy_versions", "decisions", "decision_findings", "decision_attachments"}
TABLES = TABLES_0001 | {"admin_sessions"}


def table_names(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns(table)}


def insert_version(engine, tenant="tenant-a"):
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO tenants (id, created_at) VALUES (:t, :now)"),
            {"t": tenant, "now": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO policy_versions (tenant_id, version, document, author, comment, created_at) "
                "VALUES (:t, 1, :doc, 'admin', '', :now)"
            ),
            {"t": tenant, "doc": '{"mode": "monitor"}', "now": now},
        )


def round_trip(engine):
    schema.upgrade(engine, "0001")
    assert table_names(engine) == TABLES_0001
    assert "copied_from" not in columns(engine, "policy_versions")
    insert_version(engine)

    schema.upgrade(engine, "0002_admin")
    assert "copied_from" in columns(engine, "policy_versions")
    assert "policy_revision" not in columns(engine, "tenants")

    schema.upgrade(engine, "0003_policy_revision")
    assert schema.current_revision(engine) == "0003_policy_revision"
    with engine.connect() as connection:
        revisions = connection.execute(sa.text("SELECT id, policy_revision FROM tenants")).all()
    assert [tuple(row) for row in revisions] == [("tenant-a", 0)]  # an existing tenant starts at 0
    assert "draft_digest" not in columns(engine, "decisions")
    assert "resends" not in columns(engine, "decisions")

    schema.upgrade(engine, "0004_recipient_history")
    assert "correspondent_models" in table_names(engine)
    assert "draft_digest" not in columns(engine, "decisions")

    schema.upgrade(engine, "0005_decision_draft_digest")
    assert schema.current_revision(engine) == "0005_decision_draft_digest"
    assert "draft_digest" in columns(engine, "decisions")  # earlier decisions: NULL, no override binds to them
    assert "resends" not in columns(engine, "decisions")
    schema.upgrade(engine, "0006_decision_resends")
    assert schema.current_revision(engine) == "0006_decision_resends"
    assert "resends" in columns(engine, "decisions")
    assert "admin_sessions" not in table_names(engine)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == "0007_admin_sessions"
    assert "admin_sessions" in table_names(engine)
    schema.downgrade(engine, "0006_decision_resends")
    assert "admin_sessions" not in table_names(engine)
    schema.downgrade(engine, "0005_decision_draft_digest")
    assert "resends" not in columns(engine, "decisions")
    schema.downgrade(engine, "0004_recipient_history")
    assert "draft_digest" not in columns(engine, "decisions")
    schema.downgrade(engine, "0003_policy_revision")
    assert "correspondent_models" not in table_names(engine)

    schema.downgrade(engine, "0002_admin")
    assert "policy_revision" not in columns(engine, "tenants")
    assert "copied_from" in columns(engine, "policy_versions")

    schema.downgrade(engine, "0001")
    assert schema.current_revision(engine) == "0001"
    assert "copied_from" not in columns(engine, "policy_versions")
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT tenant_id, version FROM policy_versions")).all()
    assert [tuple(row) for row in kept] == [("tenant-a", 1)]

    schema.downgrade(engine, "base")
    assert table_names(engine) == set()

    schema.upgrade(engine)
    assert table_names(engine) == TABLES | {"correspondent_models"}
    assert "copied_from" in columns(engine, "policy_versions")
    assert "policy_revision" in columns(engine, "tenants")
    assert "draft_digest" in columns(engine, "decisions")
    assert "resends" in columns(engine, "decisions")


def test_sqlite_up_down_up(sqlite_engine):
    round_trip(sqlite_engine)


@pytest.mark.postgres
def test_postgresql_up_down_up(postgres_engine):
    round_trip(postgres_engine)


def test_the_models_match_the_migrations(sqlite_engine):
    """No table or column exists in tables.py without a migration that creates it."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sendward.adapters.storage.tables import metadata

    schema.upgrade(sqlite_engine)
    with sqlite_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_a_schema_newer_than_this_release_is_left_alone_at_start(sqlite_engine, caplog):
    """A rolling update: a newer release migrated first; an older instance that restarts keeps serving."""
    schema.upgrade(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099_from_a_newer_release'"))
    schema.upgrade(sqlite_engine)
    assert schema.current_revision(sqlite_engine) == "0099_from_a_newer_release"
    assert "newer than this release" in caplog.text
    assert table_names(sqlite_engine) == TABLES | {"correspondent_models"}
