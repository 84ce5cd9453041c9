"""The bundle is PDF/A-3b, checked by pikepdf's validator (``pikepdf.pdfa``): every original attached as an
associated file with its MIME type, an output intent, XMP metadata; it opens at 100 % with bookmarks.

An original PDF that names fonts it does not embed (the standard 14, as reportlab writes them) has its placed
pages given the metric-compatible substitutes a reader uses (URW base35); the label and the manifest say so.
When an original still stands in the way (a font with no substitute), the bundle does not claim PDF/A.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name
from reportlab.pdfbase import _fontdata
from reportlab.pdfgen.canvas import Canvas

from casedesk import demo
from casedesk.reports import archival, font_substitutes
from casedesk.reports.assemble import BuildResult, build_bundle
from casedesk.reports.fonts import SANS, fonts
from casedesk.reports.sample import EvidenceFile, make_evidence
from tests.helpers.bundle import opener, spec_for
from tests.helpers.cli import run


def _embedded_pdf(path: Path) -> None:
    """A statement as most software writes one: its font embedded."""
    fonts()
    c = Canvas(str(path), invariant=1, initialFontName=SANS)
    c.setFont(SANS, 11)
    for n in range(30):
        c.drawString(60, 780 - n * 18, f"Line {n + 1}: the witness saw the laptop on the desk at 09:12.")
    c.showPage()
    c.save()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, list[EvidenceFile]]:
    folder = tmp_path_factory.mktemp("pdfa")
    files = [ev for ev in make_evidence(folder / "ev", awkward=False) if ev.mime != "application/pdf"]
    statement = folder / "statement.pdf"
    _embedded_pdf(statement)
    files.append(EvidenceFile(statement, "statement.pdf", "application/pdf", "Witness statement", "PDF document"))
    spec, paths = spec_for(files)
    out = folder / "bundle.pdf"
    return out, build_bundle(spec, opener(paths), out), files


def test_the_bundle_passes_the_pdfa_3b_validator(built: tuple[Path, BuildResult, list[EvidenceFile]]) -> None:
    out, result, _ = built
    assert archival.problems_written(out.read_bytes()) == []
    assert result.manifest["pdfa"] == "PDF/A-3b" and result.manifest["pdfa_problems"] == []
    with pikepdf.open(out) as pdf:
        assert archival.declared(pdf) == "3B"
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == Name.GTS_PDFA1 and "/DestOutputProfile" in intent


def test_every_original_is_an_associated_source_file_with_its_mime_type(
        built: tuple[Path, BuildResult, list[EvidenceFile]]) -> None:
    out, result, files = built
    with pikepdf.open(out) as pdf:
        associated = {str(spec.UF): spec for spec in pdf.Root.AF}
        for item in result.manifest["exhibits"]:
            spec = associated[item["attachment"]]  # in the catalog's /AF, not only in the name tree
            assert spec.AFRelationship == Name.Source
            mime = next(ev.mime for ev in files if ev.name == item["original_name"])
            # Read back as a reader does: the MIME type itself, not an escaped form of it.
            assert str(spec.EF.F.Subtype) == "/" + mime
            assert spec.EF.F.read_bytes() == next(ev.path.read_bytes() for ev in files
                                                  if ev.name == item["original_name"])
        assert associated["CaseDesk-manifest.json"].AFRelationship == Name.Data


def test_it_opens_at_100_percent_on_the_cover_with_bookmarks(
        built: tuple[Path, BuildResult, list[EvidenceFile]]) -> None:
    out, _result, _ = built
    with pikepdf.open(out) as pdf:
        action = pdf.Root.OpenAction
        assert action[0] == pdf.pages[0].obj and action[1] == Name.XYZ and action[4] == 1
        assert pdf.Root.PageMode == Name.UseOutlines
        with pdf.open_outline() as outline:
            assert [item.title for item in outline.root][:2] == ["Cover (p. 1)", "Index (p. 2)"]


def test_the_xmp_carries_the_export_time_only(built: tuple[Path, BuildResult, list[EvidenceFile]]) -> None:
    out, result, _ = built
    with pikepdf.open(out) as pdf:
        meta = pdf.open_metadata()
        assert meta["xmp:MetadataDate"].startswith("2026-11-20T10:00:00")
        assert meta["xmp:CreateDate"].startswith("2026-11-20T10:00:00")
    assert json.loads(json.dumps(result.manifest))["pdfa"] == "PDF/A-3b"


def _standard_fonts_pdf(path: Path) -> list[str]:
    """A statement as reportlab and many generators write one: the standard fonts named, not embedded."""
    c = Canvas(str(path), invariant=1)
    lines = []
    for n, font in enumerate(("Helvetica", "Helvetica-Bold", "Times-Roman", "Times-Italic", "Courier")):
        text = f"{font} line: the witness saw the laptop at 09:12, Café £5."
        c.setFont(font, 11)
        c.drawString(60, 780 - n * 18, text)
        lines.append(text)
    c.showPage()
    c.save()
    with pikepdf.open(path) as pdf:  # as generated: named, not embedded (what the bundle used to stumble on)
        assert all("/FontDescriptor" not in f for f in pdf.pages[0].Resources.Font.values())
    return lines


def _need_substitute_fonts() -> None:
    """These tests need Debian's fonts-urw-base35 and fonts-liberation2: fail saying so, never skip."""
    assert any((d / "NimbusSans-Regular.otf").is_file() for d in font_substitutes.SUBSTITUTE_DIRS), \
        "fonts-urw-base35 is not installed (scripts/bootstrap.sh installs it)"
    assert any((d / "LiberationSans-Regular.ttf").is_file() for d in font_substitutes.LIBERATION_DIRS), \
        "fonts-liberation2 is not installed (scripts/bootstrap.sh installs it)"


def _bundle_of(folder: Path, original: Path, description: str = "Witness statement") -> tuple[Path, BuildResult]:
    spec, paths = spec_for([EvidenceFile(original, original.name, "application/pdf", description, "PDF document")])
    out = folder / "bundle.pdf"
    return out, build_bundle(spec, opener(paths), out)


def _page_text(path: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_an_original_with_fonts_it_does_not_embed_gives_a_pdfa_bundle(tmp_path: Path) -> None:
    _need_substitute_fonts()
    original = tmp_path / "statement.pdf"
    lines = _standard_fonts_pdf(original)
    out, result = _bundle_of(tmp_path, original)
    assert archival.problems_written(out.read_bytes()) == []
    assert result.manifest["pdfa"] == "PDF/A-3b" and result.manifest["pdfa_problems"] == []
    item = result.manifest["exhibits"][0]
    assert item["fonts_substituted"] == [
        {"font": "Courier", "shown_with": "Nimbus Mono PS"},
        {"font": "Helvetica", "shown_with": "Nimbus Sans"},
        {"font": "Helvetica-Bold", "shown_with": "Nimbus Sans Bold"},
        {"font": "Times-Italic", "shown_with": "Nimbus Roman Italic"},
        {"font": "Times-Roman", "shown_with": "Nimbus Roman"},
    ]
    assert item["fonts_not_substituted"] == []
    first, last = item["pages"]
    label = " ".join(_page_text(out, first).split())
    assert "Fonts not embedded in the original were shown with" in label
    assert "Helvetica with Nimbus Sans" in label and "Times-Roman with Nimbus Roman" in label
    placed = _page_text(out, last)
    for line in lines:  # the text is still there for a search, as the original has it
        assert line in placed
    with pikepdf.open(out) as pdf:
        assert archival.declared(pdf) == "3B"
        attached = pdf.attachments[item["attachment"]].get_file().read_bytes()
        assert hashlib.sha256(attached).hexdigest() == item["sha256"] == hashlib.sha256(
            original.read_bytes()).hexdigest()  # the evidence itself is untouched


def _truetype_pdf(path: Path) -> list[str]:
    """As an office program's or printer driver's PDF may be: Arial, Times New Roman and Courier New named as
    TrueType fonts with their widths and the WinAnsi encoding, not embedded."""
    lines = _standard_fonts_pdf(path)
    names = {"Helvetica": "Arial", "Helvetica-Bold": "Arial,Bold", "Times-Roman": "TimesNewRomanPSMT",
             "Times-Italic": "TimesNewRomanPS-ItalicMT", "Courier": "CourierNewPSMT"}
    encoding = _fontdata.encodings["WinAnsiEncoding"]
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            metrics = _fontdata.widthsByFontGlyph[str(font.BaseFont)[1:]]
            font.Subtype, font.BaseFont = Name.TrueType, Name("/" + names[str(font.BaseFont)[1:]])
            font.Encoding, font.FirstChar, font.LastChar = Name.WinAnsiEncoding, 32, 255
            font.Widths = pikepdf.Array([metrics.get(encoding[code] or "", 0) for code in range(32, 256)])
            font.FontDescriptor = pikepdf.Dictionary(Type=Name.FontDescriptor, FontName=font.BaseFont, Flags=32,
                                                     FontBBox=[-665, -325, 2000, 1006], ItalicAngle=0,
                                                     Ascent=905, Descent=-212, CapHeight=716, StemV=80)
        pdf.save(path)
    return lines


def test_truetype_fonts_it_does_not_embed_are_shown_with_liberation_and_the_bundle_is_pdfa(tmp_path: Path) -> None:
    _need_substitute_fonts()
    original = tmp_path / "printed.pdf"
    lines = _truetype_pdf(original)
    out, result = _bundle_of(tmp_path, original)
    assert archival.problems_written(out.read_bytes()) == []
    assert result.manifest["pdfa"] == "PDF/A-3b"
    item = result.manifest["exhibits"][0]
    assert item["fonts_substituted"] == [
        {"font": "Arial", "shown_with": "Liberation Sans"},
        {"font": "Arial,Bold", "shown_with": "Liberation Sans Bold"},
        {"font": "CourierNewPSMT", "shown_with": "Liberation Mono"},
        {"font": "TimesNewRomanPS-ItalicMT", "shown_with": "Liberation Serif Italic"},
        {"font": "TimesNewRomanPSMT", "shown_with": "Liberation Serif"},
    ]
    label = " ".join(_page_text(out, item["pages"][0]).split())
    assert "Arial with Liberation Sans" in label and "(Liberation fonts)" in label
    placed = _page_text(out, item["pages"][1])
    for line in lines:
        assert line in placed
    with pikepdf.open(out) as pdf:
        attached = pdf.attachments[item["attachment"]].get_file().read_bytes()
    assert attached == original.read_bytes()


def _unsubstitutable_pdf(path: Path) -> None:
    """A PDF naming Calibri without embedding it (no font of its metrics is at hand)."""
    _standard_fonts_pdf(path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for font in pdf.pages[0].Resources.Font.values():
            if font.BaseFont == Name("/Helvetica"):
                font.BaseFont = Name("/Calibri")
                font.FirstChar, font.LastChar = 32, 126
                font.Widths = pikepdf.Array([500] * 95)
        pdf.save(path)


def test_a_font_without_a_substitute_leaves_the_bundle_not_pdfa_and_says_why(tmp_path: Path) -> None:
    original = tmp_path / "calibri.pdf"
    _unsubstitutable_pdf(original)
    out, result = _bundle_of(tmp_path, original)
    assert result.manifest["pdfa"] is None
    assert any("Calibri is not embedded" in p for p in result.manifest["pdfa_problems"])
    item = result.manifest["exhibits"][0]
    assert item["fonts_not_substituted"] == [{"font": "Calibri", "why": "no font with its metrics is available"}]
    assert {f["font"] for f in item["fonts_substituted"]} == {"Courier", "Helvetica-Bold", "Times-Italic",
                                                               "Times-Roman"}
    label = " ".join(_page_text(out, item["pages"][0]).split())
    assert "Calibri (no font with its metrics is available)" in label and "not PDF/A" in label
    with pikepdf.open(out) as pdf:
        assert archival.declared(pdf) is None


def test_without_the_substitute_fonts_the_bundle_is_made_and_says_why_it_is_not_pdfa(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_substitutes, "SUBSTITUTE_DIRS", (tmp_path / "no-fonts",))
    original = tmp_path / "statement.pdf"
    lines = _standard_fonts_pdf(original)
    out, result = _bundle_of(tmp_path, original)
    assert result.manifest["pdfa"] is None
    assert any("Helvetica is not embedded" in p for p in result.manifest["pdfa_problems"])
    item = result.manifest["exhibits"][0]
    assert item["fonts_substituted"] == [] and item["rendering"] == "pdf"
    label = " ".join(_page_text(out, item["pages"][0]).split())
    assert "the URW base35 fonts are not installed" in label and "fonts-urw-base35" in label
    assert lines[0] in _page_text(out, item["pages"][1])
    with pikepdf.open(out) as pdf:
        assert archival.declared(pdf) is None


def test_without_pikepdfs_pdfa_module_the_export_still_works_and_claims_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archival, "_pdfa", lambda: None)  # as when jsonschema or fonttools is not installed
    files = [ev for ev in make_evidence(tmp_path / "ev", awkward=False) if ev.name == "chat.txt"]
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    assert result.manifest["pdfa"] is None and result.manifest["pdfa_problems"] == [archival.NO_VALIDATOR]
    with pikepdf.open(out) as pdf:
        assert archival.declared(pdf) is None


def test_the_demo_bundle_is_pdfa(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # The demo's own dossier (reportlab, Helvetica not embedded) made every demo bundle a plain PDF before.
    _need_substitute_fonts()
    root = tmp_path / "demo"
    assert run(capsys, monkeypatch, root, "demo").code == 0
    out = tmp_path / "bundle.pdf"
    caches = (font_substitutes._made, font_substitutes._glyph_names, font_substitutes._advances)
    saved = [dict(c) for c in caches]
    for cache in caches:
        cache.clear()  # read the font files afresh, as a new process does
    try:
        r = run(capsys, monkeypatch, root, "export", demo.CASE_REF, "-o", str(out), user=demo.OIC,
                password=demo.PASSWORDS[demo.OIC])
    finally:
        for cache, kept in zip(caches, saved, strict=True):
            cache.update(kept)  # type: ignore[attr-defined]
    assert r.code == 0, r.err
    # Nothing but CaseDesk's own lines on the terminal (fontTools warned of the URW fonts' dates on every export).
    assert not [x.getMessage() for x in caplog.records if x.name.startswith("fontTools")]
    manifest = json.loads((tmp_path / "bundle.pdf.manifest.json").read_text(encoding="utf-8"))
    assert manifest["pdfa"] == "PDF/A-3b" and manifest["pdfa_problems"] == []
    dossier = next(e for e in manifest["exhibits"] if e["original_name"] == "Daily_Courier_dossier.pdf")
    assert {"font": "Helvetica", "shown_with": "Nimbus Sans"} in dossier["fonts_substituted"]
    assert archival.problems_written(out.read_bytes()) == []


def test_a_pdf_naming_many_fonts_gets_a_label_of_bounded_length_and_a_complete_manifest(tmp_path: Path) -> None:
    # A crafted original: 20 unembedded fonts without substitutes, one with a 300-character name.
    original = tmp_path / "many-fonts.pdf"
    _standard_fonts_pdf(original)
    with pikepdf.open(original, allow_overwriting_input=True) as pdf:
        table = pdf.pages[0].Resources.Font
        for n in range(20):
            name = "X" * 300 if n == 0 else f"Brand{n:02d}"
            table[Name(f"/Z{n}")] = pdf.make_indirect(pikepdf.Dictionary(
                Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + name), FirstChar=32, LastChar=34,
                Widths=[500, 500, 500]))
        pdf.save(original)
    out, result = _bundle_of(tmp_path, original)
    item = result.manifest["exhibits"][0]
    left = [f["font"] for f in item["fonts_not_substituted"]]
    assert len(left) == 20 and "X" * 63 + "…" in left
    label = " ".join(_page_text(out, item["pages"][0]).split())
    assert "and 8 more (the manifest lists them all)" in label and "X" * 64 not in label
    assert result.manifest["pdfa"] is None


def test_originals_with_the_same_fonts_share_one_copy_of_each_substitute(tmp_path: Path) -> None:
    _need_substitute_fonts()
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    _standard_fonts_pdf(first)
    _standard_fonts_pdf(second)
    second.write_bytes(second.read_bytes().replace(b"09:12", b"10:45"))  # another statement, the same fonts
    spec, paths = spec_for([EvidenceFile(p, p.name, "application/pdf", "Statement", "PDF document")
                            for p in (first, second)])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    assert result.manifest["pdfa"] == "PDF/A-3b"
    with pikepdf.open(out) as pdf:
        programs: dict[str, set[tuple[int, int]]] = {}
        for page in pdf.pages:
            for form in page.Resources.get(Name.XObject, {}).values():
                for font in form.get(Name.Resources, {}).get(Name.Font, {}).values():
                    descriptor = font.FontDescriptor
                    programs.setdefault(str(descriptor.FontName).split("+")[1], set()).add(descriptor.objgen)
    assert programs["NimbusSans-Regular"] and all(len(objs) == 1 for objs in programs.values()), programs


def test_dingbats_and_symbols_read_the_same_after_substitution(tmp_path: Path) -> None:
    # Check marks of a flattened form are ZapfDingbats ("4" is ✔): embedded and renamed, they read as "4n5".
    _need_substitute_fonts()
    original = tmp_path / "ticked.pdf"
    c = Canvas(str(original), invariant=1)
    c.setFont("ZapfDingbats", 14)
    c.setFont("Symbol", 14)
    c._code.append("BT /F2 14 Tf 60 700 Td (4n5) Tj ET BT /F3 14 Tf 60 660 Td (abg) Tj ET")
    c.showPage()
    c.save()
    out, result = _bundle_of(tmp_path, original)
    assert result.manifest["pdfa"] == "PDF/A-3b"
    placed = _page_text(out, result.manifest["exhibits"][0]["pages"][1])
    assert "✔■✕" in placed and "αβγ" in placed


def test_a_converted_documents_pages_get_substitutes_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # LibreOffice embeds its fonts; a converter that did not would leave the bundle short of PDF/A, unsaid.
    _need_substitute_fonts()
    from casedesk.reports import assemble

    def convert(self: object, source: Path, mime: str, size: int, reference: str) -> tuple[Path, int]:
        pdf = tmp_path / "job" / "out" / "exhibit.pdf"
        pdf.parent.mkdir(parents=True)
        _standard_fonts_pdf(pdf)
        return pdf, 0

    monkeypatch.setattr(assemble.Converter, "to_pdf", convert)
    monkeypatch.setattr(assemble, "tool_version", lambda converter: "7.4.7.2")
    docx = tmp_path / "statement.docx"
    docx.write_bytes(b"PK\x03\x04 not read: the converter above stands in for LibreOffice")
    spec, paths = spec_for([EvidenceFile(docx, docx.name, "application/vnd.openxmlformats-officedocument."
                                         "wordprocessingml.document", "Statement (Word)", "Microsoft Word 2007+")])
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item = result.manifest["exhibits"][0]
    assert item["rendering"] == "document" and result.manifest["pdfa"] == "PDF/A-3b"
    assert {"font": "Helvetica", "shown_with": "Nimbus Sans"} in item["fonts_substituted"]
    assert "Helvetica with Nimbus Sans" in " ".join(_page_text(out, item["pages"][0]).split())
