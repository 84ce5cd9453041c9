"""The unit store: installations, entries, checkpoints, rejected segments; all append-only.

Revision ID: 0001
"""

from __future__ import annotations

from alembic import op

from casedesk.unit.store import APPEND_ONLY, metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
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
