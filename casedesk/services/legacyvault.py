"""Legacy vault objects re-encrypted under their case's key (docs/vault-format.md, "Legacy objects").

Objects written before case keys (``vault_objects.epoch`` NULL) are encrypted under the store key's subkeys, so
every key slot (an administrator's too) opens them. A holder of the case key upgrades them, one case at a time:

1. each legacy object an exhibit of the case points at is decrypted with the store-key subkeys and re-encrypted,
   in the same pass, into a NEW temporary object under the case key (current epoch, the case's naming key); its
   SHA-256 (and MD5/SHA-1 where recorded) must match the register, or nothing at all is changed;
2. the new objects are published with the ingest's crash-safe writer (journal, no replacement of any file);
3. one transaction points the case's exhibits at the new objects, drops the legacy row when no other case's
   exhibit still uses it, and records one ``vault.object_reencrypted`` entry per object;
4. the legacy files whose rows are gone are removed. A crash between the commit and the removal leaves such a
   file behind: the log names it (``data.old_object``) and the register no longer does, so the next run and
   every sign-in (``remove_leftovers``) remove it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from casedesk.errors import CaseContentLocked, IntegrityError, StoreError
from casedesk.evidence.readback import ObjectProblem, SinkError, mismatches, read_object
from casedesk.evidence.vault import CHUNK_SIZE, Pending, TempObject, Vault
from casedesk.fsutil import fsync_dir
from casedesk.security.casekeys import text_epoch
from casedesk.security.roles import Permission
from casedesk.services.casekeys import CaseKeys, current_epoch
from casedesk.services.session import Session
from casedesk.store.engine import read_session
from casedesk.store.models import CustodyEntry, Exhibit, VaultObject
from casedesk.timeutil import utc_now

log = logging.getLogger("casedesk.legacyvault")

ACTION = "vault.object_reencrypted"
NOTE_ADDED = "note.added"
SUMMARY_ACTION = "case.summary_edited"  # the purpose a summary's ciphertext is bound to (docs/keyslots.md)
SUMMARY_ACTION_SEALED = "case.summary_reencrypted"
LARGE = 4 << 20  # objects above this are written with direct I/O, as ingest does


@dataclass(frozen=True)
class Reencrypted:
    old_object: str
    new_object: str
    sha256: str
    epoch: int
    exhibits: tuple[str, ...]


@dataclass(frozen=True)
class ReencryptReport:
    case_ref: str
    epoch: int
    objects: tuple[Reencrypted, ...]
    leftovers_removed: int  # legacy files an interrupted earlier run left behind, removed now
    summary_sealed: bool = False  # the case summary, in the clear since before case keys, is now under the case key
    # Notes of the case written before case keys, whose text stays in the clear in their signed note.added entries
    # (docs/custody-encoding.md, "Entries written in the clear before case keys": not sealed, and why).
    notes_in_clear: int = 0


@dataclass
class _Work:
    old: VaultObject
    exhibits: list[Exhibit]
    new_name: str
    pending: Pending | None  # None: the case already has an object of this content (ingested after the upgrade)


def _remove_file(path: Path) -> bool:
    """Remove a legacy object file; False if it was gone already."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def remove_leftovers(vault_root: Path, engine: Engine, case_ref: str | None = None) -> int:
    """Remove legacy object files the log says were re-encrypted and the register no longer references.

    What a crash between a re-encryption's commit and its removal of the old file leaves; ``case_ref``: only
    that case's entries (None: every case). Returns how many files were removed.
    """
    with read_session(engine) as db:
        query = select(CustodyEntry.data).where(CustodyEntry.action == ACTION)
        if case_ref is not None:
            query = query.where(CustodyEntry.case_ref == case_ref)
        names: set[str] = set()
        for text in db.scalars(query):
            try:
                old = json.loads(text).get("old_object")
            except (ValueError, AttributeError):
                continue
            if isinstance(old, str):
                names.add(old)
        if not names:
            return 0
        known = set(db.scalars(select(VaultObject.name).where(VaultObject.name.in_(sorted(names)))))
    probe = Vault(vault_root, b"\0" * 32, b"\0" * 32)  # paths only: no key is used
    removed = 0
    for name in sorted(names - known):
        try:
            path = probe.object_path(name)
        except ValueError:
            continue
        if _remove_file(path):
            removed += 1
            with contextlib.suppress(OSError):
                fsync_dir(path.parent)
    if removed:
        log.info("removed %d legacy vault object(s) left behind by an interrupted re-encryption", removed)
    return removed


class LegacyVault:
    """The signed-in user's re-encryption of a case's legacy objects under the case key."""

    def __init__(self, session: Session) -> None:
        self.s = session
        self.keys = CaseKeys(session)
        # The store key's vault: the only key legacy objects open with.
        self.store_vault = Vault(session.datadir.vault, session.keys.vault_encryption, session.keys.vault_naming)

    def reencrypt(self, case_ref: str) -> ReencryptReport:
        """Re-encrypt every legacy object of ``case_ref`` under its case key (a key holder only).

        Raises ``IntegrityError`` naming the exhibits when any legacy object does not decrypt to the content
        the register records; nothing is changed then.
        """
        if self.s.integrity_alerts:
            raise self.s.blocked("changes")
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            reference = case.reference
            epoch = self.keys.for_writing(db, case)  # raises CaseContentLocked for anyone without the key
            case_vault = Vault(self.s.datadir.vault, self.keys.content_keys(db, case, epoch).vault_encryption,
                               self.keys.naming_key(db, case))
        summary_sealed = self._seal_summary(reference)
        with self.s.read() as db:
            notes_in_clear = sum(1 for text in db.scalars(select(CustodyEntry.text).where(
                CustodyEntry.action == NOTE_ADDED, CustodyEntry.case_ref == reference))
                if isinstance(text, str) and text_epoch(text) is None)
        leftovers = remove_leftovers(self.s.datadir.vault, self.s.engine, reference)
        with case_vault.ingest_lock():  # the sign-in clean-up leaves our unpublished/uncommitted objects alone
            with self.s.read() as db:
                case = self.s.case(db, reference, Permission.CASE_CONTENT)
                rows = db.execute(
                    select(VaultObject, Exhibit).join(Exhibit, Exhibit.object_id == VaultObject.id)
                    .where(Exhibit.case_id == case.id, VaultObject.epoch.is_(None))
                    .order_by(VaultObject.id, Exhibit.id)
                ).all()
                work: dict[int, _Work] = {}
                for obj, ex in rows:
                    db.expunge(obj)
                    db.expunge(ex)
                    item = work.get(obj.id)
                    if item is None:
                        work[obj.id] = item = _Work(obj, [], case_vault.name_for(bytes.fromhex(obj.sha256)), None)
                    item.exhibits.append(ex)
                existing = set(db.scalars(select(VaultObject.name).where(
                    VaultObject.name.in_(sorted(w.new_name for w in work.values())))))
            if not work:
                return ReencryptReport(reference, epoch, (), leftovers, summary_sealed, notes_in_clear)
            self._rewrite(reference, case_vault, list(work.values()), existing)
            batch = [w.pending for w in work.values() if w.pending is not None]
            try:
                journal = case_vault.publish(batch)
            except OSError as exc:
                self._discard(batch)
                raise StoreError(f"cannot write to the vault at {case_vault.root}: "
                                 f"{(exc.strerror or type(exc).__name__).lower()}") from None
            done, remove = self._commit(reference, epoch, list(work.values()))
            with contextlib.suppress(OSError):
                journal.unlink()
        for name in remove:
            path = self.store_vault.object_path(name)
            _remove_file(path)
            with contextlib.suppress(OSError):
                fsync_dir(path.parent)
        log.info("case %s: %d legacy object(s) re-encrypted under key epoch %d", reference, len(done), epoch)
        return ReencryptReport(reference, epoch, tuple(done), leftovers, summary_sealed, notes_in_clear)

    def _seal_summary(self, reference: str) -> bool:
        """The case summary written before case keys, in the clear in its row, sealed under the case key (one
        ``case.summary_reencrypted`` entry whose text is the row's new ciphertext, naming the SHA-256 of the text in
        the clear that the earlier entries record). Returns whether there was one to seal."""
        with self.s.write() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            summary = case.summary or ""
            if not summary or text_epoch(summary) is not None:
                return False
            sealed = self.keys.seal_text(db, case, SUMMARY_ACTION, summary)
            epoch = text_epoch(sealed)
            case.summary = sealed
            self.s.record(db, SUMMARY_ACTION_SEALED, case_ref=case.reference, text=sealed,
                          data={"summary_sha256": hashlib.sha256(summary.encode("utf-8")).hexdigest(),
                                "epoch": epoch, "length": len(summary)})
        log.info("case %s: summary from before case keys sealed under the case key", reference)
        return True

    def _rewrite(self, reference: str, case_vault: Vault, work: list[_Work], existing: set[str]) -> None:
        """Decrypt each legacy object and encrypt it anew under the case key, checking it against the register."""
        damaged: list[str] = []
        try:
            for w in work:
                obj = w.old
                algorithms = ["sha256", *sorted({a for ex in w.exhibits for a in ("md5", "sha1") if getattr(ex, a)})]
                temp: TempObject | None = None
                if w.new_name not in existing:
                    temp = case_vault.new_temp(large=obj.size > LARGE)
                sink = None if temp is None else _sealing_sink(temp)
                try:
                    result = read_object(self.store_vault, obj.name, obj.size, algorithms, sink=sink)
                except (ObjectProblem, SinkError) as exc:
                    if temp is not None:
                        temp.discard()
                    if isinstance(exc, SinkError):
                        raise StoreError(f"cannot write to the vault at {case_vault.root}: {exc}") from None
                    damaged.extend(f"{ex.reference} ({exc.kind})" for ex in w.exhibits)
                    continue
                wrong = mismatches(result, obj.size, {"sha256": obj.sha256})
                for ex in w.exhibits:
                    wrong += [a for a in mismatches(result, ex.size, {"sha256": ex.sha256, "md5": ex.md5,
                                                                      "sha1": ex.sha1}) if a not in wrong]
                if wrong:
                    if temp is not None:
                        temp.discard()
                    verb = "differs" if len(wrong) == 1 else "differ"
                    damaged.extend(f"{ex.reference} ({', '.join(wrong)} {verb})" for ex in w.exhibits)
                    continue
                if temp is not None:
                    temp.close()
                    w.pending = Pending(temp.path, w.new_name, obj.size)
        except BaseException:
            self._discard([w.pending for w in work if w.pending is not None])
            raise
        if damaged:
            self._discard([w.pending for w in work if w.pending is not None])
            raise IntegrityError(
                f"case {reference}: the content of exhibit(s) {', '.join(damaged)} does not match the register; "
                "nothing was re-encrypted; run `casedesk verify`"
            )

    @staticmethod
    def _discard(batch: list[Pending]) -> None:
        for p in batch:
            with contextlib.suppress(OSError):
                p.temp.unlink()

    def _commit(self, reference: str, epoch: int, work: list[_Work]) -> tuple[list[Reencrypted], list[str]]:
        """Point the exhibits at the new objects and record one entry per object, in one transaction."""
        now = utc_now()
        done: list[Reencrypted] = []
        remove: list[str] = []
        with self.s.write() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            if current_epoch(db, case) != epoch:
                raise CaseContentLocked(f"the key of case {reference} was rotated meanwhile; nothing was "
                                        "re-encrypted: run the command again")
            for w in work:
                old = db.get(VaultObject, w.old.id)
                ids = [ex.id for ex in w.exhibits]
                still = list(db.scalars(select(Exhibit).where(Exhibit.id.in_(ids), Exhibit.object_id == w.old.id,
                                                              Exhibit.case_id == case.id).order_by(Exhibit.id)))
                if old is None or old.epoch is not None or not still:
                    continue  # another process upgraded it meanwhile
                new = db.scalar(select(VaultObject).where(VaultObject.name == w.new_name))
                if new is None:
                    new = VaultObject(name=w.new_name, size=old.size, sha256=old.sha256, created_at=now,
                                      case_id=case.id, epoch=epoch)
                    db.add(new)
                    db.flush()
                elif new.case_id != case.id or new.sha256 != old.sha256 or new.size != old.size:
                    raise IntegrityError(f"the register's vault object {w.new_name[:12]}... disagrees with the "
                                         f"content of case {reference} it is named for; run `casedesk verify`")
                for ex in still:
                    ex.object_id = new.id
                db.flush()
                others = db.scalar(select(Exhibit.id).where(Exhibit.object_id == old.id).limit(1))
                refs = tuple(ex.reference for ex in still)
                self.s.record(db, ACTION, case_ref=case.reference, sha256=old.sha256, at=now,
                              data={"old_object": old.name, "new_object": new.name, "epoch": int(new.epoch or 0),
                                    "size": old.size, "exhibits": list(refs),
                                    "old_object_kept": others is not None})
                if others is None:
                    remove.append(old.name)
                    db.delete(old)
                done.append(Reencrypted(old.name, new.name, old.sha256, int(new.epoch or 0), refs))
        return done, remove


def _sealing_sink(temp: TempObject) -> Callable[[memoryview], None]:
    def sink(view: memoryview) -> None:
        # Objects are cut into chunks of exactly CHUNK_SIZE; only the final one is shorter (docs/vault-format.md).
        temp.write(view, len(view) < CHUNK_SIZE)

    return sink
