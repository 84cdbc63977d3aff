"""The tables. Decisions hold counts, types and rule ids: never addresses, names or content."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_version", Integer, nullable=True),
    # One more on every save, publish and rollback: the admin API's ETag and its compare-and-set.
    Column("policy_revision", Integer, nullable=False, server_default="0"),
)

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), ForeignKey("tenants.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    Column("author", String(320), nullable=False),
    Column("comment", String(500), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("copied_from", Integer, nullable=True),  # the version a rollback restored
    UniqueConstraint("tenant_id", "version", name="uq_policy_versions_tenant_version"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("user_hash", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("action", String(8), nullable=False),
    Column("would_action", String(8), nullable=True),
    Column("mode", String(8), nullable=False),
    Column("score", Integer, nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("counts", JSON, nullable=False),  # recipient counts, entity types and their counts
    Column("override_of", String(64), nullable=True),
    Column("justification", Text, nullable=True),
    # Send pressed again on the same e-mail: the decision of its previous Send, which did not go as it was
    Column("resends", String(64), nullable=True),
    Column("client_platform", String(64), nullable=False, default=""),
    Column("elapsed_ms", Integer, nullable=False),
    # A keyed digest (HMAC) of the draft decided on: an override must name a decision for the same draft.
    Column("draft_digest", String(64), nullable=True),
    Index("ix_decisions_tenant_created", "tenant_id", "created_at"),
    Index("ix_decisions_tenant_resends", "tenant_id", "resends"),
)

decision_findings = Table(
    "decision_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(64), ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rule", String(64), nullable=False),
    Column("action", String(8), nullable=False),
    Column("would_action", String(8), nullable=True),
    Index("ix_decision_findings_tenant_rule", "tenant_id", "rule", "created_at"),
    Index("ix_decision_findings_decision", "decision_id"),
)

decision_attachments = Table(
    "decision_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(64), ForeignKey("decisions.id", ondelete="CASCADE"), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("file_type", String(16), nullable=False),  # the extension, e.g. "xlsx"
    Column("scanned", Boolean, nullable=False),
    Column("data_subjects", Integer, nullable=False),
    Index("ix_decision_attachments_tenant", "tenant_id", "created_at"),
    Index("ix_decision_attachments_decision", "decision_id"),
)

# One row per user: the correspondent model learnt from their Sent Items (recipients.misdirected),
# sealed (AES-GCM) because it holds addresses and display names for "did you mean"; inside it,
# addresses are keyed by an HMAC with the tenant's key. The user's object id is sealed too: the
# sync job needs it to call Graph, and nothing else may read it.
correspondent_models = Table(
    "correspondent_models",
    metadata,
    Column("tenant_id", String(64), primary_key=True),
    Column("user_hash", String(64), primary_key=True),
    Column("user_ref", LargeBinary, nullable=False),  # the sealed object id
    Column("model", LargeBinary, nullable=False),  # sealed, compressed JSON
    Column("delta_link", Text, nullable=True),  # where the next incremental sync starts (sealed, base64)
    Column("complete", Boolean, nullable=False),  # False: the first sync stopped at its page bound
    Column("messages", Integer, nullable=False),
    Column("synced_at", DateTime(timezone=True), nullable=False),
    Index("ix_correspondent_models_synced", "synced_at"),
)

# Admin page sessions: the cookie holds a random id; this row (by the id's SHA-256) says it is still live.
admin_sessions = Table(
    "admin_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Index("ix_admin_sessions_expires_at", "expires_at"),
)
