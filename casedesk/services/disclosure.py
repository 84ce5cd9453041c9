"""Disclosure documents for the prosecutor: the MG6C and MG6D schedules and the CASE/UCO export of a case.

Each export, like a bundle's, checks the target first (never an existing
file, never inside the data directory), is written as a file without a name,
is recorded in ONE custody entry carrying its SHA-256, and only then gets
its name (``casedesk.outputs``). The desktop app calls the same methods as
``casedesk export-schedule`` and ``casedesk export-case``.

What is "used": the exhibits the prosecution serves, i.e. those included in
the last bundle exported for the case (its ``bundle.exported`` entry lists
them). Everything else the case holds is unused material: on the MG6C when
it is not sensitive, on the MG6D when it is (docs/bundle.md, "Disclosure
schedules").
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from casedesk import settings, tool_id
from casedesk.errors import UsageError
from casedesk.evidence import references
from casedesk.outputs import NewFile, check_target, publish_all
from casedesk.reports import case_uco
from casedesk.reports.model import CaseInfo
from casedesk.reports.schedules import KINDS, MG6C, MG6D, ScheduleItem, ScheduleSpec, write_schedule
from casedesk.security.roles import Permission
from casedesk.services.bundle_state import exhibits_as_at, sensitive_duplicates

# the bundle's own reading of exhibits and entries, and its verification first
from casedesk.services.bundles import _exhibit_info, _line, head_at, verify_before_export
from casedesk.services.cases import Cases
from casedesk.services.conflicts import refuse_export
from casedesk.services.custody import Custody, EntryView
from casedesk.services.evidence import Evidence, ExhibitView
from casedesk.services.session import Session
from casedesk.store.models import User
from casedesk.timeutil import iso_utc, to_utc, utc_now

log = logging.getLogger("casedesk.disclosure")

SCHEDULE_EXPORTED = "schedule.exported"
CASE_EXPORTED = "case.exported"
CASE_FORMATS = (case_uco.FORMAT,)
BUNDLE_EXPORTED = "bundle.exported"
SENSITIVITY = "exhibit.sensitivity_changed"
INGESTED = "exhibit.ingested"
RECEIVED = "exhibit.received"


@dataclass(frozen=True)
class ScheduleResult:
    path: Path
    kind: str
    sha256: str
    pages: int
    items: list[str]  # exhibit references, in schedule order (item 1 first)
    used_from: int | None  # the bundle.exported entry that says what is used, or None: no bundle yet
    head_seq: int
    recorded_as: int  # the schedule.exported custody entry
    case: str
    at: datetime  # the time the schedule is as at (printed on it)
    marking: str
    warnings: list[str] = field(default_factory=list)  # for the officer, never printed on the schedule


@dataclass(frozen=True)
class CaseExportResult:
    path: Path
    format: str
    sha256: str
    exhibits: list[str]  # exhibit references in the file
    actions: int  # custody entries written as investigative actions
    withheld: list[str]  # sensitive exhibits left out (empty with include_sensitive)
    head_seq: int
    recorded_as: int  # the case.exported custody entry
    at: datetime | None = None  # the time the export is as at
    warnings: list[str] = field(default_factory=list)  # for the officer: e.g. exhibits sensitive since ``at``


def display(users: dict[str, User], username: str) -> str:
    user = users.get(username)
    return f"{user.full_name} ({username})" if user is not None and user.full_name else username


def last_bundle(case_log: Sequence[EntryView]) -> EntryView | None:
    """The last ``bundle.exported`` entry of the case: what it lists as included is the used material."""
    found = [e for e in case_log if e.action == BUNDLE_EXPORTED and isinstance(e.data.get("included"), list)]
    return found[-1] if found else None


def sensitivity_reasons(case_log: Sequence[EntryView]) -> dict[str, str]:
    """Why each exhibit is sensitive, in the words of the entry that made it so."""
    out: dict[str, str] = {}
    for e in case_log:
        if e.exhibit_ref is None:
            continue
        if e.action == INGESTED and e.data.get("sensitive") is True:
            out[e.exhibit_ref] = "Marked sensitive when it was ingested"  # (an ingest's reason is the seizure's)
        elif e.action == RECEIVED and e.data.get("sensitive") is True:
            # The reason is in the giving installation's log, kept beside the store (received/); say where.
            origin = e.data.get("origin")
            where = origin.get("installation") if isinstance(origin, dict) else None
            out[e.exhibit_ref] = (f"Marked sensitive on installation {where}, before the case was handed over"
                                  if isinstance(where, str) else "Marked sensitive before the case was handed over")
        elif e.action == SENSITIVITY and e.data.get("sensitive") is True:
            out[e.exhibit_ref] = e.reason or "Marked sensitive (no reason recorded)"
    return out


def where(view: ExhibitView, users: dict[str, User]) -> str:
    holder = display(users, view.custodian) if view.custodian_is_user else view.custodian
    text = f"{view.location}; held by {holder}" if view.location else f"Held by {holder}"
    return text + ("; checked out" if view.checked_out else "")


def schedule_items(kind: str, views: Sequence[ExhibitView], used: set[str], reasons: dict[str, str],
                   users: dict[str, User]) -> tuple[ScheduleItem, ...]:
    """The unused exhibits of one schedule, numbered 1, 2, 3... in reference order (JAS/2 before JAS/10)."""
    chosen = [v for v in sorted(views, key=lambda v: references.sort_key(v.reference))
              if v.reference not in used and v.sensitive == (kind == MG6D)]
    return tuple(
        ScheduleItem(
            number=n, reference=v.reference, description=v.description, location=where(v, users),
            note=(f"Withdrawn from the register: {v.withdrawn_reason or 'no reason recorded'}"
                  if v.status != "active" else ""),
            sensitivity=reasons.get(v.reference, "Marked sensitive") if kind == MG6D else "",
        )
        for n, v in enumerate(chosen, start=1)
    )


def used_sentence(kind: str, bundle: EntryView | None) -> str:
    other = "not sensitive" if kind == MG6C else "sensitive (MG6D)"
    if bundle is None:
        return ("No bundle has been exported for this case yet, so no exhibit counts as used material: every "
                f"exhibit of the case that is {other} is listed, withdrawn ones included (they are retained).")
    n = len(bundle.data.get("included", []))
    return (f"Used material is what the prosecution serves: the {n} exhibit{'s' if n != 1 else ''} in the last "
            f"bundle exported for this case ({bundle.data.get('file', 'bundle')}, custody log entry {bundle.seq}, "
            f"{iso_utc(bundle.timestamp)}). Every other exhibit of the case that is {other} is listed, withdrawn "
            "ones included (they are retained).")


class Disclosure:
    def __init__(self, session: Session) -> None:
        self.s = session

    def export_schedule(self, case_ref: str, kind: str, out: Path, marking: str | None = None,
                        at: datetime | None = None) -> ScheduleResult:
        """Write the MG6C or MG6D schedule of ``case_ref`` to ``out`` (a new PDF), recorded in the custody log.

        Made, like a bundle, from the custody log up to the last entry of the longest prefix written at or
        before ``at`` (default now): the same ``at`` gives the same schedule however the case grew since.
        """
        kind = kind.lower()
        if kind not in KINDS:
            raise UsageError(f"no schedule {kind!r}: choose mg6c (non-sensitive) or mg6d (sensitive)",
                             cli_hint="--schedule mg6c")
        self.s.require(Permission.BUNDLE_EXPORT)
        self.s.require(Permission.CASE_CONTENT)
        if self.s.integrity_alerts:
            raise self.s.blocked("exports")
        target = check_target(out, self.s.datadir.root, "a schedule")
        now = utc_now()
        when = now if at is None else to_utc(at)
        if when > now + timedelta(minutes=1):
            raise UsageError("the time to export as at is in the future; give the time of the schedule to "
                             "reproduce", field="at", cli_hint="--at")
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.BUNDLE_EXPORT)
            ref = case.reference
            refuse_export(db, ref)  # as a bundle: one copy's word is not the whole history (services/conflicts.py)
            chosen = settings.SPECS["bundle.default_marking"].validate(
                marking if marking is not None else settings.get(db, "bundle.default_marking"))
            if kind == MG6D:
                chosen = "OFFICIAL-SENSITIVE"  # sensitive material is never marked lower
            users = {u.username: u for u in db.scalars(select(User))}
            head_seq, head_hash = head_at(db, when)  # as for a bundle
            refuse_export(db, ref)  # an open custody conflict: as for a bundle
        verify_before_export(self.s, ref)  # as for a bundle: a forged register is never printed
        detail = Cases(self.s).show(ref)
        case_log = [e for e in Custody(self.s).log(ref) if e.seq <= head_seq]
        views = exhibits_as_at(Evidence(self.s).list(ref, include_withdrawn=True), case_log, head_seq)
        bundle = last_bundle(case_log)
        used = {str(r) for r in bundle.data["included"]} if bundle is not None else set()
        items = schedule_items(kind, views, used, sensitivity_reasons(case_log), users)
        warnings: list[str] = []
        duplicates = sensitive_duplicates(views)
        listed = [(i.reference, duplicates[i.reference]) for i in items if i.reference in duplicates]
        if kind == MG6C and listed:
            # Not on the schedule (that would link it to the sensitive exhibit): said to the officer only.
            warnings += [f"{ref} is listed as non-sensitive but has the same content as the sensitive exhibit "
                         f"{original}: if its content is sensitive, mark it sensitive and export the schedules again"
                         for ref, original in listed]
        spec = ScheduleSpec(
            kind=kind, case=CaseInfo(ref, detail.title, tuple(detail.offences),
                                     display(users, detail.officer_in_charge), ""),
            items=items, marking=chosen, at=when, head_seq=head_seq, head_hash=head_hash,
            prepared_by=display(users, self.s.user.username), tool=tool_id(), used=used_sentence(kind, bundle),
        )
        with NewFile(target) as pdf:
            pages = write_schedule(spec, pdf.path, target.parent)
            sha256 = _file_sha256(pdf.fd)
            with self.s.write() as db:
                entry = self.s.record(
                    db, SCHEDULE_EXPORTED, case_ref=ref, sha256=sha256,
                    data={"schedule": kind, "file": target.name, "pages": pages, "marking": chosen,
                          "at": iso_utc(when), "head_seq": head_seq, "items": [i.reference for i in items],
                          "used_from": bundle.seq if bundle is not None else None},
                )
                recorded = entry.seq
            publish_all([pdf])
        log.info("schedule %s exported: case %s, %d items, entry %d", kind, ref, len(items), recorded)
        return ScheduleResult(target, kind, sha256, pages, [i.reference for i in items],
                              bundle.seq if bundle is not None else None, head_seq, recorded, ref, when, chosen,
                              warnings)


    def export_case(self, case_ref: str, out: Path, fmt: str = case_uco.FORMAT,
                    include_sensitive: bool = False, at: datetime | None = None) -> CaseExportResult:
        """Write the case as CASE/UCO JSON-LD to ``out`` (a new file), recorded in the custody log.

        Made, like a bundle or a schedule, from the custody log up to the head at ``at`` (default now, the
        shared ``head_at``): the exhibits of the case then, each in the state the log gave it then, and the
        entries up to that head; the same ``at`` gives the same bytes however the case grew since. Sensitive
        (MG6D) exhibits (and duplicates of them) at that time are left out unless ``include_sensitive``.
        """
        if fmt not in CASE_FORMATS:
            raise UsageError(f"no export format {fmt!r}: choose {', '.join(CASE_FORMATS)}",
                             cli_hint="--format case-uco")
        self.s.require(Permission.BUNDLE_EXPORT)
        self.s.require(Permission.CASE_CONTENT)
        if self.s.integrity_alerts:
            raise self.s.blocked("exports")
        target = check_target(out, self.s.datadir.root, "a case export")
        now = utc_now()
        when = now if at is None else to_utc(at)
        if when > now + timedelta(minutes=1):
            raise UsageError("the time to export as at is in the future; give the time of the export to reproduce",
                             field="at", cli_hint="--at")
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.BUNDLE_EXPORT)
            ref = case.reference
            refuse_export(db, ref)  # as a bundle (services/conflicts.py)
            users = {u.username: u for u in db.scalars(select(User))}
            head_seq, head_hash = head_at(db, when)  # as for a bundle and a schedule
            refuse_export(db, ref)
        verify_before_export(self.s, ref)
        detail = Cases(self.s).show(ref)
        case_log = [e for e in Custody(self.s).log(ref) if e.seq <= head_seq]
        current = Evidence(self.s).list(ref, include_withdrawn=True)
        views = sorted(exhibits_as_at(current, case_log, head_seq), key=lambda v: references.sort_key(v.reference))
        duplicates = sensitive_duplicates(views)  # their hash is a sensitive exhibit's
        withheld = [v.reference for v in views if (v.sensitive or v.reference in duplicates) and not include_sensitive]
        shown = [v for v in views if v.reference not in withheld]
        lines = tuple(_line(e, users) for e in case_log if e.exhibit_ref is None or e.exhibit_ref not in withheld)
        warnings: list[str] = []
        if not include_sensitive:
            now_sensitive = {v.reference for v in current if v.sensitive} | set(sensitive_duplicates(current))
            later = [v.reference for v in shown if v.reference in now_sensitive]
            if later:
                warnings.append(f"{', '.join(later)} {'are' if len(later) > 1 else 'is'} sensitive (MG6D) now but "
                                f"{'were' if len(later) > 1 else 'was'} not at {iso_utc(when)}, so the file as at "
                                "that time includes them: give it only to whoever had the file made then")
        spec = case_uco.CaseExport(
            installation_id=self.s.installation_id,
            case=CaseInfo(ref, detail.title, tuple(detail.offences), display(users, detail.officer_in_charge), ""),
            exhibits=tuple(_exhibit_info(v, users) for v in shown), custody=lines,
            officers=tuple(case_uco.Officer(u.username, u.full_name, u.role)
                           for u in sorted(users.values(), key=lambda u: u.username)),
            head_seq=head_seq, head_hash=head_hash, tool=tool_id(), withheld=len(withheld),
        )
        data = case_uco.document_bytes(case_uco.build(spec))
        sha256 = hashlib.sha256(data).hexdigest()
        with NewFile(target) as f:
            f.write(data)
            with self.s.write() as db:
                entry = self.s.record(
                    db, CASE_EXPORTED, case_ref=ref, sha256=sha256,
                    data={"format": fmt, "file": target.name, "head_seq": head_seq, "at": iso_utc(when),
                          "exhibits": [v.reference for v in shown], "actions": len(lines),
                          "sensitive": "included" if include_sensitive else "withheld"},
                )
                recorded = entry.seq
            publish_all([f])
        log.info("case exported (%s): case %s, %d exhibits, %d actions, entry %d", fmt, ref, len(shown),
                 len(lines), recorded)
        return CaseExportResult(target, fmt, sha256, [v.reference for v in shown], len(lines), withheld, head_seq,
                                recorded, when, warnings)


def _file_sha256(fd: int) -> str:
    digest = hashlib.sha256()
    offset = 0
    while chunk := os.pread(fd, 1 << 20, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()
