"""Supervisor review state, derived from the custody log itself.

A review entry (``case.reviewed``) covers the case's entries up to
``data.up_to`` with ``data.decision`` one of:

- ``approve``: the entries up to ``up_to`` count as reviewed; the open
  queries it covers (their ``up_to`` is at most the approval's) are settled
  and listed in ``data.settles``;
- ``query``: the supervisor asks the officer about the entries up to
  ``up_to``; the query stays open until it is answered or resolved;
- ``resolve``: the supervisor closes the queries listed in ``data.settles``
  without an approval (with a comment);
- ``comment``: a remark for the record; changes nothing.

A query is open until an entry names it: a review's ``data.settles`` or an
officer's answer (``note.added`` with ``data.answers``). An approval of an
earlier part of the log never settles a query about a later entry.

A supervisor of another installation reviews from their own desk (docs/sync-protocol.md, "Review
statements"): the statement they signed reaches this log as a ``case.reviewed_remotely`` entry, which counts
as their ``case.reviewed`` with the same ``decision`` (approve or query) and ``up_to`` when the statement holds
(``casedesk.custody.statement.problem``); it settles no query (the other desk does not see this installation's
open queries when it signs), and a remote query is answered here like any other.

Entries after the last approval are unreviewed. Only what a supervisor must
judge waits for review: exhibit movements, ingests, withdrawals, sensitivity
changes and corrections (``REVIEWABLE``). Views, previews, extractions, exports,
notes, membership and the case's own opening and closing never do.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import encoding, statement
from casedesk.custody.projection import ACCOUNT_STATE_ACTIONS, may_review_at, supervisors_over_time
from casedesk.store.models import CustodyEntry

REVIEW_ACTION = "case.reviewed"
REMOTE_ACTION = statement.ACTION
REVIEW_ACTIONS = (REVIEW_ACTION, REMOTE_ACTION)
DECISIONS = ("approve", "query", "resolve", "comment")
ANSWER_ACTION = "note.added"  # with data.answers = the query's entry number
REVIEWABLE = frozenset({
    "exhibit.ingested", "exhibit.transferred", "exhibit.checked_out", "exhibit.returned",
    "exhibit.withdrawn", "exhibit.sensitivity_changed", "entry.corrected",
    "exhibit.received",  # a case handed over: what arrived waits for a supervisor here, as an ingest does
})


def _data(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _up_to(data: dict[str, Any]) -> int:
    value = data.get("up_to", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def remote_review_problem(db: OrmSession, data: dict[str, Any], text: Any, case: Any,
                          before: int | None = None) -> str | None:
    """``statement.problem`` asked of the store's log: the installation its first entry names, the unit keys of
    its cosignature records and the entries before ``before`` (None: every entry, for one about to be written)."""
    first = db.scalar(select(CustodyEntry.data).where(CustodyEntry.seq == 1,
                                                      CustodyEntry.action == "installation.initialised"))
    try:
        found = encoding.parse_data(first).get("installation_id") if isinstance(first, str) else None
    except encoding.EncodingError:
        found = None
    query = select(CustodyEntry.data).where(CustodyEntry.action == "unit.checkpoint_cosigned",
                                            CustodyEntry.case_ref.is_(None))
    if before is not None:
        query = query.where(CustodyEntry.seq < before)
    keys = set()
    for (raw,) in db.execute(query):
        try:
            key = encoding.parse_data(raw).get("unit_key")
        except encoding.EncodingError:
            continue
        if isinstance(key, str):
            keys.add(key)

    def entry_of(n: int) -> tuple[str | None, Any] | None:
        if n < 1 or (before is not None and n >= before):
            return None
        row = db.execute(select(CustodyEntry.entry_hash, CustodyEntry.case_ref).where(CustodyEntry.seq == n)).first()
        return None if row is None else (row[0], row[1])

    return statement.problem(data, text, case, found, keys, entry_of)


def valid_reviews(db: OrmSession, case_ref: str | None = None) -> list[CustodyEntry]:
    """Review entries made by a supervisor, as the log establishes roles, at the time of the review, and remote
    reviews whose statement holds.

    A ``case.reviewed`` entry signed by anyone else (a detective with her own key, after setting her role in
    the users table) reviews nothing, nor does a ``case.reviewed_remotely`` whose statement or voucher does not
    verify (an insider's own, written with the store key); ``casedesk verify`` names both.
    """
    query = select(CustodyEntry).where(CustodyEntry.action.in_(REVIEW_ACTIONS))
    if case_ref is not None:
        query = query.where(CustodyEntry.case_ref == case_ref)
    reviews = list(db.scalars(query.order_by(CustodyEntry.seq)))
    if not reviews:
        return []
    history = db.info.get("casedesk_reviewers")  # once per database session: a case list asks for every case
    if history is None:
        accounts = db.scalars(select(CustodyEntry).where(CustodyEntry.action.in_(ACCOUNT_STATE_ACTIONS))
                              .order_by(CustodyEntry.seq))
        history = supervisors_over_time([getattr(e, c) for c in encoding.ROW_COLUMNS] for e in accounts)
        db.info["casedesk_reviewers"] = history
    remote: dict[int, bool] = db.info.setdefault("casedesk_remote_reviews", {})
    out = []
    for r in reviews:
        if r.action == REVIEW_ACTION:
            if may_review_at(history, r.actor, r.seq):
                out.append(r)
            continue
        if r.seq not in remote:
            remote[r.seq] = remote_review_problem(db, _data(r.data), r.text, r.case_ref, before=r.seq) is None
        if remote[r.seq]:
            out.append(r)
    return out


def reviewed_up_to(db: OrmSession, case_ref: str) -> int:
    best = 0
    for raw in (r.data for r in valid_reviews(db, case_ref)):
        data = _data(raw)
        if data.get("decision") == "approve":
            best = max(best, _up_to(data))
    return best


def unreviewed_entries(db: OrmSession, case_ref: str, exhibits_only: bool = False) -> list[CustodyEntry]:
    query = select(CustodyEntry).where(
        CustodyEntry.case_ref == case_ref,
        CustodyEntry.seq > reviewed_up_to(db, case_ref),
        CustodyEntry.action.in_(REVIEWABLE),
    )
    if exhibits_only:
        query = query.where(CustodyEntry.exhibit_ref.is_not(None))
    return list(db.scalars(query.order_by(CustodyEntry.seq)))


def approvals(db: OrmSession) -> dict[str, int]:
    """Every case's reviewed-up-to entry number (cases never approved are absent)."""
    out: dict[str, int] = {}
    for case_ref, raw in ((r.case_ref, r.data) for r in valid_reviews(db)):
        data = _data(raw)
        if case_ref is not None and data.get("decision") == "approve":
            out[case_ref] = max(out.get(case_ref, 0), _up_to(data))
    return out


def unreviewed_counts(db: OrmSession) -> dict[str, int]:
    """How many entries of each case await review (cases with none are absent)."""
    reviewable = CustodyEntry.action.in_(REVIEWABLE)
    totals: dict[str, int] = {}
    for case_ref, n in db.execute(
        select(CustodyEntry.case_ref, func.count()).where(CustodyEntry.case_ref.is_not(None), reviewable)
        .group_by(CustodyEntry.case_ref)
    ):
        if case_ref is not None:
            totals[case_ref] = n
    for case_ref, up_to in approvals(db).items():
        done = db.scalar(
            select(func.count()).select_from(CustodyEntry)
            .where(CustodyEntry.case_ref == case_ref, CustodyEntry.seq <= up_to, reviewable)
        ) or 0
        if case_ref in totals:
            totals[case_ref] -= done
    return {case_ref: n for case_ref, n in totals.items() if n > 0}


def query_up_to(entry: CustodyEntry) -> int:
    return _up_to(_data(entry.data))


def _seqs(value: Any) -> set[int]:
    if not isinstance(value, list):
        return set()
    return {v for v in value if isinstance(v, int) and not isinstance(v, bool)}


def open_queries(db: OrmSession, case_ref: str) -> list[CustodyEntry]:
    """Queries on the case that no later entry settles (a review) or answers (an officer's note), oldest first."""
    rows = list(db.scalars(
        select(CustodyEntry).where(CustodyEntry.case_ref == case_ref,
                                   CustodyEntry.action.in_((*REVIEW_ACTIONS, ANSWER_ACTION)))
        .order_by(CustodyEntry.seq)
    ))
    valid = {r.seq for r in valid_reviews(db, case_ref)}  # a review by anyone but a supervisor settles nothing
    rows = [r for r in rows if r.action == ANSWER_ACTION or r.seq in valid]
    queries = {r.seq: r for r in rows if r.action in REVIEW_ACTIONS and _data(r.data).get("decision") == "query"}
    for r in rows:
        data = _data(r.data)
        closed = _seqs(data.get("settles")) if r.action == REVIEW_ACTION else (
            _seqs([data.get("answers")]) if r.action == ANSWER_ACTION else set())
        for seq in closed:
            if seq < r.seq:
                queries.pop(seq, None)
    return list(queries.values())
