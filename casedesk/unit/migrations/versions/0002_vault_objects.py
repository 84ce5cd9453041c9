"""Vault objects as ciphertext: declared uploads, their parts, the objects held, refused objects; append-only.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = ("object_uploads", "object_parts", "objects", "rejected_objects")
NOW = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "object_uploads",
        sa.Column("installation_id", sa.String(64), sa.ForeignKey("installations.installation_id"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("declaration", sa.Text, nullable=False),
        sa.Column("case_ref", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("stored_size", sa.BigInteger, nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("pushed_by", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("installation_id", "name"),
    )
    op.create_table(
        "object_parts",
        sa.Column("installation_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("offset", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("sha256", sa.LargeBinary(32), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.PrimaryKeyConstraint("installation_id", "name", "offset"),
        sa.ForeignKeyConstraint(["installation_id", "name"],
                                ["object_uploads.installation_id", "object_uploads.name"]),
    )
    # Ciphertext does not compress: TOAST stores it out of line without trying.
    op.execute("ALTER TABLE object_parts ALTER COLUMN data SET STORAGE EXTERNAL")
    op.create_table(
        "objects",
        sa.Column("address", sa.String(64), primary_key=True),
        sa.Column("installation_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
        sa.UniqueConstraint("installation_id", "name"),
        sa.ForeignKeyConstraint(["installation_id", "name"],
                                ["object_uploads.installation_id", "object_uploads.name"]),
    )
    op.create_table(
        "rejected_objects",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), nullable=False),
        sa.Column("pushed_by", sa.Text, nullable=False),
        sa.Column("actor_key", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("part_offset", sa.BigInteger, nullable=False),
        sa.Column("declaration", sa.Text, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_rejected_objects_installation", "rejected_objects", ["installation_id"])
    # What an upload's declaration is checked against: the installation's exhibit.ingested entries of a content.
    op.create_index("ix_entries_sha256", "entries", ["installation_id", "sha256"])
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION unit_append_only()")
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION unit_append_only()")


def downgrade() -> None:
    raise NotImplementedError("the unit store is never downgraded: restore a backup instead")
