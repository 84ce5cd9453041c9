"""Case keys follow membership: who holds each case's key, granting, rotating, unwrapping.

The *key holders* of a case are its members, its officer in charge and every
supervisor (supervisors review every case's custody log, close cases, override
and move any exhibit: they see every case's content by role), never an
administrator and never a disabled account. Two facts are derived, not stored,
so they cannot drift from membership:

* a grant is **pending** for a key holder who has a box key but no grant of
  some epoch sealed to that box key (a new member, a new supervisor, a user
  whose password was reset, a user who signed in for the first time after the
  upgrade);
* a **rotation is due** when someone who is no longer a key holder holds the
  current epoch (a member removed, an account disabled or made administrator).

Only a key holder can act on either (the key is needed to grant it, and whoever
makes a new epoch knows it). A holder's session does so at once when it causes
the change, at every sign-in, and before writing new content to the case; a
change made by an administrator is recorded as pending (``case.key_grant_pending``,
``case.key_rotation_due``) and done by the next holder. Every grant and every
epoch is a custody entry.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.errors import CaseContentLocked, IntegrityError
from casedesk.security.casekeys import (
    CaseContentKeys,
    CaseKeyError,
    box_public,
    decrypt_text,
    encrypt_text,
    new_case_key,
    open_case_key,
    seal_case_key,
    text_epoch,
    vault_naming_key,
)
from casedesk.security.roles import Role
from casedesk.services.authority import account_creations, pending_resets
from casedesk.services.session import Session
from casedesk.store.models import BoxKey, Case, CaseKeyEpoch, CaseKeyGrant, CaseMember, User
from casedesk.timeutil import utc_now

log = logging.getLogger("casedesk.casekeys")

# Custody actions whose entry text is case content, encrypted under the case key (see ``seal_text``).
ENCRYPTED_TEXT_ACTIONS = frozenset({"note.added", "case.summary_edited", "case.summary_reencrypted"})
# The purpose a text's ciphertext is bound to, where it is not the entry's own action: a legacy summary sealed by
# ``casedesk case reencrypt-legacy`` is the summary's ciphertext, the very string of the cases.summary column.
TEXT_PURPOSE = {"case.summary_reencrypted": "case.summary_edited"}
LOCKED_TEXT = "(encrypted for the key holders of case {ref})"
NOT_MEMBER = "you are not a member of case {ref}; its content is encrypted for its members"
UNCONFIRMED = ("the content of case {ref} is not yet available to you: an administrator reset your password, so a "
               "supervisor must confirm the reset in person (`casedesk user confirm {user}`) after you change the "
               "temporary password (`casedesk user passwd`)")
NOT_YET = ("the content of case {ref} is not yet available to you: its key is sealed to you at the next sign-in "
           "of a member who holds it (an administrator cannot)")


def holder_ids(db: OrmSession, case: Case) -> set[int]:
    """The users who may hold ``case``'s key now: members, officer in charge, supervisors; no admin, none disabled."""
    ids = set(db.scalars(select(CaseMember.user_id).where(CaseMember.case_id == case.id)))
    ids.add(case.officer_in_charge_id)
    rows = db.execute(select(User.id, User.role, User.disabled).where(
        (User.id.in_(ids)) | (User.role == Role.SUPERVISOR.value)))
    return {uid for uid, role, disabled in rows if not disabled and role != Role.ADMIN.value}


def current_box_keys(db: OrmSession, user_ids: Iterable[int]) -> dict[int, bytes]:
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.execute(select(BoxKey.user_id, BoxKey.public_key)
                      .where(BoxKey.user_id.in_(ids), BoxKey.retired_at.is_(None)).order_by(BoxKey.id))
    return {uid: bytes(pub) for uid, pub in rows}


def current_epoch(db: OrmSession, case: Case) -> int:
    """0 when the case has no key yet (made before case keys and not yet opened by a holder)."""
    return int(db.scalar(select(func.max(CaseKeyEpoch.epoch)).where(CaseKeyEpoch.case_id == case.id)) or 0)


def unconfirmed_ids(db: OrmSession) -> set[int]:
    """Accounts whose password an administrator reset and no one else has confirmed, and accounts created where a
    second administrator must confirm them and none has yet: no case key is sealed to them (the two-person rules,
    ``casedesk.security.roles.MSG_GRANT_UNCONFIRMED`` and ``may_hold_case_key``)."""
    names = set(pending_resets(db)) | set(account_creations(db).creations)
    if not names:
        return set()
    return set(db.scalars(select(User.id).where(User.username.in_(names))))


def register_box_key(session: Session, db: OrmSession, user: User, public: bytes, *, record: bool) -> None:
    """Make ``public`` the user's current box key; ``record`` writes ``account.box_key_registered``
    (account creation and reset carry it in ``account.key_registered`` instead)."""
    now = utc_now()
    for row in db.scalars(select(BoxKey).where(BoxKey.user_id == user.id, BoxKey.retired_at.is_(None))):
        row.retired_at = now
    db.add(BoxKey(user_id=user.id, public_key=public, created_at=now))
    if record:
        session.record(db, "account.box_key_registered", to_party=user.username, at=now,
                       data={"user": user.username, "box_key": public.hex()})


def cases_needing_work(db: OrmSession, user_id: int) -> list[int]:
    """Cases ``user_id`` holds the key of where ``CaseKeys.needs_work`` is true, in a handful of queries.

    What every holder's sign-in asks about every case: one query per table rather than four per case.
    """
    users = {uid: (role, disabled) for uid, role, disabled in db.execute(select(User.id, User.role, User.disabled))}

    def may_hold(uid: int) -> bool:
        role, disabled = users.get(uid, (Role.ADMIN.value, True))
        return not disabled and role != Role.ADMIN.value

    supervisors = {uid for uid, (role, disabled) in users.items() if role == Role.SUPERVISOR.value and not disabled}
    holders: dict[int, set[int]] = {cid: {oic} for cid, oic in db.execute(select(Case.id, Case.officer_in_charge_id))}
    for cid, uid in db.execute(select(CaseMember.case_id, CaseMember.user_id)):
        holders.setdefault(cid, set()).add(uid)
    epochs = {cid: int(ep) for cid, ep in db.execute(
        select(CaseKeyEpoch.case_id, func.max(CaseKeyEpoch.epoch)).group_by(CaseKeyEpoch.case_id))}
    granted: dict[int, dict[int, bytes]] = {}
    for cid, ep, uid, pub in db.execute(select(CaseKeyGrant.case_id, CaseKeyGrant.epoch, CaseKeyGrant.user_id,
                                               CaseKeyGrant.box_public)):
        if ep == epochs.get(cid):
            granted.setdefault(cid, {})[uid] = bytes(pub)
    boxes = {uid: bytes(pub) for uid, pub in db.execute(
        select(BoxKey.user_id, BoxKey.public_key).where(BoxKey.retired_at.is_(None)).order_by(BoxKey.id))}
    for uid in unconfirmed_ids(db):
        boxes.pop(uid, None)  # nothing to seal to them until a second person confirms their reset
    out = []
    for cid, ids in sorted(holders.items()):
        now = {uid for uid in ids | supervisors if may_hold(uid)}
        if user_id not in now:
            continue
        have = granted.get(cid, {})
        if cid not in epochs or set(have) - now or any(have.get(uid) != boxes[uid] for uid in now if uid in boxes):
            out.append(cid)
    return out


class CaseKeys:
    """The signed-in user's view of case keys; unwrapped keys are cached in the session."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # --- reading -----------------------------------------------------------
    def _my_public(self) -> bytes | None:
        return box_public(self.s.box_key) if self.s.box_key is not None else None

    def key(self, db: OrmSession, case: Case, epoch: int) -> bytes:
        """Epoch ``epoch`` of ``case``'s key, unwrapped with this user's box key; ``CaseContentLocked`` if none."""
        cached = self.s.case_key_cache.get((case.id, epoch))
        if cached is not None:
            return cached
        grant = db.get(CaseKeyGrant, (case.id, epoch, self.s.user.id))
        mine = self._my_public()
        if grant is None or mine is None or bytes(grant.box_public) != mine:
            raise self.locked(db, case)
        assert self.s.box_key is not None
        try:
            key = open_case_key(bytes(grant.sealed), self.s.box_key, case.reference, epoch)
        except CaseKeyError:
            raise CaseContentLocked(
                f"the key of case {case.reference} sealed to you does not open (altered in the store); "
                "run `casedesk verify`"
            ) from None
        self.s.case_key_cache[(case.id, epoch)] = key
        return key

    def locked(self, db: OrmSession, case: Case) -> CaseContentLocked:
        if self.s.user.id in holder_ids(db, case):
            if self.s.user.id in unconfirmed_ids(db):
                return CaseContentLocked(UNCONFIRMED.format(ref=case.reference, user=self.s.user.username))
            return CaseContentLocked(NOT_YET.format(ref=case.reference))
        return CaseContentLocked(NOT_MEMBER.format(ref=case.reference))

    def holds(self, db: OrmSession, case: Case, epoch: int | None = None) -> bool:
        epoch = current_epoch(db, case) if epoch is None else epoch
        if epoch == 0:
            return False
        try:
            self.key(db, case, epoch)
        except CaseContentLocked:
            return False
        return True

    def content_keys(self, db: OrmSession, case: Case, epoch: int) -> CaseContentKeys:
        return CaseContentKeys.derive(self.key(db, case, epoch))

    def naming_key(self, db: OrmSession, case: Case) -> bytes:
        return vault_naming_key(self.key(db, case, 1))

    def seal_text(self, db: OrmSession, case: Case, purpose: str, text: str) -> str:
        """``text`` encrypted for the case's key holders (inside a write transaction): ``cdx1.<epoch>.<...>``.

        One ciphertext, written both in the custody entry and in the table row, so the two compare equal.
        """
        epoch = self.for_writing(db, case)
        return encrypt_text(self.content_keys(db, case, epoch).content, case.reference, purpose, epoch, text)

    def entry_text(self, db: OrmSession, action: str, case_ref: str | None, value: str | None) -> str | None:
        """A custody entry's text for display: decrypted when it is case content this user holds the key of."""
        if value is None or action not in ENCRYPTED_TEXT_ACTIONS or case_ref is None or text_epoch(value) is None:
            return value
        case = db.scalar(select(Case).where(Case.reference == case_ref))
        if case is None:
            return LOCKED_TEXT.format(ref=case_ref)
        try:
            return self.open_text(db, case, TEXT_PURPOSE.get(action, action), value)
        except CaseContentLocked:
            return LOCKED_TEXT.format(ref=case_ref)

    def open_text(self, db: OrmSession, case: Case, purpose: str, value: str) -> str:
        """The plaintext of a note or summary; text written before case keys is returned as it is."""
        epoch = text_epoch(value)
        if epoch is None:
            return value
        try:
            return decrypt_text(self.content_keys(db, case, epoch).content, case.reference, purpose, value)
        except CaseKeyError:
            raise IntegrityError(
                f"a {purpose} text of case {case.reference} fails authentication (altered, or moved from "
                "another case); run `casedesk verify`"
            ) from None

    def granted(self, db: OrmSession, case: Case, user: User) -> bool:
        """Whether ``user`` holds every epoch of ``case``, sealed to their current box key."""
        public = current_box_keys(db, [user.id]).get(user.id)
        epochs = current_epoch(db, case)
        if public is None or epochs == 0:
            return False
        have = set(db.scalars(select(CaseKeyGrant.epoch).where(
            CaseKeyGrant.case_id == case.id, CaseKeyGrant.user_id == user.id, CaseKeyGrant.box_public == public)))
        return have >= set(range(1, epochs + 1))

    def needs_rotation(self, db: OrmSession, case: Case) -> bool:
        epoch = current_epoch(db, case)
        granted = set(db.scalars(select(CaseKeyGrant.user_id).where(
            CaseKeyGrant.case_id == case.id, CaseKeyGrant.epoch == epoch)))
        return bool(granted - holder_ids(db, case))

    # --- writing -----------------------------------------------------------
    def needs_work(self, db: OrmSession, case: Case) -> bool:
        """True when the case has no key yet, a rotation is due or a grant is pending."""
        epoch = current_epoch(db, case)
        if epoch == 0:
            return True
        holders = holder_ids(db, case)
        granted = {uid: bytes(pub) for uid, pub in db.execute(
            select(CaseKeyGrant.user_id, CaseKeyGrant.box_public)
            .where(CaseKeyGrant.case_id == case.id, CaseKeyGrant.epoch == epoch))}
        if set(granted) - holders:
            return True
        boxes = current_box_keys(db, holders - unconfirmed_ids(db))
        return any(granted.get(uid) != pub for uid, pub in boxes.items())

    def for_writing(self, db: OrmSession, case: Case) -> int:
        """The epoch new content of ``case`` is encrypted under, after any due rotation and pending grant.

        Inside a write transaction. Raises ``CaseContentLocked`` for a user who holds no key of the case.
        """
        self.settle(db, case)
        epoch = current_epoch(db, case)
        self.key(db, case, epoch)  # raises for a non-holder
        return epoch

    def settle(self, db: OrmSession, case: Case, changed_user: User | None = None, reason: str = "") -> None:
        """Bring ``case``'s keys in line with its holders, as far as this user can (inside a write transaction).

        A holder creates the first epoch, rotates when due and seals every pending grant; anyone else
        records what is left to do about ``changed_user`` (``case.key_grant_pending``) or about a due
        rotation (``case.key_rotation_due``) for the next holder.
        """
        holders = holder_ids(db, case)
        epoch = current_epoch(db, case)
        mine = self._my_public()
        i_hold = self.s.user.id in holders and mine is not None
        if epoch == 0:
            if i_hold:
                self._new_epoch(db, case, 1, holders, reason or "first key of the case")
            elif changed_user is not None and changed_user.id in holders:
                self._record_pending(db, case, changed_user)
            return
        granted_now = set(db.scalars(select(CaseKeyGrant.user_id).where(
            CaseKeyGrant.case_id == case.id, CaseKeyGrant.epoch == epoch)))
        outsiders = granted_now - holders
        can_act = i_hold and self.holds(db, case, epoch)
        if outsiders:
            names = sorted(u.username for u in db.scalars(select(User).where(User.id.in_(outsiders))))
            why = reason or f"no longer key holder: {', '.join(names)}"
            if can_act:
                self._new_epoch(db, case, epoch + 1, holders, why)
                epoch += 1
            else:
                self.s.record(db, "case.key_rotation_due", case_ref=case.reference,
                              data={"users": names, "reason": why})
        if can_act:
            self._fulfil(db, case, holders)
        elif changed_user is not None and changed_user.id in holders:
            self._record_pending(db, case, changed_user)

    def _record_pending(self, db: OrmSession, case: Case, user: User) -> None:
        self.s.record(db, "case.key_grant_pending", case_ref=case.reference, to_party=user.username,
                      data={"user": user.username})

    def _new_epoch(self, db: OrmSession, case: Case, epoch: int, holders: set[int], reason: str) -> None:
        key = new_case_key()
        now = utc_now()
        action = "case.key_created" if epoch == 1 else "case.key_rotated"
        self.s.record(db, action, case_ref=case.reference, at=now, data={"epoch": epoch, "reason": reason})
        db.add(CaseKeyEpoch(case_id=case.id, epoch=epoch, created_at=now, created_by_id=self.s.user.id,
                            reason=reason))
        db.flush()
        self.s.case_key_cache[(case.id, epoch)] = key
        users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(holders)))}
        for uid, public in sorted(current_box_keys(db, holders - unconfirmed_ids(db)).items()):
            self._grant(db, case, epoch, key, users[uid], public)
        log.info("case %s: key epoch %d made (%s)", case.reference, epoch, "rotation" if epoch > 1 else "new")

    def _fulfil(self, db: OrmSession, case: Case, holders: set[int]) -> None:
        """Seal every epoch to every holder whose current box key lacks it."""
        epochs = list(db.scalars(select(CaseKeyEpoch.epoch).where(CaseKeyEpoch.case_id == case.id)
                                 .order_by(CaseKeyEpoch.epoch)))
        boxes = current_box_keys(db, holders - unconfirmed_ids(db))
        have = {(uid, ep): bytes(pub) for uid, ep, pub in db.execute(
            select(CaseKeyGrant.user_id, CaseKeyGrant.epoch, CaseKeyGrant.box_public)
            .where(CaseKeyGrant.case_id == case.id))}
        users: dict[int, User] | None = None
        for uid, public in sorted(boxes.items()):
            for ep in epochs:
                if have.get((uid, ep)) == public:
                    continue
                if users is None:
                    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(holders)))}
                self._grant(db, case, ep, self.key(db, case, ep), users[uid], public)

    def _grant(self, db: OrmSession, case: Case, epoch: int, key: bytes, user: User, public: bytes) -> None:
        sealed = seal_case_key(key, public, case.reference, epoch)
        now = utc_now()
        entry = self.s.record(
            db, "case.key_granted", case_ref=case.reference, to_party=user.username, at=now,
            data={"user": user.username, "epoch": epoch, "box_key": public.hex(),
                  "sealed": base64.b64encode(sealed).decode("ascii")},
        )
        row = db.get(CaseKeyGrant, (case.id, epoch, user.id))
        if row is None:
            db.add(CaseKeyGrant(case_id=case.id, epoch=epoch, user_id=user.id, box_public=public, sealed=sealed,
                                granted_at=now, custody_seq=entry.seq))
        else:  # the user's box key changed (password reset): the old grant is useless to them
            row.box_public, row.sealed, row.granted_at, row.custody_seq = public, sealed, now, entry.seq
        db.flush()

    def settle_all(self, db: OrmSession, cases: Iterable[Case] | None = None) -> None:
        """At sign-in: every case this user holds the key of, where something is due."""
        if self.s.box_key is None or self.s.user.role == Role.ADMIN:
            return
        for case in (cases if cases is not None else db.scalars(select(Case).order_by(Case.id)).all()):
            if case.status == "handed_over":
                continue  # held by another installation now: nothing more is recorded in it here
            if self.s.user.id in holder_ids(db, case) and self.needs_work(db, case):
                epoch = current_epoch(db, case)
                if epoch == 0 or self.holds(db, case, epoch):
                    self.settle(db, case)
