"""Evidence: vault objects and the exhibit register.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "vault_objects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "exhibits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("initials", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("producer_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("seized_from", sa.Text, nullable=False),
        sa.Column("seized_at", TS, nullable=True),
        sa.Column("seized_offset", sa.String(6), nullable=True),
        sa.Column("seized_location", sa.Text, nullable=False),
        sa.Column("seal", sa.String(64), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("relative_path", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("fs_modified", TS, nullable=True),
        sa.Column("fs_changed", TS, nullable=True),
        sa.Column("fs_accessed", TS, nullable=True),
        sa.Column("mime_type", sa.String(128), nullable=False),
        sa.Column("type_description", sa.Text, nullable=False),
        sa.Column("type_warning", sa.Text, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("md5", sa.String(32), nullable=True),
        sa.Column("sha1", sa.String(40), nullable=True),
        sa.Column("object_id", sa.Integer, sa.ForeignKey("vault_objects.id"), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer, sa.ForeignKey("exhibits.id"), nullable=True),
        sa.Column("ingested_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("ingested_at", TS, nullable=False),
        sa.Column("tool", sa.String(64), nullable=False),
        sa.Column("sensitive", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("withdrawn_reason", sa.Text, nullable=True),
        sa.Column("custodian", sa.Text, nullable=False),
        sa.Column("custodian_is_user", sa.Boolean, nullable=False),
        sa.Column("location", sa.Text, nullable=False),
        sa.Column("checked_out", sa.Boolean, nullable=False),
        sa.UniqueConstraint("case_id", "reference", name="uq_exhibit_reference"),
        sa.UniqueConstraint("case_id", "initials", "number", name="uq_exhibit_number"),
    )
    op.create_index("ix_exhibit_case", "exhibits", ["case_id"])
    op.create_index("ix_exhibit_sha256", "exhibits", ["sha256"])
    with op.batch_alter_table("notes") as batch:
        batch.create_foreign_key("fk_notes_exhibit", "exhibits", ["exhibit_id"], ["id"])


def downgrade() -> None:
    raise NotImplementedError("CaseDesk stores are never downgraded; restore the pre-migration copy")
