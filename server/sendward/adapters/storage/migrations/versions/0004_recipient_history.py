"""Per-user correspondent models learnt from Sent Items (recipients.misdirected), sealed.

Revision ID: 0004_recipient_history
Revises: 0003_policy_revision
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_recipient_history"
down_revision = "0003_policy_revision"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "correspondent_models",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("user_hash", sa.String(64), primary_key=True),
        sa.Column("user_ref", sa.LargeBinary, nullable=False),
        sa.Column("model", sa.LargeBinary, nullable=False),
        sa.Column("delta_link", sa.Text, nullable=True),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("messages", sa.Integer, nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_hash", name="pk_correspondent_models"),
    )
    op.create_index("ix_correspondent_models_synced", "correspondent_models", ["synced_at"])


def downgrade() -> None:
    op.drop_index("ix_correspondent_models_synced", table_name="correspondent_models")
    op.drop_table("correspondent_models")
