"""Cases: create, list, show, close, membership, summary and notes."""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import encoding, handover, review
from casedesk.custody.review import reviewed_up_to, unreviewed_entries
from casedesk.errors import CaseContentLocked, PermissionDenied, UsageError
from casedesk.security.roles import Permission, Role
from casedesk.services import inputs
from casedesk.services.casekeys import CaseKeys
from casedesk.services.session import Session
from casedesk.store.models import Case, CaseMember, CustodyEntry, Exhibit, Note, User
from casedesk.timeutil import to_utc, utc_now

NOTE_ACTION = "note.added"
SUMMARY_ACTION = "case.summary_edited"
REFERENCE_RE = re.compile(r"^[A-Z0-9][A-Z0-9/-]{2,40}$")


def normalise_reference(reference: str) -> str:
    ref = reference.strip().upper()
    if not ref:
        raise UsageError("a case needs a reference, e.g. MPS-2026-0417", field="reference")
    if not REFERENCE_RE.match(ref):
        raise UsageError(
            f"invalid case reference {reference!r}: use 3-41 capital letters, digits, '-' or '/', "
            "e.g. MPS-2026-0417",
            field="reference",
        )
    return ref


@dataclass(frozen=True)
class CaseSummary:
    reference: str
    title: str
    offences: list[str]
    status: str
    officer_in_charge: str
    created_at: datetime
    closed_at: datetime | None
    exhibits: int
    unreviewed: int


@dataclass(frozen=True)
class CaseDetail(CaseSummary):
    summary: str = ""
    created_by: str = ""
    closed_by: str | None = None
    members: list[str] = field(default_factory=list)
    reviewed_up_to: int = 0


@dataclass(frozen=True)
class HandedOver:
    """Where a case this installation handed over went (its ``case.handed_over`` entry)."""

    reference: str
    to_user: str
    to_installation: str
    seq: int
    at: datetime


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    created_at: datetime
    text: str
    exhibit: str | None
    custody_seq: int
    revises: int | None = None  # the entry of the note this version replaces (an edit)
    revised_by: int | None = None  # the entry of the later version that replaces this one


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened in a case, in words: a seizure (as the exhibit records it) or a logged action."""

    when: datetime
    text: str
    actor: str | None = None  # who recorded it (None for a seizure: the time is the officer's statement)
    exhibit: str | None = None
    seq: int | None = None  # the custody entry, for a logged action


# Logged actions that tell a case's story (viewing, extracting, verifying and key handling do not).
TIMELINE_SKIPS = ("exhibit.viewed", "exhibit.extracted", "verify.run", "custody.exported", "bundle.exported",
                  "case.key_", "account.")


class Cases:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _usernames(self, db: OrmSession) -> dict[int, str]:
        return {u.id: u.username for u in db.scalars(select(User))}

    def create(self, reference: str, title: str, offences: list[str] | None = None,
               officer_in_charge: str | None = None) -> CaseDetail:
        self.s.require(Permission.CASE_CREATE)
        ref = normalise_reference(reference)
        title = inputs.text(title, "the case title", inputs.TITLE,
                            empty="a case needs a title (the operation name), e.g. 'Operation Lantern'",
                            field="title", cli_hint="--title TEXT")
        offences = [o for o in (inputs.text(o, "an offence", inputs.LINE, field="offences", cli_hint="--offence")
                                for o in offences or []) if o]
        if len(offences) > inputs.OFFENCES:
            raise UsageError(f"too many offences: {len(offences)}, at most {inputs.OFFENCES}", field="offences")
        now = utc_now()
        with self.s.write() as db:
            if db.scalar(select(Case).where(Case.reference == ref)) is not None:
                raise UsageError(f"case {ref} already exists", field="reference")
            oic = self.s.user_by_name(db, officer_in_charge) if officer_in_charge else db.get(User, self.s.user.id)
            assert oic is not None
            if oic.role == Role.ADMIN.value or oic.disabled:
                raise UsageError(f"{oic.username} cannot be officer in charge (admin or disabled account)")
            case = Case(
                reference=ref, title=title, offences="\n".join(offences), status="open",
                officer_in_charge_id=oic.id, summary="", created_at=now, created_by_id=self.s.user.id,
            )
            db.add(case)
            db.flush()
            db.add(CaseMember(case_id=case.id, user_id=self.s.user.id, added_at=now))
            if oic.id != self.s.user.id:
                db.add(CaseMember(case_id=case.id, user_id=oic.id, added_at=now))
            self.s.record(
                db, "case.created", case_ref=ref, at=now, to_party=oic.username,
                data={"title": title, "offences": offences, "officer_in_charge": oic.username},
            )
            CaseKeys(self.s).settle(db, case, reason="case created")
        return self.show(ref)

    def list(self, status: str | None = None, officer: str | None = None,
             search: str | None = None) -> list[CaseSummary]:
        self.s.require(Permission.CASE_LIST)
        if status not in (None, "open", "closed"):
            raise UsageError("status must be open or closed")
        with self.s.read() as db:
            names = self._usernames(db)
            query = select(Case).order_by(Case.reference)
            if status:
                query = query.where(Case.status == status)
            if officer:
                oic = self.s.user_by_name(db, officer)
                query = query.where(Case.officer_in_charge_id == oic.id)
            if search:
                like = f"%{search.strip()}%"
                query = query.where(or_(Case.reference.ilike(like), Case.title.ilike(like), Case.offences.ilike(like)))
            counts = self.exhibit_counts(db)
            out = []
            for case in db.scalars(query):
                if not self.s.case_visible(db, case):
                    continue
                out.append(self._summary(db, case, names, counts.get(case.id, 0)))
            return out

    @staticmethod
    def exhibit_counts(db: OrmSession) -> dict[int, int]:
        """Active exhibits per case id (cases with none are absent)."""
        return {case_id: n for case_id, n in db.execute(
            select(Exhibit.case_id, func.count()).where(Exhibit.status == "active").group_by(Exhibit.case_id))}

    def summaries(self, db: OrmSession, rows: builtins.list[Case]) -> builtins.list[CaseSummary]:
        """The list's summary of each of ``rows`` (inside a read transaction)."""
        names, counts = self._usernames(db), self.exhibit_counts(db)
        return [self._summary(db, case, names, counts.get(case.id, 0)) for case in rows]

    def _summary(self, db: OrmSession, case: Case, names: dict[int, str], exhibits: int) -> CaseSummary:
        return CaseSummary(
            reference=case.reference, title=case.title,
            offences=[o for o in case.offences.split("\n") if o], status=case.status,
            officer_in_charge=names.get(case.officer_in_charge_id, "?"), created_at=case.created_at,
            closed_at=case.closed_at, exhibits=exhibits, unreviewed=len(unreviewed_entries(db, case.reference)),
        )

    def show(self, reference: str) -> CaseDetail:
        with self.s.read() as db:
            case = self.s.case(db, reference)
            names = self._usernames(db)
            exhibits = db.scalar(
                select(func.count()).select_from(Exhibit).where(Exhibit.case_id == case.id, Exhibit.status == "active")
            ) or 0
            base = self._summary(db, case, names, exhibits)
            members = sorted(
                names[m.user_id] for m in db.scalars(select(CaseMember).where(CaseMember.case_id == case.id))
            )
            # The MG5 summary tells the case: it is content, like the exhibits and notes (not for administrators).
            summary = ""
            if self.s.can(Permission.CASE_CONTENT):
                try:
                    summary = CaseKeys(self.s).open_text(db, case, SUMMARY_ACTION, case.summary)
                except CaseContentLocked:
                    summary = ""  # a member whose key grant is pending: the rest of the record is theirs
            return CaseDetail(
                **base.__dict__, summary=summary, created_by=names.get(case.created_by_id, "?"),
                closed_by=names.get(case.closed_by_id) if case.closed_by_id else None,
                members=members, reviewed_up_to=reviewed_up_to(db, case.reference),
            )

    def handed_over(self, reference: str) -> HandedOver | None:
        """To whom case ``reference`` was handed over, if this installation handed it over (None otherwise)."""
        with self.s.read() as db:
            case = self.s.case(db, reference)
            if case.status != "handed_over":
                return None
            row = db.execute(select(CustodyEntry.seq, CustodyEntry.timestamp, CustodyEntry.data).where(
                CustodyEntry.action == handover.HANDED_OVER, CustodyEntry.case_ref == case.reference)
                .order_by(CustodyEntry.seq.desc()).limit(1)).first()
            if row is None:
                return None
            data = encoding.parse_data(str(row[2]))
            return HandedOver(case.reference, str(data.get("to_user", "?")), str(data.get("to_installation", "?")),
                              int(row[0]), datetime.fromisoformat(str(row[1]).replace("Z", "+00:00")))

    def close(self, reference: str, override_reason: str | None = None) -> CaseDetail:
        self.s.require(Permission.CASE_CLOSE)
        override_reason = inputs.optional(override_reason, "the override reason", inputs.TEXT, cli_hint="--override",
                                          single_line=False)
        with self.s.write() as db:
            case = self.s.case(db, reference)
            if case.status == "closed":
                raise UsageError(f"case {case.reference} is already closed")
            pending = unreviewed_entries(db, case.reference)  # the same count as the case list and review queue
            if pending and not override_reason:
                raise UsageError(
                    f"case {case.reference} has {len(pending)} unreviewed custody entries "
                    f"(first: entry {pending[0].seq}); review them first, or close with an override reason"
                )
            if pending and override_reason:
                self.s.require(Permission.CASE_CLOSE_OVERRIDE)
                self.s.record(
                    db, "case.close_override", case_ref=case.reference, reason=override_reason.strip(),
                    data={"unreviewed": [e.seq for e in pending]},
                )
            now = utc_now()
            case.status = "closed"
            case.closed_at = now
            case.closed_by_id = self.s.user.id
            self.s.record(db, "case.closed", case_ref=case.reference, at=now, reason=override_reason)
        return self.show(reference)

    def reopen(self, reference: str, reason: str) -> CaseDetail:
        """A supervisor reopens a closed case (e.g. new evidence came in), with the reason on the record."""
        self.s.require(Permission.CASE_CLOSE)
        reason = inputs.text(reason, "the reason for reopening", inputs.REASON,
                             empty="say why the case is reopened, e.g. new evidence from the bank",
                             field="reason", cli_hint="--reason")
        with self.s.write() as db:
            case = self.s.case(db, reference)
            if case.status != "closed":
                raise UsageError(f"case {case.reference} is open already")
            case.status = "open"
            case.closed_at = None
            case.closed_by_id = None
            self.s.record(db, "case.reopened", case_ref=case.reference, reason=reason)
        return self.show(reference)

    def add_member(self, reference: str, username: str) -> bool:
        """Add ``username`` to the case; True when they hold its key now, False when the grant is pending."""
        self.s.require(Permission.CASE_MEMBERS)
        with self.s.write() as db:
            case = self.s.case(db, reference)
            user = self.s.user_by_name(db, username)
            if user.disabled:
                raise UsageError(f"account {username} is disabled")
            if db.get(CaseMember, (case.id, user.id)) is not None:
                raise UsageError(f"{username} is already a member of {case.reference}")
            db.add(CaseMember(case_id=case.id, user_id=user.id, added_at=utc_now()))
            self.s.record(db, "case.member_added", case_ref=case.reference, to_party=username,
                          data={"user": username})
            db.flush()
            # A key holder seals the case key to the new member now; an administrator cannot, so the
            # grant is recorded as pending and made at the next sign-in of a holder.
            keys = CaseKeys(self.s)
            keys.settle(db, case, changed_user=user)
            return keys.granted(db, case, user)

    def remove_member(self, reference: str, username: str, reason: str) -> bool:
        """Take a user off a case; the case key is rotated so content added later is not theirs to read.

        True when the rotation is done; False when it is due (removed by an administrator, who holds no
        key): the next key holder to sign in or to add content rotates it first.
        """
        self.s.require(Permission.CASE_MEMBERS)
        reason = " ".join(reason.split())
        if not reason:
            raise UsageError("give a reason for removing the member (--reason)")
        with self.s.write() as db:
            case = self.s.case(db, reference)
            user = self.s.user_by_name(db, username)
            row = db.get(CaseMember, (case.id, user.id))
            if row is None:
                raise UsageError(f"{username} is not a member of {case.reference}")
            if case.officer_in_charge_id == user.id:
                raise UsageError(f"{username} is the officer in charge of {case.reference}; "
                                 "name another officer in charge first")
            db.delete(row)
            self.s.record(db, "case.member_removed", case_ref=case.reference, from_party=username,
                          reason=reason, data={"user": username})
            db.flush()
            keys = CaseKeys(self.s)
            keys.settle(db, case, changed_user=user, reason=f"member removed: {username}")
            return not keys.needs_rotation(db, case)

    def set_summary(self, reference: str, summary: str) -> None:
        """The MG5-like case summary: the officer in charge or a supervisor writes it."""
        self.s.require(Permission.CASE_EDIT)
        summary = inputs.text(summary, "the case summary", inputs.TEXT, single_line=False, field="summary")
        with self.s.write() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            if case.officer_in_charge_id != self.s.user.id and self.s.user.role != Role.SUPERVISOR:
                raise PermissionDenied("only the officer in charge or a supervisor can edit the case summary")
            if case.status == "closed":
                raise UsageError(f"case {case.reference} is closed")
            # Encrypted for the case's key holders, one ciphertext in the row and in the entry (no hash of
            # the plaintext: it would let a store-key holder confirm a guessed summary).
            sealed = CaseKeys(self.s).seal_text(db, case, SUMMARY_ACTION, summary.strip())
            case.summary = sealed
            self.s.record(db, SUMMARY_ACTION, case_ref=case.reference, text=sealed,
                          data={"length": len(summary.strip())})

    def add_note(self, reference: str, text: str, exhibit: str | None = None, answers: int | None = None) -> NoteView:
        """A note on the case or an exhibit; ``answers`` names the open query it answers (and so closes)."""
        self.s.require(Permission.CASE_EDIT)
        text = inputs.text(text, "a note", inputs.TEXT, single_line=False, field="text")
        if not text:
            raise UsageError("a note needs some text", field="text")
        with self.s.write() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            if answers is not None and answers not in {q.seq for q in review.open_queries(db, case.reference)}:
                raise UsageError(f"entry {answers} is not an open query of case {case.reference}",
                                 cli_hint="--answers SEQ")
            exhibit_row = None
            if exhibit:
                exhibit_row = db.scalar(
                    select(Exhibit).where(Exhibit.case_id == case.id, Exhibit.reference == exhibit.strip().upper())
                )
                if exhibit_row is None:
                    raise UsageError(f"no exhibit {exhibit} in case {case.reference}")
            sealed = CaseKeys(self.s).seal_text(db, case, NOTE_ACTION, text)
            now = utc_now()
            entry = self.s.record(db, NOTE_ACTION, case_ref=case.reference, at=now,
                                  exhibit_ref=exhibit_row.reference if exhibit_row else None, text=sealed,
                                  data={"answers": answers} if answers is not None else None)
            note = Note(case_id=case.id, exhibit_id=exhibit_row.id if exhibit_row else None,
                        author_id=self.s.user.id, created_at=now, text=sealed, custody_seq=entry.seq)
            db.add(note)
            db.flush()
            return NoteView(note.id, self.s.user.username, now, text,
                            exhibit_row.reference if exhibit_row else None, entry.seq)

    def edit_note(self, reference: str, note_seq: int, text: str) -> NoteView:
        """A new version of the user's own note (entry ``note_seq``): a signed note that names the one it
        replaces (``data.revises``). Both stay in the log; lists show the latest version."""
        self.s.require(Permission.CASE_EDIT)
        text = inputs.text(text, "a note", inputs.TEXT, single_line=False, field="text")
        if not text:
            raise UsageError("a note needs some text", field="text")
        with self.s.write() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            note = db.scalar(select(Note).where(Note.case_id == case.id, Note.custody_seq == note_seq))
            if note is None:
                raise UsageError(f"entry {note_seq} is not a note of case {case.reference}",
                                 cli_hint="`casedesk note list` shows them")
            if note.author_id != self.s.user.id:
                raise PermissionDenied(f"only the author of note {note_seq} can edit it")
            later = self._revisions(db, case).get(note_seq)
            if later is not None:
                raise UsageError(f"note {note_seq} was edited already (entry {later}); edit the latest version")
            keys = CaseKeys(self.s)
            if keys.open_text(db, case, NOTE_ACTION, note.text) == text:
                raise UsageError("the note is unchanged", field="text")
            sealed = keys.seal_text(db, case, NOTE_ACTION, text)
            now = utc_now()
            exhibit_ref = db.scalar(select(Exhibit.reference).where(Exhibit.id == note.exhibit_id)) \
                if note.exhibit_id else None
            entry = self.s.record(db, NOTE_ACTION, case_ref=case.reference, at=now, exhibit_ref=exhibit_ref,
                                  text=sealed, data={"revises": note_seq})
            row = Note(case_id=case.id, exhibit_id=note.exhibit_id, author_id=self.s.user.id, created_at=now,
                       text=sealed, custody_seq=entry.seq)
            db.add(row)
            db.flush()
            return NoteView(row.id, self.s.user.username, now, text, exhibit_ref, entry.seq, revises=note_seq)

    @staticmethod
    def _revisions(db: OrmSession, case: Case) -> dict[int, int]:
        """Note entry -> the entry of the version that replaces it, for the case."""
        out: dict[int, int] = {}
        for seq, raw in db.execute(select(CustodyEntry.seq, CustodyEntry.data).where(
                CustodyEntry.case_ref == case.reference, CustodyEntry.action == NOTE_ACTION)):
            try:
                target = encoding.parse_data(raw).get("revises")
            except (ValueError, encoding.EncodingError):
                continue  # a damaged entry is verify's to report; the note list still shows
            if isinstance(target, int) and not isinstance(target, bool):
                out.setdefault(target, seq)
        return out

    def timeline(self, reference: str) -> builtins.list[TimelineEvent]:
        """The case's story in time order: when each exhibit was seized, and what the custody log records
        (ingests, movements, notes, reviews, closing), in words."""
        from casedesk.reports.actions import action_name
        from casedesk.services.custody import Custody
        from casedesk.services.evidence import Evidence

        events: builtins.list[TimelineEvent] = []
        for e in Evidence(self.s).list(reference, include_withdrawn=True):
            if e.seized_at is not None:
                where = " ".join(x for x in (f"from {e.seized_from}" if e.seized_from else "",
                                             f"at {e.seized_location}" if e.seized_location else "") if x)
                events.append(TimelineEvent(e.seized_at, f"{e.reference} seized {where}".rstrip(), None, e.reference))
        for entry in Custody(self.s).log(reference):
            if entry.action.startswith(TIMELINE_SKIPS):
                continue
            detail = entry.text if entry.action in (NOTE_ACTION, "case.reviewed", "entry.corrected") else None
            parts = [action_name(entry.action)]
            if entry.exhibit_ref:
                parts.append(entry.exhibit_ref)
            if entry.to_party and entry.action.startswith("exhibit."):
                parts.append(f"to {entry.to_party}")
            if entry.reason:
                parts.append(f"({entry.reason})")
            if detail:
                parts.append(f": {' '.join(detail.split())[:200]}")
            events.append(TimelineEvent(entry.timestamp, " ".join(parts).replace(" :", ":"), entry.actor,
                                        entry.exhibit_ref, entry.seq))
        events.sort(key=lambda ev: (to_utc(ev.when), ev.seq or 0))
        return events

    def notes(self, reference: str) -> builtins.list[NoteView]:
        """Every version of every note, oldest first; an edited one names the version that replaces it."""
        with self.s.read() as db:
            case = self.s.case(db, reference, Permission.CASE_CONTENT)
            names = self._usernames(db)
            exhibits = {e.id: e.reference for e in db.scalars(select(Exhibit).where(Exhibit.case_id == case.id))}
            keys = CaseKeys(self.s)
            later = self._revisions(db, case)
            earlier = {new: old for old, new in later.items()}
            return [
                NoteView(n.id, names.get(n.author_id, "?"), n.created_at, keys.open_text(db, case, NOTE_ACTION, n.text),
                         exhibits.get(n.exhibit_id) if n.exhibit_id else None, n.custody_seq,
                         revises=earlier.get(n.custody_seq), revised_by=later.get(n.custody_seq))
                for n in db.scalars(select(Note).where(Note.case_id == case.id).order_by(Note.id))
            ]
