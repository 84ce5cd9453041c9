"""Foundation: identity, settings, users, signing keys, cases, membership, custody log, notes.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "casedesk_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200), nullable=False),
        sa.Column("initials", sa.String(8), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("password_changed_at", TS, nullable=True),
    )
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("public_key", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("retired_at", TS, nullable=True),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("offences", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("officer_in_charge_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("closed_by_id", sa.Integer, sa.ForeignKey("users.id"), nullable=True),
    )
    op.create_table(
        "case_members",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("added_at", TS, nullable=False),
    )
    op.create_table(
        "custody_entries",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("timestamp", sa.String(32), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("utc_offset", sa.String(6), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("actor_key", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_ref", sa.String(64), nullable=True),
        sa.Column("exhibit_ref", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("location", sa.Text, nullable=True),
        sa.Column("from_party", sa.Text, nullable=True),
        sa.Column("to_party", sa.Text, nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("tool", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("signature", sa.String(128), nullable=False),
    )
    op.create_index("ix_custody_case_exhibit", "custody_entries", ["case_ref", "exhibit_ref"])
    op.create_index("ix_custody_action", "custody_entries", ["action"])
    # The log is append-only at the database level too.
    op.execute(
        "CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody_entries "
        "BEGIN SELECT RAISE(ABORT, 'custody log is append-only: entries cannot be changed'); END"
    )
    op.execute(
        "CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody_entries "
        "BEGIN SELECT RAISE(ABORT, 'custody log is append-only: entries cannot be deleted'); END"
    )
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("exhibit_id", sa.Integer, nullable=True),
        sa.Column("author_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("custody_seq", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    raise NotImplementedError("CaseDesk stores are never downgraded; restore the pre-migration copy")
