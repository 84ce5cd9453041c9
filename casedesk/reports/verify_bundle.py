"""Checking a bundle: its end of file, hash, manifest and attachments, and the custody log it came from.

Every check reads only files: the bundle, the ``.sha256`` and
``.manifest.json`` files beside it, and a custody export
(``casedesk custody export``), so anyone holding them can run it; the browser
verifier shipped beside each bundle (``browser/verifier.html``) runs the same
checks, in the same order, with the same words (docs/bundle.md, "Checking a
bundle"). With a signed-in session it also confirms, in this store, the head
printed in the bundle and the entry that records its export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from casedesk.errors import NotFound
from casedesk.reports import bundle_log as L
from casedesk.reports import bundle_pdf as P
from casedesk.reports import manifest as M
from casedesk.reports.assemble import MANIFEST_FORMAT, MANIFEST_NAME
from casedesk.security.roles import Permission
from casedesk.store.models import CustodyEntry
from casedesk.trust.unitkey import normalise_fingerprint

if TYPE_CHECKING:
    from casedesk.services.session import Session

EXPORTED = L.EXPORTED
PASS, FAIL, SKIP = "pass", "fail", "not checked"
NO_LOG = "no custody export given"


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # pass | fail | not checked
    detail: str

    @property
    def ok(self) -> bool:
        return self.status != FAIL


@dataclass
class BundleCheck:
    path: Path
    sha256: str
    size: int = 0
    checks: list[Check] = field(default_factory=list)
    case: str | None = None
    pages: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    recorded_as: int | None = None  # the bundle.exported entry naming this file's hash

    @property
    def ok(self) -> bool:
        """No check failed (some may not have been made: see ``verdict``)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def verdict(self) -> str:
        if not self.ok:
            return "NOT VERIFIED"
        if any(c.status == SKIP for c in self.checks):
            return "NO PROBLEM FOUND, NOT EVERYTHING CHECKED"
        return "VERIFIED"

    def add(self, name: str, status: str | bool, detail: str) -> None:
        if isinstance(status, bool):
            status = PASS if status else FAIL
        self.checks.append(Check(name, status, detail))


def verify_bundle(path: Path, session: Session | None = None, unit_fingerprint: str | None = None, *,
                  custody: Path | None = None, sidecar: Path | None = None,
                  manifest: Path | None = None) -> BundleCheck:
    """Every check that can be made on ``path`` (sidecar and manifest default to the files beside it).

    ``custody``: a custody export to check the bundle against. ``unit_fingerprint``: the unit key the bundle
    must name, and (with a session) the store's log chain to.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"no bundle at {path}")
    if custody is not None and not Path(custody).is_file():
        raise NotFound(f"no custody export at {custody}")
    sidecar = M.sidecar_path(path) if sidecar is None else Path(sidecar)
    manifest = M.manifest_path(path) if manifest is None else Path(manifest)
    handle, data = P.open_bytes(path)
    try:
        result = BundleCheck(path, M.file_sha256(path), len(data))
        embedded = _check_file(result, data,
                               sidecar.read_bytes() if sidecar.is_file() else None,
                               manifest.read_bytes() if manifest.is_file() else None)
    finally:
        if not isinstance(data, bytes):
            data.close()
        handle.close()
    log = _check_log(result, embedded, Path(custody).read_bytes() if custody is not None else None)
    if embedded is not None and "notes" in embedded:
        _check_notes(result, embedded, log, custody is not None)
    if session is not None and embedded is not None:
        _check_store(result, session, embedded)
    if unit_fingerprint is not None and embedded is not None:
        _check_unit(result, normalise_fingerprint(unit_fingerprint), embedded, session, log)
    return result


def _check_unit(result: BundleCheck, pinned: str, embedded: dict[str, Any], session: Session | None,
                log: L.CustodyLog | None = None) -> None:
    """The unit key the bundle names against the pinned one; then the log against that key: the store's whole log
    (with a session), else the custody export's (when given and readable)."""
    unit = embedded.get("unit")
    named = unit.get("fingerprint") if isinstance(unit, dict) else None
    if named is None:
        result.add("unit key", False, f"the bundle says its installation is not enrolled with a unit, so its custody "
                                      f"log cannot chain to unit {pinned}")
        return
    if named != pinned:
        result.add("unit key", False, f"the bundle names unit key {_show(named)}, not the pinned unit key {pinned}")
        return
    uncertified = unit.get("uncertified") if isinstance(unit, dict) else None
    if uncertified:
        result.add("unit key", False, f"the bundle says {_show(uncertified)} custody entries of its log are not "
                                      f"certified by the pinned unit key {pinned}")
        return
    if session is None and log is not None:
        found = L.unit_problems(log, pinned)
        if found:
            n = len(found)
            result.add("unit key", False, f"{n} problem{'s' if n != 1 else ''} in the custody export's log against "
                                          f"unit {pinned}; first: {found[0]}")
        else:
            result.add("unit key", True, f"every key of the custody export's log chains to the pinned unit key "
                                         f"{pinned}")
        return
    if session is None:
        result.add("unit key", True, f"the bundle names the pinned unit key {pinned} (a claim: the custody log proves "
                                     "it, with --user against the store or tools/verify_custody.py --unit-fingerprint "
                                     "on the case's custody export)")
        return
    from casedesk.trust.logcheck import unit_problems  # here: the file checks above need no store

    session.require(Permission.VERIFY)
    problems = unit_problems(session.datadir.database, session.keys.database, pinned)
    if problems:
        n = len(problems)
        result.add("unit key", False, f"{n} problem{'s' if n != 1 else ''} in the store's custody log against unit "
                                      f"{pinned}; first: {problems[0].describe()}")
    else:
        result.add("unit key", True, f"every key of the store's custody log chains to the pinned unit key {pinned}")


def _check_file(result: BundleCheck, data: Any, sidecar: bytes | None, outside: bytes | None
                ) -> dict[str, Any] | None:
    """The checks on the files alone; returns the manifest inside the PDF when it can be read."""
    try:
        layout: P.Layout | None = P.read_layout(data)
        result.add("end of file", PASS, f"the file ends where CaseDesk ended it, at byte {result.size}, with its "
                                        "one cross-reference table: nothing was appended or updated")
    except (P.LayoutError, RecursionError) as exc:
        layout = None
        result.add("end of file", FAIL, str(exc))
    _check_sidecar(result, sidecar)
    found: P.Attachments | None = None
    if layout is not None:
        try:
            found = P.attachments(data, layout, MANIFEST_NAME)
        except (P.LayoutError, RecursionError) as exc:
            result.add("manifest", FAIL, f"the PDF's objects cannot be read ({exc})")
            result.add("attachments", SKIP, "the PDF's objects cannot be read")
            return None
    if found is None:
        result.add("manifest", SKIP, "the PDF's structure cannot be read (see end of file)")
        result.add("attachments", SKIP, "the PDF's structure cannot be read (see end of file)")
        return None
    embedded = _check_manifest(result, found, outside)
    if embedded is None:
        result.add("attachments", SKIP, "no manifest to check them against")
        return None
    _check_attachments(result, found, embedded)
    return embedded


def _check_sidecar(result: BundleCheck, raw: bytes | None) -> None:
    if raw is None:
        result.add("bundle hash", SKIP, "no .sha256 file given")
        return
    sums = M.parse_sidecar(raw.decode("utf-8", errors="replace"))
    expected = sums.get(result.path.name)
    if expected is None and len(sums) == 1:
        expected = next(iter(sums.values()))
    if expected is None:
        result.add("bundle hash", FAIL, f"the .sha256 file holds no SHA-256 for {result.path.name}")
    elif expected != result.sha256:
        result.add("bundle hash", FAIL, f"the file's SHA-256 is {result.sha256}, the .sha256 file says {expected}: "
                                        "the file has changed since it was exported")
    else:
        result.add("bundle hash", PASS, f"SHA-256 {result.sha256} is the one the .sha256 file gives")


def _check_manifest(result: BundleCheck, found: P.Attachments, outside_raw: bytes | None) -> dict[str, Any] | None:
    if found.manifest is None:
        why = "; ".join(found.problems) or f"the PDF has no attached {MANIFEST_NAME}: it is not a CaseDesk bundle"
        result.add("manifest", FAIL, why)
        return None
    try:
        embedded = json.loads(found.manifest)
    except (ValueError, UnicodeDecodeError):
        embedded = None
    if not isinstance(embedded, dict) or embedded.get("format") != MANIFEST_FORMAT:
        result.add("manifest", FAIL, f"{MANIFEST_NAME} is not a {MANIFEST_FORMAT} manifest")
        return None
    result.case = _show(embedded.get("case"))
    head = _dict(embedded.get("custody_head"))
    result.head_seq = head.get("seq")
    result.head_hash = head.get("entry_hash")
    result.pages = embedded.get("pages") if isinstance(embedded.get("pages"), int) else None
    what = f"the manifest inside the PDF lists {len(_exhibits(embedded))} exhibit(s) of case {result.case}"
    if outside_raw is None:
        result.add("manifest", PASS, f"{what} (no .manifest.json file given)")
        return embedded
    try:
        outside = json.loads(outside_raw)
    except (ValueError, UnicodeDecodeError):
        result.add("manifest", FAIL, "the .manifest.json file is not valid JSON")
        return embedded
    problems = []
    bundle = outside.get("bundle") if isinstance(outside, dict) else None
    if not isinstance(bundle, dict) or bundle.get("sha256") != result.sha256 or bundle.get("size") != result.size:
        problems.append("its bundle SHA-256 or size is not the file's")
    inside = {k: v for k, v in outside.items() if k != "bundle"} if isinstance(outside, dict) else None
    if inside != embedded:
        problems.append("its exhibits, hashes or custody head differ from the manifest inside the PDF")
    if problems:
        result.add("manifest", FAIL, "the .manifest.json file does not match: " + "; ".join(problems))
    else:
        result.add("manifest", PASS, f"{what}; the .manifest.json file matches it and the file")
    return embedded


def _show(value: Any) -> str:
    """A value read from a file, in a message: text as it is, anything else as compact JSON (as the browser)."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _exhibits(embedded: dict[str, Any]) -> list[dict[str, Any]]:
    items = embedded.get("exhibits")
    return [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []


def _check_attachments(result: BundleCheck, found: P.Attachments, embedded: dict[str, Any]) -> None:
    bad = list(found.problems)
    unused = [f for n, f in sorted(found.files.items()) if n != found.manifest_number]
    listed = _exhibits(embedded)
    for item in listed:
        match = next((f for f in unused if f.sha256 == item.get("sha256") and f.size == item.get("size")), None)
        if match is None:
            bad.append(f"{_show(item.get('reference'))}: no attached file has the SHA-256 and size the manifest "
                       f"gives ({_show(item.get('sha256'))}, {_show(item.get('size'))} bytes)")
        else:
            unused.remove(match)
    for extra in unused:
        bad.append(f"an attached file (object {extra.number}, SHA-256 {extra.sha256}, {extra.size} bytes) is not "
                   "an original the manifest lists")
    if bad:
        result.add("attachments", FAIL, "; ".join(bad))
    else:
        result.add("attachments", PASS, f"{len(listed)} attached original(s), each with the SHA-256 and size the "
                                        "manifest gives; no other file is attached")


def _check_log(result: BundleCheck, embedded: dict[str, Any] | None, raw: bytes | None) -> L.CustodyLog | None:
    """Checks 5 to 9; returns the custody export read (None: not given or unreadable)."""
    names = ("custody log", "export entry", "exhibits in the log", "custody head", "merkle root")
    if raw is None:
        for name in names:
            result.add(name, SKIP, NO_LOG)
        return None
    try:
        log = L.read_log(raw)
    except L.UnreadableExport as exc:
        result.add(names[0], FAIL, f"the custody export cannot be read: {exc}")
        for name in names[1:]:
            result.add(name, SKIP, "the custody export cannot be read")
        return None
    _check_in_log(result, embedded, log, names)
    return log


def _check_in_log(result: BundleCheck, embedded: dict[str, Any] | None, log: L.CustodyLog,
                  names: tuple[str, ...]) -> None:
    if log.problems:
        more = len(log.problems) - 1
        result.add(names[0], FAIL, log.problems[0] + (f" (and {more} more problem(s))" if more else ""))
    else:
        result.add(names[0], PASS, f"{len(log.entries)} entries, each with its recorded hash, linked to the one "
                                   "before and signed with the key the log registers for its author; the export is "
                                   f"as {log.signed_by} signed it")
    # Which export recorded this file: of the bundle's own case, or (manifest unreadable) of any case.
    case = embedded.get("case") if embedded is not None else None
    found = L.export_entry(log, case, result.sha256, any_case=embedded is None)
    if found is None:
        of = f" of case {_show(case)}" if embedded is not None else ""
        result.add(names[1], FAIL, f"no {EXPORTED} entry{of} in the custody export records SHA-256 "
                                   f"{result.sha256}: this is not the file CaseDesk exported")
    else:
        data = _dict(found.line.get("data"))
        result.recorded_as = found.seq
        result.add(names[1], PASS, f"entry {found.seq} records the export of this exact file ("
                                   f"{_show(data.get('file'))}, {_show(data.get('size'))} bytes) for case "
                                   f"{_show(found.line.get('case'))}, by {_show(found.line.get('actor'))} at "
                                   f"{_show(found.line.get('time'))}")
    if embedded is None:
        for name in names[2:]:
            result.add(name, SKIP, "the bundle's manifest cannot be read")
        return
    ingested = L.ingest_hashes(log, case)
    bad = []
    listed = _exhibits(embedded)
    for item in listed:
        ref = item.get("reference")
        got = ingested.get(ref) if isinstance(ref, str) else None
        if got is None:
            bad.append(f"{_show(ref)}: the custody log has no ingest entry for this exhibit")
        elif got[1] != item.get("sha256"):
            bad.append(f"{_show(ref)}: the manifest gives SHA-256 {_show(item.get('sha256'))}, the custody log "
                       f"recorded {_show(got[1])} at ingest (entry {got[0]})")
    if bad:
        result.add(names[2], FAIL, "; ".join(bad))
    else:
        result.add(names[2], PASS, f"{len(listed)} exhibit(s): each SHA-256 is the one the custody log recorded "
                                   "at ingest")
    head = _dict(embedded.get("custody_head"))
    seq, digest = head.get("seq"), head.get("entry_hash")
    entry = log.entry(seq)
    if entry is None:
        result.add(names[3], FAIL, f"the bundle prints entry {_show(seq)} as the custody log head, the custody export "
                                   f"ends at entry {len(log.entries)}")
    elif entry.line.get("hash") != digest:
        result.add(names[3], FAIL, f"the bundle prints hash {_show(digest)} for entry {seq}, the custody log has "
                                   f"{_show(entry.line.get('hash'))}")
    else:
        result.add(names[3], PASS, f"entry {seq} has hash {_show(digest)}, as the bundle prints")
    tree = embedded.get("custody_tree") if isinstance(embedded.get("custody_tree"), dict) else None
    if tree is None:
        result.add(names[4], SKIP, "the bundle records no Merkle root (made before CaseDesk printed one)")
        return
    size, root = tree.get("size"), tree.get("root")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= len(log.entries):
        result.add(names[4], FAIL, f"the bundle prints a Merkle root for the first {_show(size)} entries, the custody "
                                   f"export has {len(log.entries)}")
        return
    ours = log.root(size)
    if ours != root:
        result.add(names[4], FAIL, f"the bundle prints Merkle root {_show(root)} for the first {size} entries, the "
                                   f"custody log gives {ours}")
    else:
        result.add(names[4], PASS, f"the custody log's first {size} entries have Merkle root {ours}, as the bundle "
                                   f"prints: check a later export against it with --earlier {size}:{ours}")


def _check_notes(result: BundleCheck, embedded: dict[str, Any], log: L.CustodyLog | None, given: bool) -> None:
    """Check 10, for a bundle with case notes: each note version it prints is the log's entry, a note of the case,
    with the hash the bundle prints."""
    name = "notes in the log"
    if log is None:
        result.add(name, SKIP, "the custody export cannot be read" if given else NO_LOG)
        return
    items = embedded.get("notes")
    notes = [n for n in items if isinstance(n, dict)] if isinstance(items, list) else []
    case = embedded.get("case")
    bad = []
    for item in notes:
        number, seq = _show(item.get("note")), item.get("entry")
        entry = log.entry(seq)
        if entry is None or not entry.full:
            bad.append(f"note {number}: the custody export has no entry {_show(seq)} in full")
        elif entry.line.get("action") != L.NOTE_ADDED or entry.line.get("case") != case:
            bad.append(f"note {number}: entry {seq} of the custody log is not a note of case {_show(case)}")
        elif entry.line.get("hash") != item.get("entry_hash"):
            bad.append(f"note {number}: the bundle prints hash {_show(item.get('entry_hash'))} for entry {seq}, "
                       f"the custody log has {_show(entry.line.get('hash'))}")
    if bad or not isinstance(items, list):
        result.add(name, FAIL, "; ".join(bad) or "the manifest's list of notes cannot be read")
    else:
        result.add(name, PASS, f"{len(notes)} note(s): each is the custody log's entry, a note of case {_show(case)}, "
                               "with the hash the bundle prints")


def _check_store(result: BundleCheck, session: Session, embedded: dict[str, Any]) -> None:
    session.require(Permission.VERIFY)
    case_ref = str(embedded.get("case"))
    with session.read() as db:
        session.case(db, case_ref, Permission.CASE_LIST)
        seq, digest = result.head_seq, result.head_hash
        row = db.get(CustodyEntry, seq) if isinstance(seq, int) else None
        if row is None:
            result.add("custody head in the store", False, f"the log of this store has no entry {seq}")
        elif row.entry_hash != digest:
            result.add("custody head in the store", False,
                       f"entry {seq} of this store's log has hash {row.entry_hash[:16]}..., "
                       f"the bundle says {str(digest)[:16]}...")
        else:
            result.add("custody head in the store", True, f"entry {seq} with hash {str(digest)[:16]}... is in the log")
        recorded = db.scalars(
            select(CustodyEntry.seq).where(CustodyEntry.action == EXPORTED, CustodyEntry.case_ref == case_ref,
                                           CustodyEntry.sha256 == result.sha256).order_by(CustodyEntry.seq)
        ).first()
        if recorded is None:
            result.add("export entry in the store", False,
                       f"no {EXPORTED} entry of case {case_ref} records a bundle with this SHA-256")
        else:
            result.recorded_as = int(recorded)
            result.add("export entry in the store", True, f"the export of this exact file is custody entry {recorded}")
