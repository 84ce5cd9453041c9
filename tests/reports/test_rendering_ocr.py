"""Scanned pages and photographed documents are searchable: an invisible OCR text layer (Tesseract, OCRmyPDF)
over pictures that look exactly as they did.

Needs ``tesseract`` with its English model and ``ocrmypdf`` (Debian's tesseract-ocr-eng and ocrmypdf, installed
by scripts/bootstrap.sh): without them these tests fail, they do not skip.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from casedesk.reports import content, ocr
from casedesk.reports.assemble import BuildResult, build_bundle
from casedesk.reports.fonts import _find
from casedesk.reports.sample import EvidenceFile
from tests.helpers.bundle import opener, searchable_pages, spec_for

LINES = ["NORTHGATE BANK PLC", "Letter to Mr Dev Sharma", "Your account 12345678 is blocked.",
         "Fraud Operations, Limehouse"]


def _require_tools() -> None:
    missing = [tool for tool in ("tesseract", "ocrmypdf") if shutil.which(tool) is None]
    assert not missing, (f"{', '.join(missing)} missing: install tesseract-ocr-eng and ocrmypdf "
                         "(scripts/bootstrap.sh does)")


def _letter(path: Path, first: str) -> None:
    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi, as a scanner makes it
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(_find("DejaVuSans.ttf")), 34)
    for i, line in enumerate([first, *LINES]):
        draw.text((120, 160 + i * 80), line, font=font, fill=0)
    image.save(path)


def _files(folder: Path) -> list[EvidenceFile]:
    photo = folder / "letter.png"
    _letter(photo, "Photographed letter")
    png = folder / "page.png"
    _letter(png, "Scanned statement")
    scan = folder / "scan.pdf"  # a scanner's PDF: one picture per page, no text
    stamp = time.gmtime(1772000000)
    with Image.open(png) as page:
        page.save(scan, "PDF", resolution=150, title="scan", creationDate=stamp, modDate=stamp)
    return [
        EvidenceFile(photo, "letter.png", "image/png", "Photograph of the bank's letter", "PNG image data"),
        EvidenceFile(scan, "scan.pdf", "application/pdf", "Scanned statement", "PDF document, version 1.4"),
    ]


def _build(folder: Path) -> tuple[Path, BuildResult, list[str]]:
    spec, paths = spec_for(_files(folder))
    out = folder / "bundle.pdf"
    result = build_bundle(spec, opener(paths), out)
    return out, result, searchable_pages(out)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult, list[str]]:
    _require_tools()
    return _build(tmp_path_factory.mktemp("ocr"))


def _content(result: BuildResult, pages: list[str], reference: str) -> tuple[int, str, str]:
    item = next(e for e in result.manifest["exhibits"] if e["reference"] == reference)
    first, last = item["pages"]
    assert last == first + 1
    return last, " ".join(pages[first - 1].split()), " ".join(pages[last - 1].split())


def _pixels(pdf: Path, page: int) -> bytes:
    out = subprocess.run(["pdftoppm", "-r", "60", "-gray", "-f", str(page), "-l", str(page), str(pdf)],
                         capture_output=True, check=True).stdout
    return out


def test_words_on_a_photographed_letter_are_found_by_pdftotext(built: tuple[Path, BuildResult, list[str]]) -> None:
    _out, result, pages = built
    _page, _label, shown = _content(result, pages, "JAS/1")
    assert "Dev Sharma" in shown and "12345678" in shown and "Limehouse" in shown
    assert "read by OCR lie invisibly over the image" in shown
    assert result.manifest["software"]["tesseract"]


def test_words_on_a_scanned_pdf_page_are_found_by_pdftotext(built: tuple[Path, BuildResult, list[str]]) -> None:
    _out, result, pages = built
    _page, label, shown = _content(result, pages, "JAS/2")
    assert "Dev Sharma" in shown and "12345678" in shown and "Limehouse" in shown
    assert "1 page(s) of the PDF are pictures without text (a scan): a text layer recognised by OCR" in label


def test_the_pictures_look_exactly_as_without_the_text_layer(
        built: tuple[Path, BuildResult, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out, result, _pages = built
    # The same bundle without the invisible words (the caption still counts them) and without OCRmyPDF.
    monkeypatch.setattr(content, "draw_words", lambda *args: None)
    monkeypatch.setattr(ocr, "scanned_pages", lambda path: 0)
    plain, plain_result, plain_pages = _build(tmp_path)
    for reference in ("JAS/1", "JAS/2"):
        page, _, _ = _content(result, searchable_pages(out), reference)
        plain_page, _, shown = _content(plain_result, plain_pages, reference)
        assert "Dev Sharma" not in shown  # the words found above really are OCR's
        assert page == plain_page
        assert _pixels(out, page) == _pixels(plain, page)


def test_ocr_gives_the_same_bytes_again(built: tuple[Path, BuildResult, list[str]], tmp_path: Path) -> None:
    out, _result, _pages = built
    again, _, _ = _build(tmp_path)
    assert again.read_bytes() == out.read_bytes()


def test_without_tesseract_the_label_says_no_text_layer_could_be_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "TESSERACT", "tesseract-not-installed-here")
    _out, result, pages = _build(tmp_path)
    _, label, shown = _content(result, pages, "JAS/1")
    assert ("No text layer could be made for the image: Tesseract is not installed on the computer that made this "
            "bundle (Debian package tesseract-ocr-eng).") in label
    assert "Dev Sharma" not in shown
    _, label, _ = _content(result, pages, "JAS/2")
    assert "no text layer could be added to them: Tesseract is not installed" in label
