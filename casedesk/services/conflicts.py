"""Offline custody conflicts, as a user sees and closes them (docs/sync-protocol.md, "Offline conflicts").

A sync records the entries of this installation's other copy (a fork the unit kept) in one signed
``custody.fork_recorded`` entry (``services/sync.py``); each exhibit those entries changed has an open custody
conflict until a supervisor records a ``custody.conflict_resolved`` naming both entries and the state that holds.
The conflicts are read from those entries (``casedesk.custody.conflicts.ConflictBook``, the same book replay keeps);
a resolution counts only when its signer was a supervisor at that entry, as the log establishes roles (one written
into the log by anyone else, with their own key, closes nothing here, and replay and ``casedesk verify`` name it).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import conflicts, encoding
from casedesk.custody.conflicts import Conflict
from casedesk.custody.projection import ACCOUNT_STATE_ACTIONS, may_review_at, supervisors_over_time
from casedesk.errors import NotFound, UsageError
from casedesk.security.roles import Permission
from casedesk.services import inputs
from casedesk.services.session import Session
from casedesk.store.models import Case, CaseMember, CustodyEntry, Exhibit

if TYPE_CHECKING:
    from casedesk.services.custody import EntryView

log = logging.getLogger("casedesk.conflicts")

MSG_NONE = "exhibit {exhibit} of case {case} has no open custody conflict (`casedesk custody conflicts` lists them)"
MSG_NEEDS_CUSTODIAN = ("say who or where exhibit {exhibit} is now, the state that holds (--custodian USER or a place, "
                       "and --location)")
MSG_NOT_HERE = ("exhibit {exhibit} exists only in the installation's other copy: the resolution closes the conflict "
                "and adds nothing, so give no --custodian or --location")
MSG_EXPORT = ("exhibit {exhibit} of case {case} has an open custody conflict (this log and the installation's other "
              "copy say different things): a supervisor resolves it first with `casedesk custody resolve-conflict "
              "{case} {exhibit} --custodian ... --reason ...`")


@dataclass(frozen=True)
class ConflictView:
    case_ref: str
    exhibit_ref: str
    kind: str  # "moved", "reference" (a reference both copies used for other content), "new" (only the other copy)
    record_seq: int  # the custody.fork_recorded entry
    recorded_at: str
    here: dict[str, Any] | None  # this log's state and entry (seq) when the fork was recorded
    other: dict[str, Any]  # the other copy's entry (seq, hash, action) and state
    message: str  # the one line verify, the CLI and the desktop show
    resolved_by: int | None = None
    resolver: str | None = None

    @property
    def open(self) -> bool:
        return self.resolved_by is None


def _view(c: Conflict) -> ConflictView:
    return ConflictView(c.case, c.exhibit, c.kind, c.record, c.recorded_at, c.here, c.other, c.message(),
                        c.resolved_by, c.resolver)


def book_of(db: OrmSession) -> conflicts.ConflictBook:
    """The conflicts of this log: its fork records, closed by resolutions signed by a supervisor at the time."""
    book = conflicts.ConflictBook()
    rows = list(db.execute(select(CustodyEntry.seq, CustodyEntry.timestamp, CustodyEntry.actor, CustodyEntry.action,
                                  CustodyEntry.case_ref, CustodyEntry.exhibit_ref, CustodyEntry.data)
                           .where(CustodyEntry.action.in_((conflicts.FORK_RECORDED, conflicts.RESOLVED)))
                           .order_by(CustodyEntry.seq)))
    if not rows:
        return book
    history = db.info.get("casedesk_reviewers")  # the supervisors over time, as review.valid_reviews keeps them
    if history is None:
        accounts = db.scalars(select(CustodyEntry).where(CustodyEntry.action.in_(ACCOUNT_STATE_ACTIONS))
                              .order_by(CustodyEntry.seq))
        history = supervisors_over_time([getattr(e, c) for c in encoding.ROW_COLUMNS] for e in accounts)
        db.info["casedesk_reviewers"] = history
    for seq, stamp, actor, action, case, exhibit, data in rows:
        d = conflicts.data_of(data)
        if action == conflicts.FORK_RECORDED:
            if case is None:
                book.record(seq, stamp, action, actor, d)
        elif may_review_at(history, actor, seq):
            book.resolve(seq, action, actor, case, exhibit, d)
    return book


def open_conflicts(db: OrmSession, case_ref: str | None = None) -> list[ConflictView]:
    """The open conflicts (of one case, or all), for the pages that show exhibits; no permission check: callers show
    only exhibits the user may see."""
    return [_view(c) for c in book_of(db).open() if case_ref is None or c.case == case_ref]


class Conflicts:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _visible(self, db: OrmSession) -> frozenset[str] | None:
        if self.s.can(Permission.CASE_VIEW_ALL) and self.s.can(Permission.CASE_CONTENT):
            return None
        if not self.s.can(Permission.CASE_CONTENT):
            return frozenset()
        uid = self.s.user.id
        member = select(CaseMember.case_id).where(CaseMember.user_id == uid)
        return frozenset(db.scalars(select(Case.reference).where(
            (Case.officer_in_charge_id == uid) | Case.id.in_(member))))

    def list(self, case_ref: str | None = None, include_resolved: bool = False) -> list[ConflictView]:
        """The custody conflicts of the cases this user may see (of one case), open ones only unless asked."""
        with self.s.read() as db:
            if case_ref is not None:
                case_ref = self.s.case(db, case_ref, Permission.CASE_CONTENT).reference
            else:
                self.s.require(Permission.CASE_CONTENT)
            visible = self._visible(db)
            book = book_of(db)
        found = book.history if include_resolved else book.open()
        return [_view(c) for c in found
                if (case_ref is None or c.case == case_ref) and (visible is None or c.case in visible)]

    def resolve(self, case_ref: str, exhibit_ref: str, reason: str, custodian: str | None = None,
                location: str | None = None) -> EntryView:
        """A supervisor closes the open conflict on an exhibit, naming both entries, and says which state holds: the
        exhibit's custodian and location from now on (for an exhibit only the other copy holds: nothing)."""
        from casedesk.services.custody import Custody, entry_view  # verify (custody.py) reads open_conflicts

        self.s.require(Permission.CUSTODY_RESOLVE)
        reason = inputs.text(reason, "reason", inputs.REASON, empty="say why this state holds (--reason)",
                             field="reason", cli_hint="--reason TEXT")
        ref = exhibit_ref.strip().upper()
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            conflict = book_of(db).open_on(case.reference, ref)
            if conflict is None:
                raise NotFound(MSG_NONE.format(exhibit=ref, case=case.reference))
            data: dict[str, Any] = {"record": conflict.record, "other_seq": conflict.other.get("seq"),
                                    "other_hash": conflict.other.get("hash"),
                                    "here_seq": None if conflict.here is None else conflict.here.get("seq")}
            exhibit = db.scalar(select(Exhibit).where(Exhibit.case_id == case.id, Exhibit.reference == ref))
            fields: dict[str, Any] = {}
            if exhibit is None:
                if custodian is not None or location is not None:
                    raise UsageError(MSG_NOT_HERE.format(exhibit=ref))
            else:
                if custodian is None or not custodian.strip():
                    raise UsageError(MSG_NEEDS_CUSTODIAN.format(exhibit=ref), field="custodian",
                                     cli_hint="--custodian USER or a place")
                name, is_user = Custody(self.s)._party(db, case, custodian)
                where = location.strip() if location is not None and location.strip() else (
                    exhibit.location if is_user else name)
                data.update({"from_is_user": exhibit.custodian_is_user, "to_is_user": is_user,
                             "previous_location": exhibit.location})
                fields = {"from_party": exhibit.custodian, "to_party": name, "location": where,
                          "sha256": exhibit.sha256}
                exhibit.custodian, exhibit.custodian_is_user, exhibit.location = name, is_user, where
                exhibit.checked_out = False
            entry = self.s.record(db, conflicts.RESOLVED, case_ref=case.reference, exhibit_ref=ref, reason=reason,
                                  data=data, **fields)
            view = entry_view(entry)
        log.info("custody conflict resolved: case %s exhibit %s entry %d", view.case_ref, view.exhibit_ref, view.seq)
        return view


MSG_FILE_CHANGED = ("the other copy's entries kept in {file} are not the ones entry {seq} recorded (SHA-256 {got}..., "
                    "recorded {want}...): the file was changed after it was kept")
_FILE = re.compile(r"forks/[0-9]+-[0-9a-f]{16,64}(-[0-9]+)?\.jsonl\Z")


def file_problems(db: OrmSession, root: Path) -> list[tuple[int, str]]:
    """(entry, message) for each fork record whose kept file beside the store (``root``: the data directory) is
    there but holds other bytes than the record's SHA-256. A file that is not there is not a problem: the record is
    what the log holds, and a restore from the unit brings no ``forks/`` back (the unit keeps the segment)."""
    out = []
    for seq, data in db.execute(select(CustodyEntry.seq, CustodyEntry.data).where(
            CustodyEntry.action == conflicts.FORK_RECORDED, CustodyEntry.case_ref.is_(None))
            .order_by(CustodyEntry.seq)):
        d = conflicts.data_of(data)
        name, want = d.get("file"), d.get("segment_sha256")
        if not isinstance(name, str) or not _FILE.match(name) or not isinstance(want, str):
            continue
        try:
            got = hashlib.sha256((root / name).read_bytes()).hexdigest()
        except FileNotFoundError:
            continue
        except OSError as exc:
            got = f"unreadable ({exc.strerror or type(exc).__name__})"
        if got != want:
            out.append((seq, MSG_FILE_CHANGED.format(file=name, seq=seq, got=got[:16], want=want[:16])))
    return out


def refuse_export(db: OrmSession, case_ref: str) -> None:
    """A bundle is never made of a case with an open custody conflict: it would show one copy's word as the whole
    history (docs/bundle.md). Raises ``UsageError`` naming the first exhibit and the command that resolves it."""
    found = open_conflicts(db, case_ref)
    if found:
        raise UsageError(MSG_EXPORT.format(exhibit=found[0].exhibit_ref, case=case_ref))
