"""The authority rules of ``casedesk.security.roles.ACTION_RULES`` asked of the store, at the moment of writing.

``Session.record`` checks every entry against the same table replay uses to flag entries in the log, so
the service layer cannot write an entry that verification would reject. The state asked about is the
state before the entry: services change a row and record its entry in one transaction, so the holder of
an exhibit being moved is the entry's ``from`` party, not the row's (already changed) custodian.

The account and case rows the rules read are looked up once per transaction (``db.info``): a batch of 500
ingest entries asks about the same actor and case 500 times. What is kept is the ORM object itself, the one
row of the session's identity map, so a change made in the transaction (a role, a disabled flag, a case
closed, through the ORM as every service writes) is seen by the next entry as before; a hit is used only
while the object is still in the session and still carries the name it was found by.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import encoding
from casedesk.custody.projection import (
    BOX_KEY_ACTIONS,
    CREATION_ACTIONS,
    REPLAY_COLUMNS,
    RESET_ACTIONS,
    Projection,
    note_reset,
)
from casedesk.custody.review import remote_review_problem
from casedesk.security.roles import Permission, allowed, confirm_problem
from casedesk.store.models import Case, CaseMember, CustodyEntry, User

_USERS = "casedesk_write_facts_users"
_CASES = "casedesk_write_facts_cases"
_RESETS = "casedesk_pending_resets"
_CREATIONS = "casedesk_account_creations"


class WriteFacts:
    def __init__(self, db: OrmSession, fields: dict[str, Any]) -> None:
        self.db = db
        self.fields = fields
        self._users: dict[str, User] = db.info.setdefault(_USERS, {})
        self._cases: dict[str, Case] = db.info.setdefault(_CASES, {})

    def _user(self, name: str) -> User | None:
        row = self._users.get(name)
        if row is not None and row.username == name and row in self.db:
            return row
        row = self.db.scalar(select(User).where(User.username == name))
        if row is not None:
            self._users[name] = row
        return row

    def _case(self, ref: str) -> Case | None:
        row = self._cases.get(ref)
        if row is not None and row.reference == ref and row in self.db:
            return row
        row = self.db.scalar(select(Case).where(Case.reference == ref))
        if row is not None:
            self._cases[ref] = row
        return row

    def role(self, user: str) -> str | None:
        row = self._user(user)
        return None if row is None else row.role

    def disabled(self, user: str) -> bool:
        row = self._user(user)
        return row is not None and row.disabled

    def case_exists(self, case: str) -> bool:
        return self._case(case) is not None

    def case_open(self, case: str) -> bool:
        row = self._case(case)
        return row is not None and row.status == "open"

    def case_handed_over(self, case: str) -> bool:
        row = self._case(case)
        return row is not None and row.status == "handed_over"

    def is_member(self, case: str, user: str) -> bool:
        row, who = self._case(case), self._user(user)
        if row is None or who is None:
            return False
        return row.officer_in_charge_id == who.id or self.db.get(CaseMember, (row.id, who.id)) is not None

    def is_officer_in_charge(self, case: str, user: str) -> bool:
        row, who = self._case(case), self._user(user)
        return row is not None and who is not None and row.officer_in_charge_id == who.id

    def custodian(self, case: str, exhibit: str) -> tuple[str, bool] | None:
        holder = self.fields.get("from_party")
        data = self.fields.get("data") or {}
        return None if holder is None else (holder, data.get("from_is_user", True) is not False)

    def returns_to(self, case: str, exhibit: str) -> str | None:
        data = self.fields.get("data") or {}
        return self.fields.get("to_party") if data.get("to_is_user", True) is not False else None

    def author_of(self, seq: int) -> tuple[str, str | None] | None:
        row = self.db.get(CustodyEntry, seq)
        return None if row is None else (row.actor, row.case_ref)

    def box_key(self, user: str) -> str | None:
        """The box key the LOG last registered for ``user`` (not the box_keys table, which an insider can edit)."""
        rows = self.db.execute(select(CustodyEntry.data).where(
            CustodyEntry.action.in_(BOX_KEY_ACTIONS), CustodyEntry.to_party == user).order_by(CustodyEntry.seq.desc()))
        for (raw,) in rows:
            try:
                data = encoding.parse_data(raw)
            except encoding.EncodingError:
                continue
            if data.get("user") == user and isinstance(data.get("box_key"), str):
                return str(data["box_key"])
        return None


    def reset_pending(self, user: str) -> tuple[str, str | None] | None:
        return pending_resets(self.db).get(user)

    def creation_pending(self, user: str) -> str | None:
        return account_creations(self.db).creations.get(user)

    def promotion_pending(self, user: str) -> tuple[str, str] | None:
        return account_creations(self.db).promotions.get(user)

    def confirmed_admins(self) -> int:
        return account_creations(self.db).confirmed_admins()
    def remote_review(self, entry: Any) -> str | None:
        return remote_review_problem(self.db, entry.data, getattr(entry, "text", None), entry.case)


def account_creations(db: OrmSession) -> Projection:
    """The accounts and administrators the LOG establishes, replayed from its account entries alone (a few rows):
    ``creations`` (accounts awaiting a second administrator's confirmation), ``promotions`` (role changes to supervisor
    or admin and re-enablings awaiting one) and ``confirmed_admins()``.

    Kept for the transaction (``db.info``): ``Session.record`` asks it of every entry it writes, and forgets it when
    it writes one of ``CREATION_ACTIONS`` (only a write transaction, holding the write lock, records entries).
    """
    cached = db.info.get(_CREATIONS)
    if cached is None:
        cached = Projection()
        marks = ", ".join(f"'{a}'" for a in CREATION_ACTIONS)
        rows = db.execute(sql_text(f"SELECT {', '.join(REPLAY_COLUMNS)} FROM custody_entries "
                                   f"WHERE action IN ({marks}) ORDER BY seq"))
        for row in rows:
            cached.apply_row(tuple(row))
        db.info[_CREATIONS] = cached
    return cached


def forget_account_creations(db: OrmSession, action: str) -> None:
    """After recording ``action``: the cached answer of ``account_creations`` no longer holds if it changes it."""
    if action in CREATION_ACTIONS:
        db.info.pop(_CREATIONS, None)


def pending_resets(db: OrmSession) -> dict[str, tuple[str, str | None]]:
    """Administrators' password resets awaiting a second person's confirmation, as the LOG says: user ->
    (administrator, the box key the user registered themselves since, or None).

    A confirmation counts only if its signer is, by the accounts table, a supervisor and ``confirm_problem`` finds
    nothing (what replay checks against the log's own roles; sign-in compares the tables with the log).
    """
    marker = db.execute(select(func.count(), func.max(CustodyEntry.seq))
                        .where(CustodyEntry.action.in_(RESET_ACTIONS))).one()
    cached = db.info.get(_RESETS)
    if cached is not None and cached[0] == tuple(marker):
        return dict(cached[1])  # asked once per grant and per case at sign-in: the log's answer, once per change
    resets: dict[str, tuple[str, str | None]] = {}
    roles = {name: role for name, role in db.execute(select(User.username, User.role))}
    rows = db.execute(select(CustodyEntry.action, CustodyEntry.actor, CustodyEntry.data)
                      .where(CustodyEntry.action.in_(RESET_ACTIONS)).order_by(CustodyEntry.seq))
    for action, actor, raw in rows:
        try:
            data = encoding.parse_data(raw)
        except encoding.EncodingError:
            continue
        if action == "account.identity_confirmed":
            role = roles.get(actor)
            if role is None or not allowed(role, Permission.CUSTODY_REVIEW) or confirm_problem(
                    actor, data.get("user"), data.get("box_key"), resets.get) is not None:
                continue
        note_reset(resets, action, actor, data)
    db.info[_RESETS] = (tuple(marker), dict(resets))
    return resets


class PendingEntry:
    """The parts of an entry about to be written that the rules read."""

    def __init__(self, actor: str, fields: dict[str, Any]) -> None:
        self.actor = actor
        self.case = fields.get("case_ref")
        self.exhibit = fields.get("exhibit_ref")
        self.text = fields.get("text")
        self.data = fields.get("data") or {}
