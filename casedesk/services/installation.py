"""Creating an installation and signing in to it."""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk import tool_id
from casedesk.custody import chain, digest, headcheck, keylog
from casedesk.custody import log as custody_log
from casedesk.custody.signing import Signer
from casedesk.custody.verify import register_alerts
from casedesk.datadir import DataDir
from casedesk.errors import AuthenticationError, CaseDeskError, KeyringUnavailable, StoreError, UsageError
from casedesk.fsutil import file_lock, fsync_dir
from casedesk.logsetup import install_file_log
from casedesk.security import device_secret, recovery
from casedesk.security.auth_ledger import AuthLedger
from casedesk.security.casekeys import box_public, new_box_key
from casedesk.security.keys import StoreKeys, new_store_key
from casedesk.security.keyslots import KeySlotFile, SlotSecrets
from casedesk.security.roles import Role
from casedesk.services.accounts import check_password, validate_new_user
from casedesk.services.authority import account_creations
from casedesk.services.casekeys import CaseKeys, cases_needing_work, current_box_keys, register_box_key
from casedesk.services.enrolment import uncertified_notice
from casedesk.services.evidence import clean_up_vault
from casedesk.services.session import Session, UserInfo, sql_executor
from casedesk.services.sync import witnessed_problems
from casedesk.store.engine import check_key, make_engine, migrate, read_session, staged_store, write_session
from casedesk.store.models import BoxKey, Case, Meta, SigningKey, User
from casedesk.timeutil import uk_display, utc_now

log = logging.getLogger("casedesk.installation")


@dataclass(frozen=True)
class InitResult:
    installation_id: str
    device_bound: bool
    notices: list[str]
    # Shown once, never stored: reopens the installation if the OS keyring loses its device secret.
    recovery_key: str | None = None


class Installation:
    def __init__(self, datadir: DataDir) -> None:
        self.datadir = datadir
        self.ledger = AuthLedger(datadir.auth_state, datadir.lock)

    def is_initialised(self) -> bool:
        return self.datadir.keyslots.exists()

    # --- init --------------------------------------------------------------
    def initialise(
        self, admin: str, password: str, full_name: str = "", initials: str = ""
    ) -> InitResult:
        root = self.datadir.root
        if self.datadir.keyslots.exists():
            raise UsageError(f"{root} already holds a CaseDesk installation; sign in instead")
        if self.datadir.database.exists():
            raise StoreError(
                f"{root} holds a database but no keyslots.json: restore keyslots.json from "
                "backup, or choose an empty directory with --data-dir"
            )
        admin, full_name, initials = validate_new_user(admin, full_name or admin, initials, "admin")
        check_password(password)
        self.datadir.check_writable()
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        stage = root / f".init-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir(mode=0o700)
        try:
            with file_lock(self.datadir.lock):  # the keyring is written under the data-dir lock
                result = self._build(stage, admin, password, full_name, initials)
            # The database first, the key slots last: a data dir is usable only once both exist.
            os.replace(stage / "casedesk.db", self.datadir.database)
            if (stage / recovery.FILE_NAME).exists():
                os.replace(stage / recovery.FILE_NAME, self.datadir.recovery)
            os.replace(stage / "keyslots.json", self.datadir.keyslots)
            fsync_dir(root)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        install_file_log(self.datadir.logs)
        log.info("installation initialised; device bound: %s", result.device_bound)
        return result

    def _build(self, stage: Path, admin: str, password: str, full_name: str, initials: str) -> InitResult:
        installation_id = str(uuid.uuid4())
        secret = device_secret.create_device_secret(installation_id)
        notices = [] if secret is not None else [device_secret.NO_KEYRING_NOTICE]
        store_key = new_store_key()
        keys = StoreKeys.derive(store_key)
        signer = Signer.generate()
        box_key = new_box_key()
        now = utc_now()
        with staged_store(stage / "casedesk.db", keys.database) as engine:
            migrate(engine, stage / "casedesk.db", stage)
            with write_session(engine) as db:
                db.add(Meta(key="installation_id", value=installation_id))
                db.add(Meta(key="created_at", value=now.isoformat()))
                db.add(Meta(key="created_by_tool", value=tool_id()))
                user = User(
                    username=admin, full_name=full_name, initials=initials, role=Role.ADMIN.value,
                    disabled=False, created_at=now, password_changed_at=now,
                )
                db.add(user)
                db.flush()
                db.add(SigningKey(user_id=user.id, public_key=signer.public_key, created_at=now))
                db.add(BoxKey(user_id=user.id, public_key=box_public(box_key), created_at=now))
                custody_log.append(
                    db, action="installation.initialised", actor=admin, signer=signer, at=now,
                    data={"installation_id": installation_id, "device_bound": secret is not None},
                )
                custody_log.append(
                    db, action="account.created", to_party=admin, actor=admin, signer=signer, at=now,
                    data={"user": admin, "role": Role.ADMIN.value, "initials": initials,
                          "full_name": full_name},
                )
                entry = custody_log.append(
                    db, action="account.key_registered", to_party=admin, actor=admin, signer=signer, at=now,
                    data={"user": admin, "public_key": signer.public_hex, "box_key": box_public(box_key).hex()},
                )
                head = (entry.seq, entry.entry_hash)
        slots = KeySlotFile(installation_id=installation_id, device_bound=secret is not None)
        slots.add_slot(admin, password, SlotSecrets(store_key, signer.seed, box_key), secret)
        slots.set_head(head[0], head[1], keys.head_mac)
        recovery_key = None
        if secret is not None:
            key = recovery.new_key()
            recovery.write(stage / recovery.FILE_NAME, installation_id, secret, key)
            recovery_key = recovery.format_key(key)
            device_secret.store_head(installation_id, headcheck.keyring_text(head[0], head[1], keys.head_mac))
        slots.save(stage / "keyslots.json")
        return InitResult(installation_id, secret is not None, notices, recovery_key)

    # --- sign in -----------------------------------------------------------
    def load_slots(self) -> KeySlotFile:
        if not self.datadir.root.exists():
            raise StoreError(
                f"no CaseDesk installation at {self.datadir.root}: run `casedesk init` "
                "or `casedesk demo`, or point --data-dir at an existing one"
            )
        return KeySlotFile.load(self.datadir.keyslots)

    def sign_in(self, username: str, password: str) -> Session:
        username = username.strip()
        slots = self.load_slots()
        if not self.datadir.database.exists():
            raise StoreError(
                f"{self.datadir.database} is missing: restore casedesk.db from backup"
            )
        if self.datadir.database.stat().st_size == 0:
            # SQLite would take an empty file for a new database and build a fresh schema in it.
            raise StoreError(
                f"{self.datadir.database} is empty (0 bytes), for example after a power failure: restore "
                "casedesk.db from backup, then run `casedesk verify` to see what was lost since"
            )
        self.datadir.check_writable()  # sign-in records a custody entry
        if username in slots.disabled:
            raise AuthenticationError(f"account {username} is disabled; ask an administrator")
        locked = self.ledger.locked_until(username)
        if locked is not None:
            raise AuthenticationError(
                f"account {username} is locked after repeated wrong passwords; "
                f"try again after {uk_display(locked)} or ask an administrator to reset it"
            )
        # The outside copies of the log head, and the device secret, are read under the data-dir lock
        # (another process may be rewriting the keyring's file) and before the database: a commit by
        # another process in between then only makes the database newer than the copies, never older.
        with file_lock(self.datadir.lock):
            slots = self.load_slots()
            secret = device_secret.load_device_secret(slots.installation_id) if slots.device_bound else None
            keyring_head, keyring_error = headcheck.load_keyring_head(slots)
            recovered = device_secret.peek_recovered(slots.installation_id) if slots.device_bound else None
        if username not in slots.slots:
            # The same words and the same work (the KDF) as a wrong password: the prompt does not tell which
            # accounts exist, by what it says or by how long it takes.
            slots.unwrap_nobody(password, secret)
            left = self.ledger.record_failure(username)
            raise AuthenticationError(self._wrong_password(username, left))
        try:
            secrets = slots.unwrap(username, password, secret)
        except AuthenticationError as exc:
            if str(exc).startswith("wrong password"):
                left = self.ledger.record_failure(username)
                raise AuthenticationError(self._wrong_password(username, left)) from None
            raise
        # Once an account was disabled, the database key is no longer the one the store key derives: it is sealed
        # to each remaining user's box key (an older copy of a disabled user's slot opens nothing).
        database_key = slots.open_database_key(username, secrets.box_key)
        keys = StoreKeys.derive(secrets.store_key).with_database(database_key)
        signer = Signer(secrets.signing_seed)
        install_file_log(self.datadir.logs)
        if secrets.box_key is None:
            # A slot made before case keys: its owner gets a box key now (registered in the log below).
            secrets = SlotSecrets(secrets.store_key, secrets.signing_seed, new_box_key())
            with file_lock(self.datadir.lock):
                current = KeySlotFile.load(self.datadir.keyslots)
                current.add_slot(username, password, secrets, secret)
                current.save(self.datadir.keyslots)
            log.info("box key added to the key slot of %s", username)
        engine = make_engine(self.datadir.database, keys.database)
        try:
            try:
                check_key(engine, self.datadir.database)
            except StoreError as exc:
                if slots.database_key is not None:
                    raise
                # The database key changes when an account is disabled (docs/keyslots.md): a keyslots.json older
                # than the database holds only the key of before.
                raise StoreError(f"{exc}; or keyslots.json is older than casedesk.db (the database key changes "
                                 "when an account is disabled): restore both from the same backup") from None
            with file_lock(self.datadir.lock):
                backup = migrate(engine, self.datadir.database, self.datadir.backups)
            if backup is not None:
                log.info("schema migrated; pre-migration copy at %s", backup)
            with read_session(engine) as db:
                meta = db.get(Meta, "installation_id")
                if meta is None or meta.value != slots.installation_id:
                    raise StoreError(
                        f"{self.datadir.database} belongs to another installation than keyslots.json"
                    )
            # Only against this installation's own register: another store's would call every object an orphan.
            clean_up_vault(self.datadir, engine)  # leftovers of an interrupted ingest
            with read_session(engine) as db:
                user = db.scalar(select(User).where(User.username == username))
                if user is None:
                    raise AuthenticationError(f"no account named {username} in this store")
                if user.disabled:
                    raise AuthenticationError(_disabled_message(db, username))
                outside = headcheck.read_outside(slots, keys.head_mac, keyring_head, keyring_error)
                alerts = [p.message for p in headcheck.check_heads(db, outside)]
                registry = keylog.registry(db)
                alerts += self._check_key_in_log(registry, username, signer)
                keyring_seq = next((seq for src, seq, _ in outside.heads if src == headcheck.KEYRING), 0)
                # The tables against the seal of the last write (one pass over them, no replay of the log); a
                # migration just made may have rewritten rows, so its seal proves nothing.
                sealed = (digest.check(sql_executor(db), registry) if backup is None
                          else digest.Check(False, why="schema migrated"))
                if sealed.sealed and not sealed.differ:
                    fast = (UserInfo(user.id, user.username, user.full_name, user.initials, Role(user.role)),
                            account_creations(db).creation_pending(username))
                else:
                    fast = None
                head = digest.head(sql_executor(db))
            reseal = None
            if fast is not None:
                info, creator = fast
            else:
                # The account as the signed log establishes it, not as the users table says (an insider can edit
                # it): the log replayed in full, as before the first seal and whenever the seal does not hold.
                log.info("register seal not usable at sign-in (%s): replaying the custody log",
                         sealed.why or "tables differ")
                state, register_alerts_ = register_alerts(self.datadir.database, keys.database)
                if sealed.differ and not register_alerts_:
                    register_alerts_ = [digest.alert(sealed)]  # a column no entry records: verify names the table
                alerts += register_alerts_
                if not register_alerts_:
                    reseal = head  # the tables are as the log says at this head: the sign-in's write seals them
                if state is None:  # a damaged database: the alert says so and blocks every write
                    info = UserInfo(user.id, user.username, user.full_name, user.initials, Role(user.role))
                    creator = None
                else:
                    fact = state.users.get(username)
                    if fact is None or fact.disabled:
                        raise AuthenticationError(f"account {username} is disabled; ask an administrator")
                    creator = state.creation_pending(username)
                    info = UserInfo(user.id, user.username, fact.full_name, fact.initials, Role(fact.role))
            if creator is not None:
                raise AuthenticationError(
                    f"account {username} was created by {creator} and awaits a second administrator's "
                    f"confirmation: ask another administrator to run `casedesk user confirm-account {username}`")
        except BaseException:
            engine.dispose()
            raise
        notices = [] if slots.device_bound else [device_secret.NO_KEYRING_NOTICE]
        session = Session(self.datadir, slots.installation_id, secrets.store_key, engine, info, signer, alerts, notices,
                          device_secret=secret, device_bound=slots.device_bound, keyring_seq=keyring_seq,
                          box_key=secrets.box_key, database_key=database_key,
                          database_epoch=int(slots.database_key["epoch"]) if slots.database_key is not None else 0)
        session.reseal_at = reseal
        self.ledger.record_success(username)
        with read_session(engine) as db:  # not session.read(): its account check is the write's to make
            clock = custody_log.clock_notice(db)
            # A roll-back the unit service found at a sync (services/sync.py): said at every sign-in.
            session.notices += [message for _, message in witnessed_problems(db)]
            # On an enrolled installation, a key the unit has not certified (docs/unit-trust.md).
            uncertified = uncertified_notice(db, info.username, signer.public_hex)
        if clock is not None:
            session.notices.append(clock.text)
        if uncertified is not None:
            session.notices.append(uncertified)
        if alerts:
            log.error("custody head check failed at sign-in: %d problem(s)", len(alerts))
        elif clock is not None and clock.behind:
            log.warning("the clock is behind the custody log at sign-in: the sign-in is not recorded")
        else:
            pending = self.ledger.pending()
            with session.write() as db:
                for who, when in pending:
                    session.record(
                        db, "account.login_failed", to_party=who,
                        text=f"failed sign-in for {who} at {when}", data={"user": who, "at": when},
                    )
                session.record(db, "account.login", data={"role": info.role.value})
                if recovered is not None:
                    session.record(
                        db, "installation.recovered",
                        text="device secret restored to a new OS keyring with the recovery key",
                        data={"recovered_at": recovered},
                    )
                assert secrets.box_key is not None
                public = box_public(secrets.box_key)
                if current_box_keys(db, [info.id]).get(info.id) != public:
                    user_row = db.get(User, info.id)
                    assert user_row is not None
                    register_box_key(session, db, user_row, public, record=True)
            self.ledger.acknowledge(pending)
            self._settle_case_keys(session)
            with file_lock(self.datadir.lock):
                if recovered is not None:
                    device_secret.clear_recovered(slots.installation_id)
            session.advance_head(keyring_too=True)
        log.info("signed in: %s (%s)", info.username, info.role.value)
        return session

    def _check_key_in_log(self, reg: chain.Registry | None, username: str, signer: Signer) -> list[str]:
        """The LOG, not the users table or keyslots.json (which an insider can edit), decides: the account
        is not disabled, and the slot's signing key is the user's latest registered, unrevoked key.

        An older copy of a slot spliced back into keyslots.json (after ``user disable`` or a password
        reset) is refused here. Returns an alert when the log has no valid genesis (verify names why).
        """
        if reg is None:
            return ["the custody log's key registrations cannot be read (no valid first key registration)"]
        if username in reg.disabled:
            raise AuthenticationError(f"account {username} is disabled; ask an administrator")
        if keylog.current_key(reg, username) != signer.public_hex:
            self.ledger.record_failure(username)
            raise AuthenticationError(
                f"the key slot of {username} is no longer valid (its signing key was revoked or replaced in the "
                "custody log): ask an administrator to reset the account"
            )
        return []

    @staticmethod
    def _wrong_password(username: str, left: int) -> str:
        if left == 0:
            return f"wrong password for {username}; the account is now locked for 15 minutes"
        return f"wrong password for {username} ({left} attempt{'s' if left != 1 else ''} left before the account locks)"

    # --- recovery ----------------------------------------------------------
    def recover(self, recovery_key: str) -> str:
        """Put the device secret back into an OS keyring that lost it (or a new one), from the recovery key.

        Refuses when the keyring cannot be read (never writes over what it cannot see) and when it
        already holds a different secret. Copies the custody head from keyslots.json to the keyring
        (it carries the same MAC) and leaves a note the next sign-in records as a custody entry.
        """
        key = recovery.parse_key(recovery_key)
        slots = self.load_slots()
        if not slots.device_bound:
            raise UsageError(
                "this installation is not bound to an OS keyring (password-only key slots): "
                "there is nothing to recover; sign in as usual"
            )
        secret = recovery.open_secret(self.datadir.recovery, slots.installation_id, key)
        with file_lock(self.datadir.lock):
            slots = self.load_slots()
            try:
                current = device_secret.load_device_secret(slots.installation_id)
            except KeyringUnavailable as exc:
                if str(exc) != device_secret.MISSING:
                    raise  # unreadable or damaged: never write over what cannot be read
                current = None
            if current is not None:
                if current == secret:
                    return "the OS keyring already holds this installation's device secret: sign in as usual"
                raise KeyringUnavailable(
                    "the OS keyring holds a different device secret for this installation; CaseDesk never "
                    "replaces one"
                )
            device_secret.store_device_secret(slots.installation_id, secret)
            if slots.custody_head:
                head = slots.custody_head
                device_secret.store_head(slots.installation_id, f"{head['seq']}:{head['hash']}:{head['mac']}")
            device_secret.mark_recovered(slots.installation_id, utc_now().isoformat())
        log.info("device secret restored to the OS keyring with the recovery key")
        return ("the device secret is back in this computer's OS keyring: sign in as usual; the recovery "
                "is recorded in the custody log at the next sign-in")

    @staticmethod
    def _settle_case_keys(session: Session) -> None:
        """As a key holder: first keys of older cases, due rotations, pending grants (each recorded)."""
        keys = CaseKeys(session)
        if session.box_key is None or session.user.role == Role.ADMIN:
            return
        try:
            with session.read() as db:
                due = cases_needing_work(db, session.user.id)
            if not due:
                return
            with session.write() as db:
                keys.settle_all(db, db.scalars(select(Case).where(Case.id.in_(due))).all())
        except CaseDeskError as exc:
            # Signing in must not fail over it: the next holder's sign-in tries again.
            log.warning("case keys not settled at sign-in: %s", type(exc).__name__)
            session.notices.append(f"case keys could not be brought up to date: {exc}")


def _disabled_message(db: OrmSession, username: str) -> str:
    """Why a disabled account cannot sign in: disabled, or re-enabled where a second administrator must confirm it."""
    pending = account_creations(db).promotions.get(username)
    if pending is not None and pending[1] == "enabled":
        return (f"account {username} was re-enabled by {pending[0]} and awaits a second administrator's confirmation: "
                f"ask another administrator to run `casedesk user confirm-promotion {username} enabled`")
    return f"account {username} is disabled; ask an administrator"
