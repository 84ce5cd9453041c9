"""The continuity of one exhibit in plain English, from its register entry and its custody log entries.

Seized by whom, from whom, where and when, sealed as what; brought into
CaseDesk by whom; then every movement and access in log order, each with
its time (UK local with offset), who did it and the entry number; where it is
now; and every stretch longer than ``GAP`` with no entry at all (from the
seizure to the ingest, and between entries) pointed out, so a reader sees at
once where the record is silent. Missing seizure details are said, not
skipped: the absence of a seal number is itself a fact a court may ask about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from casedesk.reports.actions import action_name
from casedesk.reports.model import CustodyLine, ExhibitInfo
from casedesk.timeutil import uk_display

GAP = timedelta(days=30)  # a stretch without any entry longer than this is pointed out


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime
    after: str  # what the silence follows: "the seizure" or "entry 12"
    before: str  # what ends it: "entry 13 (Custody transferred)"
    holder: str  # who held it meanwhile, as the log last said, with where

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def _when(value: datetime) -> str:
    return uk_display(value)


def _days(span: timedelta) -> str:
    days = span.days
    return f"{days} day{'s' if days != 1 else ''}"


def _holding(custodian: str, location: str) -> str:
    return f"{custodian} at {location}" if location else custodian


def seizure(ex: ExhibitInfo) -> str:
    """The first sentence: who seized it, from whom, where, when, and the seal."""
    parts = [f"Seized by {ex.producer}"]
    parts.append(f"from {ex.seized_from}" if ex.seized_from else "(no one recorded as the person it was seized from)")
    parts.append(f"at {ex.seized_location}" if ex.seized_location else "(no place of seizure recorded)")
    parts.append(f"on {_when(ex.seized_at)}" if ex.seized_at is not None else "(no time of seizure recorded)")
    sealed = f"sealed as {ex.seal}" if ex.seal else "no seal number recorded"
    return " ".join(parts) + f"; {sealed}."


def movement(entry: CustodyLine) -> str:
    """One entry as a sentence: time, what happened in words, by whom, between whom, where, why, entry number."""
    words = action_name(entry.action)
    text = f"{_when(entry.timestamp)}: {words} by {entry.actor}"
    if entry.from_party and entry.to_party:
        text += f", from {entry.from_party} to {entry.to_party}"
    elif entry.to_party:
        text += f", to {entry.to_party}"
    if entry.location:
        text += f", at {entry.location}"
    if entry.reason:
        text += f" ({entry.reason})"
    return text + f". Entry {entry.seq}."


def gaps(ex: ExhibitInfo, entries: Sequence[CustodyLine], gap: timedelta = GAP) -> list[Gap]:
    """Every stretch longer than ``gap`` with no entry for the exhibit: from seizure to ingest, between entries."""
    found: list[Gap] = []
    custodian, location = ex.producer, ex.seized_location
    previous_time: datetime | None = ex.seized_at
    previous = "the seizure"
    for entry in entries:
        if previous_time is not None and entry.timestamp - previous_time > gap:
            found.append(Gap(previous_time, entry.timestamp, previous,
                             f"entry {entry.seq}, {action_name(entry.action)}", _holding(custodian, location)))
        previous_time, previous = entry.timestamp, f"entry {entry.seq}"
        custodian = entry.to_party or custodian
        location = entry.location or location
    return found


def account(ex: ExhibitInfo, entries: Sequence[CustodyLine], gap: timedelta = GAP) -> list[str]:
    """The continuity account of ``ex`` as paragraphs; ``entries`` are its custody log entries in log order."""
    lines = [seizure(ex)]
    lines += [movement(e) for e in entries]
    if not entries:
        lines.append("No custody log entry names this exhibit.")
    lines.append(f"Last recorded: held by {_holding(ex.custodian, ex.location)}.")
    found = gaps(ex, entries, gap)
    if found:
        for g in found:
            lines.append(f"Gap: no entry for {_days(g.end - g.start)}, from {_when(g.start)} ({g.after}) to "
                         f"{_when(g.end)} ({g.before}); the log last showed it held by {g.holder}.")
    else:
        lines.append(f"No stretch of more than {_days(gap)} without an entry.")
    return lines
