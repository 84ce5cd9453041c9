"""Evidence files and bundle specs for bundle tests, benchmarks and the preview (no store needed).

``make_evidence`` writes realistic small exhibits (PDF statements, text and
CSV files, JPEG photos with EXIF dates, an MP3-like blob) plus the awkward
ones the bundle must survive: an encrypted PDF, a corrupt PDF, a JPEG that
does not decode, a decompression bomb, a file name with a right-to-left
override. ``spec_for`` turns them into a ``BundleSpec`` the way the service
layer would.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pikepdf
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from casedesk.reports.model import BundleSpec, CaseInfo, CustodyLine, ExhibitInfo, exhibit_sort_key

CASE = "MPS-2026-0417"
AT = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
BATES_RE = re.compile(r"MPS-2026-0417-(\d{6})")


@dataclass(frozen=True)
class EvidenceFile:
    path: Path
    name: str  # the original name recorded at ingest (may hold control characters)
    mime: str
    description: str
    type_description: str


def _pdf(path: Path, pages: int, title: str, landscape_pages: bool = False) -> None:
    size = landscape(A4) if landscape_pages else A4
    c = Canvas(str(path), pagesize=size, invariant=1)
    for n in range(1, pages + 1):
        c.setFont("Helvetica-Bold", 14)
        c.drawString(60, size[1] - 70, f"{title} - page {n}")
        c.setFont("Helvetica", 10)
        for line in range(40):
            c.drawString(60, size[1] - 100 - line * 16, f"Line {line + 1}: the witness describes the events of 3 March 2026.")
        c.rect(40, 40, size[0] - 80, size[1] - 80)
        c.showPage()
    c.save()


def _photo(path: Path, seed: int, size: tuple[int, int] = (1600, 1200), date: str | None = "2026:03:14 09:12:33") -> None:
    image = Image.new("RGB", size, (30 + seed * 7 % 200, 90, 140))
    for x in range(0, size[0], 40):
        for y in range(0, size[1], 40):
            if (x // 40 + y // 40 + seed) % 3 == 0:
                image.paste((200, 180 - seed % 100, 60), (x, y, x + 30, y + 30))
    exif = Image.Exif()
    exif[271] = "Canon"
    exif[272] = "EOS 80D"
    if date:
        exif.get_ifd(0x8769)[36867] = date
        exif.get_ifd(0x8769)[36881] = "+00:00"
    image.save(path, "JPEG", quality=80, exif=exif)


def make_evidence(folder: Path, awkward: bool = True) -> list[EvidenceFile]:
    """A small, varied set of exhibits (and with ``awkward``, the ones that must become placeholders)."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[EvidenceFile] = []

    p = folder / "statement.pdf"
    _pdf(p, 3, "MG11 witness statement of R. Kumar")
    files.append(EvidenceFile(p, "statement.pdf", "application/pdf", "Witness statement of Rajesh Kumar (MG11), 3 pages",
                              "PDF document, version 1.4"))
    p = folder / "ledger.pdf"
    _pdf(p, 2, "Ledger of card details sold", landscape_pages=True)
    files.append(EvidenceFile(p, "ledger.pdf", "application/pdf", "Ledger of customer card details, landscape",
                              "PDF document, version 1.4"))
    p = folder / "chat.txt"
    p.write_text(
        "Chat export\n"
        "12/03/2026 21:04 Dev: the file is ready – £4,000 as agreed\n"
        "12/03/2026 21:05 राजेश: ठीक है, कल भेजो\n"
        "12/03/2026 21:06 محمد: تم الدفع (الدفعة الأولى)\n"
        + "".join(f"12/03/2026 21:{10 + i % 50:02d} Dev: line {i} of the export with some words to wrap around the page "
                  f"edge {'x' * (i % 7) * 20}\n" for i in range(120)),
        encoding="utf-8",
    )
    files.append(EvidenceFile(p, "chat.txt", "text/plain", "WhatsApp chat export between suspects (Hindi, Arabic, English)",
                              "Unicode text, UTF-8 text"))
    p = folder / "accounts.csv"
    p.write_text("sort_code,account,name,balance\n" + "".join(
        f"40-11-{i:02d},{12345670 + i},Customer {i},£{i * 137.5:.2f}\n" for i in range(60)), encoding="utf-8")
    files.append(EvidenceFile(p, "accounts.csv", "text/csv", "Spreadsheet of bank customers' details", "CSV text"))
    p = folder / "photo.jpg"
    _photo(p, 3)
    files.append(EvidenceFile(p, "IMG_0412.jpg", "image/jpeg", "Photograph of the laptop screen at the scene",
                              "JPEG image data, Exif standard"))
    p = folder / "voicemail.mp3"
    p.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + bytes(range(256)) * 40)
    files.append(EvidenceFile(p, "voicemail.mp3", "audio/mpeg", "Voicemail left on the victim's phone",
                              "Audio file with ID3 version 2.3.0"))
    if awkward:
        p = folder / "encrypted.pdf"
        _pdf(folder / "plain.pdf", 1, "Secret")
        with pikepdf.open(folder / "plain.pdf") as pdf:
            pdf.save(p, encryption=pikepdf.Encryption(owner="o", user="secret"))
        (folder / "plain.pdf").unlink()
        files.append(EvidenceFile(p, "bank-letter.pdf", "application/pdf", "Encrypted bank letter (password unknown)",
                                  "PDF document, version 1.6"))
        p = folder / "corrupt.pdf"
        p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage\n%%EOF\n")
        files.append(EvidenceFile(p, "invoice.pdf", "application/pdf", "Corrupt invoice PDF",
                                  "PDF document, version 1.4"))
        p = folder / "broken.jpg"
        _photo(folder / "whole.jpg", 5, (800, 600))
        data = (folder / "whole.jpg").read_bytes()
        p.write_bytes(data[: len(data) // 3])
        (folder / "whole.jpg").unlink()
        files.append(EvidenceFile(p, "broken.jpg", "image/jpeg", "Truncated photograph from the seized phone",
                                  "JPEG image data"))
        p = folder / "bomb.png"
        bomb = Image.new("1", (10000, 10000), 0)
        bomb.save(p, "PNG", optimize=True)
        files.append(EvidenceFile(p, "huge.png", "image/png", "Image claiming 100 megapixels (decompression bomb)",
                                  "PNG image data, 10000 x 10000"))
        p = folder / "rlo.txt"
        p.write_text("Payment instructions.\x1b[31m coloured\x07 and a right-to-left\u202eoverride\n", encoding="utf-8")
        files.append(EvidenceFile(p, "invoice\u202etxt.exe", "text/plain", "Note whose name hides an override character",
                                  "ASCII text"))
    return files


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
