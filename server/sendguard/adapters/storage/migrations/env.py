"""Alembic environment: the engine comes from the caller (sendguard.adapters.storage.schema)."""

from alembic import context

from sendguard.adapters.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `sendguard db upgrade`, which passes a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
