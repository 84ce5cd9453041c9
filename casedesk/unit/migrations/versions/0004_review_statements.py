"""Review statements: a supervisor's signed decision on another installation's case, with the unit's voucher.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "review_statements",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), sa.ForeignKey("installations.installation_id"), nullable=False),
        sa.Column("case_ref", sa.Text, nullable=False),
        sa.Column("reviewer_installation", sa.String(64), sa.ForeignKey("installations.installation_id"),
                  nullable=False),
        sa.Column("reviewer", sa.Text, nullable=False),
        sa.Column("reviewer_key", sa.String(64), nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("statement_sha256", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
        sa.Column("voucher", sa.String(128), nullable=False),
        sa.Column("reviewer_tree_size", sa.BigInteger, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("installation_id", "statement_sha256", name="uq_review_statements_statement"),
    )
    op.create_index("ix_review_statements_installation", "review_statements", ["installation_id", "id"])
    op.execute("CREATE TRIGGER review_statements_append_only BEFORE UPDATE OR DELETE ON review_statements "
               "FOR EACH ROW EXECUTE FUNCTION unit_append_only()")
    op.execute("CREATE TRIGGER review_statements_no_truncate BEFORE TRUNCATE ON review_statements "
               "FOR EACH STATEMENT EXECUTE FUNCTION unit_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the unit store is never downgraded: restore a backup instead")
