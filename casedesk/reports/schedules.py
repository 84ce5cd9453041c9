"""The unused-material schedules: MG6C (non-sensitive, disclosed to the defence) and MG6D (sensitive, never).

Each is its own PDF, typeset from plain data the service layer hands over
(``ScheduleSpec``): items numbered consecutively from 1 in exhibit reference
order, a column left blank for the prosecutor's decision, and on every page
the case, the security marking and "Page N of M". The MG6C never names,
counts or hints at sensitive material; the MG6D says on every page that it
is not for disclosure. Reportlab's invariant mode and a fixed order make the
bytes a function of the spec alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from casedesk.outputs import Scratch
from casedesk.reports import text as T
from casedesk.reports.fonts import BOLD, MONO, SANS
from casedesk.reports.model import CaseInfo
from casedesk.reports.typeset import (
    CONTENT_W,
    GREY,
    INK,
    MARGIN_X,
    PAGE_H,
    PAGE_W,
    WARN,
    Column,
    PageSink,
    Writer,
)
from casedesk.timeutil import utc_and_uk

MG6C = "mg6c"
MG6D = "mg6d"
KINDS = (MG6C, MG6D)

TITLES = {
    MG6C: "MG6C: Schedule of relevant non-sensitive unused material",
    MG6D: "MG6D: Schedule of relevant sensitive unused material",
}
NOT_FOR_DISCLOSURE = "SENSITIVE (MG6D) - NOT FOR DISCLOSURE TO THE DEFENCE"
CPS_COLUMN = "CPS: D / I / CND"  # the prosecutor's decision: disclose, defence may inspect, clearly does not meet


@dataclass(frozen=True)
class ScheduleItem:
    number: int  # 1, 2, 3... in the order printed
    reference: str  # the exhibit reference
    description: str
    location: str  # where it is and who holds it, as the register says at the head
    note: str = ""  # e.g. "Withdrawn from the register: duplicate of HF/2"
    sensitivity: str = ""  # MG6D: why it is sensitive, as recorded


@dataclass(frozen=True)
class ScheduleSpec:
    kind: str  # MG6C or MG6D
    case: CaseInfo
    items: tuple[ScheduleItem, ...]
    marking: str
    at: datetime
    head_seq: int
    head_hash: str
    prepared_by: str
    tool: str
    used: str  # one sentence: what this schedule counts as used material (and so leaves out)


def numbered(items: Sequence[ScheduleItem]) -> bool:
    """True when the items are numbered 1, 2, 3... without a gap (an MG6 schedule is)."""
    return [i.number for i in items] == list(range(1, len(items) + 1))


def write_schedule(spec: ScheduleSpec, target: Path, work_folder: Path) -> int:
    """Typeset ``spec`` into the (new, empty) file ``target``; returns the page count."""
    if spec.kind not in KINDS:
        raise ValueError(f"unknown schedule {spec.kind!r}")
    if not numbered(spec.items):
        raise ValueError("schedule items must be numbered consecutively from 1")
    scratch = Scratch(work_folder, ".casedesk-schedule-")
    try:
        pages, _ = _typeset(spec, scratch, total=None)  # a first pass counts the pages for "Page N of M"
        _, path = _typeset(spec, scratch, total=pages)
        with open(path, "rb") as src, open(target, "r+b") as out:
            shutil.copyfileobj(src, out, 1 << 20)
    finally:
        scratch.close()
    return pages


class _Sink(PageSink):
    """Pages with the schedule's furniture: case, marking and page number at the top; marking at the foot."""

    def __init__(self, scratch: Scratch, spec: ScheduleSpec, total: int | None) -> None:
        super().__init__(scratch, f"schedule-{total or 0}", chunk_pages=1 << 30)
        self.spec = spec
        self.total = total

    def end_page(self) -> None:
        if self._open and self._canvas is not None:
            self._furniture(self._canvas, self.pages + 1)
        super().end_page()

    def _furniture(self, c: Canvas, number: int) -> None:
        spec = self.spec
        marking = spec.marking if spec.kind == MG6C else f"{spec.marking} – {NOT_FOR_DISCLOSURE}"
        c.setFillColor(WARN)
        T.draw_centred(c, PAGE_W / 2, PAGE_H - 28, marking, BOLD, 9)
        T.draw_centred(c, PAGE_W / 2, 26, marking, BOLD, 9)
        c.setFillColor(GREY)
        T.draw(c, MARGIN_X, PAGE_H - 44, T.visible(f"{spec.case.reference}   {spec.kind.upper()}"), SANS, 8)
        of = f" of {self.total}" if self.total else ""
        T.draw_right(c, PAGE_W - MARGIN_X, PAGE_H - 44, f"Page {number}{of}", SANS, 8)
        T.draw(c, MARGIN_X, 40, T.visible(f"{spec.case.reference} {spec.kind.upper()} as at "
                                          f"{spec.at:%Y-%m-%d %H:%M:%S} UTC"), SANS, 7)
        c.setFillColor(INK)


def _typeset(spec: ScheduleSpec, scratch: Scratch, total: int | None) -> tuple[int, Path]:
    sink = _Sink(scratch, spec, total)
    w = Writer(sink)
    w.title(TITLES[spec.kind], size=15)
    w.fields([
        ("Case", spec.case.reference),
        ("Operation", spec.case.title),
        ("Officer in charge", spec.case.officer_in_charge),
        ("Prepared by", spec.prepared_by),
        ("As at", utc_and_uk(spec.at)),
        ("Custody log head", f"entry {spec.head_seq}"),
        ("Produced with", spec.tool),
    ], label_width=120, size=9)
    w.hashes([("Head entry hash", spec.head_hash)], label_width=120, size=8.5)
    w.space(4)
    w.para(spec.used, size=8.5, colour=GREY)
    if spec.kind == MG6D:
        w.para("This schedule lists material whose disclosure would give rise to a real risk of serious "
               "prejudice to an important public interest. It is for the prosecutor only and is never served on "
               "the defence.", size=8.5, colour=WARN)
    w.space(6)
    items = spec.items
    if not items:
        w.para("There is no material to list on this schedule.", size=10)
    elif spec.kind == MG6C:
        cols = [Column("No.", 30), Column("Exhibit", 62, MONO), Column("Description", 222),
                Column("Where it is", 100), Column(CPS_COLUMN, CONTENT_W - 414)]
        w.table(cols, [[str(i.number), i.reference, _described(i), i.location, ""] for i in items],
                heading=TITLES[spec.kind])
    else:
        # The last column as wide as its heading needs (72 pt); the description takes what is left.
        cols = [Column("No.", 30), Column("Exhibit", 62, MONO), Column("Description", CONTENT_W - 347),
                Column("Why it is sensitive", 103), Column("Where it is", 80), Column(CPS_COLUMN, 72)]
        w.table(cols, [[str(i.number), i.reference, _described(i), i.sensitivity, i.location, ""] for i in items],
                heading=TITLES[spec.kind])
    w.space(4)
    n = len(items)
    w.para(f"{n} item{'s' if n != 1 else ''}" + (f", numbered 1 to {n}." if n else "."), font=BOLD, size=9)
    w.para("CPS column: D = disclose to the defence; I = the defence may inspect; CND = clearly does not meet "
           "the test for disclosure.", size=8, colour=GREY)
    sink.close()
    return sink.pages, sink.segments[0].path


def _described(item: ScheduleItem) -> str:
    return f"{item.description}\n{item.note}" if item.note else item.description
