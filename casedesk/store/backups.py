"""The copies of the database CaseDesk keeps under the data directory, kept under the current database key.

``migrate`` copies ``casedesk.db`` into ``backups/`` before a schema change (encrypted under the key of that day).
When the database key changes (``user disable``: docs/keyslots.md, "The database key"), each copy is re-encrypted
under the new key too, or the disabled user's old key slot, spliced back into ``keyslots.json``, would still open
the copies it opened before: the whole register as it stood then.

Each copy is re-encrypted as a NEW file, never in place and never over another file: the bytes are copied to a
private temporary file, re-keyed there (SQLCipher ``PRAGMA rekey``), synced, and linked to a name of its own
(``<name>.k<epoch>.db``, which ``os.link`` refuses to give if it exists); only once the new copy is durable and opens
with the new key is the old one removed. The caller holds the data-directory lock. A crash part way leaves at worst
both copies of one backup: the next key change finds the old one, which no key it holds opens any more, beside a
copy that opens with the current key, and removes it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.fsutil import fsync_dir

log = logging.getLogger("casedesk.store.backups")

SUFFIX = ".db"
_EPOCH = re.compile(r"\.k\d+\Z")
_PARTIAL = ".reencrypting"


@dataclass
class BackupsRekeyed:
    """What a change of the database key did to the copies in ``backups/`` (file names only)."""

    reencrypted: list[str] = field(default_factory=list)  # the new copies, under the new key
    removed_stale: list[str] = field(default_factory=list)  # old copies a crash had left beside their new one
    unreadable: list[str] = field(default_factory=list)  # copies no key CaseDesk holds opens: left as they are
    failed: list[str] = field(default_factory=list)  # copies that could not be re-encrypted (disk full): kept as were


def opens(path: Path, key: bytes) -> bool:
    """Whether ``key`` opens the SQLCipher database at ``path`` (read only; nothing is written)."""
    try:
        # immutable: no lock, and no -wal or -shm file made beside the copy (a copy has no write-ahead log).
        conn = sqlcipher.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlcipher.Error:
        return False
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()


def _base(path: Path) -> str:
    """The backup's own name, without the epoch a re-encryption added: what its copies share."""
    return _EPOCH.sub("", path.name[: -len(SUFFIX)])


def _rekey_file(path: Path, old_key: bytes, new_key: bytes) -> None:
    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{old_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        # A copy needs no write-ahead log: back to a rollback journal, so no -wal or -shm file stays beside it.
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()


def _remove(path: Path) -> None:
    """Remove a copy and any journal beside it (a -wal file holds pages under the copy's key too)."""
    for leftover in (path, *(Path(f"{path}{j}") for j in ("-wal", "-shm", "-journal"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()
    fsync_dir(path.parent)


def _reencrypt(src: Path, key: bytes, new_key: bytes, epoch: int) -> Path:
    """A new copy of ``src`` under ``new_key``, durable and checked; ``src`` itself is left for the caller."""
    partial = src.with_name(f".{src.name}{_PARTIAL}")
    _remove(partial)  # a crash's leftover: ours, never a user's file (a dot name CaseDesk alone makes here)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        _rekey_file(partial, key, new_key)
        with partial.open("rb") as f:
            os.fsync(f.fileno())
        if not opens(partial, new_key):
            raise OSError(f"the re-encrypted copy of {src.name} does not open with the new key")
        target = src.with_name(f"{_base(src)}.k{epoch}{SUFFIX}")
        os.link(partial, target)  # never over an existing file
    finally:
        _remove(partial)
    return target


def rekey_backups(folder: Path, keys: list[bytes], new_key: bytes, epoch: int) -> BackupsRekeyed:
    """Re-encrypt every copy in ``folder`` that one of ``keys`` (the database keys CaseDesk still holds: the key
    before the change, the one the store key derives) opens under ``new_key``, then remove the old copy.

    The caller holds the data-directory lock and has already made ``new_key`` the store's (sealed in keyslots.json).
    """
    done = BackupsRekeyed()
    if not folder.is_dir():
        return done
    copies = sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(SUFFIX)
                    and not p.name.startswith("."))  # a -wal or -shm file goes with its copy
    current = {p for p in copies if opens(p, new_key)}
    left: list[Path] = []
    for path in copies:
        if path in current:
            continue
        key = next((k for k in keys if opens(path, k)), None)
        if key is None:
            left.append(path)
            continue
        try:
            target = _reencrypt(path, key, new_key, epoch)
        except (OSError, sqlcipher.Error) as exc:
            done.failed.append(path.name)
            log.warning("backup %s could not be re-encrypted (%s): it still opens with the database key of before; "
                        "move it off this computer, or delete it once the store is known to be good",
                        path.name, type(exc).__name__)
            continue
        current.add(target)
        _remove(path)
        done.reencrypted.append(target.name)
        log.info("backup %s re-encrypted under the database key of epoch %d as %s", path.name, epoch, target.name)
    bases = {_base(p) for p in current}
    for path in left:
        if _base(path) in bases:
            _remove(path)  # a crash left it beside its re-encrypted copy
            done.removed_stale.append(path.name)
            log.info("removed %s: a copy under an old database key, beside its re-encrypted copy", path.name)
        else:
            done.unreadable.append(path.name)
            log.warning("%s does not open with any database key this installation holds: left as it is", path.name)
    return done
