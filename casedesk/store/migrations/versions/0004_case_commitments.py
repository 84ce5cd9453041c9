"""Custody entry encoding version 2: a per-case commitment in each entry's header.

Entries already written keep version 1 (their hash and signature are over the
version-1 encoding); every entry written after this revision is version 2.
Each case gets its random salt when its first version-2 entry is written
(``casedesk.custody.log``).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ALTER TABLE ADD COLUMN: the append-only triggers refuse UPDATE, and none is needed (defaults fill them).
    op.add_column("custody_entries", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("custody_entries", sa.Column("case_commit", sa.String(64), nullable=True))
    op.add_column("cases", sa.Column("case_salt", sa.String(64), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("custody entries written in encoding version 2 cannot be taken back to version 1")
