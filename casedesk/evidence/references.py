"""Exhibit references: the producing officer's initials and a sequence number, e.g. ``JAS/1``.

Numbers run per case and per set of initials and are never reused: the next
number is one more than the highest ever allocated (exhibits are withdrawn,
never deleted), chosen inside the write transaction that inserts the
exhibit, which SQLite serialises across processes (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk.errors import UsageError
from casedesk.store.models import Exhibit

REFERENCE_RE = re.compile(r"^([A-Z]{2,4})/([1-9][0-9]{0,6})$")


def format_reference(initials: str, number: int) -> str:
    return f"{initials}/{number}"


def normalise(reference: str) -> str:
    """``jas / 1`` -> ``JAS/1``; refuses anything that is not initials/number."""
    ref = "".join(reference.split()).upper()
    if not REFERENCE_RE.match(ref):
        raise UsageError(
            f"invalid exhibit reference {reference!r}: use the officer's initials and a number, e.g. JAS/1"
        )
    return ref


def sort_key(reference: str) -> tuple[str, int, str]:
    """Natural order: ``JAS/2`` before ``JAS/10``."""
    m = REFERENCE_RE.match(reference)
    if m is None:
        return (reference, 0, reference)
    return (m.group(1), int(m.group(2)), reference)


def next_number(db: OrmSession, case_id: int, initials: str) -> int:
    """The next unused number for ``initials`` in the case (call inside the write transaction)."""
    highest = db.scalar(
        select(func.max(Exhibit.number)).where(Exhibit.case_id == case_id, Exhibit.initials == initials)
    )
    return int(highest or 0) + 1
