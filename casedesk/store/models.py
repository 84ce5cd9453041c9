"""The typed ORM model of a CaseDesk store.

Every timestamp is an aware UTC datetime stored as ISO 8601 text with a
``Z`` (``UTCDateTime``), so the database itself never holds a time without a
zone. The custody log table is append-only: triggers created by the first
migration refuse UPDATE and DELETE.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    column,
    table,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from casedesk.timeutil import iso_utc, parse_iso


class UTCDateTime(TypeDecorator[datetime]):
    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else iso_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else parse_iso(str(value))


class Base(DeclarativeBase):
    pass


class Meta(Base):
    """Identity of the store: ties the database to its key slots file."""

    __tablename__ = "casedesk_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """Installation settings (JSON values); declared with defaults in ``casedesk.settings``."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    initials: Mapped[str] = mapped_column(String(8))
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SigningKey(Base):
    """A user's Ed25519 public key; the private half lives only in the user's key slot.

    A cache of the ``account.key_registered`` custody entries: verification
    trusts the log, not this table.
    """

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class BoxKey(Base):
    """A user's X25519 public key (case keys are sealed to it); the private half lives only in the key slot.

    A cache of ``account.key_registered`` / ``account.box_key_registered`` custody entries.
    """

    __tablename__ = "box_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Case(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))  # operation name
    offences: Mapped[str] = mapped_column(Text, default="")  # one per line
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    officer_in_charge_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    summary: Mapped[str] = mapped_column(Text, default="")  # MG5-like case summary
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    # Random salt (hex) of the case commitments in its custody entries' headers (docs/custody-encoding.md).
    case_salt: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CaseMember(Base):
    __tablename__ = "case_members"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseKeyEpoch(Base):
    """One generation of a case's content key (``case.key_created`` / ``case.key_rotated`` entries)."""

    __tablename__ = "case_key_epochs"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)


class CaseKeyGrant(Base):
    """A case key epoch sealed to one user's box key (``case.key_granted`` entries; ``sealed`` is in the entry)."""

    __tablename__ = "case_key_grants"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    box_public: Mapped[bytes] = mapped_column(LargeBinary(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    custody_seq: Mapped[int] = mapped_column(Integer)


class CustodyEntry(Base):
    """One entry of the installation's append-only, hash-chained, signed custody log.

    Columns hold exactly the fields of the canonical encoding
    (``docs/custody-encoding.md``); ``entry_hash`` and ``signature`` are
    recomputed and checked by ``casedesk verify``.
    """

    __tablename__ = "custody_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    prev_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(32))  # ISO 8601 UTC with Z, microseconds
    time_zone: Mapped[str] = mapped_column(String(64))  # e.g. Europe/London
    utc_offset: Mapped[str] = mapped_column(String(6))  # offset in force, e.g. +01:00
    actor: Mapped[str] = mapped_column(String(64))
    actor_key: Mapped[str] = mapped_column(String(64))  # Ed25519 public key, hex
    action: Mapped[str] = mapped_column(String(64))
    case_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    exhibit_ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    location: Mapped[str | None] = mapped_column(Text, nullable=True)
    from_party: Mapped[str | None] = mapped_column(Text, nullable=True)
    to_party: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    tool: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON object
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    signature: Mapped[str] = mapped_column(String(128))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # encoding version: 1 or 2
    case_commit: Mapped[str | None] = mapped_column(String(64), nullable=True)  # version 2, entries of a case

    __table_args__ = (
        Index("ix_custody_case_exhibit", "case_ref", "exhibit_ref"),
        Index("ix_custody_action", "action"),
    )


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    exhibit_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"), nullable=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    custody_seq: Mapped[int] = mapped_column(Integer)  # the custody entry that recorded it


class VaultObject(Base):
    """An encrypted object in ``vault/``, named by HMAC of its content; shared by duplicates."""

    __tablename__ = "vault_objects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The case and key epoch the object is encrypted for; both NULL for objects written before case keys
    # (encrypted under the store key's vault subkeys, docs/vault-format.md "Legacy objects").
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    epoch: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Exhibit(Base):
    __tablename__ = "exhibits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    reference: Mapped[str] = mapped_column(String(32))  # e.g. JAS/1
    initials: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    producer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seized_from: Mapped[str] = mapped_column(Text, default="")
    seized_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    seized_offset: Mapped[str | None] = mapped_column(String(6), nullable=True)  # as entered
    seized_location: Mapped[str] = mapped_column(Text, default="")
    seal: Mapped[str] = mapped_column(String(64), default="")
    original_name: Mapped[str] = mapped_column(Text)
    relative_path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    fs_modified: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fs_changed: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fs_accessed: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    mime_type: Mapped[str] = mapped_column(String(128))
    type_description: Mapped[str] = mapped_column(Text, default="")
    type_warning: Mapped[str | None] = mapped_column(Text, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str | None] = mapped_column(String(32), nullable=True)
    sha1: Mapped[str | None] = mapped_column(String(40), nullable=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("vault_objects.id"))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("exhibits.id"), nullable=True)
    ingested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tool: Mapped[str] = mapped_column(String(64))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)  # MG6D-like
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | withdrawn
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    custodian: Mapped[str] = mapped_column(Text)  # a user name or a place
    custodian_is_user: Mapped[bool] = mapped_column(Boolean, default=True)
    location: Mapped[str] = mapped_column(Text, default="")
    checked_out: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("case_id", "reference", name="uq_exhibit_reference"),
        UniqueConstraint("case_id", "initials", "number", name="uq_exhibit_number"),
        Index("ix_exhibit_case", "case_id"),
        Index("ix_exhibit_sha256", "sha256"),
        # Search (migration 0005): a LIKE '%text%' scans these narrow indexes instead of the table.
        Index("ix_exhibit_name", "original_name", "reference", "case_id", "status"),
        Index("ix_exhibit_description", "description", "case_id", "status"),
    )


# The FTS5 trigram index of exhibit references, file names and descriptions (migration 0006: a virtual table,
# kept by triggers, that holds the exhibits' ids, not their text). Not a model: SQLAlchemy cannot declare a
# virtual table, and nothing writes it but its triggers. Search reads it as this lightweight table.
EXHIBIT_TEXT = table("exhibit_text", column("rowid", Integer), column("reference", Text),
                     column("original_name", Text), column("description", Text))


def modelled(name: str | None) -> bool:
    """False for the tables the migrations make outside the models: the text index and the shadow tables FTS5
    keeps it in (``exhibit_text_data``, ``_idx``, ``_docsize``, ``_config``)."""
    return name is None or not (name == EXHIBIT_TEXT.name or name.startswith(f"{EXHIBIT_TEXT.name}_"))
