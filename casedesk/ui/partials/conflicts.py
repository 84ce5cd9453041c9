"""An open custody conflict in words: the two states of an exhibit, each naming its entry.

A conflict (``casedesk.services.conflicts.ConflictView``) is recorded when this installation's log and another copy
of it (a laptop restored from the unit while the old one still wrote offline) both changed an exhibit; the register
keeps this log's state and shows the other beside it until a supervisor's signed resolution says which holds.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from casedesk.ui import formatting

translate = QCoreApplication.translate


def state_text(state: dict[str, Any] | None) -> str:
    """``jsmith at Desk 4``, ``Property store locker 7`` (and checked out, sensitive, withdrawn)."""
    if state is None:
        return translate("Conflicts", "no such exhibit")
    custodian, location = state.get("custodian"), state.get("location")
    if location and location != custodian:
        text = translate("Conflicts", "{custodian} at {location}").format(custodian=custodian, location=location)
    else:  # a place holds it where it is (the location is the place's name), or no location was recorded
        text = str(custodian)
    if state.get("checked_out"):
        text += ", " + translate("Conflicts", "checked out")
    if state.get("sensitive"):
        text += ", " + translate("Conflicts", "sensitive")
    if state.get("status") == "withdrawn":
        text += ", " + translate("Conflicts", "withdrawn")
    return text


def here_line(c: Any) -> str:
    if c.here is None:
        return translate("Conflicts", "This log: no such exhibit (it exists only in the other copy).")
    seq = c.here.get("seq")
    if seq is None:
        return translate("Conflicts", "This log: {state}.").format(state=state_text(c.here))
    return translate("Conflicts", "This log (entry {seq}): {state}.").format(seq=seq, state=state_text(c.here))


def other_line(c: Any) -> str:
    other = c.other
    return translate("Conflicts", "The installation's other copy (its entry {seq}, {action}, hash {hash}): "
                                  "{state}.").format(
        seq=other.get("seq"), action=formatting.action_label(str(other.get("action", ""))).lower(),
        hash=formatting.short_hash(str(other.get("hash", "")), 16), state=state_text(other))


def summary(c: Any) -> str:
    """The two sides, a line each, under a heading naming the entry that recorded the conflict."""
    heading = translate("Conflicts", "Open custody conflict on {exhibit} (recorded by entry {record}):").format(
        exhibit=c.exhibit_ref, record=c.record_seq)
    return "\n".join((heading, here_line(c), other_line(c)))


def register_tip(c: Any) -> str:
    return "\n".join((summary(c), translate("Conflicts", "A supervisor resolves it: Custody › Resolve custody "
                                                         "conflict…")))
