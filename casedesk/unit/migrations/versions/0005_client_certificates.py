"""Mutual TLS: the installations' TLS client certificates the unit has seen, and the revoked ones; append-only.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NOW = sa.text("now()")


def _append_only(table: str) -> None:
    op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
               "FOR EACH ROW EXECUTE FUNCTION unit_append_only()")
    op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
               "FOR EACH STATEMENT EXECUTE FUNCTION unit_append_only()")


def upgrade() -> None:
    # Each client certificate the first time a request came over it (the TLS handshake checked it chains to the
    # unit CA): what a restore is given back, and what `casedesk unit status` shows.
    op.create_table(
        "client_certificates",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("installation_id", sa.String(64), nullable=False),
        sa.Column("serial", sa.String(32), nullable=False, unique=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("pem", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    op.create_index("ix_client_certificates_installation", "client_certificates", ["installation_id", "id"])
    # Revocations of the unit key (docs/unit-trust.md) loaded by the unit administrator: a client certificate
    # whose serial is here is refused on every request.
    op.create_table(
        "revoked_certificates",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("serial", sa.String(32), nullable=False, unique=True),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("revocation", sa.Text, nullable=False),
        sa.Column("loaded_by", sa.Text, nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False, server_default=NOW),
    )
    _append_only("client_certificates")
    _append_only("revoked_certificates")


def downgrade() -> None:
    raise NotImplementedError("the unit store is never downgraded: restore a backup instead")
