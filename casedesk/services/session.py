"""A signed-in user's session: permissions, transactions, custody entries."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import digest, handover, headcheck, keylog
from casedesk.custody import log as custody_log
from casedesk.custody.chain import REGISTRY_ACTIONS
from casedesk.custody.signing import Signer
from casedesk.datadir import DataDir
from casedesk.errors import (
    AuthenticationError,
    IntegrityError,
    KeyringUnavailable,
    KeySlotError,
    NotFound,
    PermissionDenied,
    StoreError,
)
from casedesk.fsutil import file_lock
from casedesk.security import device_secret
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile, SlotSecrets
from casedesk.security.roles import PERMISSION_WORDS, Permission, Role, allowed, authority_problem
from casedesk.services.authority import PendingEntry, WriteFacts, forget_account_creations
from casedesk.store.engine import make_engine, read_session, write_session
from casedesk.store.models import Case, CaseMember, CustodyEntry, User

log = logging.getLogger("casedesk.session")

# The keyring copy of the log head is written at sign-in, at sign-out and when it lags the log by more
# than this many entries, never after every write: a keyring write rewrites a whole file (keyrings.alt)
# or makes a D-Bus round trip (Secret Service), and the copy in keyslots.json, written after every write,
# is the first line. The keyring copy is the second line, for a database restored together with
# keyslots.json: what such a restore can remove unseen is at most the entries since the last sign-in or
# sign-out, and never more than this many.
KEYRING_HEAD_LAG = 64


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    full_name: str
    initials: str
    role: Role


class Session:
    """Everything a signed-in user does goes through here."""

    def __init__(
        self,
        datadir: DataDir,
        installation_id: str,
        store_key: bytes,
        engine: Engine,
        user: UserInfo,
        signer: Signer,
        integrity_alerts: list[str],
        notices: list[str],
        device_secret: bytes | None = None,
        device_bound: bool = False,
        keyring_seq: int = 0,
        box_key: bytes | None = None,
        database_key: bytes | None = None,
        database_epoch: int = 0,
    ) -> None:
        # Entries this session committed (a window that watches the store tells them from other writers').
        self.own_entries: set[int] = set()
        self._recording: list[int] = []
        self.datadir = datadir
        self.installation_id = installation_id
        self._store_key = store_key
        self.keys = StoreKeys.derive(store_key).with_database(database_key)
        self.engine = engine
        # The database key's epoch this session uses, and when keyslots.json was last looked at for a change of it
        # (``_follow_database_key``).
        self.database_epoch = database_epoch
        self._slots_seen = _stamp(datadir.keyslots)
        self.user = user
        self.signer = signer
        self.integrity_alerts = integrity_alerts
        self.notices = notices
        self.device_secret = device_secret  # read once at sign-in, under the lock: slots are re-wrapped with it
        self.device_bound = device_bound
        self._keyring_seq = keyring_seq  # the keyring copy of the head as this session last saw or wrote it
        # The user's X25519 private key (from their key slot) and the case keys unwrapped with it,
        # by (case id, epoch): see services/casekeys.py.
        self.box_key = box_key
        self.case_key_cache: dict[tuple[int, int], bytes] = {}
        # The register seal: the head a full replay at sign-in found the tables right at (the next write seals
        # them afresh), the last seal this session signed, and the key registry seals are checked against.
        self.reseal_at: tuple[int, str] | None = None
        self._own_seal = ""
        self._registry: tuple[tuple[Any, ...], Any] | None = None

    def __repr__(self) -> str:
        return f"Session(user={self.user.username!r}, role={self.user.role.value})"

    # --- permissions -------------------------------------------------------
    def can(self, permission: Permission) -> bool:
        return allowed(self.user.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"{self.user.username} ({self.user.role.value}) may not "
                f"{PERMISSION_WORDS[permission]}"
            )

    def case_visible(self, db: OrmSession, case: Case) -> bool:
        if self.can(Permission.CASE_VIEW_ALL) or case.officer_in_charge_id == self.user.id:
            return True
        return db.get(CaseMember, (case.id, self.user.id)) is not None

    def case(self, db: OrmSession, reference: str, permission: Permission = Permission.CASE_LIST) -> Case:
        """The case ``reference`` if it exists and this user may act on it."""
        self.require(permission)  # the account itself was checked when ``db`` was opened (read or write)
        case = db.scalar(select(Case).where(Case.reference == reference.strip()))
        if case is None:
            raise NotFound(f"no case with reference {reference!r}", cli_hint="`casedesk case list` shows the cases")
        if not self.case_visible(db, case):
            raise PermissionDenied(
                f"{self.user.username} is not a member of case {case.reference}; a supervisor can add you to it",
                cli_hint="`casedesk case member add`",
            )
        return case

    def check_account(self, db: OrmSession) -> None:
        """The account as it is now, not as it was at sign-in: an account disabled or given another
        role meanwhile (by an administrator elsewhere) can do no more in this session."""
        row = db.get(User, self.user.id)
        if row is None or row.disabled:
            raise AuthenticationError(
                f"account {self.user.username} has been disabled since it signed in; ask an administrator"
            )
        if row.role != self.user.role.value:
            raise PermissionDenied(
                f"the role of {self.user.username} changed to {row.role} since signing in; sign in again"
            )

    def user_by_name(self, db: OrmSession, username: str) -> User:
        user = db.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise NotFound(f"no user named {username!r}", field="user",
                           cli_hint="`casedesk user list` shows the accounts")
        return user

    # --- transactions ------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[OrmSession]:
        """A read transaction; like every write, it first checks the account as it is now (one mechanism for
        every service call: an account disabled or demoted elsewhere reads nothing more)."""
        self._follow_database_key()
        with read_session(self.engine) as db:
            self.check_account(db)
            yield db

    def head_seq(self) -> int:
        """The custody log's last entry number (0 for an empty log): one indexed read, for a view that
        refreshes when another process writes to the store."""
        with self.read() as db:
            head = custody_log.current_head(db)
            return 0 if head is None else head.seq

    @contextmanager
    def write(self, despite_alerts: bool = False) -> Iterator[OrmSession]:
        """One transaction: the state change and its custody entries commit together.

        ``despite_alerts``: only for the administrator's head reset, the one write allowed while the
        head check has raised an alert.
        """
        if self.integrity_alerts and not despite_alerts:
            raise self.blocked("changes")
        self._recording = []
        self._follow_database_key()
        with write_session(self.engine) as db:
            self.check_account(db)
            start = self._begin_seal(db)
            yield db
            self._seal(db, start)
        self.own_entries.update(self._recording)  # committed: this session's own entries
        self._recording = []
        if despite_alerts:
            return
        try:
            self.advance_head()
        except (OSError, KeySlotError) as exc:
            # Committed already: failing now would report a recorded action as not done. The copies
            # catch up at the next write; until then they lag behind, which the head check allows.
            log.warning("custody head not copied outside the database: %s", type(exc).__name__)

    # --- the register seal (casedesk/custody/digest.py, docs/register-digest.md) -----------------------------
    def _begin_seal(self, db: OrmSession) -> tuple[int, str] | None:
        """Before the transaction's changes: the capture on this connection, and the head they start from."""
        execute = sql_executor(db)
        digest.capture(execute)
        return digest.head(execute)

    def _seal(self, db: OrmSession, start: tuple[int, str] | None) -> None:
        """Before the commit: fold this transaction's rows into the seal and sign it for the new head.

        The seal is extended only from a seal this session trusts (its own, or one a registered key signed) for the
        head the transaction started from; otherwise it is removed and the next sign-in replays the log in full.
        After that replay found the tables as the log says (``reseal_at``), the sign-in's write seals them afresh.
        """
        db.flush()
        execute = sql_executor(db)
        delta = digest.take_delta(execute)
        end = digest.head(execute)
        if delta is None and end == start:
            return  # nothing projected changed and no entry was written: the seal stands as it is
        if end is None:
            return
        prev = digest.load(execute)
        if self.reseal_at is not None and self.reseal_at == start:
            sums = digest.scan(execute)
        elif prev is not None and start == (prev.seq, prev.entry_hash) and self._trusted(db, prev):
            sums = digest.add(prev.sums, delta)
        else:
            if prev is not None:
                digest.remove(execute)
            return
        seal = digest.make(end[0], end[1], sums, self.user.username, self.signer)
        digest.store(lambda sql, args: db.connection().exec_driver_sql(sql, args), seal)
        self._own_seal = seal.text()
        self.reseal_at = None

    def _trusted(self, db: OrmSession, seal: digest.Seal) -> bool:
        if seal.text() == self._own_seal:
            return True  # the very seal this session signed last (the whole of it, not its signature alone)
        marker = tuple(db.connection().exec_driver_sql(_ACCOUNT_MARKER).one())
        if self._registry is None or self._registry[0] != marker:
            self._registry = (marker, keylog.registry(db))
        return digest.signed_by_registered_key(seal, self._registry[1])

    def blocked(self, what: str) -> IntegrityError:
        """The one refusal of a write (or export) while an integrity alert stands, worded for its cause."""
        alert = self.integrity_alerts[0].rstrip(". ")
        if "register differs from the signed custody log" in alert:
            advice = ("someone changed the store outside CaseDesk; restore casedesk.db from a backup taken before "
                      "the change (the log names what differs), or have an administrator rebuild the register from "
                      "the log into a new folder (`casedesk custody rebuild-register --into FOLDER --reason ...`), "
                      "then verify again")
        else:
            advice = "run `casedesk verify`; " + headcheck.RESET_HINT
        return IntegrityError(f"{what} are blocked: {alert}. {advice[0].upper()}{advice[1:]}.")

    def record(self, db: OrmSession, action: str, **fields: Any) -> CustodyEntry:
        """Append a custody entry signed by this session's user, inside ``db``'s transaction.

        The entry must pass the rule replay will hold it to (``roles.ACTION_RULES``): the service layer never
        writes an entry that verification would flag as made without authority.
        """
        _refuse_handed_over(db, action, fields)
        problem = authority_problem(action, PendingEntry(self.user.username, fields), WriteFacts(db, fields))
        if problem is not None:
            log.warning("refused to record %s for %s: no authority", action, self.user.username)
            raise PermissionDenied(f"{self.user.username} may not do this: {problem.removesuffix(': ignored')}")
        entry = custody_log.append(db, actor=self.user.username, signer=self.signer, action=action, **fields)
        forget_account_creations(db, action)
        self._recording.append(entry.seq)
        return entry

    def record_many(self, db: OrmSession, action: str, entries: Sequence[dict[str, Any]]) -> list[int]:
        """``record`` for several entries of one action (a batch of ingested exhibits), written at once.

        Every entry passes the same authority check as ``record``'s, each against its own fields, before any is
        written; returns the entries' sequence numbers.
        """
        cases: set[object] = set()  # a case's hand-over state is read once a batch, not once an entry
        for fields in entries:
            if fields.get("case_ref") not in cases:
                _refuse_handed_over(db, action, fields)
                cases.add(fields.get("case_ref"))
            problem = authority_problem(action, PendingEntry(self.user.username, fields), WriteFacts(db, fields))
            if problem is not None:
                log.warning("refused to record %s for %s: no authority", action, self.user.username)
                raise PermissionDenied(f"{self.user.username} may not do this: {problem.removesuffix(': ignored')}")
        seqs = custody_log.append_many(db, actor=self.user.username, signer=self.signer, action=action,
                                       entries=entries)
        forget_account_creations(db, action)
        self._recording.extend(seqs)
        return seqs

    def advance_head(self, keyring_too: bool = False) -> None:
        """Copy the log head outside the database, under the data-directory lock.

        ``keyslots.json`` after every write; the OS keyring at sign-in and sign-out (``keyring_too``) and
        when its copy lags by more than ``KEYRING_HEAD_LAG`` entries. A copy only ever moves forward onto
        a log that extends it: a copy that is missing, unreadable or ahead of the log is left as it is
        (the head check reports it; an administrator's ``custody reset-head`` clears it).
        """
        with read_session(self.engine) as db:
            head = custody_log.current_head(db)
            if head is None:
                return
            with file_lock(self.datadir.lock):
                slots = KeySlotFile.load(self.datadir.keyslots)
                recorded = slots.head(self.keys.head_mac)
                if recorded is not None and recorded[0] < head.seq and self._extends(db, recorded):
                    slots.set_head(head.seq, head.entry_hash, self.keys.head_mac)
                    slots.save(self.datadir.keyslots)
                if self.device_bound and (keyring_too or head.seq - self._keyring_seq > KEYRING_HEAD_LAG):
                    self._advance_keyring(db, head.seq, head.entry_hash)

    @staticmethod
    def _extends(db: OrmSession, recorded: tuple[int, str]) -> bool:
        row = db.get(CustodyEntry, recorded[0])
        return row is not None and row.entry_hash == recorded[1]

    def _advance_keyring(self, db: OrmSession, seq: int, entry_hash: str) -> None:
        """The keyring copy; the caller holds the data-directory lock."""
        try:
            text = device_secret.load_head(self.installation_id)
            if text is None:
                return  # removed: an alert at the next sign-in, never silently re-anchored here
            try:
                # Moving forward from a version-1 copy (no MAC) is how it is upgraded.
                recorded = headcheck.parse_keyring(text, self.keys.head_mac, legacy=True)
            except (ValueError, KeySlotError):
                return
            if recorded[0] >= seq:
                self._keyring_seq = recorded[0]
                return
            if not self._extends(db, recorded):
                return
            device_secret.store_head(self.installation_id, headcheck.keyring_text(seq, entry_hash, self.keys.head_mac))
            self._keyring_seq = seq
        except KeyringUnavailable as exc:
            log.warning("custody head not copied to the OS keyring: %s", exc)

    def use_database_key(self, database_key: bytes, epoch: int) -> None:
        """After the database was re-keyed (``PRAGMA rekey``): a new engine with the new key; the old one's
        connections can no longer read it."""
        self.engine.dispose()
        self.keys = self.keys.with_database(database_key)
        self.engine = make_engine(self.datadir.database, database_key)
        self.database_epoch = epoch
        self._slots_seen = _stamp(self.datadir.keyslots)

    def _follow_database_key(self) -> None:
        """Before each transaction: if another session changed the database key (``user disable``) since, take the
        new one from keyslots.json (sealed to this user's box key); an account that was not given it (disabled)
        reads nothing more. One ``stat`` when nothing changed."""
        stamp = _stamp(self.datadir.keyslots)
        if stamp == self._slots_seen or stamp is None:
            return
        try:
            slots = KeySlotFile.load(self.datadir.keyslots)
        except KeySlotError:
            return  # the head check and the next sign-in say what is wrong with the file
        epoch = int(slots.database_key["epoch"]) if slots.database_key is not None else 0
        if epoch == self.database_epoch:
            self._slots_seen = stamp
            return
        # Left out: asked again (and refused again) at every call, never read with the old key.
        if self.user.username not in slots.slots:
            raise AuthenticationError(
                f"account {self.user.username} has been disabled since it signed in; ask an administrator")
        key = slots.open_database_key(self.user.username, self.box_key)
        if key is not None:
            self.use_database_key(key, epoch)

    def slot_secrets_for(self, signer: Signer, box_key: bytes | None = None) -> SlotSecrets:
        """What a new or re-wrapped key slot protects: this store's key, ``signer``'s seed and a box key."""
        return SlotSecrets(self._store_key, signer.seed, box_key)

    def close(self) -> None:
        """Sign out: the keyring copy of the head catches up, then the store is closed."""
        self.case_key_cache.clear()
        try:
            if not self.integrity_alerts:
                self._follow_database_key()  # re-keyed meanwhile: the copy is read with the new key
                self.advance_head(keyring_too=True)
        except (OSError, StoreError, SQLAlchemyError, AuthenticationError) as exc:  # signing out never fails on it
            log.warning("custody head not copied at sign-out: %s", type(exc).__name__)
        finally:
            self.engine.dispose()


def _refuse_handed_over(db: OrmSession, action: str, fields: dict[str, Any]) -> None:
    """A case this installation handed to another is held there: nothing more is recorded in it here."""
    case_ref = fields.get("case_ref")
    if case_ref is None or action in handover.AFTER_HANDOVER:
        return
    if WriteFacts(db, fields).case_handed_over(case_ref):  # the transaction's cached case row: no read per entry
        raise PermissionDenied(handover.handed_over_message(db, case_ref))


_ACCOUNT_MARKER = ("SELECT count(*), max(seq) FROM custody_entries WHERE action IN ("
                   + ", ".join(f"'{a}'" for a in sorted(REGISTRY_ACTIONS)) + ")")  # what the key registry follows


def sql_executor(db: OrmSession) -> digest.Execute:
    """Plain SQL on ``db``'s own connection, in its transaction (the DB-API cursor: a table's rows read in one pass
    without SQLAlchemy's per-row result machinery)."""
    raw = db.connection().connection.dbapi_connection
    assert raw is not None
    return lambda sql: raw.execute(sql)


def _stamp(path: Path) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None
