"""Decisions remember the decision of the same e-mail's previous Send (Send pressed again): a warning
whose e-mail was never sent again was sent anyway (or left unsent), which the dashboard counts.

Revision ID: 0006_decision_resends
Revises: 0005_decision_draft_digest
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_decision_resends"
down_revision = "0005_decision_draft_digest"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("resends", sa.String(64), nullable=True))
    op.create_index("ix_decisions_tenant_resends", "decisions", ["tenant_id", "resends"])


def downgrade() -> None:
    # Not in batch mode: on SQLite that would copy the decisions table (and its findings cascade).
    dialect = op.get_bind().dialect
    if dialect.name == "sqlite" and dialect.server_version_info < (3, 35):
        raise RuntimeError("downgrading below 0006 needs SQLite 3.35 or newer (ALTER TABLE DROP COLUMN)")
    op.drop_index("ix_decisions_tenant_resends", table_name="decisions")
    op.drop_column("decisions", "resends")
