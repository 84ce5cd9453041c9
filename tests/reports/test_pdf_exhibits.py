"""Original PDFs shown as any reader shows them: owner-password files opened, forms and stamps drawn."""

from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream
from reportlab.pdfgen.canvas import Canvas

from casedesk.reports.assemble import build_bundle
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import attachments, opener, searchable_pages, spec_for


def _form_with_stamp(path: Path) -> None:
    """A one-page form: a filled text field and a reviewer's stamp, both only in annotations."""
    canvas = Canvas(str(path))
    canvas.drawString(72, 760, "Application for a bank account")
    canvas.acroForm.textfield(name="surname", value="KUMARFILLEDIN", x=72, y=700, width=200, height=20)
    canvas.showPage()
    canvas.save()
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        look = Stream(pdf, b"BT /F1 12 Tf 5 8 Td (VERIFIEDBYBANK) Tj ET")
        look.Type, look.Subtype, look.BBox = Name.XObject, Name.Form, Array([0, 0, 150, 30])
        look.Resources = Dictionary(Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                                                  BaseFont=Name.Helvetica)))
        stamp = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=Array([300, 600, 450, 630]),
                                             F=4, AP=Dictionary(N=look)))
        pdf.pages[0].obj.Annots.append(stamp)
        pdf.save(path)


def _build(tmp_path: Path, name: str, description: str):  # type: ignore[no-untyped-def]
    spec, paths = spec_for([EvidenceFile(tmp_path / name, name, "application/pdf", description, "PDF document")])
    out = tmp_path / "bundle.pdf"
    return out, build_bundle(spec, opener(paths), out)


def test_filled_form_fields_and_stamps_are_drawn_on_the_placed_pages(tmp_path: Path) -> None:
    _form_with_stamp(tmp_path / "form.pdf")
    out, result = _build(tmp_path, "form.pdf", "Account application")
    item = result.manifest["exhibits"][0]
    assert item["rendering"] == "pdf"
    pages = searchable_pages(out)
    placed = pages[item["pages"][0]]  # the page after the label
    assert "KUMARFILLEDIN" in placed and "VERIFIEDBYBANK" in placed
    label = " ".join(pages[item["pages"][0] - 1].split())
    assert "2 form field(s), comment(s) or stamp(s) of the original are drawn into its pages" in label
    # The attached original is untouched: still interactive.
    original = attachments(out)[item["attachment"]]
    assert original == (tmp_path / "form.pdf").read_bytes()


def test_a_pdf_with_only_an_owner_password_is_shown(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    canvas = Canvas(str(plain))
    canvas.drawString(72, 760, "Statement of account 12345678 closing balance 4000")
    canvas.showPage()
    canvas.save()
    with pikepdf.open(plain) as pdf:
        pdf.save(tmp_path / "statement.pdf", encryption=pikepdf.Encryption(owner="bank-owner-secret", user="",
                                                                            allow=pikepdf.Permissions(extract=False)))
    out, result = _build(tmp_path, "statement.pdf", "Bank statement")
    item = result.manifest["exhibits"][0]
    assert item["rendering"] == "pdf" and item["problem"] is None
    pages = searchable_pages(out)
    assert "closing balance 4000" in pages[item["pages"][0]]
    assert "owner password only" in " ".join(pages[item["pages"][0] - 1].split())
