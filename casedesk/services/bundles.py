"""Case bundles for the prosecutor: selection, verification, the PDF, its sidecar and manifest, the custody entry.

The export:

1. checks permissions (``bundle.export`` on a case the user may see) and the
   selection (withdrawn exhibits never go in; sensitive ones only when asked);
2. fixes the export time (``at``, default now) and the custody log head the
   bundle is made from: the end of the longest prefix of the log written at
   or before ``at``, so the export's own entries (the verification it runs,
   the export entry) are never part of it and a later reproduction with the
   same ``at`` picks the same head; the case, its exhibits and their state
   are taken as the log recorded them up to that head (``bundle_state``), so
   the reproduction is byte-identical however much the case grew since;
3. runs a full verification and stops with ``IntegrityError`` (nothing
   written) unless it passes;
4. builds the PDF, then its ``.sha256`` sidecar and ``.manifest.json``, as
   anonymous files in the target's folder (``casedesk.outputs``): a kill
   leaves nothing, no plaintext original included;
5. records ONE ``bundle.exported`` custody entry carrying the bundle's SHA-256,
   and only then links the three files to their names, each refusing a name
   that exists: an export is never on disk without its entry in the log, and
   never replaces a file.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk import settings, tool_id
from casedesk.custody import merkle
from casedesk.errors import IntegrityError, UsageError
from casedesk.evidence import references
from casedesk.outputs import NewFile, check_target, publish_all, refuse_data_dir
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.reports import manifest as M
from casedesk.reports.assemble import build_bundle, process_alive
from casedesk.reports.model import BundleSpec, CaseInfo, CaseNote, CustodyLine, ExhibitInfo, LeftOut
from casedesk.security.roles import Permission
from casedesk.services.bundle_state import exhibits_as_at, notes_as_at, sensitive_duplicates, summary_as_at
from casedesk.services.cases import Cases
from casedesk.services.conflicts import refuse_export
from casedesk.services.custody import Custody, EntryView, VerifyReport
from casedesk.services.enrolment import Enrolment
from casedesk.services.evidence import Evidence, ExhibitView
from casedesk.services.session import Session
from casedesk.store.models import CustodyEntry, User
from casedesk.timeutil import iso_utc, to_utc, uk_display, utc_now
from casedesk.trust import pinning
from casedesk.trust.logcheck import unit_problems
from casedesk.trust.unitkey import UnitKey

NOT_ENROLLED = "This installation is not enrolled with a unit"
log = logging.getLogger("casedesk.bundles")

_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})  # the output folder cannot take the bundle

EXPORTED = "bundle.exported"


def verify_before_export(session: Session, ref: str, progress: Progress = no_progress,
                         cancel: CancelToken | None = None) -> VerifyReport:
    """The full verification every court-facing output runs first (bundle, MG6C/MG6D schedule, CASE/UCO export):
    it must pass, or nothing is written. The register a sign-in checks against its seal can still have been
    edited by an insider who signed a new seal with their own key; only the log's replay sees that, and a
    document printed from such a register would state the forgery as the record."""
    report = Custody(session).verify(ref, progress, cancel)
    if not report.ok:
        first = report.problems[0]
        said = first.describe() if hasattr(first, "describe") else getattr(first, "message", str(first))
        raise IntegrityError(
            f"verification failed with {len(report.problems)} problem(s), nothing was exported; first: "
            f"{said}. Run `casedesk verify {ref}` for the full report"
        )
    return report


@dataclass(frozen=True)
class Excluded:
    reference: str
    reason: str  # "sensitive" | "sensitive duplicate" | "withdrawn" | "not selected"


@dataclass(frozen=True)
class Placeholder:
    reference: str
    why: str


@dataclass(frozen=True)
class BundleResult:
    path: Path
    sha256: str
    size: int
    pages: int
    included: list[str]
    excluded: list[Excluded]
    problems: list[Placeholder]
    manifest_path: Path
    sidecar_path: Path
    head_seq: int  # the custody log head the bundle was made from (before the export's own entries)
    head_hash: str
    marking: str
    at: datetime
    recorded_as: int  # the bundle.exported custody entry
    warnings: list[str] = field(default_factory=list)  # for the person exporting: e.g. a bundle over the size limit
    notes: list[int] = field(default_factory=list)  # the case notes in the bundle, by number (first entry)
    notes_left_out: list[int] = field(default_factory=list)  # of --all-notes: about withheld sensitive exhibits


def _display(users: dict[str, User], username: str) -> str:
    user = users.get(username)
    return f"{user.full_name} ({username})" if user is not None and user.full_name else username


def _exhibit_info(view: ExhibitView, users: dict[str, User]) -> ExhibitInfo:
    return ExhibitInfo(
        reference=view.reference, description=view.description,
        producer=f"{view.producer_name} ({view.producer})",
        seized_from=view.seized_from, seized_at=view.seized_at, seized_location=view.seized_location,
        seal=view.seal, original_name=view.original_name, size=view.size, mime_type=view.mime_type,
        type_description=view.type_description, type_warning=view.type_warning, sha256=view.sha256,
        md5=view.md5, sha1=view.sha1, ingested_by=_display(users, view.ingested_by), ingested_at=view.ingested_at,
        tool=view.tool, custodian=_display(users, view.custodian) if view.custodian_is_user else view.custodian,
        location=view.location, duplicate_of=view.duplicate_of, fs_modified=view.fs_modified,
        sensitive=view.sensitive,
    )


def head_at(db: OrmSession, when: datetime) -> tuple[int, str]:
    """The head as at ``when``: the last entry of the longest prefix of the log written at or before it.

    Entries appended later (even with a clock set back) come after it, so a reproduction with the same ``--at``
    picks the same head however much the case has grown since (bundles and disclosure schedules alike).
    """
    first_after = db.scalar(select(func.min(CustodyEntry.seq)).where(CustodyEntry.timestamp > iso_utc(when)))
    query = select(CustodyEntry.seq, CustodyEntry.entry_hash).order_by(CustodyEntry.seq.desc()).limit(1)
    if first_after is not None:
        query = query.where(CustodyEntry.seq < first_after)
    row = db.execute(query).first()
    if row is None:
        raise UsageError(f"{iso_utc(when)} is before the first custody log entry: there is nothing to export as "
                         "at that time", field="at", cli_hint="--at")
    return int(row[0]), str(row[1])


# Court and CPS upload systems cap the size of one file; a bundle above this is flagged with a way to split it.
SIZE_LIMIT = 100 * 1024 * 1024


def size_warning(size: int, limit: int, included: Sequence[ExhibitView], command: str) -> str | None:
    """A warning for a bundle over ``limit`` bytes, with exhibit groups that would each make a smaller one."""
    if size <= limit:
        return None
    budget = max(limit * 9 // 10 - (size - sum(v.size for v in included)), 1)  # room left for originals
    groups: list[list[str]] = [[]]
    used = 0
    for view in included:
        if groups[-1] and used + view.size > budget:
            groups.append([])
            used = 0
        groups[-1].append(view.reference)
        used += view.size
    parts = "; ".join(f"{command} --exhibits {','.join(g)}" for g in groups)
    return (f"the bundle is {size / 1048576:,.1f} MiB, over the {limit / 1048576:,.1f} MiB that court and CPS "
            f"upload systems commonly accept; to serve it in {len(groups)} parts, export: {parts}")


# How the bundle explains each reference it does not hold (so no number is skipped unexplained).
LEFT_OUT_WHY = {
    "withdrawn": "withdrawn from the register",
    "not selected": "not selected for this bundle",
    "sensitive": "sensitive (MG6D), withheld",
    # Not naming which: its hash would be the sensitive exhibit's (bundle_state.sensitive_duplicates).
    "sensitive duplicate": "same content as sensitive (MG6D) material, withheld",
}


def _line(entry: EntryView, users: dict[str, User]) -> CustodyLine:
    # People as the bundle names them everywhere ("Helen Farrow (hfarrow)"); a party that is a place stays as is.
    def party(name: str | None) -> str | None:
        return _display(users, name) if name else name

    return CustodyLine(
        seq=entry.seq, timestamp=entry.timestamp, actor=_display(users, entry.actor), action=entry.action,
        exhibit_ref=entry.exhibit_ref, entry_hash=entry.entry_hash, reason=entry.reason,
        location=entry.location, from_party=party(entry.from_party), to_party=party(entry.to_party),
        sha256=entry.sha256, text=entry.text,
    )


def select_exhibits(views: Sequence[ExhibitView], wanted: Sequence[str] | None,
                    include_sensitive: bool, later: Sequence[str] = (), at: datetime | None = None,
                    ) -> tuple[list[ExhibitView], list[Excluded]]:
    """Which exhibits go in, and why each of the others does not. ``later``: exhibits of the case that came after
    ``at``, the time the bundle is as at (a wanted one is refused saying so, not as unknown)."""
    duplicates = sensitive_duplicates(views)
    chosen: set[str] | None = None
    if wanted is not None:
        chosen = {references.normalise(ref) for ref in wanted}
        known = {v.reference: v for v in views}
        for ref in sorted(chosen, key=references.sort_key):
            if ref not in known and ref in later and at is not None:
                raise UsageError(f"{ref} was ingested after {uk_display(at)}, the time the bundle is as at: leave it "
                                 "out, or export as at a later time", field="exhibits")
            if ref not in known:
                raise UsageError(f"no exhibit {ref} in this case",
                                 cli_hint="`casedesk evidence list` shows the register")
            view = known[ref]
            if view.status != "active":
                raise UsageError(f"{ref} is withdrawn; a withdrawn exhibit never goes in a bundle")
            if view.sensitive and not include_sensitive:
                raise UsageError(f"{ref} is marked sensitive (MG6D); choose to include sensitive exhibits to export it",
                                 cli_hint="add --include-sensitive")
            if ref in duplicates and not include_sensitive:
                raise UsageError(f"{ref} has the same content as the sensitive exhibit {duplicates[ref]} (MG6D), so "
                                 "it is withheld with it; choose to include sensitive exhibits to export it",
                                 cli_hint="add --include-sensitive")
    included: list[ExhibitView] = []
    excluded: list[Excluded] = []
    for view in sorted(views, key=lambda v: references.sort_key(v.reference)):
        if view.status != "active":
            excluded.append(Excluded(view.reference, "withdrawn"))
        elif chosen is not None and view.reference not in chosen:
            excluded.append(Excluded(view.reference, "not selected"))
        elif view.sensitive and not include_sensitive:
            excluded.append(Excluded(view.reference, "sensitive"))
        elif view.reference in duplicates and not include_sensitive:
            excluded.append(Excluded(view.reference, "sensitive duplicate"))
        else:
            included.append(view)
    return included, excluded


def reproduce_command(case_ref: str, file_name: str, at: datetime, marking: str, wanted: Sequence[str] | None,
                      include_sensitive: bool, notes: Sequence[int] = (), all_notes: bool = False) -> str:
    parts = [f"casedesk export {case_ref} -o {file_name} --at {iso_utc(at)} --marking {marking}"]
    if wanted is not None:
        parts.append("--exhibits " + ",".join(sorted({references.normalise(r) for r in wanted},
                                                     key=references.sort_key)))
    if include_sensitive:
        parts.append("--include-sensitive")
    if all_notes:
        parts.append("--all-notes")
    parts += [f"--note {n}" for n in sorted(set(notes))]
    return " ".join(parts)


class Bundles:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _unit(self, ref: str) -> tuple[UnitKey | None, list[str]]:
        """The unit the log is enrolled with and what does not chain to it; (None, why) when the enrolment the log
        names does not hold (the log then counts as not enrolled)."""
        unit = Enrolment(self.s).unit()
        if unit is None:
            return None, []
        found = unit_problems(self.s.datadir.database, self.s.keys.database, unit.fingerprint, frozenset({ref}))
        if found and found[0].message == pinning.M_NOT_ENROLLED.format(fp=unit.fingerprint):
            return None, [p.describe() for p in found[1:]]
        return unit, [p.describe() for p in found]

    def export(
        self,
        case_ref: str,
        out: Path,
        exhibits: Sequence[str] | None = None,
        include_sensitive: bool = False,
        marking: str | None = None,
        at: datetime | None = None,
        progress: Progress = no_progress,
        cancel: CancelToken | None = None,
        size_limit: int = SIZE_LIMIT,
        notes: Sequence[int] = (),
        all_notes: bool = False,
    ) -> BundleResult:
        """``notes``: case notes to put in the bundle, by entry number (any version names the note; the bundle
        shows its last version up to the head); ``all_notes``: every note of the case (docs/bundle.md)."""
        self.s.require(Permission.BUNDLE_EXPORT)
        self.s.require(Permission.CASE_CONTENT)
        if self.s.integrity_alerts:
            raise self.s.blocked("exports")
        out = Path(out).expanduser().absolute()
        refuse_data_dir(out, self.s.datadir.root, "a bundle")
        if out.is_dir():
            raise UsageError(f"{out} is a folder; give the bundle's file name, e.g. -o {out / 'bundle.pdf'}")
        out = check_target(out, self.s.datadir.root, "a bundle")
        for side in (M.sidecar_path(out), M.manifest_path(out), M.verifier_path(out)):
            check_target(side, self.s.datadir.root, "a bundle")
        now = utc_now()
        when = now if at is None else to_utc(at)
        if when > now + timedelta(minutes=1):
            raise UsageError("the time to export as at is in the future; give the time of the export to reproduce",
                             field="at", cli_hint="--at")
        with self.s.read() as db:
            case = self.s.case(db, case_ref, Permission.BUNDLE_EXPORT)
            ref = case.reference
            # Never a bundle that shows one copy's word as the whole history (services/conflicts.py).
            refuse_export(db, ref)
            chosen = settings.SPECS["bundle.default_marking"].validate(
                marking if marking is not None else settings.get(db, "bundle.default_marking"))
            users = {u.username: u for u in db.scalars(select(User))}
            head_seq, head_hash = head_at(db, when)
            # The tree head of the log up to that entry, printed so that a later export can be checked
            # against it (tools/verify_custody.py --earlier SIZE:ROOT); the full verification below passes
            # only if every stored hash is the recomputed one, so the stored hashes are the leaf inputs.
            tree_root = merkle.root([bytes.fromhex(h) for h in db.scalars(
                select(CustodyEntry.entry_hash).where(CustodyEntry.seq <= head_seq).order_by(CustodyEntry.seq))]).hex()
        case_detail = _case_detail(self.s, ref)
        # Everything the bundle shows comes from the log up to the head (see bundle_state).
        case_log = [e for e in Custody(self.s).log(ref) if e.seq <= head_seq]
        register = Evidence(self.s).list(ref, include_withdrawn=True)
        views = exhibits_as_at(register, case_log, head_seq)
        summary = summary_as_at(case_detail[3], case_log, head_seq, when)
        as_then = {v.reference for v in views}
        included, excluded = select_exhibits(views, exhibits, include_sensitive,
                                             [e.reference for e in register if e.reference not in as_then], when)
        withheld = {e.reference: LEFT_OUT_WHY[e.reason] for e in excluded
                    if e.reason in ("sensitive", "sensitive duplicate")}
        chosen_notes, notes_left_out = notes_as_at(case_log, head_seq, list(notes), all_notes, withheld)

        # A full verification first: it must pass, or nothing is written.
        def verify_progress(done: int, total: int, message: str = "") -> None:
            progress(done, total, f"verifying: {message}" if message else "verifying")

        report = verify_before_export(self.s, ref, verify_progress, cancel)
        # The unit key the log chains to (unit-trust.md). Entries not (yet) certified, such as a new officer's
        # before the unit has answered, do not block the export: the bundle says so plainly.
        unit, uncertified = self._unit(ref)
        wanted = {v.reference for v in included}
        entries = [_line(e, users) for e in case_log if e.exhibit_ref is None or e.exhibit_ref in wanted]
        spec = BundleSpec(
            case=CaseInfo(ref, case_detail[0], tuple(case_detail[1]), _display(users, case_detail[2]), summary),
            exhibits=tuple(_exhibit_info(v, users) for v in included),
            custody=tuple(entries),
            marking=chosen,
            at=when,
            head_seq=head_seq,
            head_hash=head_hash,
            tree_root=tree_root,
            case_notes=tuple(
                CaseNote(number=n.first, entry=n.entry.seq, entry_hash=n.entry.entry_hash,
                         author=_display(users, n.entry.actor), written_at=n.entry.timestamp,
                         text=n.entry.text or "", version=n.version, revises=n.entry.data.get("revises"),
                         exhibit=n.entry.exhibit_ref)
                for n in chosen_notes),
            notes_left_out=len(notes_left_out),
            prepared_by=_display(users, self.s.user.username),
            tool=tool_id(),
            verification=(
                f"A full verification ran at export and passed: the custody log's hash chain and signatures, "
                f"the copies of its head kept outside the database, and every exhibit of case {ref}, those in this "
                "bundle included, each re-read from the encrypted vault and re-hashed against the SHA-256 recorded "
                "at ingest.",
                "Each original attached to this bundle was hashed again as it was copied in, and matched.",
                *_time_statements(report.acknowledged),
                *_unit_statements(unit, uncertified),
            ),
            unit=None if unit is None else (unit.name, unit.fingerprint),
            unit_uncertified=tuple(uncertified) if unit is not None else (),
            file_name=out.name,
            left_out=tuple(LeftOut(e.reference, LEFT_OUT_WHY[e.reason]) for e in excluded),
            notes=("To reproduce this file: "
                   + reproduce_command(ref, out.name, when, chosen, exhibits, include_sensitive,
                                       () if all_notes else [n.first for n in chosen_notes], all_notes),),
        )
        evidence = Evidence(self.s)

        @contextlib.contextmanager
        def open_original(info: ExhibitInfo) -> Iterator[BinaryIO]:
            with evidence.read_original(ref, info.reference) as stream:
                yield stream

        _remove_stale_temporaries(out.parent)  # named partial files left by earlier versions
        with contextlib.ExitStack() as files:
            pdf = files.enter_context(NewFile(out))
            sidecar = files.enter_context(NewFile(M.sidecar_path(out)))
            manifest_file = files.enter_context(NewFile(M.manifest_path(out)))
            verifier = files.enter_context(NewFile(M.verifier_path(out)))
            try:
                built = build_bundle(spec, open_original, pdf.path, progress=progress, cancel=cancel,
                                     work_folder=out.parent)
                sha256 = M.file_sha256(pdf.path)
                size = os.fstat(pdf.fd).st_size
                full = M.full_manifest(built.manifest, out.name, sha256, size)
                manifest_data = M.manifest_bytes(full)
                sidecar.write(M.sidecar_text(sha256, out.name).encode())
                manifest_file.write(manifest_data)
                verifier.write(M.verifier_bytes())
            except OSError as exc:
                if exc.errno not in _NO_ROOM:
                    raise
                raise UsageError(
                    f"cannot write the bundle in {out.parent}: {(exc.strerror or 'write failed').lower()}; "
                    "free some space or choose another folder with -o. Nothing was exported"
                ) from None
            if cancel is not None:
                cancel.check()
            with self.s.write() as db:
                entry = self.s.record(
                    db, EXPORTED, case_ref=ref, sha256=sha256,
                    data={
                        "file": out.name, "size": size, "pages": built.pages, "marking": chosen,
                        "at": iso_utc(when), "head_seq": head_seq, "head_hash": head_hash, "tree_root": tree_root,
                        "included": [v.reference for v in included],
                        "excluded": [{"exhibit": e.reference, "reason": e.reason} for e in excluded],
                        "placeholders": [ref_ for ref_, _ in built.problems],
                        "manifest_sha256": _sha(manifest_data),
                        **({"notes": [{"note": n.number, "entry": n.entry, "entry_hash": n.entry_hash,
                                       "sha256": n.sha256} for n in spec.case_notes],
                            "notes_left_out": notes_left_out} if notes or all_notes else {}),
                    },
                )
                recorded = entry.seq
            publish_all([pdf, sidecar, manifest_file, verifier])
        log.info("bundle exported: case %s, %d exhibits, %d excluded, %d pages, entry %d", ref, len(included),
                 len(excluded), built.pages, recorded)
        return BundleResult(
            path=out, sha256=sha256, size=size, pages=built.pages, included=[v.reference for v in included],
            excluded=excluded, problems=[Placeholder(r, why) for r, why in built.problems],
            manifest_path=M.manifest_path(out), sidecar_path=M.sidecar_path(out), head_seq=head_seq,
            head_hash=head_hash, marking=chosen, at=when, recorded_as=recorded,
            warnings=[w for w in (size_warning(size, size_limit, included,
                                               f"casedesk export {ref} -o PART.pdf --at {iso_utc(when)}"),)
                      if w],
            notes=[n.number for n in spec.case_notes], notes_left_out=notes_left_out,
        )


_PARTIAL = re.compile(r"\..+\.casedesk-bundle-(\d+)\.partial")


def _remove_stale_temporaries(folder: Path) -> None:
    """Partial bundles, sidecars and manifests that exports killed before their clean-up left in ``folder``."""
    with contextlib.suppress(OSError):
        for entry in folder.iterdir():
            m = _PARTIAL.fullmatch(entry.name)
            if m is not None and entry.is_file() and not process_alive(int(m.group(1))):
                entry.unlink(missing_ok=True)


def _case_detail(session: Session, ref: str) -> tuple[str, list[str], str, str]:
    detail = Cases(session).show(ref)
    return detail.title, list(detail.offences), detail.officer_in_charge, detail.summary


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _unit_statements(unit: UnitKey | None, problems: Sequence[str]) -> tuple[str, ...]:
    if unit is None:
        said = (f"{NOT_ENROLLED}: nothing in this bundle shows that the installation's custody log belongs to the "
                "force; its keys were registered by its own administrator.")
        return (said, *(f"The log names a unit enrolment that does not hold: {p}" for p in problems[:3]))
    if problems:
        n = len(problems)
        return (f"The installation is enrolled with the unit key {unit.name}, fingerprint {unit.fingerprint}, but "
                f"{n} custody entr{'y is' if n == 1 else 'ies are'} not signed with a key that unit key certified "
                f"at the entry's time; first: {problems[0]}",)
    return (f"Every custody entry after the installation's enrolment is signed with a key certified by the unit key "
            f"{unit.name}, fingerprint {unit.fingerprint}, and the entries before it are those the unit saw when it "
            "enrolled the installation. Compare that fingerprint with the one the force publishes.",)


def _time_statements(acknowledged: Sequence[str]) -> tuple[str, ...]:
    """An acknowledged time anomaly passes verification, and the bundle says so plainly."""
    if not acknowledged:
        return ()
    return (
        f"The custody log holds {len(acknowledged)} entry time(s) that a supervisor acknowledged as wrong (a "
        "computer clock that was ahead or behind when the entry was written). Those entries are unchanged, "
        "still hash-chained and signed; only their times are not relied on for the order of events:",
        *(text[0].upper() + text[1:] + "." for text in acknowledged),
    )
