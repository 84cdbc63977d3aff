"""Admin page sessions kept server side, so signing out ends them everywhere (issue 14).

Revision ID: 0007_admin_sessions
Revises: 0006_decision_resends
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_admin_sessions"
down_revision = "0006_decision_resends"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(64), primary_key=True),  # SHA-256 of the cookie's session id, hex
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_admin_sessions"),
    )
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_admin_sessions_expires_at", table_name="admin_sessions")
    op.drop_table("admin_sessions")
