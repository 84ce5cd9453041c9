"""Supervisor review state, derived from the custody log itself.

A review entry (``case.reviewed``) covers the case's entries up to
``data.up_to``; with ``data.decision == "approve"`` they count as reviewed.
Entries after the last approval are unreviewed.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk.store.models import CustodyEntry

REVIEW_ACTION = "case.reviewed"
NOT_REVIEWABLE = frozenset({REVIEW_ACTION, "account.login", "account.login_failed"})


def reviewed_up_to(db: OrmSession, case_ref: str) -> int:
    best = 0
    rows = db.scalars(
        select(CustodyEntry.data).where(
            CustodyEntry.case_ref == case_ref, CustodyEntry.action == REVIEW_ACTION
        )
    )
    for raw in rows:
        data = json.loads(raw)
        if data.get("decision") == "approve":
            best = max(best, int(data.get("up_to", 0)))
    return best


def unreviewed_entries(db: OrmSession, case_ref: str, exhibits_only: bool = False) -> list[CustodyEntry]:
    query = select(CustodyEntry).where(
        CustodyEntry.case_ref == case_ref,
        CustodyEntry.seq > reviewed_up_to(db, case_ref),
        CustodyEntry.action.not_in(NOT_REVIEWABLE),
    )
    if exhibits_only:
        query = query.where(CustodyEntry.exhibit_ref.is_not(None))
    return list(db.scalars(query.order_by(CustodyEntry.seq)))
