"""Office documents and SVG drawings shown as a reader sees them (LibreOffice), or a page saying why not.

Needs LibreOffice (``soffice``, Debian's libreoffice-writer-nogui and libreoffice-draw-nogui, installed by
scripts/bootstrap.sh): without it these tests fail, they do not skip.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import stat
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image

from casedesk.demo import bank_statement_docx
from casedesk.reports import convert
from casedesk.reports.assemble import _WORK_RE, BuildResult, build_bundle
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import opener, searchable_pages, spec_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SVG_TEXT = "Seal bag MPSA100231 photographed at Limehouse"


def _require_soffice() -> None:
    assert shutil.which("soffice"), (
        "LibreOffice (soffice) is missing: install libreoffice-writer-nogui and libreoffice-draw-nogui "
        "(scripts/bootstrap.sh does)"
    )


def _svg(path: Path) -> None:
    # A picture of the converting computer's disk, named by the drawing (as any file:// path could be).
    local = path.with_name("officers-own-photo.png")
    Image.new("RGB", (97, 89), (255, 0, 0)).save(local)
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="400" '
        'height="200" viewBox="0 0 400 200">'
        '<rect x="10" y="10" width="380" height="180" fill="#ffe9a8" stroke="#333"/>'
        f'<image xlink:href="{local.as_uri()}" x="300" y="20" width="80" height="80"/>'
        '<circle cx="60" cy="100" r="30" fill="#c33"/>'
        f'<text x="100" y="105" font-family="DejaVu Sans" font-size="12">{SVG_TEXT}</text></svg>',
        encoding="utf-8",
    )


def _beacon_docx(path: Path, url: str) -> None:
    """A Word document whose picture is linked from a web server (a web beacon, if anything fetches it)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    pic = "http://schemas.openxmlformats.org/drawingml/2006/picture"
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}" xmlns:r="{rel}" xmlns:a="{a}" '
        f'xmlns:pic="{pic}" xmlns:wp="{wp}"><w:body><w:p><w:r><w:t>Invoice from the seller</w:t></w:r></w:p>'
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/><wp:docPr id="1" name="p"/>'
        f'<a:graphic><a:graphicData uri="{pic}"><pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/>'
        '</pic:nvPicPr><pic:blipFill><a:blip r:link="rId5"/></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="952500" cy="952500"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData>'
        '</a:graphic></wp:inline></w:drawing></w:r></w:p></w:body></w:document>')
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
            f'ContentType="{DOCX}.main+xml"/></Types>'.replace(".document.main", ".document.main")),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
                        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
                        "</Relationships>"),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId5" Type="{rel}/image" Target="{url}" TargetMode="External"/></Relationships>'),
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 11, 22, 13, 0, 0)), data)


def _files(folder: Path, beacon: str = "http://127.0.0.1:9/beacon.png") -> list[EvidenceFile]:
    docx = folder / "MG11_Graham_Pell.docx"
    bank_statement_docx(docx, datetime(2026, 11, 22, 13, 0, tzinfo=UTC))
    svg = folder / "scene-plan.svg"
    _svg(svg)
    broken = folder / "notes.docx"
    with zipfile.ZipFile(broken, "w") as zf:
        for name, data in (("[Content_Types].xml", "<not-xml"), ("word/document.xml", "\x00\x01 garbage")):
            zf.writestr(zipfile.ZipInfo(name, (2026, 11, 22, 13, 0, 0)), data)
    rtf = folder / "pocket-notebook.rtf"
    rtf.write_text(r"{\rtf1\ansi\deff0 {\fonttbl {\f0 DejaVu Sans;}}\f0\fs24 "
                   r"{\b Pocket notebook, DC Farrow}\par 14 March 2026, 09:12: laptop seized from the desk.\par}",
                   encoding="ascii")
    invoice = folder / "invoice.docx"
    _beacon_docx(invoice, beacon)
    return [
        EvidenceFile(docx, docx.name, DOCX, "MG11 witness statement of Graham Pell", "Microsoft Word 2007+"),
        EvidenceFile(svg, svg.name, "image/svg+xml", "Scene plan drawn by DC Farrow", "SVG Scalable Vector Graphics"),
        EvidenceFile(broken, broken.name, DOCX, "Notes file, damaged", "Microsoft Word 2007+"),
        EvidenceFile(rtf, rtf.name, "text/rtf", "Pocket notebook entry (RTF)", "Rich Text Format data"),
        EvidenceFile(invoice, invoice.name, DOCX, "Invoice with a picture linked from the web", "Microsoft Word 2007+"),
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, list[str], dict[str, Any]]:
    _require_soffice()
    folder = tmp_path_factory.mktemp("documents")
    fetched: list[str] = []

    class Beacon(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            self.send_error(404)

        do_OPTIONS = do_HEAD = do_GET

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Beacon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    beacon = f"http://127.0.0.1:{server.server_address[1]}/beacon.png"
    files = _files(folder, beacon)
    spec, paths = spec_for(files)
    out = folder / "bundle.pdf"
    seen: dict[str, Any] = {"folders": []}
    real = convert.run_bounded

    def watching(argv: Any, timeout: float, env: dict[str, str], cwd: Path) -> convert.ToolRun:
        # Where the decrypted copy lies while LibreOffice reads it, and who may open it.
        seen["folders"].append((cwd, stat.S_IMODE(os.stat(cwd).st_mode), stat.S_IMODE(os.stat(cwd.parent).st_mode),
                                sorted(p.name for p in cwd.iterdir())))
        return real(argv, timeout, env, cwd)

    convert.run_bounded = watching  # type: ignore[assignment]
    try:
        result = build_bundle(spec, opener(paths), out, work_folder=folder / "work")
    finally:
        convert.run_bounded = real  # type: ignore[assignment]
    server.shutdown()
    server.server_close()
    seen["fetched"] = fetched
    seen["files"] = files
    seen["work_left"] = sorted(p.name for p in (folder / "work").iterdir())
    return out, result, searchable_pages(out), seen


def _pages_of(result: BuildResult, pages: list[str], reference: str) -> tuple[dict[str, Any], list[str]]:
    item = next(e for e in result.manifest["exhibits"] if e["reference"] == reference)
    first, last = item["pages"]
    return item, [" ".join(p.split()) for p in pages[first - 1: last]]


def test_the_demo_mg11_docx_is_shown_as_its_pages(built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, result, pages, _ = built
    item, shown = _pages_of(result, pages, "JAS/1")
    assert item["rendering"] == "document" and item["problem"] is None
    label, *content = shown
    assert "laid out and printed to PDF by LibreOffice" in label
    assert content, "no page of the statement follows its label"
    text = " ".join(content)
    assert "WITNESS STATEMENT" in text and "Statement of: Graham Pell" in text
    assert "I checked the sample against the bank's systems" in text
    assert "Exhibit JAS/1 - LibreOffice page 1 of 1" in text  # the stamp says whose layout it is
    assert re.fullmatch(r"\d+(\.\d+)+", result.manifest["software"]["libreoffice"])


def test_an_svg_drawing_is_shown(built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, result, pages, _ = built
    item, shown = _pages_of(result, pages, "JAS/2")
    assert item["rendering"] == "document"
    assert SVG_TEXT in " ".join(shown[1:])


def test_an_svg_cannot_pull_a_picture_of_the_converting_computer_into_the_bundle(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    out, result, pages, _ = built
    _item, shown = _pages_of(result, pages, "JAS/2")
    assert "1 reference(s) of the drawing to files or addresses outside it" in shown[0]
    with pikepdf.open(out) as pdf:
        sizes = [(int(o.Width), int(o.Height)) for o in pdf.objects
                 if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]
    assert (97, 89) not in sizes  # LibreOffice drew the local file into the page before references were removed


def test_an_svg_that_declares_entities_is_not_converted() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>')
    with pytest.raises(convert.ConversionProblem, match="declares XML entities"):
        convert.sanitize_svg(data)


def test_a_document_libreoffice_cannot_read_gets_a_page_saying_why(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, result, pages, _ = built
    item, shown = _pages_of(result, pages, "JAS/3")
    assert item["rendering"] == "placeholder"
    assert item["problem"].startswith("LibreOffice could not read the Word document")
    assert "content cannot be shown" in shown[1] and "LibreOffice could not read the Word document" in shown[1]


def test_an_rtf_document_is_shown_as_laid_out_not_as_its_source(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, result, pages, _ = built
    item, shown = _pages_of(result, pages, "JAS/4")
    assert item["rendering"] == "document"
    text = " ".join(shown[1:])
    assert "laptop seized from the desk" in text and "\\rtf1" not in text and "fonttbl" not in text


def test_converting_a_document_fetches_nothing_it_links_to(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, result, pages, seen = built
    item, shown = _pages_of(result, pages, "JAS/5")
    assert item["rendering"] == "document" and "Invoice from the seller" in " ".join(shown[1:])
    assert seen["fetched"] == []  # LibreOffice fetched the linked picture before its profile blocked links


def test_the_decrypted_copy_is_private_and_gone_after_the_build(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]]) -> None:
    _out, _result, _pages, seen = built
    assert len(seen["folders"]) == 5
    for cwd, mode, parent_mode, names in seen["folders"]:
        assert mode == 0o700 and parent_mode == 0o700  # no one else may read the copy
        assert any(n.startswith("exhibit.") for n in names)
        assert _WORK_RE.fullmatch(cwd.parent.name)  # a later build removes it if this one is killed
    assert seen["work_left"] == []


def test_a_converted_document_gives_the_same_bytes_again(
        built: tuple[Path, BuildResult, list[str], dict[str, Any]], tmp_path: Path) -> None:
    out, _result, _pages, seen = built
    spec, paths = spec_for(seen["files"])  # the same exhibits, built again
    again = tmp_path / "again.pdf"
    build_bundle(spec, opener(paths), again)
    assert again.read_bytes() == out.read_bytes()


def test_without_libreoffice_the_page_says_it_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "SOFFICE", "soffice-not-installed-here")
    files = _files(tmp_path)[:1]
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    item, shown = _pages_of(result, searchable_pages(out), "JAS/1")
    assert item["rendering"] == "placeholder"
    assert "LibreOffice is not installed on the computer that made this bundle" in shown[1]


def test_a_conversion_that_overruns_is_stopped_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _require_soffice()
    monkeypatch.setattr(convert, "CONVERT_TIMEOUT", 0.2)
    files = _files(tmp_path)[:1]
    spec, paths = spec_for(files)
    out = tmp_path / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out, work_folder=tmp_path / "work")
    item, _shown = _pages_of(result, searchable_pages(out), "JAS/1")
    assert item["problem"] == ("LibreOffice did not finish converting the Word document within 0.2 seconds; "
                               "it was stopped")
    assert list((tmp_path / "work").iterdir()) == []
