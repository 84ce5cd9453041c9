"""The SQLCipher engine: raw 256-bit key, foreign keys, WAL, explicit write transactions.

Writes take SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``) so the custody
log head read inside a write transaction cannot change before the commit;
reads use plain deferred transactions and never wait for a writer (WAL).

``cipher_memory_security`` stays at SQLCipher's default (off since 4.5; once
on, it cannot be turned off in the process): it wipes and locks SQLCipher's
own buffers at a large cost to speed (reading the register of 20,000 exhibits
took 181 ms of CPU with it on against 108 ms off, 2026-11-24), while the key
itself has to live in this Python process anyway, and so do the rows read.
The protection that matters for a lost laptop, encryption at rest with a key
that is never on disk, holds.

Each connection keeps up to ``CACHE_KIB`` of decrypted pages (SQLite's page
cache; SQLCipher authenticates and decrypts a page each time it enters the
cache, and cannot memory-map the file). At SQLite's default of 8 MiB, reading
the register of a 20,000-exhibit case (17 MiB of pages) decrypted every page
again on every read: a third of the register's read. The cache fills only as
pages are read, and SQLite empties it when a read transaction finds that
another connection has written since (WAL), so a repeat read is never stale.
It is per connection, and the pool keeps one connection per thread that used
the store (up to ``pool_size``, closed only when that many exist), so a
session's worst case is ``pool_size`` times ``CACHE_KIB``; 32 MiB holds a
20,000-exhibit register with room to spare (64 MiB measured the same).
Decrypted pages in this process's memory give an attacker who can read that
memory nothing the key and the rows on screen would not.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import SingletonThreadPool
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.errors import StoreError
from casedesk.timeutil import utc_now

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE = "casedesk_write"
CACHE_KIB = 32 * 1024  # per connection (one per thread): the pages of a 20,000-exhibit register, read again


def new_database_key() -> bytes:
    return os.urandom(32)


def rekey(path: Path, old_key: bytes, new_key: bytes) -> None:
    """Re-encrypt the whole database under ``new_key`` (SQLCipher ``PRAGMA rekey``), in place, in one transaction.

    The caller holds the data-directory lock and has closed its own connections; another process's open connections
    can no longer read the file afterwards.
    """
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{old_key.hex()}'\"")
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Pages written under the old key must not stay behind in the write-ahead log (backups.py, the same).
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlcipher.DatabaseError as exc:
        raise StoreError(f"{path} could not be re-keyed: {str(exc).lower()}") from None
    finally:
        conn.close()


def make_engine(path: Path, db_key: bytes) -> Engine:
    if not path.exists():  # created private; SQLite gives -wal/-shm the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    url = URL.create("sqlite+pysqlcipher", password=f"x'{db_key.hex()}'", database=str(path))
    # hide_parameters: an error's text (which reaches the log) must never carry the values of a
    # statement: descriptions, notes and summaries are case content.
    engine = create_engine(url, poolclass=SingletonThreadPool, pool_size=16, hide_parameters=True)

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        problem = store_problem(context.original_exception, path)
        if problem is not None:
            raise problem from None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # transactions are begun explicitly below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 30000")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


@contextmanager
def staged_store(path: Path, db_key: bytes) -> Iterator[Engine]:
    """A new store being made in a staging folder (init, restore, rebuild-register): the engine for the work in the
    block, then, if the block ends normally, its write-ahead log folded into the file and the ``-wal``/``-shm`` files
    removed, so the folder holds the one database file when it is published. On an error the engine is only closed.
    """
    engine = make_engine(path, db_key)
    try:
        yield engine
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


class DamagedStore(StoreError):
    """The database file cannot be read as a database (cut short, overwritten, or not ours)."""


def store_problem(exc: BaseException, path: Path) -> StoreError | None:
    """The condition of the world behind an SQLite error, worded for a detective; None for a bug."""
    text = str(exc).lower()
    if "database or disk is full" in text:
        return StoreError(
            f"the disk holding {path.parent} is full: nothing was recorded; free some space and try again"
        )
    if "malformed" in text or "not a database" in text or "error decrypting" in text:
        return DamagedStore(
            f"{path} is damaged ({text}), for example cut short by a power failure: restore casedesk.db "
            "from backup, then run `casedesk verify` to see what was lost since"
        )
    if "disk i/o error" in text:
        return StoreError(f"cannot read or write {path} (disk I/O error): the disk may be full or failing; "
                          "free some space or check the disk, then try again")
    if "readonly database" in text or "read-only" in text:
        return StoreError(f"cannot write to {path}: the file or its folder is read-only")
    return None


def check_key(engine: Engine, path: Path) -> None:
    """Fail with a clear message when the file is not a CaseDesk store or the key is wrong."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
    except (DatabaseError, OperationalError, DamagedStore):  # a full disk or an I/O error says so itself
        engine.dispose()
        raise StoreError(
            f"{path} cannot be decrypted with this installation's key: it is damaged (for example cut short "
            "by a power failure), not a CaseDesk store, or another installation's database; restore "
            "casedesk.db from backup"
        ) from None


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, db_path: Path, backup_dir: Path, target: str = "head") -> Path | None:
    """Bring the schema to ``target``; copy the database aside first when it holds data.

    Returns the path of the pre-migration copy, if one was taken.
    """
    current = current_revision(engine)
    wanted = head_revision() if target == "head" else target
    if current == wanted:
        return None
    backup: Path | None = None
    if current is not None:
        known = {s.revision for s in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}
        if current not in known:
            raise StoreError(
                f"this store was written by a newer CaseDesk (schema {current}); upgrade CaseDesk"
            )
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        backup = backup_dir / f"casedesk-schema-{current}-{utc_now():%Y%m%dT%H%M%SZ}.db"
        shutil.copy2(db_path, backup)  # still encrypted with the same key
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), wanted)
    return backup


@contextmanager
def write_session(engine: Engine) -> Iterator[OrmSession]:
    """One write transaction (BEGIN IMMEDIATE): commit on success, roll back on any error."""
    with OrmSession(engine.execution_options(**{WRITE: True}), expire_on_commit=False) as db:
        with db.begin():
            yield db


@contextmanager
def read_session(engine: Engine) -> Iterator[OrmSession]:
    with OrmSession(engine, expire_on_commit=False) as db:
        yield db
