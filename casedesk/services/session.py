"""A signed-in user's session: permissions, transactions, custody entries."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import log as custody_log
from casedesk.custody.signing import Signer
from casedesk.datadir import DataDir
from casedesk.errors import AuthenticationError, IntegrityError, NotFound, PermissionDenied
from casedesk.fsutil import file_lock
from casedesk.security import device_secret
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile, SlotSecrets
from casedesk.security.roles import Permission, Role, allowed
from casedesk.store.engine import read_session, write_session
from casedesk.store.models import Case, CaseMember, CustodyEntry, User

log = logging.getLogger("casedesk.session")

PERMISSION_TEXT: dict[Permission, str] = {
    Permission.USER_MANAGE: "manage user accounts",
    Permission.SETTINGS_MANAGE: "change installation settings",
    Permission.CASE_LIST: "list cases",
    Permission.CASE_CREATE: "create cases",
    Permission.CASE_VIEW_ALL: "see every case",
    Permission.CASE_CONTENT: "see case content",
    Permission.CASE_EDIT: "edit cases",
    Permission.CASE_MEMBERS: "change case membership",
    Permission.CASE_CLOSE: "close cases",
    Permission.CASE_CLOSE_OVERRIDE: "override the review check when closing a case",
    Permission.EVIDENCE_INGEST: "ingest evidence",
    Permission.EVIDENCE_EXTRACT: "extract exhibits",
    Permission.EVIDENCE_WITHDRAW: "withdraw exhibits",
    Permission.EVIDENCE_SENSITIVITY: "mark exhibits sensitive",
    Permission.CUSTODY_TRANSFER: "transfer custody",
    Permission.CUSTODY_TRANSFER_ANY: "transfer exhibits held by someone else",
    Permission.CUSTODY_REVIEW: "review custody logs",
    Permission.CUSTODY_EXPORT: "export custody logs",
    Permission.VERIFY: "run verification",
    Permission.BUNDLE_EXPORT: "export case bundles",
}


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
    ) -> None:
        self.datadir = datadir
        self.installation_id = installation_id
        self._store_key = store_key
        self.keys = StoreKeys.derive(store_key)
        self.engine = engine
        self.user = user
        self.signer = signer
        self.integrity_alerts = integrity_alerts
        self.notices = notices

    def __repr__(self) -> str:
        return f"Session(user={self.user.username!r}, role={self.user.role.value})"

    # --- permissions -------------------------------------------------------
    def can(self, permission: Permission) -> bool:
        return allowed(self.user.role, permission)

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"{self.user.username} ({self.user.role.value}) may not "
                f"{PERMISSION_TEXT[permission]}"
            )

    def case_visible(self, db: OrmSession, case: Case) -> bool:
        if self.can(Permission.CASE_VIEW_ALL) or case.officer_in_charge_id == self.user.id:
            return True
        return db.get(CaseMember, (case.id, self.user.id)) is not None

    def case(self, db: OrmSession, reference: str, permission: Permission = Permission.CASE_LIST) -> Case:
        """The case ``reference`` if it exists and this user may act on it."""
        self.require(permission)
        self.check_account(db)
        case = db.scalar(select(Case).where(Case.reference == reference.strip()))
        if case is None:
            raise NotFound(f"no case with reference {reference!r}; `casedesk case list` shows the cases")
        if not self.case_visible(db, case):
            raise PermissionDenied(
                f"{self.user.username} is not a member of case {case.reference}; "
                "a supervisor can add you with `casedesk case member add`"
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
            raise NotFound(f"no user named {username!r}; `casedesk user list` shows the accounts")
        return user

    # --- transactions ------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[OrmSession]:
        with read_session(self.engine) as db:
            yield db

    @contextmanager
    def write(self) -> Iterator[OrmSession]:
        """One transaction: the state change and its custody entries commit together."""
        if self.integrity_alerts:
            raise IntegrityError(
                "changes are blocked: " + self.integrity_alerts[0]
                + " Run `casedesk verify` and restore the latest database before continuing."
            )
        with write_session(self.engine) as db:
            self.check_account(db)
            yield db
        try:
            self.advance_head()
        except OSError as exc:
            # Committed already: failing now would report a recorded action as not done. The copies
            # catch up at the next write; until then they lag behind, which the head check allows.
            log.warning("custody head not copied outside the database: %s", exc.strerror or type(exc).__name__)

    def record(self, db: OrmSession, action: str, **fields: Any) -> CustodyEntry:
        """Append a custody entry signed by this session's user, inside ``db``'s transaction."""
        return custody_log.append(
            db, actor=self.user.username, signer=self.signer, action=action, **fields
        )

    def advance_head(self) -> None:
        """Copy the log head outside the database: key slots file and OS keyring."""
        with read_session(self.engine) as db:
            head = custody_log.current_head(db)
            if head is None:
                return
            with file_lock(self.datadir.lock):
                slots = KeySlotFile.load(self.datadir.keyslots)
                recorded = slots.head(self.keys.head_mac)
                if recorded is not None:
                    if recorded[0] >= head.seq:
                        return
                    row = db.get(CustodyEntry, recorded[0])
                    if row is None or row.entry_hash != recorded[1]:
                        # Never move the outside copy onto a log that does not extend it:
                        # that would erase the evidence of a roll-back.
                        return
                slots.set_head(head.seq, head.entry_hash, self.keys.head_mac)
                slots.save(self.datadir.keyslots)
        device_secret.store_head(self.installation_id, f"{head.seq}:{head.entry_hash}")

    def slot_secrets_for(self, signer: Signer) -> SlotSecrets:
        """What a new or re-wrapped key slot protects: this store's key and ``signer``'s seed."""
        return SlotSecrets(self._store_key, signer.seed)

    def close(self) -> None:
        self.engine.dispose()
