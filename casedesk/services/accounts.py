"""User accounts: add, list, change password, reset, disable, change role.

An account lives in two places that change together: its row (and custody
entries) in the store, and its key slot in ``keyslots.json``. The slot file is
written inside the database transaction, just before the commit; if the
commit fails the slot change is undone.
"""

from __future__ import annotations

import builtins
import dataclasses
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import chain, keylog
from casedesk.custody.signing import Signer
from casedesk.errors import AuthenticationError, PermissionDenied, UsageError
from casedesk.fsutil import file_lock
from casedesk.security.auth_ledger import AuthLedger
from casedesk.security.casekeys import box_public, new_box_key
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile
from casedesk.security.roles import ADMIN, DEMOTED, ENABLED, PROMOTED_ROLES, Permission, Role, parse_role
from casedesk.services import inputs
from casedesk.services.authority import account_creations, pending_resets
from casedesk.services.casekeys import CaseKeys, register_box_key
from casedesk.services.session import Session
from casedesk.store.backups import rekey_backups
from casedesk.store.engine import new_database_key, rekey
from casedesk.store.models import BoxKey, Case, CaseKeyGrant, CaseMember, SigningKey, User
from casedesk.timeutil import iso_utc, uk_display, utc_now

log = logging.getLogger("casedesk.accounts")

MIN_PASSWORD_LENGTH = 12
USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
INITIALS_RE = re.compile(r"^[A-Z]{2,4}$")


def check_password(password: str) -> None:
    inputs.unicode(password, "the new password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsageError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters", field="password")
    if password.strip() != password:
        raise UsageError("password must not begin or end with spaces", field="password")


def validate_new_user(username: str, full_name: str, initials: str, role: str) -> tuple[str, str, str]:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise UsageError(
            f"invalid user name {username!r}: use 2-32 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter",
            field="username",
        )
    try:
        parse_role(role)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    full_name = inputs.text(full_name, "the full name", inputs.NAME, empty="a full name is required",
                            field="full_name", cli_hint="--full-name")
    if not initials:
        words = [w for w in full_name.split() if w[:1].isalpha()]
        initials = "".join(w[0] for w in words)[:4]
        if len(initials) < 2:  # a single name: its first two letters
            initials = "".join(c for c in full_name if c.isalpha())[:2]
    initials = initials.upper()
    if not INITIALS_RE.match(initials):
        raise UsageError(
            f"invalid initials {initials!r}: use 2-4 capital letters (they prefix exhibit "
            "references such as JAS/1)",
            field="initials",
        )
    return username, full_name, initials


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    initials: str
    role: str
    disabled: bool
    created_at: datetime
    password_changed_at: datetime | None
    locked_until: datetime | None = None  # locked after repeated wrong passwords, until then
    created_by: str | None = None  # the administrator whose new account awaits a second one's confirmation
    # A promotion awaiting a second administrator's confirmation: the new role, or ``ENABLED`` (re-enabling a disabled
    # account); ``role`` and ``disabled`` are what holds until then.
    promotion: str | None = None
    promoted_by: str | None = None  # the administrator who made that change
    notice: str | None = None  # what the change just made should tell the administrator (SOLE_ADMIN_PROMOTION)

    @property
    def pending(self) -> bool:
        """Created where a second administrator must confirm it, and not yet confirmed: it cannot sign in."""
        return self.created_by is not None

    @property
    def status(self) -> str:
        """What the account list shows: pending (a confirmation), disabled, locked or active."""
        if self.promotion == ENABLED:
            return "pending"
        if self.disabled:
            return "disabled"
        if self.pending or self.promotion is not None:
            return "pending"
        return "locked" if self.locked_until is not None else "active"

    @property
    def awaits(self) -> str | None:
        """What a second administrator is asked to confirm, in words (None: nothing)."""
        if self.created_by is not None:
            return f"new account ({self.role}) by {self.created_by}"
        if self.promotion == ENABLED:
            return f"re-enabled by {self.promoted_by}"
        if self.promotion is not None:
            return f"role {self.promotion} (now {self.role}) by {self.promoted_by}"
        return None


@dataclass(frozen=True)
class PendingConfirmation:
    """An administrator's password reset awaiting a supervisor's confirmation in person (the two-person rule)."""

    username: str
    full_name: str
    reset_by: str
    box_key: str | None  # the box key the user registered at their password change since the reset (hex), or None

    @property
    def fingerprint(self) -> str | None:
        return None if self.box_key is None else box_key_fingerprint(self.box_key)


def box_key_fingerprint(box_key_hex: str) -> str:
    """What the detective's screen shows after the password change and the supervisor compares: 16 hex digits."""
    return " ".join(box_key_hex[i:i + 4] for i in range(0, 16, 4))


def _account(user: User, locked_until: datetime | None = None, created_by: str | None = None,
             promotion: tuple[str, str] | None = None, notice: str | None = None) -> Account:
    return Account(
        user.username, user.full_name, user.initials, user.role, user.disabled,
        user.created_at, user.password_changed_at, locked_until, created_by,
        None if promotion is None else promotion[1], None if promotion is None else promotion[0], notice,
    )


# How ``account.created`` says the two-person rule was applied (``data.confirmation``; docs/custody-encoding.md).
CONFIRMATION_PENDING = "pending"  # two or more confirmed administrators: a second one confirms the account
CONFIRMATION_SOLE = "sole-administrator"  # one administrator: no second one to confirm it; active at once
SOLE_ADMIN_NOTICE = ("this installation has one administrator, so the account is active at once; where there are two "
                     "or more, a new account signs in only after a second administrator confirms it")
ADMIN_ROLE_ENDED = "the administrator role ends at once"
SOLE_CONFIRMATION = ("you are the only administrator now, so nobody else can confirm a change you made while there "
                     "were two; the log records that you confirmed it alone (sole-administrator)")
SOLE_ADMIN_PROMOTION = ("this installation has one administrator, so the change holds at once; where there are two or "
                        "more, a promotion to supervisor or admin, or re-enabling an account, holds only once a second "
                        "administrator confirms it")


def _names(users: builtins.list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: whom to ask."""
    return users[0] if len(users) == 1 else f"{', '.join(users[:-1])} or {users[-1]}"


class Accounts:
    def __init__(self, session: Session) -> None:
        self.s = session
        self._undo: tuple[KeySlotFile, Path] | None = None

    @contextmanager
    def _slots(self) -> Iterator[KeySlotFile]:
        """Load, let the caller change, and save keyslots.json under the data-dir lock."""
        path = self.s.datadir.keyslots
        with file_lock(self.s.datadir.lock):
            slots = KeySlotFile.load(path)
            self._undo = (KeySlotFile.load(path), path)
            yield slots
            slots.save(path)

    def _undo_slots(self) -> None:
        undo, self._undo = self._undo, None
        if undo is not None:
            before, path = undo
            with file_lock(self.s.datadir.lock):
                current = KeySlotFile.load(path)
                before.custody_head = current.custody_head
                before.save(path)

    def _device_secret(self, slots: KeySlotFile) -> bytes | None:
        # Read at sign-in under the data-dir lock; reading the keyring again here (under the same lock,
        # which is not re-entrant) would deadlock.
        return self.s.device_secret if slots.device_bound else None

    def list(self) -> list[Account]:
        self.s.require(Permission.CASE_LIST)
        ledger = self._ledger()
        with self.s.read() as db:
            state = account_creations(db)
            return [_account(u, ledger.locked_until(u.username), state.creations.get(u.username),
                             state.promotions.get(u.username))
                    for u in db.scalars(select(User).order_by(User.username))]

    def _ledger(self) -> AuthLedger:
        return AuthLedger(self.s.datadir.auth_state, self.s.datadir.lock)

    def unlock(self, username: str) -> bool:
        """Lift the lock that repeated wrong passwords put on an account (recorded in the custody log).

        Returns whether it was locked; unlocking an account that is not locked changes and records nothing.
        """
        self.s.require(Permission.USER_MANAGE)
        ledger = self._ledger()
        with self.s.write() as db:
            user = self.s.user_by_name(db, username)
            until = ledger.locked_until(user.username)
            if until is None:
                return False
            self.s.record(db, "account.unlocked", to_party=user.username,
                          data={"user": user.username, "locked_until": iso_utc(until)})
        ledger.clear(user.username)
        log.info("account unlocked: %s", username)
        return True

    def add(self, username: str, role: str, full_name: str, initials: str, password: str) -> Account:
        """A new account, with its key slot. Where two or more administrators are confirmed (as the log says), the
        account is pending: it cannot sign in, acts with no authority and holds no case key until another
        administrator confirms it (``confirm_creation``); ``Account.pending`` says so. With one administrator it is
        active at once, and its ``account.created`` entry records why (``SOLE_ADMIN_NOTICE``)."""
        self.s.require(Permission.USER_MANAGE)
        username, full_name, initials = validate_new_user(username, full_name, initials, role)
        check_password(password)
        role_v = parse_role(role).value
        signer = Signer.generate()
        box_key = new_box_key()
        now = utc_now()
        self._undo = None
        try:
            with self.s.write() as db:
                if db.scalar(select(User).where(User.username == username)) is not None:
                    raise UsageError(f"user {username} already exists", field="username")
                same = db.scalar(select(User).where(User.initials == initials))
                if same is not None:
                    raise UsageError(
                        f"initials {initials} are already {same.username}'s: exhibit references such as "
                        f"{initials}/1 would be ambiguous; choose other initials", field="initials",
                    )
                user = User(
                    username=username, full_name=full_name, initials=initials, role=role_v,
                    disabled=False, created_at=now, password_changed_at=now,
                )
                db.add(user)
                db.flush()
                db.add(SigningKey(user_id=user.id, public_key=signer.public_key, created_at=now))
                register_box_key(self.s, db, user, box_public(box_key), record=False)
                pending = account_creations(db).confirmed_admins() >= 2
                self.s.record(
                    db, "account.created", to_party=username, at=now,
                    data={"user": username, "role": role_v, "initials": initials, "full_name": full_name,
                          "confirmation": CONFIRMATION_PENDING if pending else CONFIRMATION_SOLE},
                )
                self.s.record(
                    db, "account.key_registered", to_party=username, at=now,
                    data={"user": username, "public_key": signer.public_hex, "box_key": box_public(box_key).hex()},
                )
                if not pending:
                    self._settle_keys(db, user)  # a new supervisor holds every case's key (if pending: once confirmed)
                with self._slots() as slots:
                    if username in slots.slots:
                        raise UsageError(f"a key slot for {username} already exists")
                    if username in slots.disabled:
                        slots.disabled.remove(username)
                    slots.add_slot(username, password, self.s.slot_secrets_for(signer, box_key),
                                   self._device_secret(slots))
                    slots.seal_database_key(username, box_public(box_key), self.s.keys.database)
                result = _account(user, created_by=self.s.user.username if pending else None)
        except BaseException:
            self._undo_slots()
            raise
        log.info("account created: %s (%s)%s", username, role_v, ", awaiting confirmation" if pending else "")
        return result

    def pending_creations(self) -> builtins.list[Account]:
        """Accounts another administrator created that await a second administrator's confirmation."""
        self.s.require(Permission.USER_MANAGE)
        with self.s.read() as db:
            pending = account_creations(db).creations
            users = db.scalars(select(User).where(User.username.in_(pending)).order_by(User.username))
            return [_account(u, None, pending[u.username]) for u in users]

    def pending_promotions(self) -> builtins.list[Account]:
        """Promotions (to supervisor or admin) and re-enablings awaiting a second administrator's confirmation."""
        self.s.require(Permission.USER_MANAGE)
        with self.s.read() as db:
            pending = account_creations(db).promotions
            users = db.scalars(select(User).where(User.username.in_(pending)).order_by(User.username))
            return [_account(u, promotion=pending[u.username]) for u in users]

    def confirm_promotion(self, username: str, to: str) -> Account:
        """A second administrator confirms another's promotion of ``username`` to role ``to``, or (``to`` is
        ``"enabled"``) the re-enabling of the account (``account.promotion_confirmed``): it holds from now on."""
        self.s.require(Permission.USER_MANAGE)
        me = self.s.user.username
        with self.s.write() as db:
            user = self.s.user_by_name(db, username)
            pending = account_creations(db).promotions.get(username)
            if pending is None:
                raise UsageError(f"no promotion of {username} awaits confirmation")
            if username == me:
                raise PermissionDenied("nobody confirms their own promotion: ask another administrator")
            others = account_creations(db).confirmed_admin_names(besides=me)
            if pending[0] == me and others:
                raise PermissionDenied(f"you made this change to {username} yourself: another administrator must "
                                       f"confirm it: ask {_names(others)} to run `casedesk user confirm-promotion "
                                       f"{username} {pending[1]}`")
            if to != pending[1]:
                raise UsageError(f"the promotion of {username} that awaits confirmation is to {pending[1]}, not to "
                                 f"{to}: look again (`casedesk user pending-accounts`)")
            data = {"user": username, "to": to}
            if pending[0] == me:  # the only confirmed administrator left: nobody else can
                data["confirmation"] = CONFIRMATION_SOLE
            self.s.record(db, "account.promotion_confirmed", to_party=username, data=data)
            if to == ENABLED:
                user.disabled = False
            else:
                user.role = to
            self._settle_keys(db, user)
            result = _account(user, notice=SOLE_CONFIRMATION if "confirmation" in data else None)
        log.info("promotion of %s to %s confirmed by %s", username, to, me)
        return result

    def confirm_creation(self, username: str) -> Account:
        """A second administrator confirms an account another created (``account.creation_confirmed``): it may sign
        in from now on, and its case keys are sealed to it (at once as far as possible, else by the next holder)."""
        self.s.require(Permission.USER_MANAGE)
        me = self.s.user.username
        with self.s.write() as db:
            user = self.s.user_by_name(db, username)
            creator = account_creations(db).creations.get(username)
            if creator is None:
                raise UsageError(f"no creation of account {username} awaits confirmation")
            others = account_creations(db).confirmed_admin_names(besides=me)
            if creator == me and others:
                raise PermissionDenied(f"you created the account {username} yourself: another administrator must "
                                       f"confirm it: ask {_names(others)} to run `casedesk user confirm-account "
                                       f"{username}`")
            data = {"user": username}
            if creator == me:  # the only confirmed administrator left: nobody else can
                data["confirmation"] = CONFIRMATION_SOLE
            self.s.record(db, "account.creation_confirmed", to_party=username, data=data)
            self._settle_keys(db, user)
            result = _account(user, notice=SOLE_CONFIRMATION if "confirmation" in data else None)
        log.info("account %s confirmed by %s", username, me)
        return result

    def change_password(self, old_password: str, new_password: str) -> str | None:
        """The signed-in user's own password: re-wraps their slot, keeps their signing key.

        After an administrator's reset not yet confirmed, the user also gets a new box key of their own (the
        administrator knew the temporary password, and so the box key it wrapped): returns its fingerprint, for
        the supervisor who confirms the reset to compare; None otherwise.
        """
        check_password(new_password)
        if old_password == new_password:
            raise UsageError("the new password must differ from the old one", field="password")
        name = self.s.user.username
        box_key = self.s.box_key
        fingerprint = None
        self._undo = None
        try:
            with self.s.write() as db:
                user = self.s.user_by_name(db, name)
                user.password_changed_at = utc_now()
                self.s.record(db, "account.password_changed", to_party=name, data={"user": name})
                if name in pending_resets(db):
                    box_key = new_box_key()
                    register_box_key(self.s, db, user, box_public(box_key), record=True)
                    fingerprint = box_key_fingerprint(box_public(box_key).hex())
                with self._slots() as slots:
                    secret = self._device_secret(slots)
                    slots.unwrap(name, old_password, secret)  # proves the old password
                    slots.add_slot(name, new_password, self.s.slot_secrets_for(self.s.signer, box_key), secret)
                    if box_key is not None:
                        slots.seal_database_key(name, box_public(box_key), self.s.keys.database)
        except BaseException:
            self._undo_slots()
            raise
        if box_key is not self.s.box_key:
            self.s.box_key = box_key
            self.s.case_key_cache.clear()
        log.info("password changed: %s", name)
        return fingerprint

    def pending_confirmations(self) -> builtins.list[PendingConfirmation]:
        """Administrators' password resets a supervisor must confirm in person before case keys reach the account."""
        self.s.require(Permission.CUSTODY_REVIEW)
        with self.s.read() as db:
            pending = pending_resets(db)
            names = {u.username: u.full_name for u in db.scalars(select(User).where(User.username.in_(pending)))}
        return [PendingConfirmation(name, names.get(name, name), admin, own)
                for name, (admin, own) in sorted(pending.items())]

    def confirm_identity(self, username: str) -> PendingConfirmation:
        """A supervisor vouches, in person, that ``username`` changed the temporary password of an administrator's
        reset themselves (``account.identity_confirmed``); the case keys they hold are then sealed to their new box
        key at once, as far as this supervisor holds them (the rest at the next holder's sign-in)."""
        self.s.require(Permission.CUSTODY_REVIEW)
        me = self.s.user.username
        with self.s.write() as db:
            user = self.s.user_by_name(db, username)
            pending = pending_resets(db)
            if username not in pending:
                raise UsageError(f"no password reset of {username} awaits confirmation")
            admin, own = pending[username]
            if username == me:
                raise PermissionDenied("you cannot confirm your own password reset: ask another supervisor")
            if admin == me:
                raise PermissionDenied(f"you reset the password of {username} yourself: another supervisor must "
                                       "confirm it")
            if me in pending:
                raise PermissionDenied("your own password reset is not yet confirmed: ask another supervisor to "
                                       "confirm yours first")
            if own is None:
                raise UsageError(f"{username} has not yet changed the temporary password: ask them to sign in and "
                                 "change it (`casedesk user passwd`) in front of you, then confirm")
            self.s.record(db, "account.identity_confirmed", to_party=username, data={"user": username, "box_key": own})
            self._settle_keys(db, user)
            result = PendingConfirmation(username, user.full_name, admin, own)
        log.info("password reset of %s confirmed by %s", username, me)
        return result

    def confirm_password(self, password: str) -> None:
        """Prove that the signed-in user is at the keyboard (the desktop's lock screen) with their password.

        A wrong password counts toward the account's lock-out as at sign-in; nothing is written to the log.
        """
        name = self.s.user.username
        ledger = self._ledger()
        locked = ledger.locked_until(name)
        if locked is not None:
            raise AuthenticationError(f"account {name} is locked after repeated wrong passwords; sign out, and "
                                      f"try again after {uk_display(locked)} or ask an administrator to reset it")
        slots = KeySlotFile.load(self.s.datadir.keyslots)
        try:
            slots.unwrap(name, password, self._device_secret(slots))
        except AuthenticationError as exc:
            if not str(exc).startswith("wrong password"):
                raise
            left = ledger.record_failure(name)
            if left == 0:
                raise AuthenticationError(f"wrong password for {name}; the account is now locked for 15 minutes") \
                    from None
            raise AuthenticationError(
                f"wrong password for {name} ({left} attempt{'s' if left != 1 else ''} left before the account "
                "locks)", field="password") from None
        ledger.record_success(name)

    def reset_password(self, username: str, new_password: str) -> None:
        """Administrator reset: a new slot and a new signing key (the old private key is lost)."""
        self.s.require(Permission.USER_MANAGE)
        check_password(new_password)
        signer = Signer.generate()
        box_key = new_box_key()
        now = utc_now()
        self._undo = None
        try:
            with self.s.write() as db:
                user = self.s.user_by_name(db, username)
                if user.disabled:  # a reset is how a disabled account comes back
                    pending = account_creations(db).confirmed_admins(besides=username) >= 2
                    self.s.record(db, "account.enabled", to_party=username, at=now,
                                  data={"user": username,
                                        "confirmation": CONFIRMATION_PENDING if pending else CONFIRMATION_SOLE})
                    # With two or more administrators the account stays disabled until another confirms.
                    user.disabled = pending
                for key in db.scalars(select(SigningKey).where(SigningKey.user_id == user.id)):
                    if key.retired_at is None:
                        key.retired_at = now
                db.add(SigningKey(user_id=user.id, public_key=signer.public_key, created_at=now))
                user.password_changed_at = now
                self.s.record(db, "account.password_reset", to_party=username, at=now, data={"user": username})
                register_box_key(self.s, db, user, box_public(box_key), record=False)
                if username != self.s.user.username:
                    # Someone else's old key is revoked in the log. An administrator's own reset needs no
                    # revocation: the new registration supersedes the key that signs it.
                    self._revoke_key(db, username, "password reset by an administrator")
                self.s.record(
                    db, "account.key_registered", to_party=username, at=now,
                    data={"user": username, "public_key": signer.public_hex, "box_key": box_public(box_key).hex()},
                )
                # The old box key is gone with the old slot: the user's case keys are sealed again to the
                # new one by the next key holder of each case.
                self._settle_keys(db, user)
                with self._slots() as slots:
                    if username in slots.disabled:
                        slots.disabled.remove(username)
                    slots.add_slot(username, new_password, self.s.slot_secrets_for(signer, box_key),
                                   self._device_secret(slots))
                    slots.seal_database_key(username, box_public(box_key), self.s.keys.database)
        except BaseException:
            self._undo_slots()
            raise
        if username == self.s.user.username:
            # The old key was valid up to the registration just written; sign on with the new one.
            self.s.signer = signer
            self.s.box_key = box_key
            self.s.case_key_cache.clear()
        AuthLedger(self.s.datadir.auth_state, self.s.datadir.lock).clear(username)
        log.info("password reset: %s", username)

    def disable(self, username: str) -> None:
        """Disabling removes the account's key slot: it can no longer open the store.

        An administrator brings the account back with a password reset.
        """
        self.s.require(Permission.USER_MANAGE)
        if username == self.s.user.username:
            raise PermissionDenied("you cannot disable your own account")
        self._undo = None
        try:
            with self.s.write() as db:
                user = self.s.user_by_name(db, username)
                if user.disabled and account_creations(db).promotions.get(username, ("", ""))[1] != ENABLED:
                    raise UsageError(f"account {username} is already disabled")  # (else: withdraws the re-enabling)
                user.disabled = True
                self.s.record(db, "account.disabled", to_party=username, data={"user": username})
                self._revoke_key(db, username, "account disabled")
                for key in db.scalars(select(SigningKey).where(SigningKey.user_id == user.id)):
                    if key.retired_at is None:
                        key.retired_at = utc_now()
                db.flush()
                self._settle_keys(db, user)  # every case key the account held is rotated for new content
                with self._slots() as slots:
                    slots.remove_slot(username)
                    if username not in slots.disabled:
                        slots.disabled.append(username)
        except BaseException:
            self._undo_slots()
            raise
        log.info("account disabled: %s", username)
        self._change_database_key(f"account {username} disabled")

    def _change_database_key(self, reason: str) -> None:
        """A new SQLCipher key (``PRAGMA rekey``), sealed to the box key of every remaining key slot's user, under
        the data-directory lock; then a signed entry says so. A copy of a disabled user's slot kept from before
        (spliced back into keyslots.json) holds the store key, which derives the old database key: it opens
        nothing. Other processes signed in at that moment can no longer read the store and must sign in again.

        The copies of the database kept in ``backups/`` (before each schema migration) are re-encrypted under the
        new key in the same hold of the lock (``casedesk.store.backups``): the old slot opens none of them either."""
        with self.s.read() as db:
            boxes = {name: bytes(pub) for name, pub in db.execute(
                select(User.username, BoxKey.public_key).join(BoxKey, BoxKey.user_id == User.id)
                .where(BoxKey.retired_at.is_(None)).order_by(BoxKey.id))}
        new_key = new_database_key()
        old_key = self.s.keys.database
        path = self.s.datadir.keyslots
        with file_lock(self.s.datadir.lock):
            slots = KeySlotFile.load(path)
            holders = {name: boxes[name] for name in slots.slots if name in boxes}
            left_out = sorted(set(slots.slots) - set(holders))
            self.s.engine.dispose()
            rekey(self.s.datadir.database, old_key, new_key)
            try:
                epoch = slots.change_database_key(new_key, holders)
                slots.save(path)
            except BaseException:
                rekey(self.s.datadir.database, new_key, old_key)
                raise
            self.s.use_database_key(new_key, epoch)
            # Every database key this process holds that a copy may be under: the one before, the derived one.
            derived = StoreKeys.derive(self.s.slot_secrets_for(self.s.signer).store_key).database
            copies = rekey_backups(self.s.datadir.backups, [old_key, derived], new_key, epoch)
        with self.s.write() as db:
            self.s.record(db, "installation.database_key_changed", reason=reason,
                          data={"epoch": epoch, "users": sorted(holders), "left_out": left_out,
                                "backups": sorted(copies.reencrypted),
                                "backups_kept": sorted(copies.unreadable + copies.failed)})
        log.info("database key changed (epoch %d): %d key slot(s) given it, %d left out; %d backup(s) re-encrypted, "
                 "%d kept as they were", epoch, len(holders), len(left_out), len(copies.reencrypted),
                 len(copies.unreadable) + len(copies.failed))

    def _revoke_key(self, db: OrmSession, username: str, reason: str) -> None:
        """An ``account.key_revoked`` entry for the key the LOG holds for ``username`` (not the keys table,
        which an insider can edit): nothing signed with it after this entry counts, and a key slot
        holding it (an older copy spliced back into keyslots.json) no longer signs in."""
        reg = keylog.registry(db)
        key = None if reg is None else keylog.current_key(reg, username)
        if key is None:
            return
        self.s.record(db, chain.KEY_REVOKED, to_party=username,
                      data={"user": username, "public_key": key, "reason": reason})

    def set_role(self, username: str, role: str) -> Account:
        """Change ``username``'s role. A promotion (to supervisor or admin) where two or more administrators are
        confirmed awaits another's confirmation (``confirm_promotion``): the old role holds until then, and the
        returned account says so (``Account.promotion``). A demotion holds at once, and withdraws a pending
        promotion, as does setting the role the account has."""
        self.s.require(Permission.USER_MANAGE)
        try:
            role_v = parse_role(role).value
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        with self.s.write() as db:
            user = self.s.user_by_name(db, username)
            if username == self.s.user.username and role_v != Role.ADMIN.value:
                raise PermissionDenied("you cannot remove your own administrator role")
            old = user.role
            data: dict[str, str] = {"user": username, "from": old, "to": role_v}
            pending = False
            if role_v != old and role_v in PROMOTED_ROLES:
                # Confirmed administrators besides the account changed: an administrator made supervisor by the one
                # other administrator holds at once (no one else could confirm it).
                pending = account_creations(db).confirmed_admins(besides=username) >= 2
                if pending and user.disabled:
                    raise UsageError(f"account {username} is disabled: re-enable it first (a password reset), then "
                                     "change its role")
                data["confirmation"] = CONFIRMATION_PENDING if pending else CONFIRMATION_SOLE
            self.s.record(db, "account.role_changed", to_party=username, data=data)
            if not pending:
                user.role = role_v
                db.flush()
                self._settle_keys(db, user)
            elif old == ADMIN:
                user.role = DEMOTED  # the administrator role ends at once; supervisor awaits confirmation
                db.flush()
                self._settle_keys(db, user)
            result = _account(user, promotion=(self.s.user.username, role_v) if pending else None)
            if pending and old == ADMIN:
                result = dataclasses.replace(result, notice=ADMIN_ROLE_ENDED)
            if data.get("confirmation") == CONFIRMATION_SOLE:
                result = dataclasses.replace(result, notice=SOLE_ADMIN_PROMOTION)
        log.info("role of %s: %s -> %s%s", username, old, role_v, ", awaiting confirmation" if pending else "")
        return result

    def _settle_keys(self, db: OrmSession, user: User) -> None:
        """Case keys after ``user``'s entitlement changed: for every case they held a key of or may now hold."""
        db.flush()
        held = set(db.scalars(select(CaseKeyGrant.case_id).where(CaseKeyGrant.user_id == user.id)))
        if user.role == Role.SUPERVISOR.value and not user.disabled:
            query = select(Case)
        else:
            member_of = select(CaseMember.case_id).where(CaseMember.user_id == user.id)
            query = select(Case).where(Case.id.in_(member_of) | (Case.officer_in_charge_id == user.id)
                                       | Case.id.in_(held))
        keys = CaseKeys(self.s)
        for case in db.scalars(query.order_by(Case.id)).all():
            keys.settle(db, case, changed_user=user)
