"""The demo installation: four users, one realistic case, and evidence the code makes itself.

Operation Lantern (fictional): a newspaper reporter, posing as a buyer, was
sold the banking details of UK customers by a worker at an overseas contact
centre that handles a bank's customer service, and handed the material to
the police. Every person, firm, account and number in it is invented; the
account records are obviously fake (sort codes 00-00-xx, accounts 0000xxxx).

The evidence is generated here, so the demo needs no sample files: a
multi-page PDF dossier (reportlab), MG11-style witness statements as text and
as a Word document, a JPEG photograph with EXIF date and camera, a CSV of the
compromised records, a short WAV voicemail, two e-mails in a folder, and an
attachment whose ``.pdf`` name hides a Windows executable header (the type
warning at work). Dates are set relative to today so none is in the future.

``create_demo(datadir)`` is what ``casedesk demo`` and the desktop app's
"Open the demo" button call.
"""

from __future__ import annotations

import csv
import math
import shutil
import struct
import tempfile
import wave
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from casedesk.datadir import DataDir
from casedesk.errors import UsageError
from casedesk.progress import Progress, no_progress
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.installation import Installation
from casedesk.timeutil import UK, utc_now

ADMIN = "pramsden"
OIC = "hfarrow"
DETECTIVE = "dokafor"
SUPERVISOR = "amcbride"

# Demo passwords: shown by `casedesk demo`, the docs and the desktop app's first-run hint.
PASSWORDS: dict[str, str] = {
    ADMIN: "demo-admin-lantern",
    OIC: "demo-farrow-lantern",
    DETECTIVE: "demo-okafor-lantern",
    SUPERVISOR: "demo-mcbride-lantern",
}
USERS: dict[str, tuple[str, str, str]] = {  # user -> (role, full name, initials)
    ADMIN: ("admin", "Priya Ramsden", "PR"),
    OIC: ("detective", "Helen Farrow", "HF"),
    DETECTIVE: ("detective", "Daniel Okafor", "DO"),
    SUPERVISOR: ("supervisor", "Alan McBride", "AM"),
}

CASE_REF = "MPS-2026-0417"
CASE_TITLE = "Operation Lantern"
OFFENCES = [
    "Data Protection Act 2018 s.170 - unlawfully obtaining and selling personal data",
    "Fraud Act 2006 s.7 - making or supplying articles for use in frauds",
    "Computer Misuse Act 1990 s.1 - unauthorised access to computer material",
]
NEWSPAPER = "The Daily Courier"
REPORTER = "Rachel Voss"
BANK = "Northgate Bank plc"
CONTACT_CENTRE = "Meridian Contact Services"
SELLER = "'Vik'"
N_RECORDS = 240

SUMMARY = (
    f"On {{handover}} {REPORTER}, an investigations reporter with {NEWSPAPER}, handed officers a dossier of "
    f"personal and banking details of {BANK} customers. Posing as a buyer over several weeks, she had bought "
    f"the records from a man calling himself {SELLER}, who said he worked on the bank's customer-service line "
    f"at {CONTACT_CENTRE}, an overseas contact centre to which the bank outsources calls. She paid GBP 3.50 a "
    f"record for a first delivery of {N_RECORDS} records on a USB memory stick and was offered tens of thousands "
    "more each month.\n\n"
    f"The bank's fraud team has matched the sample against live accounts; {BANK} has blocked the cards and "
    "written to the customers affected. Lines of enquiry: identify the seller through the contact centre's "
    "access logs and staffing records (international letter of request in preparation); trace the payment "
    "route; establish whether the data was sold to others, and link later phishing e-mails sent to the "
    "customers (DO/1) to the leak."
)


@dataclass(frozen=True)
class DemoInfo:
    data_dir: Path
    case_ref: str
    case_title: str
    users: dict[str, str]  # user name -> role
    passwords: dict[str, str]  # user name -> demo password
    exhibits: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # A demo's recovery key is no secret worth keeping: it is printed with the demo passwords.
    recovery_key: str | None = None


# --- the material ----------------------------------------------------------
def _records(handover: datetime) -> list[list[str]]:
    first = ["Alex", "Sam", "Jo", "Chris", "Pat", "Robin", "Morgan", "Jamie", "Casey", "Taylor"]
    last = ["Example", "Sample", "Specimen", "Testcase", "Placeholder", "Dummy"]
    rows = []
    for i in range(1, N_RECORDS + 1):
        rows.append([
            f"{i:04d}", f"{first[i % len(first)]} {last[i % len(last)]} (fictitious)",
            f"00-00-{i % 100:02d}", f"0000{i:04d}", f"0000 0000 0000 {i:04d}", f"{(i % 12) + 1:02d}/29",
            "1900-01-01", f"FAKE {i:03d} Nowhere Street, Testville ZZ9 9ZZ",
            (handover - timedelta(days=30 + i % 20)).strftime("%Y-%m-%d"),
        ])
    return rows


def make_csv(path: Path, handover: datetime) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "customer", "sort_code", "account", "card_number", "card_expiry",
                         "date_of_birth", "address", "extracted_on"])
        writer.writerows(_records(handover))


def make_dossier(path: Path, handover: datetime) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    day = handover.astimezone(UK)
    story = [
        Paragraph(f"{NEWSPAPER} - Investigations desk", styles["Title"]),
        Paragraph("Dossier for the police: the sale of bank customers' details", styles["Heading2"]),
        Paragraph(f"Prepared by {REPORTER}, {day:%d %B %Y}. CONFIDENTIAL - handed to the Metropolitan "
                  "Police e-crime unit.", body),
        Spacer(1, 6 * mm),
        Paragraph("1. How the contact was made", styles["Heading3"]),
        Paragraph(f"After a tip-off from a reader, I answered an advertisement on a messaging channel offering "
                  f"'fresh UK bank data, verified'. The seller, who called himself {SELLER}, said he worked "
                  f"nights on the customer-service line of {BANK} at {CONTACT_CENTRE}. He explained that agents "
                  "can see a customer's full record while verifying callers and that he copied records during "
                  "quiet periods.", body),
        Paragraph("2. The purchase", styles["Heading3"]),
        Paragraph(f"We agreed a price of GBP 3.50 a record. {N_RECORDS} records were delivered to me on a USB "
                  "memory stick by a courier in London; I paid by bank transfer to an account he named. He "
                  "offered 'twenty to thirty thousand a month, more if you take the lot'.", body),
        Paragraph("3. What the records contain", styles["Heading3"]),
        Paragraph("Each record gives a customer's name, address, date of birth, sort code and account number, "
                  "card number and expiry date. The samples reproduced in this dossier have been replaced with "
                  "obviously fictitious values.", body),
        PageBreak(),
        Paragraph("4. Extracts from the conversation (times UK)", styles["Heading3"]),
    ]
    chat = [
        ("21:04", SELLER, "you want bank data? I have Northgate, all fresh, taken this week"),
        ("21:06", "RV", "How do I know it is real?"),
        ("21:07", SELLER, "I send you 5 free. you check. then we talk price"),
        ("21:31", "RV", "The five check out. What can you supply?"),
        ("21:33", SELLER, "200 now, 20-30k a month. 3.50 each. USB only, no email, too risky"),
        ("21:40", SELLER, "courier comes Thursday. cash or transfer, I give account"),
    ]
    table = Table([["Time", "From", "Message"], *[[t, w, Paragraph(escape(m), body)] for t, w, m in chat]],
                  colWidths=[18 * mm, 22 * mm, 120 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm),
              Paragraph("The full conversation log is on the memory stick handed over with this dossier.", body),
              PageBreak(),
              Paragraph("5. Sample of the records (values replaced with fictitious ones)", styles["Heading3"])]
    rows = [["#", "Customer", "Sort code", "Account", "Card"]] + [r[:5] for r in _records(handover)[:30]]
    sample = Table(rows, colWidths=[12 * mm, 62 * mm, 22 * mm, 24 * mm, 44 * mm], repeatRows=1)
    sample.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                ("FONTSIZE", (0, 0), (-1, -1), 8)]))
    story += [sample, Spacer(1, 6 * mm),
              Paragraph(f"Signed: {REPORTER}", body)]
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=f"{NEWSPAPER} dossier", author=REPORTER,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    doc.build(story)


def _mg11(name: str, age: str, occupation: str, paragraphs: list[str], when: datetime) -> str:
    day = when.astimezone(UK)
    lines = [
        "RESTRICTED (when complete)                                                     MG11",
        "",
        "WITNESS STATEMENT",
        "Criminal Procedure Rules, r. 16.2; Criminal Justice Act 1967, s. 9",
        "",
        f"URN: {CASE_REF}",
        f"Statement of: {name}",
        f"Age if under 18: {age}    Occupation: {occupation}",
        "",
        "This statement (consisting of 1 page(s) each signed by me) is true to the best of my knowledge and "
        "belief and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if "
        "I have wilfully stated in it anything which I know to be false, or do not believe to be true.",
        "",
        f"Signature: {name}                      Date: {day:%d/%m/%Y}",
        "",
    ]
    for p in paragraphs:
        lines += [p, ""]
    lines += [f"Signature: {name}", f"Statement taken by: DC Helen Farrow at {day:%H:%M} on {day:%d/%m/%Y}"]
    return "\n".join(lines) + "\n"


def reporter_statement(when: datetime) -> str:
    return _mg11(REPORTER, "Over 18", "Journalist", [
        f"I am an investigations reporter employed by {NEWSPAPER}. I produce the dossier I prepared for the "
        "police, which I handed to DC Farrow at New Scotland Yard today, and the USB memory stick on which "
        "the records were delivered to me.",
        f"Between the dates set out in the dossier I exchanged messages with a man calling himself {SELLER}. "
        f"He told me he worked for {CONTACT_CENTRE} on the customer-service line of {BANK}. I bought "
        f"{N_RECORDS} customer records from him for GBP 3.50 each.",
        "I did not use the records for any purpose other than checking five of them with the bank's press "
        "office, and I have kept no other copy.",
    ], when)


def bank_statement_docx(path: Path, when: datetime) -> None:
    """An MG11 of the bank's fraud manager as a minimal Word (OOXML) document."""
    text = _mg11("Graham Pell", "Over 18", "Fraud Operations Manager", [
        f"I am employed by {BANK} as a fraud operations manager. On the day the dossier was handed to the "
        "police I was sent the sample of records in it by DC Farrow.",
        "I checked the sample against the bank's systems. Each record matches a real customer account; the "
        "values were accurate on the date shown as 'extracted_on'. Every account is serviced by the "
        f"outsourced customer-service line operated by {CONTACT_CENTRE}.",
        "The bank has blocked the cards concerned and written to the customers. I can produce the bank's "
        "audit log of agent look-ups for the accounts if required.",
    ], when)
    paras = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in text.splitlines()
    )
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f"<w:body>{paras}</w:body></w:document>")
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>")
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
    stamp = when.astimezone(UK).timetuple()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("word/document.xml", document)):
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), data)


def make_photo(path: Path, taken: datetime) -> None:
    """A drawn 'photograph' of the USB memory stick on an evidence mat, with EXIF date and camera."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 600), (214, 208, 196))
    d = ImageDraw.Draw(img)
    for x in range(0, 800, 40):  # the evidence mat's grid
        d.line([(x, 0), (x, 600)], fill=(190, 184, 170))
    for y in range(0, 600, 40):
        d.line([(0, y), (800, y)], fill=(190, 184, 170))
    d.rounded_rectangle([250, 250, 520, 340], radius=14, fill=(30, 30, 34))
    d.rectangle([520, 270, 580, 320], fill=(170, 170, 176))
    d.rectangle([535, 283, 548, 293], fill=(60, 60, 60))
    d.rectangle([555, 283, 568, 293], fill=(60, 60, 60))
    d.rectangle([60, 460, 360, 540], fill=(250, 250, 245), outline=(180, 0, 0), width=3)
    d.text((75, 475), f"{CASE_REF}  HF/4", fill=(0, 0, 0))  # the photograph is the 4th exhibit
    d.text((75, 500), "USB stick from R. Voss", fill=(0, 0, 0))
    d.line([(600, 560), (760, 560)], fill=(0, 0, 0), width=3)
    d.text((640, 566), "50 mm", fill=(0, 0, 0))
    local = taken.astimezone(UK)
    stamp = f"{local:%Y:%m:%d %H:%M:%S}"
    offset = local.strftime("%z")
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 2000D"
    exif[0x0132] = stamp
    exif[0x0131] = "Metropolitan Police evidence photography"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = stamp  # DateTimeOriginal
    sub[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
    img.save(path, "JPEG", quality=88, exif=exif)


def make_voicemail(path: Path) -> None:
    """Three seconds of 8 kHz mono audio: a ring tone, a beep, and a warbling 'voice'."""
    rate = 8000
    frames = bytearray()
    for i in range(int(rate * 3.0)):
        t = i / rate
        if t < 0.8:
            v = 0.4 * (math.sin(2 * math.pi * 400 * t) + math.sin(2 * math.pi * 450 * t)) * (1 if t % 0.4 < 0.2 else 0)
        elif t < 1.0:
            v = 0.6 * math.sin(2 * math.pi * 1000 * t)
        else:
            v = 0.3 * math.sin(2 * math.pi * (180 + 60 * math.sin(2 * math.pi * 3 * t)) * t) * \
                (0.6 + 0.4 * math.sin(2 * math.pi * 5 * t))
        frames += struct.pack("<h", int(max(-1.0, min(1.0, v)) * 32000))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def make_emails(folder: Path, handover: datetime) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    first = handover - timedelta(days=12)
    mails = [
        ("01-offer.eml", first, "seller.vik@example.invalid", "r.voss@example.invalid", "fresh data",
         "5 samples attached as text below. check them. all Northgate, this week.\n\n"
         "0001 / 00-00-01 / 00000001\n0002 / 00-00-02 / 00000002\n\nprice 3.50 each, minimum 200."),
        ("02-delivery.eml", first + timedelta(days=5), "r.voss@example.invalid", "seller.vik@example.invalid",
         "Re: fresh data", "Agreed. 240 records. Tell me where to send the money and when the courier comes."),
    ]
    for name, when, sender, to, subject, text in mails:
        local = when.astimezone(UK)
        message = (f"From: {sender}\nTo: {to}\nSubject: {subject}\n"
                   f"Date: {local:%a, %d %b %Y %H:%M:%S %z}\nMessage-ID: <{name}@example.invalid>\n"
                   "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n")
        (folder / name).write_text(message, encoding="utf-8")


def make_disguised_attachment(path: Path) -> None:
    """A harmless stand-in for a malicious 'invoice': a Windows executable header and no code."""
    dos = bytearray(128)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    pe = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x14C, 0, 0, 0, 0, 0xE0, 0x0102)
    path.write_bytes(bytes(dos) + pe + b"\x00" * 224 + b"This is a harmless CaseDesk demo stand-in.\x00" * 8)


def source_log(when: datetime) -> str:
    day = when.astimezone(UK)
    return (f"SENSITIVE - MG6D\nSource contact log, {CASE_REF}\n\n{day:%d/%m/%Y} {day:%H:%M} - Contact with a "
            "covert source (identity withheld) who reports that a second buyer approached the seller. "
            "Not for disclosure: would reveal the source.\n")


# --- building the installation ---------------------------------------------
def create_demo(datadir: Path | str, progress: Progress = no_progress) -> DemoInfo:
    """A new installation in ``datadir`` holding the demo users, case and evidence.

    Refuses a directory that already holds an installation. If anything
    fails, what was created is removed again.
    """
    dd = DataDir(Path(datadir).expanduser().absolute())
    if dd.exists():
        raise UsageError(f"{dd.root} already holds a CaseDesk installation; choose another folder "
                         "with --data-dir (the demo never touches an existing one)")
    created_root = not dd.root.exists()
    if dd.root.exists() and any(dd.root.iterdir()):
        raise UsageError(f"{dd.root} is not empty; the demo needs a new or empty folder")
    try:
        return _build(dd, progress)
    except BaseException:
        if created_root:
            shutil.rmtree(dd.root, ignore_errors=True)
        else:
            for child in dd.root.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        raise


def _build(dd: DataDir, progress: Progress) -> DemoInfo:
    steps = 7
    progress(0, steps, "creating the installation")
    inst = Installation(dd)
    role, name, initials = USERS[ADMIN]
    result = inst.initialise(ADMIN, PASSWORDS[ADMIN], name, initials)
    admin = inst.sign_in(ADMIN, PASSWORDS[ADMIN])
    try:
        accounts = Accounts(admin)
        for user in (OIC, DETECTIVE, SUPERVISOR):
            role, name, initials = USERS[user]
            accounts.add(user, role, name, initials, PASSWORDS[user])
    finally:
        admin.close()
    progress(1, steps, "opening the case")

    now = utc_now()
    handover = (now - timedelta(days=21)).replace(hour=10, minute=40, second=0, microsecond=0)
    references: list[str] = []
    with tempfile.TemporaryDirectory(prefix="casedesk-demo-") as tmp:
        src = Path(tmp)
        make_dossier(src / "Daily_Courier_dossier.pdf", handover)
        make_csv(src / "records_supplied_by_seller.csv", handover)
        (src / "MG11_Rachel_Voss.txt").write_text(reporter_statement(handover + timedelta(hours=1)),
                                                 encoding="utf-8")
        bank_statement_docx(src / "MG11_Graham_Pell.docx", handover + timedelta(days=2, hours=3))
        make_photo(src / "IMG_4471.JPG", handover + timedelta(hours=2, minutes=15))
        make_voicemail(src / "voicemail_seller.wav")
        make_emails(src / "emails", handover)
        make_disguised_attachment(src / "invoice_0417.pdf")
        (src / "source_contact_log.txt").write_text(source_log(handover + timedelta(days=6)), encoding="utf-8")
        progress(2, steps, "materials generated")

        oic = inst.sign_in(OIC, PASSWORDS[OIC])
        try:
            cases = Cases(oic)
            cases.create(CASE_REF, CASE_TITLE, OFFENCES)
            cases.set_summary(CASE_REF, SUMMARY.format(handover=f"{handover.astimezone(UK):%d %B %Y}"))
            ev = Evidence(oic)
            reporter = f"{REPORTER}, {NEWSPAPER}"
            received_at = handover.astimezone(UK)
            yard = "New Scotland Yard, London SW1"
            progress(3, steps, "ingesting the reporter's material")
            for path, description, seal in (
                (src / "Daily_Courier_dossier.pdf", "Dossier prepared by the reporter: account of the purchase, "
                 "conversation extracts and a sample of the records", "MPS-EV-104211"),
                (src / "records_supplied_by_seller.csv", "Customer records delivered by the seller on a USB memory "
                 "stick, exported to CSV (values in the demo are fictitious)", "MPS-EV-104212"),
                (src / "MG11_Rachel_Voss.txt", f"MG11 witness statement of {REPORTER}", ""),
                (src / "IMG_4471.JPG", "Photograph of the USB memory stick as received", "MPS-EV-104212"),
                (src / "voicemail_seller.wav", "Voicemail left for the reporter by the seller", "MPS-EV-104213"),
                (src / "emails", "E-mails between the reporter and the seller", "MPS-EV-104213"),
            ):
                summary = ev.ingest(CASE_REF, [path], IngestMetadata(
                    description=description, seized_from=reporter, seized_at=received_at, location=yard, seal=seal))
                references += [v.reference for v in summary.ingested]
            progress(4, steps, "ingesting the bank's statement")
            bank = ev.ingest(CASE_REF, [src / "MG11_Graham_Pell.docx"], IngestMetadata(
                description="MG11 witness statement of Graham Pell, fraud operations manager",
                seized_from=f"Graham Pell, {BANK}", seized_at=(handover + timedelta(days=2, hours=3)).astimezone(UK),
                location=f"{BANK}, fraud operations, Leeds"))
            references += [v.reference for v in bank.ingested]
            cases.add_note(CASE_REF, "Reporter confirms she kept no other copy of the records; USB stick sealed "
                           "in bag MPS-EV-104212.", exhibit=references[1])
        finally:
            oic.close()

        sup = inst.sign_in(SUPERVISOR, PASSWORDS[SUPERVISOR])
        try:
            Cases(sup).add_member(CASE_REF, DETECTIVE)
        finally:
            sup.close()
        progress(5, steps, "ingesting the follow-up material")

        det = inst.sign_in(DETECTIVE, PASSWORDS[DETECTIVE])
        try:
            ev = Evidence(det)
            phishing = ev.ingest(CASE_REF, [src / "invoice_0417.pdf"], IngestMetadata(
                description="Attachment 'invoice_0417.pdf' of a phishing e-mail sent to customers named in the "
                "records; forwarded by a customer", seized_from="a customer of the bank (by e-mail)",
                seized_at=(handover + timedelta(days=9, hours=4)).astimezone(UK), location="Online reporting"))
            source = ev.ingest(CASE_REF, [src / "source_contact_log.txt"], IngestMetadata(
                description="Source contact log", seized_from="Dedicated Source Unit",
                seized_at=(handover + timedelta(days=6)).astimezone(UK), location="New Scotland Yard, London SW1",
                sensitive=True))
            references += [v.reference for v in phishing.ingested + source.ingested]
            Cases(det).add_note(CASE_REF, "The 'invoice' is a Windows executable under a .pdf name; sent for "
                                "malware analysis.", exhibit=phishing.ingested[0].reference)
        finally:
            det.close()

    # Continuity: the dossier passes to the second detective, the executable goes to the lab and back, and the
    # supervisor reviews the log before the lab returns it (so the review queue still has work in it).
    progress(6, steps, "recording transfers and a review")
    oic = inst.sign_in(OIC, PASSWORDS[OIC])
    try:
        Custody(oic).transfer(CASE_REF, references[0], DETECTIVE, "for analysis of the conversation extracts")
    finally:
        oic.close()
    det = inst.sign_in(DETECTIVE, PASSWORDS[DETECTIVE])
    try:
        Custody(det).check_out(CASE_REF, phishing.ingested[0].reference, "Digital Forensics Unit",
                               "malware analysis of the executable", location="Digital Forensics Unit, Lambeth")
    finally:
        det.close()
    sup = inst.sign_in(SUPERVISOR, PASSWORDS[SUPERVISOR])
    try:
        Custody(sup).review(CASE_REF, "approve", "Continuity of the reporter's material and the bank's statement "
                            "checked against the seal numbers; the executable is with the lab.")
    finally:
        sup.close()
    det = inst.sign_in(DETECTIVE, PASSWORDS[DETECTIVE])
    try:
        Custody(det).return_(CASE_REF, phishing.ingested[0].reference, "analysis complete; report to follow")
    finally:
        det.close()
    progress(steps, steps, "demo ready")
    return DemoInfo(
        data_dir=dd.root, case_ref=CASE_REF, case_title=CASE_TITLE,
        users={u: USERS[u][0] for u in USERS}, passwords=dict(PASSWORDS), exhibits=references,
        notices=list(result.notices), recovery_key=result.recovery_key,
    )


__all__ = ["PASSWORDS", "USERS", "DemoInfo", "create_demo"]
