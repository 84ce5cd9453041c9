"""Checking a bundle: the file against its sidecar and manifest, the attachments, and (with a store) the log.

Without a session nothing but the files is needed, so anyone holding the
bundle can run it. With a signed-in session it also confirms that the custody
log head printed in the bundle is an entry of this store's log with that
hash, and that the log records the export of this exact file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pikepdf
from sqlalchemy import select

from casedesk.errors import NotFound
from casedesk.reports import manifest as M
from casedesk.reports.assemble import MANIFEST_FORMAT, MANIFEST_NAME
from casedesk.security.roles import Permission
from casedesk.store.models import CustodyEntry
from casedesk.trust.unitkey import normalise_fingerprint

if TYPE_CHECKING:
    from casedesk.services.session import Session

EXPORTED = "bundle.exported"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class BundleCheck:
    path: Path
    sha256: str
    checks: list[Check] = field(default_factory=list)
    case: str | None = None
    pages: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None
    recorded_as: int | None = None  # the bundle.exported entry naming this file's hash

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, ok, detail))


def _stream_sha256(stream: pikepdf.Object) -> tuple[str, int]:
    data = stream.read_bytes()
    return hashlib.sha256(data).hexdigest(), len(data)


def verify_bundle(path: Path, session: Session | None = None, unit_fingerprint: str | None = None) -> BundleCheck:
    """Every check that can be made on ``path``; ``.ok`` only when all pass.

    ``unit_fingerprint``: the unit key the bundle must name, and (with a session) the store's log chain to.
    """
    path = Path(path)
    if not path.is_file():
        raise NotFound(f"no bundle at {path}")
    sha256 = M.file_sha256(path)
    result = BundleCheck(path, sha256)
    _check_sidecar(result)
    embedded = _check_pdf(result)
    _check_manifest_file(result, embedded)
    if session is not None and embedded is not None:
        _check_store(result, session, embedded)
    if unit_fingerprint is not None and embedded is not None:
        _check_unit(result, normalise_fingerprint(unit_fingerprint), embedded, session)
    return result


def _check_unit(result: BundleCheck, pinned: str, embedded: dict[str, Any], session: Session | None) -> None:
    """The unit key the bundle names against the pinned one; with a store, its whole log against that key."""
    unit = embedded.get("unit")
    named = unit.get("fingerprint") if isinstance(unit, dict) else None
    if named is None:
        result.add("unit key", False, f"the bundle says its installation is not enrolled with a unit, so its custody "
                                      f"log cannot chain to unit {pinned}")
        return
    if named != pinned:
        result.add("unit key", False, f"the bundle names unit key {named}, not the pinned unit key {pinned}")
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


def _check_sidecar(result: BundleCheck) -> None:
    sidecar = M.sidecar_path(result.path)
    if not sidecar.is_file():
        result.add("sidecar", False, f"{sidecar.name} is missing, so the file's hash cannot be confirmed")
        return
    sums = M.parse_sidecar(sidecar.read_text("utf-8", errors="replace"))
    expected = sums.get(result.path.name)
    if expected is None and len(sums) == 1:
        expected = next(iter(sums.values()))
    if expected is None:
        result.add("sidecar", False, f"{sidecar.name} holds no SHA-256 for {result.path.name}")
    elif expected != result.sha256:
        result.add("sidecar", False, f"SHA-256 of the file is {result.sha256}, {sidecar.name} says {expected}: "
                                     "the file has changed since it was exported")
    else:
        result.add("sidecar", True, f"SHA-256 {result.sha256} matches {sidecar.name}")


def _check_pdf(result: BundleCheck) -> dict[str, Any] | None:
    try:
        pdf = pikepdf.open(result.path)
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        result.add("pdf", False, f"the file is not a readable PDF ({' '.join(str(exc).split())[:160]})")
        return None
    with pdf:
        files = dict(pdf.attachments.items())
        spec = files.pop(MANIFEST_NAME, None)
        if spec is None:
            result.add("manifest (embedded)", False, f"the PDF has no {MANIFEST_NAME}: not a CaseDesk bundle")
            return None
        try:
            embedded = json.loads(spec.get_file().read_bytes())
        except (ValueError, pikepdf.PdfError) as exc:
            result.add("manifest (embedded)", False, f"{MANIFEST_NAME} is unreadable ({exc})")
            return None
        if not isinstance(embedded, dict) or embedded.get("format") != MANIFEST_FORMAT:
            result.add("manifest (embedded)", False, f"{MANIFEST_NAME} is not a {MANIFEST_FORMAT} manifest")
            return None
        result.case = str(embedded.get("case"))
        head = embedded.get("custody_head") or {}
        result.head_seq = head.get("seq")
        result.head_hash = head.get("entry_hash")
        result.pages = len(pdf.pages)
        expected_pages = embedded.get("pages")
        result.add("pages", expected_pages == result.pages,
                   f"{result.pages} pages" + ("" if expected_pages == result.pages
                                              else f", the manifest says {expected_pages}"))
        bad: list[str] = []
        listed = embedded.get("exhibits") or []
        for item in listed:
            name = item.get("attachment")
            fs = files.pop(name, None)
            if fs is None:
                bad.append(f"{item.get('reference')}: attachment {name} is missing")
                continue
            digest, size = _stream_sha256(fs.obj.EF.F)
            if digest != item.get("sha256") or size != item.get("size"):
                bad.append(f"{item.get('reference')}: attachment {name} has SHA-256 {digest[:16]}... "
                           f"({size} bytes), the manifest says {str(item.get('sha256'))[:16]}...")
        for name in sorted(files):
            bad.append(f"attachment {name} is not in the manifest")
        if bad:
            result.add("attachments", False, "; ".join(bad))
        else:
            result.add("attachments", True,
                       f"{len(listed)} embedded original(s) hash to the SHA-256 values in the manifest")
        return embedded


def _check_manifest_file(result: BundleCheck, embedded: dict[str, Any] | None) -> None:
    path = M.manifest_path(result.path)
    if not path.is_file():
        result.add("manifest", False, f"{path.name} is missing")
        return
    try:
        outside = json.loads(path.read_bytes())
    except ValueError as exc:
        result.add("manifest", False, f"{path.name} is not valid JSON ({exc})")
        return
    problems = []
    bundle = outside.get("bundle") if isinstance(outside, dict) else None
    if not isinstance(bundle, dict) or bundle.get("sha256") != result.sha256:
        problems.append(f"its bundle SHA-256 does not match the file ({result.sha256[:16]}...)")
    if embedded is not None:
        inside = {k: v for k, v in outside.items() if k != "bundle"} if isinstance(outside, dict) else None
        if inside != embedded:
            problems.append("its exhibits, hashes or custody head differ from the manifest inside the PDF")
    if problems:
        result.add("manifest", False, f"{path.name}: " + "; ".join(problems))
    else:
        result.add("manifest", True, f"{path.name} matches the file and the manifest inside it")


def _check_store(result: BundleCheck, session: Session, embedded: dict[str, Any]) -> None:
    session.require(Permission.VERIFY)
    case_ref = str(embedded.get("case"))
    with session.read() as db:
        session.case(db, case_ref, Permission.CASE_LIST)
        seq, digest = result.head_seq, result.head_hash
        row = db.get(CustodyEntry, seq) if isinstance(seq, int) else None
        if row is None:
            result.add("custody head", False, f"the log of this store has no entry {seq}")
        elif row.entry_hash != digest:
            result.add("custody head", False,
                       f"entry {seq} of this store's log has hash {row.entry_hash[:16]}..., "
                       f"the bundle says {str(digest)[:16]}...")
        else:
            result.add("custody head", True, f"entry {seq} with hash {str(digest)[:16]}... is in the log")
        recorded = db.scalars(
            select(CustodyEntry.seq).where(CustodyEntry.action == EXPORTED, CustodyEntry.case_ref == case_ref,
                                           CustodyEntry.sha256 == result.sha256).order_by(CustodyEntry.seq)
        ).first()
        if recorded is None:
            result.add("export entry", False,
                       f"no {EXPORTED} entry of case {case_ref} records a bundle with this SHA-256")
        else:
            result.recorded_as = int(recorded)
            result.add("export entry", True, f"the export of this exact file is custody entry {recorded}")
