"""Rebuilding a tampered installation's register from its own verified log, into a new data directory.

When sign-in says the register differs from the signed custody log (someone edited the tables outside CaseDesk),
and no backup from before the edit is at hand, the log itself is the record to rebuild from: an administrator runs
``casedesk custody rebuild-register --into NEW_FOLDER --reason ...``. The log is checked first (hashes, links,
signatures: a log that fails its own check is no source); then a new data directory is made beside nothing: the
same entries, the tables their projection establishes (``casedesk.custody.rebuild``, as a restore from the unit
writes them), the installation's vault objects (hard links where the folder is on the same file system, copies
otherwise) and its key slots, with one more entry signed by the administrator, ``custody.register_rebuilt``, that
names the head it was rebuilt from, how many differences it put right, and why. The tampered data directory is
left exactly as it was (for the investigation); nothing existing is ever written over.

The new directory is the same installation (same id, same store key, the same accounts and passwords). Its log
extends the old one, so the head copies kept outside the database move on with it: once it is used, the old
directory reports a roll-back, as it should.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from casedesk.custody import log as custody_log
from casedesk.custody import rebuild
from casedesk.custody.verify import open_raw, read_rows, register_problems, verify_chain
from casedesk.errors import IntegrityError, UsageError
from casedesk.fsutil import fsync_dir
from casedesk.progress import Progress, no_progress
from casedesk.security.keyslots import KeySlotFile
from casedesk.security.roles import Permission
from casedesk.services.session import Session
from casedesk.store.engine import migrate, staged_store, write_session

log = logging.getLogger("casedesk.repair")

ACTION = "custody.register_rebuilt"
MSG_EXISTS = "{path} already exists: rebuild into a new folder (CaseDesk never writes over one)"
MSG_INSIDE = "rebuild into a folder outside the installation's data directory ({root})"
MSG_CHAIN = ("the custody log itself fails its check ({n} problem{s}; first: {first}): it cannot be the source of a "
             "rebuild; restore casedesk.db from a backup and run `casedesk verify`")
MSG_REASON = "give the reason for the rebuild with --reason"


@dataclass(frozen=True)
class RebuildResult:
    path: Path
    entries: int  # of the log rebuilt from
    differences: int  # rows and columns of the old register that differed from the log (now as the log says)
    objects: int  # vault objects linked or copied
    seq: int  # the custody.register_rebuilt entry, the new log's head


def rebuild_register(session: Session, target: Path, reason: str, progress: Progress = no_progress) -> RebuildResult:
    """Write a new data directory at ``target`` whose tables are the projection of this installation's log."""
    session.require(Permission.USER_MANAGE)
    reason = reason.strip()
    if not reason:
        raise UsageError(MSG_REASON)
    root = session.datadir.root.resolve()
    target = target.expanduser().resolve()
    if target == root or target.is_relative_to(root):
        raise UsageError(MSG_INSIDE.format(root=root))
    if target.exists() or target.is_symlink():
        raise UsageError(MSG_EXISTS.format(path=target))
    db_path, key = session.datadir.database, session.keys.database
    chain = verify_chain(db_path, key, progress=progress)
    if chain.problems:
        n = len(chain.problems)
        raise IntegrityError(MSG_CHAIN.format(n=n, s="" if n == 1 else "s", first=chain.problems[0].describe()))
    differences = register_problems(db_path, key)
    conn = open_raw(db_path, key)
    try:
        conn.execute("BEGIN")  # the log and the vault rows from one snapshot
        last = conn.execute("SELECT max(seq) FROM custody_entries").fetchone()[0] or 0
        rows = read_rows(conn, 1, last + 1)
        objects = [rebuild.RestoredObject(str(name), str(case), str(sha), int(size), int(epoch))
                   for name, case, sha, size, epoch in conn.execute(
                       "SELECT v.name, c.reference, v.sha256, v.size, v.epoch FROM vault_objects v "
                       "JOIN cases c ON c.id = v.case_id WHERE v.epoch IS NOT NULL")]
    finally:
        conn.close()
    if not rows:
        raise IntegrityError("the custody log is empty: there is nothing to rebuild from")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.mkdir(target, 0o700)  # fails if it appeared meanwhile: never anyone else's folder
    try:
        linked = _vault(session.datadir.vault, target / "vault", objects)
        seq = _store(session, target, rows, objects, reason, len(differences))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    fsync_dir(target.parent)
    log.info("register rebuilt from the custody log into a new data directory: %d entries, %d differences put right",
             len(rows), len(differences))
    return RebuildResult(target, len(rows), len(differences), linked, seq)


def _vault(source: Path, vault: Path, objects: list[rebuild.RestoredObject]) -> int:
    (vault / "tmp").mkdir(parents=True, mode=0o700)
    done = 0
    for obj in objects:
        src = source / obj.name[:2] / obj.name[2:]
        if not src.exists():
            continue  # missing already: verify of the new directory says so, as it does of the old
        folder = vault / obj.name[:2]
        folder.mkdir(exist_ok=True, mode=0o700)
        dest = folder / obj.name[2:]
        try:
            os.link(src, dest)
        except OSError:
            shutil.copyfile(src, dest)  # another file system; the new name did not exist (mkdir above)
        done += 1
    return done


def _store(session: Session, target: Path, rows: list[tuple[object, ...]], objects: list[rebuild.RestoredObject],
           reason: str, differences: int) -> int:
    database = target / "casedesk.db"
    with staged_store(database, session.keys.database) as engine:
        migrate(engine, database, target)
        with engine.begin() as conn:
            rebuild.write_register(conn, rows, objects, session.installation_id)
        with write_session(engine) as db:
            entry = custody_log.append(
                db, actor=session.user.username, signer=session.signer, action=ACTION, reason=reason,
                text=f"register rebuilt from the custody log (entries 1-{rows[-1][0]}) into a new data directory",
                data={"from_seq": rows[-1][0], "from_hash": rows[-1][18], "differences": differences})
            db.flush()
            rebuild.seal(db.connection(), session.user.username, session.signer)
            seq, entry_hash = entry.seq, entry.entry_hash
    if session.datadir.recovery.exists():
        shutil.copyfile(session.datadir.recovery, target / session.datadir.recovery.name)
    slots = KeySlotFile.load(session.datadir.keyslots)
    slots.set_head(seq, entry_hash, session.keys.head_mac)
    slots.save(target / "keyslots.json")  # last: a data directory is an installation once its key slots are there
    return seq
