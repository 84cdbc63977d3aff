"""Tenants count the changes to their policy (saves, publishes, rollbacks): the admin API's ETag.

Revision ID: 0003_policy_revision
Revises: 0002_admin
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_policy_revision"
down_revision = "0002_admin"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column("policy_revision", sa.Integer, nullable=False, server_default="0")
        )


def downgrade() -> None:
    # Not in batch mode: on SQLite that copies the table and drops the old one, and dropping
    # tenants cascades to every policy version. ALTER TABLE ... DROP COLUMN (SQLite 3.35) does not.
    dialect = op.get_bind().dialect
    if dialect.name == "sqlite" and dialect.server_version_info < (3, 35):
        raise RuntimeError("downgrading below 0003 needs SQLite 3.35 or newer (ALTER TABLE DROP COLUMN)")
    op.drop_column("tenants", "policy_revision")
