"""Bundle specs, PDF readers and ingest helpers for the bundle tests.

The evidence itself comes from ``casedesk.reports.sample.make_evidence``;
``spec_for`` turns it into a ``BundleSpec`` the way the service layer would,
``ingest_evidence`` puts it in a real store.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pikepdf
from pypdf import PdfReader

from casedesk.reports.model import BundleSpec, CaseInfo, CustodyLine, ExhibitInfo, exhibit_sort_key
from casedesk.reports.sample import EvidenceFile

CASE = "MPS-2026-0417"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
BATES_RE = re.compile(r"MPS-2026-0417-(\d{6})")


def exhibit_for(ev: EvidenceFile, number: int, initials: str = "JAS") -> ExhibitInfo:
    data = ev.path.read_bytes()
    return ExhibitInfo(
        reference=f"{initials}/{number}",
        description=ev.description,
        producer="Jane A Smith (JAS)",
        seized_from="Flat 3, 12 High Street, London E1 (Mr Dev Sharma)",
        seized_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC) + timedelta(minutes=number),
        seized_location="Living room desk",
        seal=f"MPSA{100230 + number}",
        original_name=ev.name,
        size=len(data),
        mime_type=ev.mime,
        type_description=ev.type_description,
        type_warning="extension .exe but content is text" if ev.name.endswith(".exe") else None,
        sha256=hashlib.sha256(data).hexdigest(),
        md5=hashlib.md5(data).hexdigest(),
        sha1=None,
        ingested_by="jsmith",
        ingested_at=datetime(2026, 3, 15, 11, 0, tzinfo=UTC) + timedelta(minutes=number),
        tool="CaseDesk 0.1.0",
        custodian="jsmith",
        location="Property store, Limehouse",
        fs_modified=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    )


def custody_for(exhibits: Sequence[ExhibitInfo]) -> tuple[CustodyLine, ...]:
    lines = [CustodyLine(5, datetime(2026, 3, 14, 8, 0, tzinfo=UTC), "jsmith", "case.created", None, "a" * 64)]
    seq = 6
    for ex in exhibits:
        lines.append(CustodyLine(seq, ex.ingested_at, "jsmith", "evidence.ingested", ex.reference,
                                 hashlib.sha256(f"{seq}".encode()).hexdigest(), location="Limehouse",
                                 sha256=ex.sha256, reason="seized under PACE s.19"))
        seq += 1
        lines.append(CustodyLine(seq, ex.ingested_at + timedelta(hours=1), "jsmith", "custody.transferred",
                                 ex.reference, hashlib.sha256(f"{seq}".encode()).hexdigest(),
                                 from_party="jsmith", to_party="Property store", reason="storage"))
        seq += 1
    return tuple(sorted(lines, key=lambda e: e.seq))


def spec_for(files: Sequence[EvidenceFile], marking: str = "OFFICIAL-SENSITIVE") -> tuple[BundleSpec, dict[str, Path]]:
    exhibits = [exhibit_for(ev, i + 1) for i, ev in enumerate(files)]
    exhibits.sort(key=lambda e: exhibit_sort_key(e.reference))
    custody = custody_for(exhibits)
    spec = BundleSpec(
        case=CaseInfo(CASE, "Operation Lantern", ("Fraud Act 2006 s.2", "Data Protection Act 2018 s.170"),
                      "Jane A Smith (jsmith)",
                      "On 3 March 2026 a newspaper handed the City of London Police a dossier of bank customers' "
                      "details.\nThe suspect, Dev Sharma, is believed to have sold them for £4,000 – see JAS/3."),
        exhibits=tuple(exhibits), custody=custody, marking=marking, at=AT,
        head_seq=custody[-1].seq, head_hash=custody[-1].entry_hash, prepared_by="Jane A Smith (jsmith)",
        tool="CaseDesk 0.1.0",
        verification=("Full verification passed: custody log chain and signatures, and every exhibit's stored "
                      "object re-hashed.",),
    )
    paths = {ex.reference: ev.path for ex, ev in zip(exhibits, files, strict=True)}
    return spec, paths


def opener(paths: dict[str, Path]):  # type: ignore[no-untyped-def]
    @contextmanager
    def open_original(ex: ExhibitInfo) -> Iterator[BinaryIO]:
        with paths[ex.reference].open("rb") as fh:
            yield fh

    return open_original


def page_texts(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    return [page.extract_text() or "" for page in reader.pages]


def searchable_pages(path: Path) -> list[str]:
    """Each page's text as a lawyer's tools find it: ``pdftotext`` (poppler) where installed, else pypdf."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
        pages = out.decode("utf-8").split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages
    return page_texts(path)


def attachments(path: Path) -> dict[str, bytes]:
    with pikepdf.open(path) as pdf:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}


def ingest_evidence(session, files: Sequence[EvidenceFile], case: str = CASE) -> list[str]:  # type: ignore[no-untyped-def]
    """Ingest each file as its own exhibit (its name on disk as recorded); returns the references."""
    from casedesk.services.evidence import Evidence, IngestMetadata

    evidence = Evidence(session)
    refs: list[str] = []
    for ev in files:
        source = ev.path
        if source.name != ev.name:
            source = ev.path.with_name(ev.name)
            ev.path.rename(source)
        summary = evidence.ingest(case, [source], IngestMetadata(
            description=ev.description, seized_from="Flat 3, 12 High Street, London E1 (Mr Dev Sharma)",
            seized_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC), location="Living room desk", seal="MPSA100231"))
        refs += [view.reference for view in summary.ingested]
    return refs


def build_large_exhibit_bundle(folder: Path, mib: int) -> int:
    """Build a bundle of one ``mib`` MiB incompressible exhibit in this process; returns its peak RSS in KiB.

    The exhibit's hash is computed streaming, so the only memory that can grow with it is the build's.
    """
    import os
    import resource
    from dataclasses import replace

    from casedesk.reports.assemble import build_bundle
    from casedesk.reports.sample import EvidenceFile

    folder.mkdir(parents=True, exist_ok=True)
    big = folder / "disk.img"
    with big.open("wb") as fh:
        block = os.urandom(1 << 20)
        for n in range(mib):
            fh.write(block[:-8] + n.to_bytes(8, "big"))
    with big.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    tiny = folder / "tiny"
    tiny.write_bytes(b"x")
    spec, _ = spec_for([EvidenceFile(tiny, "disk.img", "application/octet-stream", "Disk image", "data")])
    exhibit = replace(spec.exhibits[0], size=big.stat().st_size, sha256=digest, md5=None)
    spec = replace(spec, exhibits=(exhibit,))
    out = folder / "out" / "bundle.pdf"
    build_bundle(spec, opener({exhibit.reference: big}), out)
    with pikepdf.open(out) as pdf:
        attached = pdf.attachments["JAS-1_disk.img"].obj.EF.F
        assert int(attached.Length) == big.stat().st_size
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
