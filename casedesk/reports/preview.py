"""``python -m casedesk.reports.preview DIR`` (``make bundle-preview``): a sample bundle, rendered to PNG.

Builds a throw-away installation in a temporary folder (no OS keyring is
touched), ingests the generated sample evidence (including the awkward
files), moves an exhibit through the custody log, exports the bundle through
the service layer exactly as ``casedesk export`` does, and renders with
``pdftoppm`` the pages worth looking at: the cover, the index, an exhibit
label, a stamped original PDF page, a landscape original, typeset text with
Hindi and Arabic, a photo, a Word statement and an SVG plan as LibreOffice
prints them, a scanned letter with its OCR text layer, an e-mail with its
attachment, chat in Chinese, Japanese and Korean, a CSV with Arabic names,
a placeholder, a custody page, the exhibit list,
the label of a sensitive (MG6D) exhibit included on request, the case notes
chosen into the bundle, the integrity statement, and the first page of each
unused-material schedule (MG6C, MG6D).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf

from casedesk.reports.sample import EvidenceFile

CASE = "MPS-2026-0417"
SUMMARY = (
    "On 3 March 2026 a national newspaper gave the City of London Police a dossier of 1,042 UK bank "
    "customers' names, sort codes, account numbers and card details, which its reporter had bought for £4,000 "
    "from a worker at an offshore call centre.\n"
    "Enquiries identified the seller as Dev Sharma. A warrant was executed at his flat on 14 March 2026; a "
    "laptop, a phone and paper ledgers were seized. The chat export (JAS/3) records the sale; the spreadsheet "
    "(JAS/4) matches the dossier line for line."
)


def _rendered_evidence(folder: Path) -> list[EvidenceFile]:
    """Exhibits that other tools render: a Word statement and an SVG plan (LibreOffice), a scanned letter (OCR)."""
    import time

    from PIL import Image, ImageDraw, ImageFont

    from casedesk.demo import bank_statement_docx
    from casedesk.reports.fonts import _find

    folder.mkdir(parents=True, exist_ok=True)
    docx = folder / "MG11_Graham_Pell.docx"
    bank_statement_docx(docx, datetime(2026, 3, 16, 14, 0, tzinfo=UTC))
    svg = folder / "scene-plan.svg"
    svg.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400">'
        '<rect x="20" y="20" width="560" height="360" fill="#f4f1e8" stroke="#333" stroke-width="3"/>'
        '<rect x="40" y="260" width="160" height="100" fill="#c9d6e8" stroke="#333"/>'
        '<text x="50" y="315" font-family="DejaVu Sans" font-size="14">Living room desk</text>'
        '<circle cx="140" cy="290" r="8" fill="#b22"/>'
        '<text x="160" y="295" font-family="DejaVu Sans" font-size="12">JAS/1 laptop</text>'
        '<rect x="420" y="40" width="140" height="80" fill="#e8d9c9" stroke="#333"/>'
        '<text x="435" y="85" font-family="DejaVu Sans" font-size="14">Kitchen</text>'
        '<text x="40" y="60" font-family="DejaVu Sans" font-size="18">Flat 3, 12 High Street: plan</text></svg>',
        encoding="utf-8")
    image = Image.new("L", (1240, 1754), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(_find("DejaVuSans.ttf")), 30)
    lines = ["NORTHGATE BANK PLC", "Fraud Operations, Limehouse", "", "Dear Mr Sharma,",
             "Your account 12345678 has been blocked", "after unusual transfers on 12 March 2026.",
             "Please call us on 0300 555 0417.", "", "Yours sincerely,", "Graham Pell"]
    for i, line in enumerate(lines):
        draw.text((130, 170 + i * 64), line, font=font, fill=20)
    scan = folder / "scan-letter.pdf"
    stamp = time.gmtime(1773500000)
    image.save(scan, "PDF", resolution=150, title="scan", creationDate=stamp, modDate=stamp)
    return [
        EvidenceFile(docx, docx.name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "MG11 witness statement of Graham Pell (Word)", "Microsoft Word 2007+"),
        EvidenceFile(svg, svg.name, "image/svg+xml", "Plan of the flat drawn by DC Farrow", "SVG image"),
        EvidenceFile(scan, scan.name, "application/pdf", "Bank's letter to the suspect, scanned", "PDF document"),
    ]


def _script_evidence(folder: Path) -> list[EvidenceFile]:
    """Exhibits in the scripts detectives meet: an e-mail with an attachment, chat in CJK, a CSV with Arabic."""
    from email import policy
    from email.message import EmailMessage

    folder.mkdir(parents=True, exist_ok=True)
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Dev Sharma <dev@example.com>"
    msg["To"] = "Rachel Voss <rvoss@example.org>"
    msg["Date"] = "Thu, 12 Mar 2026 21:04:00 +0000"
    msg["Subject"] = "Zahlung für Müller – 証拠"
    msg.set_content("The file is ready.\nGBP 4,000 as agreed; the courier comes Thursday.\n")
    msg.add_attachment(b"sort code,account\n00-00-01,00000001\n" * 20, maintype="text", subtype="csv",
                       filename="Kontoauszug Müller.csv")
    mail = folder / "offer.eml"
    mail.write_bytes(msg.as_bytes())
    chat = folder / "wechat-export.txt"
    chat.write_text("2026-03-12 21:04 WeChat: 证据已封存，明天交货。\n2026-03-12 21:05 LINE: 証拠はこちらです。\n"
                    "2026-03-12 21:06 KakaoTalk: 증거물 봉인 완료\n", encoding="utf-8")
    csv = folder / "transfers.csv"
    csv.write_text("date,from,to,amount,note\n2026-03-12,Dev Sharma,محمد علي,4000,دفعة أولى (first payment)\n"
                   "2026-03-13,محمد علي,Rachel Voss,3500,للتحويل 0417\n", encoding="utf-8")
    return [
        EvidenceFile(mail, mail.name, "message/rfc822", "E-mail offering the data, with a statement attached",
                     "RFC 822 mail"),
        EvidenceFile(chat, chat.name, "text/plain", "Chat export in Chinese, Japanese and Korean", "UTF-8 text"),
        EvidenceFile(csv, csv.name, "text/csv", "Transfers with names in Arabic", "CSV text"),
    ]


def build(out_dir: Path, work: Path) -> tuple[Path, dict[str, int], dict[str, Path]]:
    """Make the sample bundle in ``out_dir``; returns it, the pages to render by name, and the schedules."""
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    os.environ["XDG_DATA_HOME"] = str(work / "xdg")
    from casedesk.datadir import DataDir
    from casedesk.reports.sample import make_evidence
    from casedesk.services.accounts import Accounts
    from casedesk.services.bundles import Bundles
    from casedesk.services.cases import Cases
    from casedesk.services.custody import Custody
    from casedesk.services.evidence import Evidence, IngestMetadata
    from casedesk.services.installation import Installation

    password = secrets.token_urlsafe(16)
    inst = Installation(DataDir(work / "data"))
    inst.initialise("admin", password, "Ada Admin", "AA")
    admin = inst.sign_in("admin", password)
    try:
        Accounts(admin).add("jsmith", "detective", "Jane A Smith", "JAS", password)
    finally:
        admin.close()
    session = inst.sign_in("jsmith", password)
    try:
        Cases(session).create(CASE, "Operation Lantern", ["Fraud Act 2006 s.2", "Data Protection Act 2018 s.170"])
        Cases(session).set_summary(CASE, SUMMARY)
        evidence = Evidence(session)
        refs: dict[str, str] = {}
        for item in [*make_evidence(work / "evidence"), *_rendered_evidence(work / "rendered"),
                     *_script_evidence(work / "scripts")]:
            source = item.path
            if source.name != item.name:
                source = source.rename(source.with_name(item.name))
            summary = evidence.ingest(CASE, [source], IngestMetadata(
                description=item.description, seized_from="Flat 3, 12 High Street, London E1 (Dev Sharma)",
                seized_at=datetime(2026, 3, 14, 9, 30, tzinfo=UTC), location="Living room desk",
                seal=f"MPSA10023{len(refs)}",
            ))
            refs[item.name] = summary.ingested[0].reference
        Custody(session).transfer(CASE, refs["statement.pdf"], "Property store, Limehouse",
                                  "stored pending trial", "Shelf 14B")
        # A sensitive exhibit included on request (marked on its pages) and a withdrawn one (accounted for).
        evidence.set_sensitive(CASE, refs["voicemail.mp3"], True, "names a covert source (MG6D)")
        evidence.withdraw(CASE, refs["broken.jpg"], "a second copy of the photograph, produced by mistake")
        # Case notes chosen into the bundle: one on the case (two lines), one on an exhibit, in Arabic and English.
        cases = Cases(session)
        cases.add_note(CASE, "Sharma declined to comment in interview.\nHis solicitor asked for the ledgers (JAS/2) "
                             "to be disclosed in full.")
        cases.add_note(CASE, "الاسم في الدفتر يطابق اسم الحساب — the name in the ledger matches the account name.",
                       exhibit=refs["ledger.pdf"])
        result = Bundles(session).export(CASE, out_dir / "sample-bundle.pdf", include_sensitive=True,
                                         all_notes=True)
        # Material gathered after the bundle, not used in it: a non-sensitive request, a sensitive contact log.
        later = work / "later"
        later.mkdir()
        for name, words, sensitive in (
                ("cell-site-request.txt", "Request to the network for cell-site data, 12-14 March 2026.", False),
                ("source-contact-log.txt", "Contact log of a covert human intelligence source.", True)):
            (later / name).write_text(words + "\n", encoding="utf-8")
            made = evidence.ingest(CASE, [later / name], IngestMetadata(
                description=words, seized_from="Produced by DC Jane Smith", location="Case file"))
            if sensitive:
                evidence.set_sensitive(CASE, made.ingested[0].reference, True, "reveals a CHIS (MG6D)")
        # The unused-material schedules, each its own document.
        from casedesk.services.disclosure import Disclosure

        schedules = {kind: Disclosure(session).export_schedule(CASE, kind, out_dir / f"{kind}.pdf").path
                     for kind in ("mg6c", "mg6d")}
    finally:
        session.close()
    manifest = json.loads(result.manifest_path.read_text("utf-8"))
    pages = {e["reference"]: e["pages"] for e in manifest["exhibits"]}
    placeholder = next(p.reference for p in result.problems)
    with pikepdf.open(result.path) as pdf, pdf.open_outline() as tree:
        outline = {item.title.rsplit(" (p. ", 1)[0]:  # the title without its page number
                   pdf.pages.index(pikepdf.Page(item.destination[0])) + 1  # type: ignore[index]
                   for item in tree.root}
    wanted = {
        "cover": 1,
        "index": 2,
        "label": pages[refs["statement.pdf"]][0],
        "original-page": pages[refs["statement.pdf"]][0] + 1,
        "original-landscape": pages[refs["ledger.pdf"]][0] + 1,
        "text": pages[refs["chat.txt"]][0] + 1,
        "photo": pages[refs["IMG_0412.jpg"]][0] + 1,
        "document": pages[refs["MG11_Graham_Pell.docx"]][0] + 1,
        "drawing": pages[refs["scene-plan.svg"]][0] + 1,
        "scan": pages[refs["scan-letter.pdf"]][0] + 1,
        "scan-label": pages[refs["scan-letter.pdf"]][0],
        "email": pages[refs["offer.eml"]][0] + 1,
        "cjk-text": pages[refs["wechat-export.txt"]][0] + 1,
        "csv-arabic": pages[refs["transfers.csv"]][0] + 1,
        "placeholder": pages[placeholder][0] + 1,
        "custody": outline["Chain of custody"],
        "exhibit-list": outline["Exhibit list (MG12)"],
        "sensitive-label": pages[refs["voicemail.mp3"]][0],
        "integrity": outline["Integrity statement"],
        "notes": outline["Case notes"],
    }
    return result.path, wanted, schedules


def render(pdf: Path, pages: dict[str, int], out_dir: Path, dpi: int = 60) -> list[Path]:
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is missing: install poppler-utils (apt-get install poppler-utils)")
    written = []
    for name, page in pages.items():
        target = out_dir / name
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                        str(pdf), str(target)], check=True)
        written.append(target.with_suffix(".png"))
    return written


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0] if argv else "docs/bundle-preview")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="casedesk-preview-") as tmp:
        pdf, pages, schedules = build(Path(tmp), Path(tmp))
        for path in render(pdf, pages, out_dir):
            print(path)
        for kind, schedule in schedules.items():
            for path in render(schedule, {f"schedule-{kind}": 1}, out_dir):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
