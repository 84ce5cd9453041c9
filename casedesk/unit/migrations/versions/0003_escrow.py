"""Escrowed key slots: an installation's key slots file and recovery file as the laptop holds them; append-only.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "escrows",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), sa.ForeignKey("installations.installation_id"), nullable=False),
        sa.Column("pushed_by", sa.Text, nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("keyslots", sa.Text, nullable=False),
        sa.Column("recovery", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_escrows_installation", "escrows", ["installation_id", "id"])
    op.execute("CREATE TRIGGER escrows_append_only BEFORE UPDATE OR DELETE ON escrows "
               "FOR EACH ROW EXECUTE FUNCTION unit_append_only()")
    op.execute("CREATE TRIGGER escrows_no_truncate BEFORE TRUNCATE ON escrows "
               "FOR EACH STATEMENT EXECUTE FUNCTION unit_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the unit store is never downgraded: restore a backup instead")
