"""Chain of custody: the log, transfers, check-out and return, review, corrections, verification, export."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session as OrmSession
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import chain, encoding, export, headcheck, review, statement
from casedesk.custody import log as custody_log
from casedesk.custody.chain import Problem
from casedesk.custody.log import current_head
from casedesk.custody.verify import OutsideHead, VerifyReport, head_problems, verify_chain
from casedesk.errors import IntegrityError, NotFound, PermissionDenied, StoreError, UsageError
from casedesk.fsutil import file_lock
from casedesk.outputs import NewFile, check_target, publish_all
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.security.keyslots import KeySlotFile
from casedesk.security.roles import Permission, Role
from casedesk.services import inputs
from casedesk.services.casekeys import CaseKeys
from casedesk.services.conflicts import file_problems, open_conflicts
from casedesk.services.evidence import Evidence, require_open
from casedesk.services.session import Session
from casedesk.services.sync import witnessed_problems
from casedesk.store.models import Case, CaseMember, CustodyEntry, Exhibit, User
from casedesk.timeutil import iso_utc, parse_iso, utc_now
from casedesk.trust.logcheck import unit_problems
from casedesk.trust.unitkey import normalise_fingerprint

log = logging.getLogger("casedesk.custody")

TRANSFERRED = "exhibit.transferred"
CHECKED_OUT = "exhibit.checked_out"
RETURNED = "exhibit.returned"
CORRECTED = "entry.corrected"
VERIFIED = "verify.run"
EXPORTED = "custody.exported"
DAMAGED = ("the database file is damaged: {what} cannot be read in full ({detail}); restore casedesk.db from "
           "backup and verify again: the report then names what the backup lacks")

__all__ = ["Custody", "EntryView", "MoveResult", "Problem", "Refusal", "VerifyReport"]


@dataclass(frozen=True)
class EntryView:
    seq: int
    timestamp: datetime
    time_zone: str
    utc_offset: str
    actor: str
    action: str
    case_ref: str | None
    exhibit_ref: str | None
    reason: str | None
    location: str | None
    from_party: str | None
    to_party: str | None
    sha256: str | None
    tool: str
    text: str | None
    data: dict[str, Any]
    entry_hash: str
    signature: str
    prev_hash: str = ""
    actor_key: str = ""
    corrected_by: tuple[int, ...] = field(default_factory=tuple)


def asked_by(view: EntryView) -> str:
    """Who asked a review's question: for a review from another desk, the supervisor who signed it there (the
    entry's own signer only carried it in at a sync)."""
    return statement.asked_by(view.action, view.actor, view.data)


def entry_view(row: CustodyEntry, corrected_by: tuple[int, ...] = ()) -> EntryView:
    try:
        when = parse_iso(row.timestamp)
        data = encoding.parse_data(row.data)
    except ValueError:
        raise IntegrityError(
            f"custody entry {row.seq} is unreadable (timestamp or data damaged); run `casedesk verify`"
        ) from None
    return EntryView(
        seq=row.seq, timestamp=when, time_zone=row.time_zone, utc_offset=row.utc_offset, actor=row.actor,
        action=row.action, case_ref=row.case_ref, exhibit_ref=row.exhibit_ref, reason=row.reason,
        location=row.location, from_party=row.from_party, to_party=row.to_party, sha256=row.sha256,
        tool=row.tool, text=row.text, data=data, entry_hash=row.entry_hash, signature=row.signature,
        prev_hash=row.prev_hash, actor_key=row.actor_key, corrected_by=corrected_by,
    )


@dataclass(frozen=True)
class Refusal:
    """An exhibit of a move of several that was not moved, and why (nothing of it changed)."""

    exhibit_ref: str
    reason: str
    exit_code: int  # the kind of refusal, as the command line's exit status: 2 input, 3 not found, 5 permission


@dataclass
class MoveResult:
    """A move of several exhibits: the entry of each that moved, and the refusal of each that did not."""

    done: list[EntryView] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _action_matches(action: str, wanted: str) -> bool:
    """``exhibit.transferred`` is found by itself, by ``exhibit`` and by ``transferred``."""
    return action == wanted or action.startswith(wanted + ".") or action.endswith("." + wanted)


def _required(text: str | None, what: str, field: str = "reason", flag: str = "--reason") -> str:
    return inputs.text(text, f"the {what}", inputs.REASON, empty=f"a {what} is required", field=field,
                       cli_hint=flag)


def _optional(text: str | None) -> str | None:
    return inputs.optional(text, "the location", inputs.LINE, field="location", cli_hint="--location")



_TIME_BACK = re.compile(re.escape(chain.MSG_TIME_BACK.format(time="\x00", tol="\x00", latest="\x00", m="\x00"))
                        .replace("\x00", r"\S+?"))


def is_time_problem(problem: Problem) -> bool:
    """Whether a verification problem is an entry dated out of order (one a supervisor may acknowledge)."""
    return _TIME_BACK.fullmatch(problem.message) is not None


@dataclass(frozen=True)
class TimeAnomaly:
    """An entry dated out of order (``Custody.time_anomalies``): what a supervisor may acknowledge."""

    timestamp: str
    actor: str
    action: str
    case_ref: str | None
    seq: int
    kind: str  # "ahead": dated after a later entry (or after the clock now); "behind": before an earlier entry
    other: int | None  # the entry it is out of order with; None: ahead of this computer's clock
    by_us: int  # by how much, in microseconds

class Custody:
    def __init__(self, session: Session) -> None:
        self.s = session
        self._keys = CaseKeys(session)

    # --- reading the log -------------------------------------------------------
    def _visible_cases(self, db: OrmSession) -> frozenset[str] | None:
        """Cases whose entries this user may see in full; None means every case."""
        if self.s.can(Permission.CASE_VIEW_ALL) and self.s.can(Permission.CASE_CONTENT):
            return None
        if not self.s.can(Permission.CASE_CONTENT):
            return frozenset()
        uid = self.s.user.id
        member = select(CaseMember.case_id).where(CaseMember.user_id == uid)
        rows = db.scalars(select(Case.reference).where(or_(Case.officer_in_charge_id == uid, Case.id.in_(member))))
        return frozenset(rows)

    def _corrections(self, db: OrmSession, seqs: set[int]) -> dict[int, tuple[int, ...]]:
        out: dict[int, list[int]] = {}
        for row in db.scalars(select(CustodyEntry).where(CustodyEntry.action == CORRECTED)):
            target = encoding.parse_data(row.data).get("corrects")
            if isinstance(target, int) and target in seqs:
                out.setdefault(target, []).append(row.seq)
        return {k: tuple(v) for k, v in out.items()}

    def log(
        self,
        case_ref: str | None,
        exhibit_ref: str | None = None,
        action: str | None = None,
        user: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[EntryView]:
        """A case's custody entries (or, without a case, the installation's own and every visible case's)."""
        with self.s.read() as db:
            query = select(CustodyEntry)
            if case_ref is not None:
                case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
                query = query.where(CustodyEntry.case_ref == case.reference)
            else:
                self.s.require(Permission.CASE_LIST)
                visible = self._visible_cases(db)
                if visible is not None:
                    query = query.where(or_(CustodyEntry.case_ref.is_(None), CustodyEntry.case_ref.in_(visible)))
            if exhibit_ref:
                query = query.where(CustodyEntry.exhibit_ref == exhibit_ref.strip().upper())
            if user:
                query = query.where(CustodyEntry.actor == user.strip())
            if since is not None:
                query = query.where(CustodyEntry.timestamp >= iso_utc(since))
            if until is not None:
                query = query.where(CustodyEntry.timestamp <= iso_utc(until))
            rows = [r for r in db.scalars(query.order_by(CustodyEntry.seq))
                    if not action or _action_matches(r.action, action.strip())]
            fixes = self._corrections(db, {r.seq for r in rows})
            return [self._readable(db, entry_view(r, fixes.get(r.seq, ()))) for r in rows]

    def entry(self, seq: int) -> EntryView:
        with self.s.read() as db:
            row = self._visible_entry(db, seq)
            return self._readable(db, entry_view(row, self._corrections(db, {seq}).get(seq, ())))

    def _readable(self, db: OrmSession, view: EntryView) -> EntryView:
        """Notes and summaries are stored encrypted under the case key: shown in the clear to its holders."""
        text = self._keys.entry_text(db, view.action, view.case_ref, view.text)
        return view if text == view.text else dataclasses.replace(view, text=text)

    def _visible_entry(self, db: OrmSession, seq: int) -> CustodyEntry:
        row = db.get(CustodyEntry, inputs.seq(seq))
        if row is None:
            raise NotFound(f"there is no custody entry {seq}")
        if row.case_ref is not None:
            self.s.case(db, row.case_ref, Permission.CASE_CONTENT)
        return row

    # --- moving exhibits ---------------------------------------------------------
    def _exhibit(self, db: OrmSession, case: Case, exhibit_ref: str) -> Exhibit:
        ref = exhibit_ref.strip().upper()
        row = db.scalar(select(Exhibit).where(Exhibit.case_id == case.id, Exhibit.reference == ref))
        if row is None:
            raise NotFound(f"no exhibit {ref} in case {case.reference}", cli_hint="`casedesk evidence list` shows them")
        return row

    def _may_move(self, exhibit: Exhibit, also: tuple[str, ...] = ()) -> None:
        self.s.require(Permission.CUSTODY_TRANSFER)
        me = self.s.user.username
        holder = exhibit.custodian if exhibit.custodian_is_user else None
        if me == holder or me in also or self.s.can(Permission.CUSTODY_TRANSFER_ANY):
            return
        held = f"held by {exhibit.custodian}" if exhibit.custodian_is_user else f"at {exhibit.custodian}"
        raise PermissionDenied(
            f"{me} is not the custodian of {exhibit.reference} ({held}); only its custodian or a "
            "supervisor can move it"
        )

    def _party(self, db: OrmSession, case: Case, to: str) -> tuple[str, bool]:
        """``to`` as (name, is a user): an existing account that may work on the case, else a place."""
        name = inputs.text(to, "who or where the exhibit goes to", inputs.NAME,
                           empty="say who or where the exhibit goes to: an officer's user name or a place",
                           field="to", cli_hint="--to USER or a place")
        user = db.scalar(select(User).where(User.username == name))
        if user is None:
            return name, False
        if user.disabled:
            raise UsageError(f"account {user.username} is disabled and cannot hold exhibits")
        if user.role == Role.ADMIN.value:
            raise UsageError(f"{user.username} is an administrator and cannot hold exhibits")
        is_member = (case.officer_in_charge_id == user.id
                     or db.get(CaseMember, (case.id, user.id)) is not None)
        if user.role != Role.SUPERVISOR.value and not is_member:
            raise UsageError(
                f"{user.username} is not a member of case {case.reference}; a supervisor can add them "
                "to the case (Add member on the case overview)",
                field="to", cli_hint="`casedesk case member add`",
            )
        return user.username, True

    def transfer(self, case_ref: str, exhibit_ref: str, to: str, reason: str,
                 location: str | None = None) -> EntryView:
        """Hand an exhibit to another officer or a place; only its custodian or a supervisor may."""
        reason = _required(reason, "reason for the transfer")
        location = _optional(location)
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            require_open(case)
            exhibit = self._exhibit(db, case, exhibit_ref)
            if exhibit.checked_out:
                raise UsageError(
                    f"{exhibit.reference} is checked out to {exhibit.custodian}; record its return first"
                )
            self._may_move(exhibit)
            name, is_user = self._party(db, case, to)
            if name == exhibit.custodian and is_user == exhibit.custodian_is_user:
                raise UsageError(f"{exhibit.reference} is already with {name}")
            before = (exhibit.custodian, exhibit.custodian_is_user, exhibit.location)
            exhibit.custodian, exhibit.custodian_is_user = name, is_user
            if location is not None:
                exhibit.location = location
            elif not is_user:
                exhibit.location = name
            entry = self.s.record(
                db, TRANSFERRED, case_ref=case.reference, exhibit_ref=exhibit.reference, reason=reason,
                location=exhibit.location, from_party=before[0], to_party=name, sha256=exhibit.sha256,
                data={"from_is_user": before[1], "to_is_user": is_user, "previous_location": before[2]},
            )
            view = entry_view(entry)
        log.info("exhibit transferred: case %s exhibit %s entry %d", view.case_ref, view.exhibit_ref, view.seq)
        return view

    def check_out(self, case_ref: str, exhibit_ref: str, to: str, reason: str,
                  location: str | None = None) -> EntryView:
        """Lend an exhibit (e.g. to a forensic lab) until it is returned to its custodian."""
        reason = _required(reason, "reason for the check-out")
        location = _optional(location)
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            require_open(case)
            exhibit = self._exhibit(db, case, exhibit_ref)
            if exhibit.checked_out:
                raise UsageError(f"{exhibit.reference} is already checked out to {exhibit.custodian}")
            self._may_move(exhibit)
            name, is_user = self._party(db, case, to)
            if name == exhibit.custodian and is_user == exhibit.custodian_is_user:
                raise UsageError(f"{exhibit.reference} is already with {name}")
            before = (exhibit.custodian, exhibit.custodian_is_user, exhibit.location)
            exhibit.custodian, exhibit.custodian_is_user = name, is_user
            exhibit.location = location if location is not None else (exhibit.location if is_user else name)
            exhibit.checked_out = True
            entry = self.s.record(
                db, CHECKED_OUT, case_ref=case.reference, exhibit_ref=exhibit.reference, reason=reason,
                location=exhibit.location, from_party=before[0], to_party=name, sha256=exhibit.sha256,
                data={"returns_to": before[0], "returns_to_is_user": before[1],
                      "returns_to_location": before[2], "to_is_user": is_user},
            )
            view = entry_view(entry)
        log.info("exhibit checked out: case %s exhibit %s entry %d", view.case_ref, view.exhibit_ref, view.seq)
        return view

    def return_(self, case_ref: str, exhibit_ref: str, reason: str, location: str | None = None) -> EntryView:
        """Record that a checked-out exhibit came back to the custodian who lent it."""
        reason = _required(reason, "reason or note for the return")
        location = _optional(location)
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            # A closed case's exhibits no longer move, but one out at a lab can still come back.
            exhibit = self._exhibit(db, case, exhibit_ref)
            if not exhibit.checked_out:
                raise UsageError(f"{exhibit.reference} is not checked out")
            out = db.scalar(
                select(CustodyEntry).where(
                    CustodyEntry.case_ref == case.reference, CustodyEntry.exhibit_ref == exhibit.reference,
                    CustodyEntry.action == CHECKED_OUT,
                ).order_by(CustodyEntry.seq.desc()).limit(1)
            )
            if out is None:
                raise IntegrityError(
                    f"{exhibit.reference} is marked checked out but the custody log has no check-out entry; "
                    "run `casedesk verify`"
                )
            lent = encoding.parse_data(out.data)
            back_to = str(lent.get("returns_to") or out.from_party or "")
            back_is_user = bool(lent.get("returns_to_is_user", True))
            self._may_move(exhibit, also=(back_to,) if back_is_user else ())
            holder = exhibit.custodian
            exhibit.custodian, exhibit.custodian_is_user = back_to, back_is_user
            exhibit.location = location if location is not None else str(lent.get("returns_to_location") or "")
            exhibit.checked_out = False
            entry = self.s.record(
                db, RETURNED, case_ref=case.reference, exhibit_ref=exhibit.reference, reason=reason,
                location=exhibit.location, from_party=holder, to_party=back_to, sha256=exhibit.sha256,
                data={"checked_out_at": out.seq, "to_is_user": back_is_user},
            )
            view = entry_view(entry)
        log.info("exhibit returned: case %s exhibit %s entry %d", view.case_ref, view.exhibit_ref, view.seq)
        return view

    # --- moving several exhibits ------------------------------------------------------
    def transfer_several(self, case_ref: str, exhibit_refs: Sequence[str], to: str, reason: str,
                         location: str | None = None) -> MoveResult:
        """``transfer`` of each exhibit (a bag lodged in the property store): see ``_several``."""
        self._check_several(case_ref, exhibit_refs, to, moving_out=True)
        return self._several(exhibit_refs, lambda ref: self.transfer(case_ref, ref, to, reason, location),
                             reason, "reason for the transfer", location)

    def check_out_several(self, case_ref: str, exhibit_refs: Sequence[str], to: str, reason: str,
                          location: str | None = None) -> MoveResult:
        """``check_out`` of each exhibit (several items sent to one lab): see ``_several``."""
        self._check_several(case_ref, exhibit_refs, to, moving_out=True)
        return self._several(exhibit_refs, lambda ref: self.check_out(case_ref, ref, to, reason, location),
                             reason, "reason for the check-out", location)

    def return_several(self, case_ref: str, exhibit_refs: Sequence[str], reason: str,
                       location: str | None = None) -> MoveResult:
        """``return_`` of each exhibit (a lab sends the items back together): see ``_several``."""
        self._check_several(case_ref, exhibit_refs, None, moving_out=False)
        return self._several(exhibit_refs, lambda ref: self.return_(case_ref, ref, reason, location),
                             reason, "reason or note for the return", location)

    def _check_several(self, case_ref: str, exhibit_refs: Sequence[str], to: str | None, moving_out: bool) -> None:
        """What holds for every exhibit alike is refused once, before any moves: no exhibit named, a case that
        cannot be seen or (for a move out) is closed, a recipient who cannot hold exhibits of the case."""
        self.s.require(Permission.CUSTODY_TRANSFER)
        if not exhibit_refs:
            raise UsageError("name at least one exhibit")
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            if moving_out:
                require_open(case)
            if to is not None:
                self._party(db, case, to)

    def _several(self, exhibit_refs: Sequence[str], move: Callable[[str], EntryView], reason: str, what: str,
                 location: str | None) -> MoveResult:
        """Each exhibit is moved by the one-exhibit method, in its own transaction with its own signed entry;
        one that may not move (withdrawn, not checked out, held by someone else, already there) is refused
        with that method's message and left exactly as it was, and the others go on."""
        _required(reason, what)
        _optional(location)
        result = MoveResult()
        seen: set[str] = set()
        for ref in exhibit_refs:
            key = ref.strip().upper()
            if key in seen:
                continue  # named twice: moved once
            seen.add(key)
            try:
                result.done.append(move(ref))
            except (UsageError, PermissionDenied, NotFound) as exc:
                result.refused.append(Refusal(key, str(exc), exc.exit_code))
        log.info("moved %d exhibit(s) of %d, %d refused", len(result.done), len(seen), len(result.refused))
        return result

    # --- review ------------------------------------------------------------------
    def review(self, case_ref: str, decision: str, comment: str, up_to: int | None = None,
               resolves: list[int] | None = None) -> EntryView:
        """A supervisor's signed review of the case's log up to entry ``up_to`` (default: the whole log).

        An approval settles the open queries it covers (asked about entries up to ``up_to`` at most);
        a ``resolve`` closes the open queries ``resolves`` names (default: all open ones) with a comment.
        """
        self.s.require(Permission.CUSTODY_REVIEW)
        decision = decision.strip().lower()
        if decision not in review.DECISIONS:
            raise UsageError(f"unknown review decision {decision!r}: approve, query, resolve or comment",
                             cli_hint="--approve, --query, --resolve or --comment")
        text = inputs.text(comment, "the review comment", inputs.TEXT, field="comment", cli_hint="--comment")
        if decision != "approve" and not text:
            raise UsageError(f"a {decision} needs a comment", field="comment", cli_hint="--comment TEXT")
        with self.s.write() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            head = current_head(db)
            last = 0 if head is None else head.seq
            if up_to is None:
                up_to = last
            if not 1 <= up_to <= last:
                raise UsageError(f"the last entry reviewed must be an entry number between 1 and {last}",
                                 field="up_to", cli_hint="--up-to")
            pending = [e.seq for e in review.unreviewed_entries(db, case.reference) if e.seq <= up_to]
            open_ = review.open_queries(db, case.reference)
            if decision == "approve":
                settled = [q.seq for q in open_ if review.query_up_to(q) <= up_to]
            elif decision == "resolve":
                wanted = set(resolves) if resolves else {q.seq for q in open_}
                unknown = sorted(wanted - {q.seq for q in open_})
                if unknown:
                    raise UsageError(f"entry {unknown[0]} is not an open query of case {case.reference}",
                                     cli_hint="--resolve SEQ")
                if not wanted:
                    raise UsageError(f"case {case.reference} has no open query to resolve")
                settled = sorted(wanted)
            else:
                settled = []
            entry = self.s.record(
                db, review.REVIEW_ACTION, case_ref=case.reference, text=text or None,
                data={"decision": decision, "up_to": up_to, "entries": len(pending), "settles": settled},
            )
            view = entry_view(entry)
        log.info("case reviewed: %s decision %s up to %d (entry %d)", view.case_ref, decision, up_to, view.seq)
        return view

    def unreviewed(self, case_ref: str) -> list[EntryView]:
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            return [entry_view(e) for e in review.unreviewed_entries(db, case.reference)]

    def review_queue(self) -> list[tuple[str, int]]:
        """Cases with entries awaiting review and how many, by case reference."""
        self.s.require(Permission.CUSTODY_REVIEW)
        with self.s.read() as db:
            known = set(db.scalars(select(Case.reference)))
            counts = review.unreviewed_counts(db)
            return sorted((ref, n) for ref, n in counts.items() if ref in known)

    def queries(self, case_ref: str) -> list[EntryView]:
        """Open supervisor queries on the case, for the officer to answer."""
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
            return [entry_view(e) for e in review.open_queries(db, case.reference)]

    # --- corrections -----------------------------------------------------------
    def correct(self, seq: int, text: str) -> EntryView:
        """A new entry that corrects entry ``seq``; the original stays as it was written."""
        inputs.seq(seq)
        text = inputs.text(text, "the correction text", inputs.TEXT, empty="a correction text is required",
                           field="text", cli_hint="--text")
        with self.s.write() as db:
            original = self._visible_entry(db, seq)
            me = self.s.user.username
            if original.actor != me and not (self.s.can(Permission.CUSTODY_REVIEW)
                                             or (original.case_ref is None and self.s.can(Permission.USER_MANAGE))):
                raise PermissionDenied(f"only {original.actor}, who wrote entry {seq}, or a supervisor can correct it")
            entry = self.s.record(
                db, CORRECTED, case_ref=original.case_ref, exhibit_ref=original.exhibit_ref, text=text,
                data={"corrects": seq, "corrected_action": original.action},
            )
            view = entry_view(entry)
        log.info("custody entry %d corrected by entry %d", seq, view.seq)
        return view

    # --- time anomalies ----------------------------------------------------------
    def time_anomalies(self, limit: int = 1_000) -> list[TimeAnomaly]:
        """The entries a supervisor may acknowledge as wrongly timed, oldest first (at most ``limit``).

        What verification reports, from both sides: an entry dated more than the tolerance before the latest
        entry that precedes it (its clock was behind) and that latest entry (its clock was ahead: one of the
        two is wrong, the supervisor knows which); and any entry dated more than the tolerance after this
        computer's clock. Each passes ``acknowledge_time``'s rule. Entries already acknowledged are not listed
        and, as in verification, are left out of the comparison: once an entry dated ahead is acknowledged, the
        correctly dated entries after it are no longer out of order (the list is read again after each
        acknowledgement, and shows the next entry of a run dated ahead, if any).
        """
        self.s.require(Permission.CUSTODY_REVIEW)
        with self.s.read() as db:
            acknowledged = {int(d["entry"]) for d in (
                encoding.parse_data(data) for data in db.scalars(
                    select(CustodyEntry.data).where(CustodyEntry.action == chain.TIME_ACKNOWLEDGED)))
                if isinstance(d.get("entry"), int)}
            tol = chain.TIME_TOLERANCE_SECONDS * 1_000_000
            now = chain.time_us(iso_utc(utc_now()))
            found: dict[int, TimeAnomaly] = {}
            latest, top = -1, cast(Any, None)  # the latest time so far, and its row (set by the first row)

            def anomaly(r: Any, kind: str, other: int | None, by_us: int) -> None:
                found.setdefault(r[0], TimeAnomaly(r[1], r[2], r[3], r[4], r[0], kind, other, by_us))

            # Read as a stream (a log of a million entries is not held in memory at once).
            for r in db.execute(select(CustodyEntry.seq, CustodyEntry.timestamp, CustodyEntry.actor,
                                       CustodyEntry.action, CustodyEntry.case_ref).order_by(CustodyEntry.seq)
                                .execution_options(yield_per=10_000)):
                if r[0] in acknowledged:
                    continue
                t = chain.time_us(r[1])
                if t > now + tol:
                    anomaly(r, "ahead", None, t - now)
                if t > latest:
                    latest, top = t, r
                elif t < latest - tol:  # what verification reports: this entry, or the latest before it, is wrong
                    anomaly(r, "behind", int(top[0]), latest - t)
                    anomaly(top, "ahead", r[0], latest - t)
                if len(found) >= limit:
                    break
        out = [found[n] for n in sorted(found)][:limit]
        return out

    def acknowledge_time(self, seq: int, reason: str, last: int | None = None) -> list[EntryView]:
        """A supervisor's signed statement that entry ``seq``'s time (or entries ``seq``..``last``) is wrong.

        One ``custody.time_acknowledged`` entry per entry named, in one transaction.

        Only an entry that is part of a time anomaly can be acknowledged: its time is more than the tolerance
        later than an entry after it or than the clock now (a clock that was ahead), or earlier than an entry
        before it (a clock that was behind). The entry stays as written; verification leaves its time out of
        the order check and reports it as acknowledged, and a bundle says so.
        """
        self.s.require(Permission.CUSTODY_REVIEW)
        inputs.seq(seq)
        last = inputs.seq(last) if last is not None else seq
        if not seq <= last < seq + 10_000:
            raise UsageError(f"give a run of at most 10,000 entries, first to last (not {seq}-{last})")
        reason = inputs.text(reason, "the reason", inputs.REASON,
                             empty="say why the entry's time is wrong, e.g. the clock was an hour ahead",
                             field="reason", cli_hint="--reason")
        tol = timedelta(seconds=chain.TIME_TOLERANCE_SECONDS)
        views = []
        with self.s.write() as db:
            for n in range(seq, last + 1):
                views.append(self._acknowledge_one(db, n, reason, tol))
        log.info("time of custody entries %d-%d acknowledged as wrong", seq, last)
        return views

    def acknowledge_entries(self, seqs: Sequence[int], reason: str) -> list[EntryView]:
        """``acknowledge_time`` for entries that need not be consecutive (the desktop's choice from
        ``time_anomalies``): one ``custody.time_acknowledged`` entry each, all in one transaction."""
        self.s.require(Permission.CUSTODY_REVIEW)
        chosen = sorted({inputs.seq(n) for n in seqs})
        if not 1 <= len(chosen) <= 10_000:
            raise UsageError("choose from 1 to 10,000 entries whose time is wrong")
        reason = inputs.text(reason, "the reason", inputs.REASON,
                             empty="say why the entries' time is wrong, e.g. the clock was an hour ahead",
                             field="reason", cli_hint="--reason")
        tol = timedelta(seconds=chain.TIME_TOLERANCE_SECONDS)
        with self.s.write() as db:
            views = [self._acknowledge_one(db, n, reason, tol) for n in chosen]
        log.info("time of %d custody entries acknowledged as wrong", len(views))
        return views

    def _acknowledge_one(self, db: OrmSession, seq: int, reason: str, tol: timedelta) -> EntryView:
        original = db.get(CustodyEntry, seq)
        if original is None:
            raise NotFound(f"there is no custody entry {seq}")
        done = db.scalar(select(CustodyEntry.seq).where(
            CustodyEntry.action == chain.TIME_ACKNOWLEDGED,
            CustodyEntry.data == encoding.canonical_json({"entry": seq, "time": original.timestamp})))
        if done is not None:
            raise UsageError(f"the time of entry {seq} was already acknowledged, by entry {done}")
        when = parse_iso(original.timestamp)
        ahead_of_later = db.scalar(select(CustodyEntry.seq).where(
            CustodyEntry.seq > seq, CustodyEntry.timestamp < iso_utc(when - tol)).limit(1))
        behind_earlier = db.scalar(select(CustodyEntry.seq).where(
            CustodyEntry.seq < seq, CustodyEntry.timestamp > iso_utc(when + tol)).limit(1))
        if ahead_of_later is None and behind_earlier is None and when <= utc_now() + tol:
            raise UsageError(
                f"entry {seq}'s time ({original.timestamp}) is in order with the log and the clock; only an "
                "entry that `casedesk verify` reports in a time problem can be acknowledged")
        entry = self.s.record(db, chain.TIME_ACKNOWLEDGED, reason=reason,
                              data={"entry": seq, "time": original.timestamp})
        return entry_view(entry)

    def _acknowledged(self, found: dict[int, int]) -> list[str]:
        """Plain statements of the acknowledged entry times, for the report and the bundle."""
        out = []
        with self.s.read() as db:
            for seq, by in sorted(found.items()):
                row, ack = db.get(CustodyEntry, seq), db.get(CustodyEntry, by)
                if row is None or ack is None:
                    continue
                out.append(f"entry {seq}: its time {row.timestamp} was acknowledged as wrong by {ack.actor} in "
                           f"entry {by} ({ack.timestamp}): {ack.reason or ''}".rstrip(": "))
        return out

    # --- verification ----------------------------------------------------------
    def _scope(self, db: OrmSession, case_ref: str | None) -> tuple[str | None, frozenset[str] | None]:
        self.s.require(Permission.VERIFY)
        if case_ref is not None:
            case = self.s.case(db, case_ref, Permission.VERIFY)
            return case.reference, frozenset({case.reference})
        if self.s.can(Permission.CASE_VIEW_ALL):
            return None, None
        return None, self._visible_cases(db)

    def outside_heads(self) -> tuple[list[OutsideHead], list[Problem]]:
        """The log heads kept outside the database, and problems reading them."""
        with file_lock(self.s.datadir.lock):  # the keyring is read under the data-dir lock
            slots = KeySlotFile.load(self.s.datadir.keyslots)
            value, error = headcheck.load_keyring_head(slots)
        outside = headcheck.read_outside(slots, self.s.keys.head_mac, value, error)
        with self.s.read() as db:
            head = current_head(db)
        problems = [*outside.problems, *headcheck.missing_problems(outside, 0 if head is None else head.seq)]
        return ([OutsideHead(src, seq, digest) for src, seq, digest in outside.heads],
                [Problem(None, None, p.message) for p in problems])

    def exhibit_rows(self, db: OrmSession, visible: frozenset[str] | None
                     ) -> tuple[list[tuple[str, str, Any]], list[tuple[int, Any, Any, Any, Any]]]:
        """(register, logged) for ``chain.check_exhibits``, limited to ``visible`` cases."""
        query = select(Case.reference, Exhibit.reference, Exhibit.sha256).join(Case, Exhibit.case_id == Case.id)
        logged_q = select(CustodyEntry.seq, CustodyEntry.case_ref, CustodyEntry.exhibit_ref, CustodyEntry.action,
                          CustodyEntry.sha256).where(CustodyEntry.exhibit_ref.is_not(None),
                                                     CustodyEntry.sha256.is_not(None),
                                                     CustodyEntry.case_ref.is_not(None))
        if visible is not None:
            query = query.where(Case.reference.in_(visible))
            logged_q = logged_q.where(CustodyEntry.case_ref.in_(visible))
        register = [(c, r, h) for c, r, h in db.execute(query.order_by(Case.reference, Exhibit.id))]
        logged = [tuple(row) for row in db.execute(logged_q.order_by(CustodyEntry.seq))]
        return register, logged  # type: ignore[return-value]

    def _salt_problems(self, db: OrmSession, scope: str | None) -> tuple[str | None, list[Problem]]:
        """The case's salt (if well formed) and whether the log vouches for it, as an export's verifier checks."""
        if scope is None:
            return None, []
        salt = db.scalar(select(Case.case_salt).where(Case.reference == scope))
        well_formed = isinstance(salt, str) and chain.HEX64_RE.match(salt) is not None
        head = current_head(db)
        if head is None or head.version == encoding.LEGACY_VERSION:
            return None, []  # nothing written since case commitments: no salts yet
        created_row = db.execute(
            select(CustodyEntry.seq, CustodyEntry.version, CustodyEntry.data)
            .where(CustodyEntry.action.in_(custody_log.CASE_BEGINNINGS), CustodyEntry.case_ref == scope)
            .order_by(CustodyEntry.seq).limit(1)).first()
        upgraded_row = db.execute(
            select(CustodyEntry.seq, CustodyEntry.data)
            .where(CustodyEntry.action == custody_log.ENCODING_UPGRADED, CustodyEntry.case_ref.is_(None))
            .order_by(CustodyEntry.seq).limit(1)).first()
        legacy_full = int(db.scalar(select(func.count()).select_from(CustodyEntry).where(
            CustodyEntry.case_ref == scope, CustodyEntry.version == encoding.LEGACY_VERSION)) or 0)

        def data_of(text: Any) -> dict[str, Any]:
            try:
                return encoding.parse_data(text) if isinstance(text, str) else {}
            except encoding.EncodingError:
                return {}

        created = None if created_row is None else (
            created_row[0], created_row[1], data_of(created_row[2]).get("case_salt"))
        upgraded = None if upgraded_row is None else (upgraded_row[0], data_of(upgraded_row[1]).get("legacy_cases"))
        problems = chain.salt_problems(scope, salt, created, upgraded, legacy_full, custody_log.salt_commitment)
        return (salt if well_formed else None), problems

    def _sensitive_in_log(self, db: OrmSession, visible: frozenset[str] | None) -> frozenset[tuple[str, str]]:
        """The (case, exhibit) the log says are sensitive now: its ingest entry, then each change of sensitivity.

        The signed log decides, not the register's column: a register edited to mark an exhibit sensitive
        must not make an export withhold that exhibit's entries from the verifier that would name the edit.
        """
        query = (select(CustodyEntry.case_ref, CustodyEntry.exhibit_ref, CustodyEntry.action, CustodyEntry.data)
                 .where(CustodyEntry.exhibit_ref.is_not(None), CustodyEntry.case_ref.is_not(None),
                        CustodyEntry.action.in_(("exhibit.ingested", "exhibit.received",
                                                 "exhibit.sensitivity_changed")))
                 .order_by(CustodyEntry.seq))
        if visible is not None:
            query = query.where(CustodyEntry.case_ref.in_(visible))
        state: dict[tuple[str, str], bool] = {}
        duplicates: dict[tuple[str, str], tuple[str, str]] = {}
        for case, ref, action, raw in db.execute(query):
            try:
                data = encoding.parse_data(raw) if isinstance(raw, str) else {}
            except encoding.EncodingError:
                data = {}
            key = (str(case), str(ref))
            if action in ("exhibit.ingested", "exhibit.received"):
                state[key] = data.get("sensitive") is True
                if isinstance(data.get("duplicate_of"), str):
                    duplicates[key] = (str(case), data["duplicate_of"])
            elif key in state and isinstance(data.get("sensitive"), bool):
                state[key] = data["sensitive"]
        on = {key for key, sensitive in state.items() if sensitive}
        # An exhibit ingested as a duplicate of a sensitive one: its ingest entry names that exhibit and carries
        # its hash, so it is withheld with it (bundle_state.sensitive_duplicates; docs/custody-export.md).
        return frozenset(on | {key for key, original in duplicates.items() if original in on})

    def _register_fields(self, db: OrmSession, visible: frozenset[str] | None
                         ) -> dict[tuple[str, str], dict[str, Any]]:
        """Each exhibit's register columns as stored (``export.REGISTER_FIELDS``; users by name), by (case, ref).

        Read as ``casedesk verify`` reads them to compare with the log (custody/register.py), so that the
        export's verifier, replaying the same log, names the same differences.
        """
        cols = [c for c in export.REGISTER_FIELDS if c not in ("producer", "ingested_by")]
        names = {uid: name for uid, name in db.execute(sql_text("SELECT id, username FROM users"))}
        refs = {cid: ref for cid, ref in db.execute(sql_text("SELECT id, reference FROM cases"))}
        out: dict[tuple[str, str], dict[str, Any]] = {}
        query = f"SELECT case_id, reference, producer_id, ingested_by_id, {', '.join(cols)} FROM exhibits"
        for row in db.execute(sql_text(query)):
            case = refs.get(row[0], f"#{row[0]}")
            if visible is not None and case not in visible:
                continue
            fields: dict[str, Any] = {"producer": names.get(row[2]), "ingested_by": names.get(row[3])}
            for column, value in zip(cols, row[4:], strict=True):
                fields[column] = bool(value) if column in export.BOOLEAN_FIELDS and isinstance(value, int) else value
            out[(case, row[1])] = fields
        return out

    def verify(self, case_ref: str | None = None, progress: Progress = no_progress,
               cancel: CancelToken | None = None, unit_fingerprint: str | None = None,
               unit_revocations: Sequence[Any] = ()) -> VerifyReport:
        """Check the whole chain, the heads kept outside the store, and the exhibits (register, log, vault).

        ``unit_fingerprint``: also accept the log only if its keys chain to that unit key (docs/unit-trust.md);
        ``unit_revocations``: that unit's revocations given from outside the log (``enrolment.read_revocations``).
        """
        if unit_fingerprint is not None:
            unit_fingerprint = normalise_fingerprint(unit_fingerprint)
        with self.s.read() as db:
            scope, visible = self._scope(db, case_ref)
            salt_check = self._salt_problems(db, scope)
        salt_hex, salt_problems = salt_check
        salts = {scope: bytes.fromhex(salt_hex)} if scope is not None and salt_hex is not None else None
        damage = self._database_problems()
        # The copies outside the store before the log: a concurrent writer then makes the log newer
        # than the copies, never older (no false roll-back alert).
        heads, problems = self.outside_heads()
        try:
            # The register's replay from the same reading of the log (each row read once).
            result = verify_chain(self.s.datadir.database, self.s.keys.database, visible=visible,
                                  progress=progress, cancel=cancel, salts=salts, replay=True)
        except (sqlcipher.DatabaseError, StoreError) as exc:
            damage.append(Problem(None, None, DAMAGED.format(what="the custody log", detail=str(exc).lower())))
            log.error("verify: the database file is damaged; %d problem(s)", len(damage))
            return VerifyReport(ok=False, problems=damage, entries_checked=0, signatures_checked=0,
                                exhibits_checked=0, head_seq=0, head_hash=None, tree_size=0, tree_root="",
                                case_ref=scope)
        problems = [*damage, *result.problems, *salt_problems,
                    *head_problems(self.s.datadir.database, self.s.keys.database, heads, result.last_seq),
                    *problems]
        with self.s.read() as db:
            register, logged = self.exhibit_rows(db, visible)
            problems += [Problem(seq, None, message) for seq, message in witnessed_problems(db)]
            problems += [Problem(seq, None, message) for seq, message in file_problems(db, self.s.datadir.root)]
            found = [Problem(None, c.exhibit_ref, c.message, c.case_ref) for c in open_conflicts(db)
                     if (visible is None or c.case_ref in visible) and (scope is None or c.case_ref == scope)]
        problems += chain.check_exhibits(register, logged)
        broken = frozenset(p.seq for p in result.problems if p.seq is not None)
        if result.register_error is not None:
            damage.append(Problem(None, None, DAMAGED.format(what="the register", detail=result.register_error)))
            problems.append(damage[-1])
        else:
            problems += result.register or []
        vault = sorted(Evidence(self.s).verify(scope, progress, cancel),
                       key=lambda p: (p.case_ref, chain.natural_key(p.reference)))
        problems += [Problem(None, p.reference, p.message, p.case_ref) for p in vault]
        if unit_fingerprint is not None:
            problems += unit_problems(self.s.datadir.database, self.s.keys.database, unit_fingerprint, visible,
                                      broken, cancel, unit_revocations)
        report = VerifyReport(
            unit_fingerprint=unit_fingerprint,
            acknowledged=self._acknowledged(result.time_acknowledged),
            ok=not problems and not found, problems=problems, conflicts=found, entries_checked=result.entries,
            signatures_checked=result.signatures, exhibits_checked=len(register),
            head_seq=result.last_seq, head_hash=result.last_hash, tree_size=result.tree_size,
            tree_root=result.tree_root, case_ref=scope, outside_heads=heads,
        )
        if not self.s.integrity_alerts and not damage:
            try:
                with self.s.write() as db:
                    entry = self.s.record(
                        db, VERIFIED, case_ref=scope, text=report.summary(),
                        data={"ok": report.ok, "problems": len(problems), "conflicts": len(found),
                              "entries": report.entries_checked,
                              "signatures": report.signatures_checked, "exhibits": report.exhibits_checked,
                              "head_seq": report.head_seq, "head_hash": report.head_hash,
                              "tree_size": report.tree_size, "tree_root": report.tree_root},
                    )
                    report.recorded_as = entry.seq
            except StoreError as exc:  # e.g. a full disk: the report stands, unrecorded (recorded_as None)
                log.warning("verify result not recorded: %s", type(exc).__name__)
        log.info("verify: scope %s, %d entries, %d exhibits, %d problems",
                 scope or "installation", report.entries_checked, report.exhibits_checked, len(problems))
        return report

    def _database_problems(self) -> list[Problem]:
        """SQLite's page check of every table and index but the custody log's (which ``verify`` reads whole).

        A page lost to a power failure in, say, the notes would otherwise go unnoticed until read.
        """
        problems: list[Problem] = []
        with self.s.engine.connect() as conn:
            tables = [str(name) for (name,) in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name != 'custody_entries' ORDER BY name")]
            for table in tables:
                try:
                    rows = [str(row[0]) for row in conn.exec_driver_sql(f'PRAGMA quick_check("{table}")')]
                except StoreError as exc:
                    rows = [str(exc)]
                if rows != ["ok"]:
                    detail = " ".join(rows[0].replace("*** in database main ***", "").split())
                    problems.append(Problem(None, None, DAMAGED.format(what=f"table {table}", detail=detail)))
        return problems

    # --- export ----------------------------------------------------------------
    def export_log(self, case_ref: str | None, dest: Path, progress: Progress = no_progress,
                   cancel: CancelToken | None = None, include_sensitive: bool = False) -> Path:
        """The log (other cases' entries reduced to their headers) and the exhibit checks, as JSON Lines.

        Sensitive (MG6D) exhibits are withheld (entries header-only, no register line) unless
        ``include_sensitive``: the export is what a prosecutor is handed.
        """
        self.s.require(Permission.CUSTODY_EXPORT)
        target = check_target(dest, self.s.datadir.root, "a custody export")
        with self.s.read() as db:
            if case_ref is not None:
                case = self.s.case(db, case_ref, Permission.CASE_CONTENT)
                scope: str | None = case.reference
                visible: frozenset[str] | None = frozenset({case.reference})
            else:
                if not (self.s.can(Permission.CASE_VIEW_ALL) and self.s.can(Permission.CASE_CONTENT)):
                    raise PermissionDenied(
                        f"{self.s.user.username} may export the custody log of a case, not of the whole "
                        "installation; name the case"
                    )
                scope, visible = None, None
            register, _ = self.exhibit_rows(db, visible)
            fields = self._register_fields(db, visible)
            withhold = frozenset() if include_sensitive else self._sensitive_in_log(db, visible)
            # Set by the first entry written since case commitments (in practice the first sign-in).
            salt = None if scope is None else db.scalar(select(Case.case_salt).where(Case.reference == scope))
        vault: dict[tuple[str, str], list[str]] = {}
        for p in Evidence(self.s).verify(scope, progress, cancel):
            vault.setdefault((p.case_ref, p.reference), []).append(p.message)
        heads, head_errors = self.outside_heads()
        records = [
            export.ExhibitRecord(case=c, exhibit=r, register_sha256=h, fields=fields.get((c, r), {}),
                                 vault_problems=vault.pop((c, r), []))
            for c, r, h in register
        ]
        with NewFile(target) as out:
            written = export.write_export(
                self.s.datadir.database, self.s.keys.database, out, scope=scope, visible=visible,
                installation_id=self.s.installation_id, exported_by=self.s.user.username, signer=self.s.signer,
                case_salt=salt, outside_heads=heads, outside_problems=[p.message for p in head_errors],
                exhibits=records, include_sensitive=include_sensitive, withhold=withhold,
                progress=progress, cancel=cancel,
            )
            # The export is itself logged with its SHA-256, and named only then: an export that cannot be
            # logged leaves nothing behind. (With changes blocked after a failed head check, the file is
            # kept unlogged: it is the evidence.)
            if not self.s.integrity_alerts:
                with self.s.write() as db:
                    self.s.record(
                        db, EXPORTED, case_ref=scope, sha256=written.sha256,
                        data={"file": target.name, "entries": written.entries, "head_seq": written.head_seq,
                              "head_hash": written.head_hash, "tree_size": written.tree_size,
                              "tree_root": written.tree_root, "withheld": written.withheld,
                              "sensitive": "included" if include_sensitive else "withheld"},
                    )
            publish_all([out])
        log.info("custody log exported: scope %s, %d entries", scope or "installation", written.entries)
        return written.path
