"""The bundle is PDF/A-3b, checked by pikepdf's validator (``pikepdf.pdfa``): every original attached as an
associated file with its MIME type, an output intent, XMP metadata; it opens at 100 % with bookmarks.

When an original stands in the way (a PDF whose fonts are not embedded), the bundle does not claim PDF/A.
"""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name
from reportlab.pdfgen.canvas import Canvas

from casedesk.reports import archival
from casedesk.reports.assemble import BuildResult, build_bundle
from casedesk.reports.fonts import SANS, fonts
from casedesk.reports.sample import EvidenceFile, make_evidence
from tests.helpers.bundle import opener, spec_for


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


def test_an_original_without_embedded_fonts_is_not_claimed_pdfa(tmp_path: Path) -> None:
    files = [ev for ev in make_evidence(tmp_path / "ev", awkward=False) if ev.name == "statement.pdf"]
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    assert result.manifest["pdfa"] is None
    assert any("not embedded" in p for p in result.manifest["pdfa_problems"])
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
