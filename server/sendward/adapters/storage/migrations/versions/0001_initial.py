"""Tenants, policy versions and decisions (counts and rule ids only).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_version", sa.Integer, nullable=True),
    )
    op.create_table(
        "policy_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.id", ondelete="CASCADE", name="fk_policy_versions_tenant_id_tenants"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("author", sa.String(320), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "version", name="uq_policy_versions_tenant_version"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("user_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("would_action", sa.String(8), nullable=True),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("policy_version", sa.Integer, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("override_of", sa.String(64), nullable=True),
        sa.Column("justification", sa.Text, nullable=True),
        sa.Column("client_platform", sa.String(64), nullable=False),
        sa.Column("elapsed_ms", sa.Integer, nullable=False),
    )
    op.create_index("ix_decisions_tenant_created", "decisions", ["tenant_id", "created_at"])
    op.create_table(
        "decision_findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "decision_id",
            sa.String(64),
            sa.ForeignKey("decisions.id", ondelete="CASCADE", name="fk_decision_findings_decision_id_decisions"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("would_action", sa.String(8), nullable=True),
    )
    op.create_index(
        "ix_decision_findings_tenant_rule", "decision_findings", ["tenant_id", "rule", "created_at"]
    )
    op.create_index("ix_decision_findings_decision", "decision_findings", ["decision_id"])
    op.create_table(
        "decision_attachments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "decision_id",
            sa.String(64),
            sa.ForeignKey(
                "decisions.id", ondelete="CASCADE", name="fk_decision_attachments_decision_id_decisions"
            ),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("file_type", sa.String(16), nullable=False),
        sa.Column("scanned", sa.Boolean, nullable=False),
        sa.Column("data_subjects", sa.Integer, nullable=False),
    )
    op.create_index("ix_decision_attachments_tenant", "decision_attachments", ["tenant_id", "created_at"])
    op.create_index("ix_decision_attachments_decision", "decision_attachments", ["decision_id"])


def downgrade() -> None:
    op.drop_table("decision_attachments")
    op.drop_table("decision_findings")
    op.drop_table("decisions")
    op.drop_table("policy_versions")
    op.drop_table("tenants")
