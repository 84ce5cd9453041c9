"""The unit store on PostgreSQL: tables, engine, migrations (casedesk/unit/migrations, Alembic).

Every table is append-only: the migration installs triggers that raise on UPDATE, DELETE and TRUNCATE, so
not even a bug in the service (or an operator's stray SQL) can change what was received. The service keeps
nothing in memory that matters: each request reads what it needs in its own transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    func,
)
from sqlalchemy.exc import OperationalError

from casedesk.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ENV_DATABASE = "CASEDESK_UNIT_DATABASE"

metadata = MetaData()

installations = Table(
    "installations", metadata,
    Column("installation_id", String(64), primary_key=True),
    Column("genesis_key", String(64), nullable=False),  # the log's first key registration, hex
    Column("label", Text, nullable=False),
    Column("registered_by", Text, nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# One row per custody entry, its columns exactly those of the installation's store (docs/custody-encoding.md).
entries = Table(
    "entries", metadata,
    Column("installation_id", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("prev_hash", Text, nullable=False),
    Column("timestamp", Text, nullable=False),
    Column("time_zone", Text, nullable=False),
    Column("utc_offset", Text, nullable=False),
    Column("actor", Text, nullable=False),
    Column("actor_key", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("case_ref", Text),
    Column("exhibit_ref", Text),
    Column("reason", Text),
    Column("location", Text),
    Column("from_party", Text),
    Column("to_party", Text),
    Column("sha256", Text),
    Column("tool", Text, nullable=False),
    Column("text", Text),
    Column("data", Text, nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("version", Integer, nullable=False),
    Column("case_commit", String(64)),
    Column("checkpoint_id", BigInteger, nullable=False),  # the checkpoint the push that brought it cosigned
    PrimaryKeyConstraint("installation_id", "seq"),
    Index("ix_entries_sha256", "installation_id", "sha256"),
)

# The entry columns in encoding.ROW_COLUMNS order.
ROW_COLUMNS = ("seq", "prev_hash", "timestamp", "time_zone", "utc_offset", "actor", "actor_key", "action",
               "case_ref", "exhibit_ref", "reason", "location", "from_party", "to_party", "sha256", "tool", "text",
               "data", "entry_hash", "signature", "version", "case_commit")

checkpoints = Table(
    "checkpoints", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("tree_size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),
    Column("note", Text, nullable=False),  # the checkpoint, signed by the pushing user and cosigned by the unit
    Column("cosigned_at", BigInteger, nullable=False),  # the cosignature's POSIX time
    Column("pushed_by", Text, nullable=False),
    Column("stored", Integer, nullable=False),  # entries this push added
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_checkpoints_installation", "installation_id", "tree_size"),
)

rejected_segments = Table(
    "rejected_segments", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), nullable=False),
    Column("pushed_by", Text, nullable=False),
    Column("actor_key", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_seq", BigInteger),
    Column("count", Integer, nullable=False),
    Column("body", Text, nullable=False),  # the request body as received (UTF-8 JSON)
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_rejected_installation", "installation_id"),
)

# Vault objects, as the installation stored them (encrypted under their case keys: the unit holds no key that
# opens them). An upload is declared with its first part (case, content SHA-256 and size as an exhibit.ingested
# entry records them, the stored size and the SHA-256 of the stored bytes: its address); parts follow in order;
# the object is held once every byte arrived and they hash to the address (docs/sync-protocol.md, "Objects").
object_uploads = Table(
    "object_uploads", metadata,
    Column("installation_id", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("name", String(64), nullable=False),  # the vault file name on the installation
    Column("declaration", Text, nullable=False),  # canonical JSON, as signed
    Column("case_ref", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the content (what the ingest entry records)
    Column("size", BigInteger, nullable=False),  # of the content
    Column("stored_size", BigInteger, nullable=False),  # of the object (ciphertext)
    Column("address", String(64), nullable=False),  # wire.object_address of the object's bytes
    Column("pushed_by", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("installation_id", "name"),
)

object_parts = Table(
    "object_parts", metadata,
    Column("installation_id", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("sha256", LargeBinary(32), nullable=False),  # of the part, computed as it arrived
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("installation_id", "name", "offset"),
    ForeignKeyConstraint(["installation_id", "name"], ["object_uploads.installation_id", "object_uploads.name"]),
)

objects = Table(
    "objects", metadata,
    Column("address", String(64), primary_key=True),
    Column("installation_id", String(64), nullable=False),
    Column("name", String(64), nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("installation_id", "name"),
    ForeignKeyConstraint(["installation_id", "name"], ["object_uploads.installation_id", "object_uploads.name"]),
)

rejected_objects = Table(
    "rejected_objects", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), nullable=False),
    Column("pushed_by", Text, nullable=False),
    Column("actor_key", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("part_offset", BigInteger, nullable=False),
    Column("declaration", Text, nullable=False),  # as received
    Column("data", LargeBinary, nullable=False),  # the part's bytes as received
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_rejected_objects_installation", "installation_id"),
)

# Key slots in escrow (docs/sync-protocol.md, "Restore"): the installation's keyslots.json (without its head copy)
# and recovery.json, as the laptop holds them. Every slot is wrapped under its user's password and the device
# secret, the device secret under the recovery key (256 random bits): nothing here opens without both.
escrows = Table(
    "escrows", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("pushed_by", Text, nullable=False),
    Column("token", String(64), nullable=False),  # HMAC of the device secret: who may fetch the slots
    Column("keyslots", Text, nullable=False),
    Column("recovery", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # of keyslots, a line feed and recovery: sent again only if new
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_escrows_installation", "installation_id", "id"),
)

# Review statements (docs/sync-protocol.md, "Review statements"): a supervisor of installation
# ``reviewer_installation`` signed a decision about a case of installation ``installation_id``; the unit checked the
# reviewer against that installation's log (``reviewer_tree_size`` entries) and vouched for them with its cosigner
# key. ``installation_id``'s syncs fetch them by ``id``. The same statement twice is kept once.
review_statements = Table(
    "review_statements", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("case_ref", Text, nullable=False),
    Column("reviewer_installation", String(64), ForeignKey("installations.installation_id"), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("reviewer_key", String(64), nullable=False),
    Column("statement", Text, nullable=False),  # canonical JSON, as signed
    Column("statement_sha256", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("voucher", String(128), nullable=False),
    Column("reviewer_tree_size", BigInteger, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("installation_id", "statement_sha256", name="uq_review_statements_statement"),
    Index("ix_review_statements_installation", "installation_id", "id"),
)

# Mutual TLS (docs/sync-protocol.md, "Mutual TLS"): each installation's client certificate as first seen, and the
# unit key's revocations the unit administrator loaded (`casedesk unit load-revocations`).
client_certificates = Table(
    "client_certificates", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("installation_id", String(64), nullable=False),
    Column("serial", String(32), nullable=False, unique=True),
    Column("public_key", String(64), nullable=False),
    Column("pem", Text, nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_client_certificates_installation", "installation_id", "id"),
)

revoked_certificates = Table(
    "revoked_certificates", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("serial", String(32), nullable=False, unique=True),
    Column("public_key", String(64), nullable=False),
    Column("revoked_at", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("revocation", Text, nullable=False),  # the revocation object as the unit key signed it (JSON)
    Column("loaded_by", Text, nullable=False),
    Column("loaded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

APPEND_ONLY = ("installations", "entries", "checkpoints", "rejected_segments", "object_uploads", "object_parts",
               "objects", "rejected_objects", "escrows", "review_statements", "client_certificates",
               "revoked_certificates")


def engine_for(url: str, pool_size: int = 5) -> Engine:
    """An engine on the unit database (``postgresql+psycopg://...``; a bare ``postgresql://`` gets psycopg)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if not url.startswith("postgresql+psycopg://"):
        raise StoreError("the unit database must be a PostgreSQL URL (postgresql://user@host/dbname)")
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def _config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert head is not None
    return head


def migrate(engine: Engine) -> str:
    """Bring the unit store to the newest schema; returns the revision."""
    try:
        with engine.begin() as conn:
            command.upgrade(_config(conn), "head")
    except OperationalError as exc:
        raise StoreError(f"cannot reach the unit database: {str(exc.orig).strip().splitlines()[0]}") from None
    return head_revision()


def check_schema(engine: Engine) -> None:
    """Refuse to serve a database that is not at this code's schema (run `casedesk unit migrate`)."""
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except OperationalError as exc:
        raise StoreError(f"cannot reach the unit database: {str(exc.orig).strip().splitlines()[0]}") from None
    if current != head_revision():
        raise StoreError(f"the unit database is at schema {current or 'none'}, not {head_revision()}: "
                         "run `casedesk unit migrate --database URL` first")
