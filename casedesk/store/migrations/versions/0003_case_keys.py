"""Content keys follow membership: users' box keys, per-case key epochs and grants, object epochs.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "box_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("retired_at", TS, nullable=True),
    )
    op.create_table(
        "case_key_epochs",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "case_key_grants",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("epoch", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("box_public", sa.LargeBinary(32), nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.Column("granted_at", TS, nullable=False),
        sa.Column("custody_seq", sa.Integer, nullable=False),
    )
    # NULL: an object written before case keys, encrypted under the store key's vault subkeys.
    op.add_column("vault_objects", sa.Column("case_id", sa.Integer, nullable=True))
    op.add_column("vault_objects", sa.Column("epoch", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("vault_objects", "epoch")
    op.drop_column("vault_objects", "case_id")
    op.drop_table("case_key_grants")
    op.drop_table("case_key_epochs")
    op.drop_table("box_keys")
