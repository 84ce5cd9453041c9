"""What a bundle shows of a case "as at" a custody log head, taken from the log alone.

A bundle made at time T must come out byte for byte the same when it is made
again later, however much the case has grown since. So the bundle's view of
the case is not the register as it is now but the custody log up to the head
entry chosen for T:

- an exhibit is in the case at T if its ``exhibit.ingested`` entry (or, in a
  case handed over from another installation, its ``exhibit.received`` entry)
  is at or before the head (its recorded facts: description, hashes, seizure,
  never change after ingest);
- its state at T (withdrawn, sensitive, custodian, location, checked out) is
  replayed from the entries up to the head;
- the case summary at T is the text of the last ``case.summary_edited``
  entry up to the head (entries since case keys carry it, encrypted under the
  case key); for older entries, the text whose SHA-256 the entry records
  (the current one when it matches).

Pure functions over ``EntryView`` and ``ExhibitView``: no store access here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from casedesk.custody import conflicts
from casedesk.errors import UsageError
from casedesk.services.custody import CHECKED_OUT, RETURNED, TRANSFERRED, EntryView
from casedesk.services.evidence import ExhibitView
from casedesk.timeutil import iso_utc

INGESTED = "exhibit.ingested"
RECEIVED = "exhibit.received"  # the exhibit's first entry in a case received from another installation
ARRIVALS = frozenset({INGESTED, RECEIVED})
WITHDRAWN = "exhibit.withdrawn"
SENSITIVITY = "exhibit.sensitivity_changed"
SUMMARY_EDITED = "case.summary_edited"
# A supervisor's resolution of a custody conflict sets the exhibit's custodian and location as a move does.
MOVEMENTS = frozenset({TRANSFERRED, CHECKED_OUT, RETURNED, conflicts.RESOLVED})


def exhibits_as_at(views: Sequence[ExhibitView], entries: Sequence[EntryView], head_seq: int) -> list[ExhibitView]:
    """The exhibits of the case at ``head_seq``, each in the state the log gave it by then."""
    by_ref: dict[str, list[EntryView]] = {}
    for entry in entries:
        if entry.seq <= head_seq and entry.exhibit_ref is not None:
            by_ref.setdefault(entry.exhibit_ref, []).append(entry)
    out: list[ExhibitView] = []
    for view in views:
        mine = sorted(by_ref.get(view.reference, []), key=lambda e: e.seq)
        ingest = next((e for e in mine if e.action in ARRIVALS), None)
        if ingest is None:
            continue  # ingested after the head: not in the case at that time
        state = {
            "status": "active", "withdrawn_reason": None,
            "sensitive": bool(ingest.data.get("sensitive", False)),
            "custodian": ingest.to_party or view.producer, "custodian_is_user": True,
            "location": ingest.location or "", "checked_out": False,
        }
        if ingest.action == RECEIVED:  # the state the giving installation's log gave it at the hand-over
            state["custodian_is_user"] = ingest.data.get("to_is_user", True) is not False
            if ingest.data.get("status") == "withdrawn":
                state["status"], state["withdrawn_reason"] = "withdrawn", ingest.data.get("withdrawn_reason")
        for entry in mine:
            if entry.action == RECEIVED and entry is not ingest:  # the case came back: its state there
                state["custodian"] = entry.to_party or state["custodian"]
                state["custodian_is_user"] = entry.data.get("to_is_user", True) is not False
                state["location"], state["checked_out"] = entry.location or "", False
                state["sensitive"] = entry.data.get("sensitive") is True
                if entry.data.get("status") == "withdrawn":
                    state["status"], state["withdrawn_reason"] = "withdrawn", entry.data.get("withdrawn_reason")
            elif entry.action == WITHDRAWN:
                state["status"], state["withdrawn_reason"] = "withdrawn", entry.reason
            elif entry.action == SENSITIVITY:
                state["sensitive"] = bool(entry.data.get("sensitive", state["sensitive"]))
            elif entry.action in MOVEMENTS:
                state["custodian"] = entry.to_party or state["custodian"]
                state["custodian_is_user"] = bool(entry.data.get("to_is_user", True))
                state["location"] = entry.location or ""
                state["checked_out"] = entry.action == CHECKED_OUT
        out.append(replace(view, **state))  # type: ignore[arg-type]
    return out


def sensitive_duplicates(views: Sequence[ExhibitView]) -> dict[str, str]:
    """``{exhibit: the sensitive exhibit it duplicates}`` for the exhibits not marked sensitive that were
    ingested as a duplicate (identical content) of one that is, withdrawn or not.

    Such an exhibit's hash is the sensitive exhibit's hash and its ingest entry names that exhibit
    (``data.duplicate_of``), so every file made for the prosecutor (bundle, custody export, CASE/UCO export)
    withholds it with the sensitive exhibit unless sensitive material is included.
    """
    sensitive = {v.reference for v in views if v.sensitive}
    return {v.reference: v.duplicate_of for v in views
            if not v.sensitive and v.duplicate_of is not None and v.duplicate_of in sensitive}


def summary_as_at(current: str, entries: Sequence[EntryView], head_seq: int, when: datetime) -> str:
    """The case summary as it stood at ``head_seq``; refuses when the log cannot give it back."""
    edits = [e for e in entries if e.action == SUMMARY_EDITED]
    before = [e for e in edits if e.seq <= head_seq]
    if not before:
        if any(e.seq > head_seq for e in edits):
            return ""  # written after the head: there was none then
        return current
    last = before[-1]
    text = last.data.get("summary")
    if isinstance(text, str):
        return text
    if last.text is not None and "summary_sha256" not in last.data:
        return last.text  # the entry carries the summary itself (under the case key; read through Custody.log)
    if last.text is not None and hashlib.sha256(last.text.encode()).hexdigest() == last.data.get("summary_sha256"):
        return last.text
    if hashlib.sha256(current.encode()).hexdigest() == last.data.get("summary_sha256"):
        return current
    raise UsageError(
        f"the case summary was edited after {iso_utc(when)} and custody entry {last.seq} keeps only a hash of the "
        "earlier text, so a bundle for that time cannot show it; export without --at, or from a copy of the "
        "store as it was then"
    )


NOTE_ADDED = "note.added"


@dataclass(frozen=True)
class NoteAsAt:
    """The version of a note a bundle shows: the last one written up to the head."""

    entry: EntryView  # the note.added entry of that version
    version: int  # 1 for the note as first written
    first: int  # the entry of the first version (the note's number in the case)


def _revises(entry: EntryView) -> int | None:
    target = entry.data.get("revises")
    return target if isinstance(target, int) and not isinstance(target, bool) else None


def notes_as_at(entries: Sequence[EntryView], head_seq: int, wanted: Sequence[int] | None, all_notes: bool,
                withheld_exhibits: Mapping[str, str]) -> tuple[list[NoteAsAt], list[int]]:
    """The notes a bundle made at ``head_seq`` shows, and the notes left out as about withheld material.

    ``wanted``: note entry numbers (any version of a note names the note); ``all_notes``: every note of the
    case. Each note is shown in its last version written up to the head, replayed from the log (an edit is
    a ``note.added`` entry with ``data.revises``). A note about an exhibit in ``withheld_exhibits``
    (``{exhibit: why}``, sensitive material) is refused when named and left out of ``all_notes``.
    """
    notes = {e.seq: e for e in entries if e.action == NOTE_ADDED and e.seq <= head_seq}
    later: dict[int, int] = {}
    for seq in sorted(notes):
        target = _revises(notes[seq])
        if target is not None and target in notes:
            later.setdefault(target, seq)

    def first_of(seq: int) -> int:
        while (target := _revises(notes[seq])) is not None and target in notes:
            seq = target
        return seq

    chosen: list[int] = []
    if all_notes:
        chosen = [seq for seq in sorted(notes) if _revises(notes[seq]) is None or _revises(notes[seq]) not in notes]
    for n in wanted or ():
        if n not in notes:
            raise UsageError(f"entry {n} is not a note of this case" + (
                " written by then (--at is before it)" if n > head_seq else ""),
                cli_hint="`casedesk note list` shows the notes and their entry numbers")
        root = first_of(n)
        if root not in chosen:
            chosen.append(root)
    shown: list[NoteAsAt] = []
    left_out: list[int] = []
    for root in sorted(chosen):
        seq, version = root, 1
        while seq in later:
            seq, version = later[seq], version + 1
        entry = notes[seq]
        if entry.exhibit_ref is not None and entry.exhibit_ref in withheld_exhibits:
            if all_notes and root not in {first_of(n) for n in wanted or ()}:
                left_out.append(root)
                continue
            raise UsageError(f"note {root} is about exhibit {entry.exhibit_ref}, which is "
                             f"{withheld_exhibits[entry.exhibit_ref]}; choose to include sensitive exhibits to "
                             "put it in the bundle", cli_hint="add --include-sensitive")
        if entry.text is None:
            raise UsageError(f"the text of note {root} cannot be read from custody entry {seq}; run `casedesk "
                             "verify` on the case")
        shown.append(NoteAsAt(entry, version, root))
    return shown, left_out
