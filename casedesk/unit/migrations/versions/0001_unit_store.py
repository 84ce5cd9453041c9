"""The unit store: installations, entries, checkpoints, rejected segments; all append-only.

The tables are spelt out here as they were at this revision (not taken from ``casedesk.unit.store``, which
describes the newest schema): a later change to the models must come with a revision of its own.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = ("installations", "entries", "checkpoints", "rejected_segments")
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "installations",
        sa.Column("installation_id", sa.String(64), primary_key=True),
        sa.Column("genesis_key", sa.String(64), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("registered_by", sa.Text, nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), sa.ForeignKey("installations.installation_id"), nullable=False),
        sa.Column("tree_size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("cosigned_at", sa.BigInteger, nullable=False),
        sa.Column("pushed_by", sa.Text, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    text_columns = ("prev_hash", "timestamp", "time_zone", "utc_offset", "actor", "actor_key", "action")
    optional = ("case_ref", "exhibit_ref", "reason", "location", "from_party", "to_party", "sha256")
    op.create_table(
        "entries",
        sa.Column("installation_id", sa.String(64), sa.ForeignKey("installations.installation_id"), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        *(sa.Column(name, sa.Text, nullable=False) for name in text_columns),
        *(sa.Column(name, sa.Text) for name in optional),
        sa.Column("tool", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("case_commit", sa.String(64)),
        sa.Column("checkpoint_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("installation_id", "seq"),
    )
    op.create_table(
        "rejected_segments",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), nullable=False),
        sa.Column("pushed_by", sa.Text, nullable=False),
        sa.Column("actor_key", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("first_seq", sa.BigInteger),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_checkpoints_installation", "checkpoints", ["installation_id", "tree_size"])
    op.create_index("ix_rejected_installation", "rejected_segments", ["installation_id"])
    op.execute("""
        CREATE FUNCTION unit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the unit store is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
        END $$
    """)
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION unit_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION unit_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the unit store is never downgraded: restore a backup instead")
