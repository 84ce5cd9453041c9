"""What waits for the signed-in user: their cases, open queries, the review queue, exhibits lent to them.

One read transaction; the desktop's home view and ``casedesk home`` show the same thing.
For a detective, "queries" are the open supervisor queries on the cases they work on (officer in charge or
member): theirs to answer. For a supervisor, they are the queries the supervisor raised that nobody has
answered yet; what waits for their review is the review queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from casedesk.custody import encoding, review, statement
from casedesk.errors import IntegrityError
from casedesk.security.roles import Permission
from casedesk.services.cases import Cases, CaseSummary
from casedesk.services.conflicts import Conflicts, ConflictView
from casedesk.services.session import Session
from casedesk.store.models import Case, CaseMember, CustodyEntry, Exhibit
from casedesk.timeutil import parse_iso


@dataclass(frozen=True)
class OpenQuery:
    """A supervisor's query on a case that no entry has answered or resolved yet."""

    case_ref: str
    seq: int  # the query's custody entry: an answer names it
    supervisor: str
    asked_at: datetime
    text: str
    up_to: int  # the query is about the case's entries up to this one


@dataclass(frozen=True)
class LentExhibit:
    case_ref: str
    reference: str
    description: str
    original_name: str
    location: str


@dataclass(frozen=True)
class HomeView:
    cases: list[CaseSummary] = field(default_factory=list)  # officer in charge or member; open cases first
    queries: list[OpenQuery] = field(default_factory=list)
    review_queue: list[tuple[str, int]] = field(default_factory=list)  # supervisors: (case, entries waiting)
    checked_out_to_me: list[LentExhibit] = field(default_factory=list)
    # Open custody conflicts of the cases the user sees (services/conflicts.py): a supervisor resolves them.
    conflicts: list[ConflictView] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        """How many things ask for the user's action (queries to answer, cases to review)."""
        return len(self.queries) + len(self.review_queue)


def _query(row: CustodyEntry) -> OpenQuery:
    try:
        data, when = encoding.parse_data(row.data), parse_iso(row.timestamp)
    except (ValueError, encoding.EncodingError):
        raise IntegrityError(f"custody entry {row.seq} is unreadable (time or data damaged); "
                             "run `casedesk verify`") from None
    up_to = data.get("up_to")
    asked = statement.asked_by(row.action, row.actor, data)
    return OpenQuery(case_ref=row.case_ref or "", seq=row.seq, supervisor=asked, asked_at=when,
                     text=row.text or "", up_to=up_to if isinstance(up_to, int) and not isinstance(up_to, bool) else 0)


class Home:
    def __init__(self, session: Session) -> None:
        self.s = session

    def view(self) -> HomeView:
        self.s.require(Permission.CASE_LIST)
        me = self.s.user
        supervisor = self.s.can(Permission.CUSTODY_REVIEW)
        content = self.s.can(Permission.CASE_CONTENT)
        cases = Cases(self.s)
        with self.s.read() as db:
            member_of = select(CaseMember.case_id).where(CaseMember.user_id == me.id)
            mine = list(db.scalars(select(Case).where(or_(Case.officer_in_charge_id == me.id,
                                                          Case.id.in_(member_of)))))
            mine.sort(key=lambda c: (c.status != "open", c.reference))
            summaries = cases.summaries(db, mine)
            queries: list[OpenQuery] = []
            queue: list[tuple[str, int]] = []
            lent: list[LentExhibit] = []
            if content:
                if supervisor:
                    asked = db.scalars(select(CustodyEntry.case_ref).where(
                        CustodyEntry.action == review.REVIEW_ACTION, CustodyEntry.actor == me.username).distinct())
                    refs = sorted({r for r in asked if r is not None})
                else:
                    refs = [c.reference for c in mine]
                for ref in refs:
                    queries += [_query(q) for q in review.open_queries(db, ref)
                                if not supervisor or q.actor == me.username]
                if supervisor:
                    known = set(db.scalars(select(Case.reference)))
                    queue = sorted((ref, n) for ref, n in review.unreviewed_counts(db).items() if ref in known)
                refs_by_id = {c.id: c.reference for c in db.scalars(select(Case))}
                for ex in db.scalars(select(Exhibit).where(
                        Exhibit.checked_out.is_(True), Exhibit.custodian_is_user.is_(True),
                        Exhibit.custodian == me.username, Exhibit.status == "active").order_by(Exhibit.id)):
                    lent.append(LentExhibit(refs_by_id.get(ex.case_id, "?"), ex.reference, ex.description,
                                            ex.original_name, ex.location))
        disputed = Conflicts(self.s).list() if content else []
        queries.sort(key=lambda q: q.seq)
        return HomeView(cases=summaries, queries=queries, review_queue=queue, checked_out_to_me=lent,
                        conflicts=disputed)
