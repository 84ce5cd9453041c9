"""The register digest and its seal: the sign-in check that the tables are what CaseDesk wrote.

Every row of the projected tables (accounts, keys, cases, members, case keys, exhibits, vault objects, notes,
settings) has a canonical encoding, made by SQLite itself from the stored values (``row_sql``); a table's digest is
the sum, modulo 2^2048, of SHAKE-256 of each row's encoding. A sum is kept up to date without reading the table:
a write adds the values of the rows it inserts and subtracts those of the rows it deletes (an update is both).
CaseDesk's own writes are captured on their connection by TEMP triggers (``TRIGGERS``: another process or an
sqlcipher shell never sees them) and folded in before the commit (``services.session.Session.write``), which then
signs a seal: the digests, bound to the log's head entry (number and hash), signed by the writer's registered
custody key and kept in ``casedesk_meta``.

Sign-in reads the seal, the head and the tables in one read transaction: if the seal is signed by a key the log
registered to its signer and names the head, the tables' digests computed in one pass (SQL builds the encodings,
``scan``) must equal it; a row edited, added or removed with SQL does not (the alert says to run ``casedesk
verify``, which replays the log and names the row and column). A seal that is missing, unreadable, signed by no
registered key or bound to an older head (entries written by something that does not seal: an older CaseDesk, an
installation's creation, a restore, a forged entry) proves nothing: sign-in then replays the log in full as before,
and when that finds the tables as the log says, the sign-in's own write seals them again.

An additive digest of 256 bits would fall to the generalised birthday attack (thousands of rows each changed to
one of many variants until the changes cancel); 2048 bits puts that attack out of reach.

The TEMP table holds row encodings (case content) for one transaction only; SQLCipher is built with
SQLITE_TEMP_STORE=2, so TEMP tables live in memory and never reach a temporary file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from casedesk.custody.chain import Registry
from casedesk.custody.signing import Signer

FORMAT = "casedesk-register-digest-v1"
ROW_DOMAIN = b"CASEDESK-REGISTER-ROW-V1\x00"
SEAL_DOMAIN = b"CASEDESK-REGISTER-SEAL-V1\x00"
WIDTH = 256  # bytes of SHAKE-256 output per row: the sums are modulo 2^2048
MODULUS = 1 << (8 * WIDTH)
META_KEY = "register_seal"  # the seal's row in casedesk_meta
DELTA = "register_delta"  # the TEMP table the triggers write to

# Every column of every projected table, in the order of the encoding. A column added to one of these tables must be
# added here AND ``FORMAT`` changed (every older seal then proves nothing and the next sign-in replays in full):
# tests/custody/test_register_digest.py holds this list to the models.
TABLES: dict[str, tuple[str, ...]] = {
    "users": ("id", "username", "full_name", "initials", "role", "disabled", "created_at", "password_changed_at"),
    "signing_keys": ("id", "user_id", "public_key", "created_at", "retired_at"),
    "box_keys": ("id", "user_id", "public_key", "created_at", "retired_at"),
    "settings": ("key", "value"),
    "cases": ("id", "reference", "title", "offences", "status", "officer_in_charge_id", "summary", "created_at",
              "created_by_id", "closed_at", "closed_by_id", "case_salt"),
    "case_members": ("case_id", "user_id", "added_at"),
    "case_key_epochs": ("case_id", "epoch", "created_at", "created_by_id", "reason"),
    "case_key_grants": ("case_id", "epoch", "user_id", "box_public", "sealed", "granted_at", "custody_seq"),
    "vault_objects": ("id", "name", "size", "sha256", "created_at", "case_id", "epoch"),
    "exhibits": ("id", "case_id", "reference", "initials", "number", "description", "producer_id", "seized_from",
                 "seized_at", "seized_offset", "seized_location", "seal", "original_name", "relative_path", "size",
                 "fs_modified", "fs_changed", "fs_accessed", "mime_type", "type_description", "type_warning",
                 "sha256", "md5", "sha1", "object_id", "duplicate_of_id", "ingested_by_id", "ingested_at", "tool",
                 "sensitive", "status", "withdrawn_reason", "custodian", "custodian_is_user", "location",
                 "checked_out"),
    "notes": ("id", "case_id", "exhibit_id", "author_id", "created_at", "text", "custody_seq"),
}

Sums = dict[str, int]
Execute = Callable[[str], Iterable[Any]]


def row_sql(table: str, prefix: str = "") -> str:
    """The SQL expression of a row's encoding: ``<table>`` then, per column, ``|<typeof>:<hex>`` (ASCII).

    ``typeof`` and ``hex`` are SQLite's: the storage class and the value's bytes (text as stored, an integer or
    real as SQLite prints it, a blob as is), so any value an insider can store has exactly one encoding.
    """
    columns = TABLES[table]
    args = ", ".join(f"typeof({prefix}{c}), hex({prefix}{c})" for c in columns)
    return f"printf('{table}{'|%s:%s' * len(columns)}', {args})"  # one pass: a chain of || copies the row each time


def row_value(encoding: str | bytes) -> int:
    raw = encoding.encode("ascii") if isinstance(encoding, str) else encoding
    return int.from_bytes(hashlib.shake_256(ROW_DOMAIN + raw).digest(WIDTH), "big")


def zero() -> Sums:
    return dict.fromkeys(TABLES, 0)


def scan(execute: Execute) -> Sums:
    """Every projected table's digest, computed from its rows (one pass each, the encodings built by SQL)."""
    sums = zero()
    shake, number, domain = hashlib.shake_256, int.from_bytes, ROW_DOMAIN
    for table in TABLES:
        # row_value, inlined: this loop runs once per row of the register at every sign-in.
        sums[table] = sum(number(shake(domain + (e.encode("ascii") if e.__class__ is str else e)).digest(WIDTH), "big")
                          for (e,) in execute(f"SELECT {row_sql(table)} FROM {table}")) % MODULUS
    return sums


# --- capturing CaseDesk's own writes -----------------------------------------------------------------------
def _triggers() -> list[str]:
    ddl = [f"CREATE TEMP TABLE IF NOT EXISTS {DELTA} (tbl TEXT NOT NULL, sign INTEGER NOT NULL, enc TEXT NOT NULL)"]
    for table in TABLES:
        new, old = row_sql(table, "NEW."), row_sql(table, "OLD.")
        ddl += [
            f"CREATE TEMP TRIGGER IF NOT EXISTS register_digest_{table}_insert AFTER INSERT ON main.{table} "
            f"BEGIN INSERT INTO {DELTA} VALUES ('{table}', 1, {new}); END",
            f"CREATE TEMP TRIGGER IF NOT EXISTS register_digest_{table}_delete AFTER DELETE ON main.{table} "
            f"BEGIN INSERT INTO {DELTA} VALUES ('{table}', -1, {old}); END",
            f"CREATE TEMP TRIGGER IF NOT EXISTS register_digest_{table}_update AFTER UPDATE ON main.{table} "
            f"BEGIN INSERT INTO {DELTA} VALUES ('{table}', -1, {old}); "
            f"INSERT INTO {DELTA} VALUES ('{table}', 1, {new}); END",
        ]
    return ddl


TRIGGERS = _triggers()
_COUNT = ("SELECT count(*) FROM sqlite_temp_master WHERE type = 'trigger' "
          "AND name LIKE 'register\\_digest\\_%' ESCAPE '\\'")


def capture(execute: Execute) -> None:
    """At the start of a write transaction: the triggers on this connection, and nothing captured before.

    The triggers are TEMP (this connection only) and created inside the transaction, so a rollback removes them:
    they are counted every time. Rows captured outside a sealing write (a test's or a tool's own transaction on
    the same connection) are thrown away, never folded into a seal.
    """
    found = next(iter(execute(_COUNT)))[0]
    if found != 3 * len(TABLES):
        for ddl in TRIGGERS:
            execute(ddl)
    execute(f"DELETE FROM {DELTA}")


def take_delta(execute: Execute) -> Sums | None:
    """What this transaction's writes add to each table's digest (None: no projected row was written)."""
    rows = list(execute(f"SELECT tbl, sign, enc FROM {DELTA}"))
    if not rows:
        return None
    execute(f"DELETE FROM {DELTA}")
    delta = zero()
    shake, number, domain = hashlib.shake_256, int.from_bytes, ROW_DOMAIN
    for table, sign, enc in rows:  # row_value, inlined: an ingest batch folds two rows a file
        value = number(shake(domain + (enc.encode("ascii") if enc.__class__ is str else enc)).digest(WIDTH), "big")
        delta[table] += value if sign > 0 else -value
    return {t: v % MODULUS for t, v in delta.items()}


def add(sums: Mapping[str, int], delta: Mapping[str, int] | None) -> Sums:
    if delta is None:
        return dict(sums)
    return {t: (sums.get(t, 0) + delta.get(t, 0)) % MODULUS for t in TABLES}


# --- the seal --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Seal:
    seq: int
    entry_hash: str
    sums: Sums
    signer: str
    key: str  # Ed25519 public key, hex
    signature: str  # hex

    def body(self) -> dict[str, Any]:
        return {"format": FORMAT, "seq": self.seq, "hash": self.entry_hash, "signer": self.signer, "key": self.key,
                "tables": {t: f"{self.sums[t]:0{2 * WIDTH}x}" for t in TABLES}}

    def message(self) -> bytes:
        return SEAL_DOMAIN + json.dumps(self.body(), sort_keys=True, separators=(",", ":")).encode("utf-8")

    def text(self) -> str:
        return json.dumps({**self.body(), "signature": self.signature}, sort_keys=True, separators=(",", ":"))


def make(seq: int, entry_hash: str, sums: Mapping[str, int], signer_name: str, signer: Signer) -> Seal:
    unsigned = Seal(seq, entry_hash, dict(sums), signer_name, signer.public_hex, "")
    return Seal(seq, entry_hash, dict(sums), signer_name, signer.public_hex, signer.sign(unsigned.message()).hex())


def parse(text: Any) -> Seal | None:
    """The seal stored as ``text``; None when it is missing, unreadable or of another format."""
    if not isinstance(text, str):
        return None
    try:
        d = json.loads(text)
        if d.get("format") != FORMAT or set(d.get("tables", {})) != set(TABLES):
            return None
        seal = Seal(int(d["seq"]), str(d["hash"]), {t: int(v, 16) for t, v in d["tables"].items()},
                    str(d["signer"]), str(d["key"]), str(d["signature"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return seal if seal.text() == text else None  # one encoding only: what was signed is what is read


def signed_by_registered_key(seal: Seal, registry: Registry | None) -> bool:
    """The seal's signature holds under the key the log registered to its signer for the entry after the head."""
    if registry is None or registry.key_for(seal.signer, seal.seq + 1) != seal.key:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(seal.key)).verify(bytes.fromhex(seal.signature),
                                                                           seal.message())
    except (InvalidSignature, ValueError):
        return False
    return True


LOAD = f"SELECT value FROM casedesk_meta WHERE key = '{META_KEY}'"
HEAD = "SELECT seq, entry_hash FROM custody_entries ORDER BY seq DESC LIMIT 1"


def load(execute: Execute) -> Seal | None:
    row = next(iter(execute(LOAD)), None)
    return None if row is None else parse(row[0])


def head(execute: Execute) -> tuple[int, str] | None:
    row = next(iter(execute(HEAD)), None)
    return None if row is None else (int(row[0]), str(row[1]))


@dataclass(frozen=True)
class Check:
    """What the seal says of the tables: ``sealed`` (a usable seal for the head) and the tables that differ."""

    sealed: bool
    seq: int = 0
    differ: tuple[str, ...] = ()
    why: str = ""  # when not sealed: why the seal proves nothing


def check(execute: Execute, registry: Registry | None) -> Check:
    """The tables against the seal, all read in the caller's one read transaction."""
    seal = load(execute)
    if seal is None:
        return Check(False, why="no seal")
    at = head(execute)
    if at is None or (seal.seq, seal.entry_hash) != at:
        return Check(False, why="sealed at an older head")
    if not signed_by_registered_key(seal, registry):
        return Check(False, why="not signed by a registered key")
    sums = scan(execute)
    return Check(True, seal.seq, tuple(t for t in TABLES if sums[t] != seal.sums[t]))


MSG_ALERT = ("the register differs from the signed custody log: the {tables} table{s} no longer match{es} the digest "
             "sealed after entry {seq}; run `casedesk verify` to see what differs")


def alert(result: Check) -> str:
    many = len(result.differ) > 1
    return MSG_ALERT.format(tables=", ".join(result.differ), s="s" if many else "", es="" if many else "es",
                            seq=result.seq)


def store(execute_args: Callable[[str, tuple[Any, ...]], Any], seal: Seal) -> None:
    execute_args("INSERT OR REPLACE INTO casedesk_meta (key, value) VALUES (?, ?)", (META_KEY, seal.text()))


def remove(execute: Execute) -> None:
    execute(f"DELETE FROM casedesk_meta WHERE key = '{META_KEY}'")
