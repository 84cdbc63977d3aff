"""Decisions keep a keyed digest of the draft they were made for: an override binds to that draft.

Revision ID: 0005_decision_draft_digest
Revises: 0004_recipient_history
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_decision_draft_digest"
down_revision = "0004_recipient_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: decisions recorded before it have no digest, and no override can bind to them.
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("draft_digest", sa.String(64), nullable=True))


def downgrade() -> None:
    dialect = op.get_bind().dialect
    if dialect.name == "sqlite" and dialect.server_version_info < (3, 35):
        raise RuntimeError("downgrading below 0005 needs SQLite 3.35 or newer (ALTER TABLE DROP COLUMN)")
    op.drop_column("decisions", "draft_digest")
