"""Alembic environment: the engine comes from the caller (sendward.adapters.storage.schema)."""

from alembic import context

from sendward.adapters.storage.tables import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `sendward db upgrade`, which passes a connection")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
