"""Indexes for search across cases: exhibits by file name, reference and description.

``casedesk search`` (services/search.py) finds text anywhere inside a file name,
a reference or a description (``LIKE '%text%'``), which no B-tree can seek to;
each index holds the columns searched with the case and status the search
filters on, so SQLite scans the narrow index (a few MiB for 200,000 exhibits)
instead of every exhibit row, and reads a row only for a match.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_exhibit_name", "exhibits", ["original_name", "reference", "case_id", "status"])
    op.create_index("ix_exhibit_description", "exhibits", ["description", "case_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_exhibit_description", "exhibits")
    op.drop_index("ix_exhibit_name", "exhibits")
