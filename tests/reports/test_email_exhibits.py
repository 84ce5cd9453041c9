"""E-mail exhibits are shown as a mail reader shows them, not as their MIME source."""

from __future__ import annotations

import hashlib
from email import policy
from email.message import EmailMessage
from pathlib import Path

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import attachments, opener, searchable_pages, spec_for

SUBJECT = "Zahlung für Müller – 証拠"
STATEMENT = b"sort code,account\n00-00-01,00000001\n" * 200


def _message(path: Path) -> None:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Dev Sharma <dev@example.com>"
    msg["To"] = "Rachel Voss <rvoss@example.org>"
    msg["Date"] = "Thu, 12 Mar 2026 21:04:00 +0000"
    msg["Subject"] = SUBJECT
    msg.set_content("The file is ready.\nGBP 4,000 as agreed; the courier comes Thursday.\n")
    msg.add_attachment(STATEMENT, maintype="application", subtype="octet-stream", filename="Kontoauszug Müller.csv")
    path.write_bytes(msg.as_bytes())


def test_an_email_shows_decoded_headers_its_body_and_its_attachments_with_hashes(tmp_path: Path) -> None:
    path = tmp_path / "offer.eml"
    _message(path)
    raw = path.read_bytes()
    assert b"=?utf-8?" in raw and b"Content-Transfer-Encoding: base64" in raw  # as it travels
    spec, paths = spec_for([EvidenceFile(path, "offer.eml", "message/rfc822", "E-mail from the seller", "mail")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item = result.manifest["exhibits"][0]
    assert item["rendering"] == "email"
    pages = searchable_pages(out)
    shown = " ".join(" ".join(pages[i].split()) for i in range(item["pages"][0], item["pages"][1]))
    assert SUBJECT in shown and "Dev Sharma <dev@example.com>" in shown
    assert "GBP 4,000 as agreed; the courier comes Thursday." in shown
    assert "Kontoauszug Müller.csv" in shown and hashlib.sha256(STATEMENT).hexdigest() in shown
    assert "=?utf-8?" not in shown and "base64" not in shown
    assert attachments(out)[item["attachment"]] == raw  # the original message is attached unchanged


def test_html_only_mail_is_shown_as_its_text(tmp_path: Path) -> None:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"], msg["Subject"] = "bank@example.com", "Verify your account"
    msg.set_content("<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
                    "<body><p>Dear customer,</p><p>Click <a href='http://x.example'>here</a> now.</p></body></html>",
                    subtype="html")
    path = tmp_path / "phish.eml"
    path.write_bytes(msg.as_bytes())
    spec, paths = spec_for([EvidenceFile(path, "phish.eml", "message/rfc822", "Phishing mail", "mail")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item = result.manifest["exhibits"][0]
    shown = " ".join(searchable_pages(out)[item["pages"][1] - 1].split())
    assert "Dear customer," in shown and "Click here now." in shown
    assert "<p>" not in shown and "alert(1)" not in shown and "color:red" not in shown
