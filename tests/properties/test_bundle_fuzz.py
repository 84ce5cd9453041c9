"""Bundle rendering of hostile and broken exhibits: malformed and enormous PDFs, truncated JPEGs,
decompression bombs, names that try to steer the reader.

Hypothesis throws damaged files at the two places that parse exhibit content
(image preparation and PDF page placement): each either works or says why in
its own error, never anything else. Then a real store exports a case made of
the hand-crafted worst cases: the bundle is built, every bad exhibit becomes a
placeholder page that says why, and the bundle checks out.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from pathlib import Path

import pikepdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pikepdf import Array, Pdf
from PIL import Image

from casedesk.reports.content import ImageProblem, prepare_image
from casedesk.reports.stamping import PlacementError, place_pdf
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.bundles import Bundles
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.conftest import FULL
from tests.helpers.bundle import page_texts
from tests.helpers.reliability import check_store
from tests.helpers.store import CASE, Store


def _pdf(pages: int = 2, box: tuple[float, float, float, float] = (0, 0, 595, 842)) -> bytes:
    pdf = Pdf.new()
    for i in range(pages):
        page = pdf.add_blank_page()
        page.MediaBox = Array(list(box))
        page.Contents = pdf.make_stream(b"0.5 g 20 20 100 100 re f BT ET %d" % i)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


GOOD_PDF, GOOD_JPEG, GOOD_PNG = _pdf(), _jpeg(), _png()


@st.composite
def damaged(draw: st.DrawFn, good: bytes) -> bytes:
    data = bytearray(good)
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "splice"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[i:]
        else:
            data[i:i] = draw(st.binary(min_size=1, max_size=40))
    return bytes(data)


def _in_file(data: bytes, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(suffix=suffix)
    with open(fd, "wb") as fh:
        fh.write(data)
    return Path(name)


@given(st.one_of(damaged(GOOD_JPEG), damaged(GOOD_PNG), st.binary(max_size=400).map(lambda b: b"\xff\xd8\xff" + b),
                 st.binary(max_size=400).map(lambda b: b"\x89PNG\r\n\x1a\n" + b)))
def test_image_preparation_works_or_says_why(data: bytes) -> None:
    path = _in_file(data, ".img")
    try:
        prepared = prepare_image(path, 400, 500)
    except ImageProblem as exc:
        assert str(exc)
        return
    finally:
        path.unlink()
    assert prepared.data.startswith(b"\xff\xd8") and prepared.pixel_size[0] >= 1


@given(st.one_of(damaged(GOOD_PDF), st.binary(max_size=600).map(lambda b: b"%PDF-1.7\n" + b)))
def test_pdf_placement_works_or_says_why(data: bytes) -> None:
    source = _in_file(data, ".pdf")
    target = source.with_suffix(".placed.pdf")
    try:
        placed = place_pdf(source, target, "JAS/1")
    except PlacementError as exc:
        assert str(exc)
        return
    finally:
        source.unlink()
    try:
        assert placed.pages >= 1 and len(placed.captions) == placed.pages
        with pikepdf.open(target) as pdf:
            assert len(pdf.pages) == placed.pages
    finally:
        target.unlink(missing_ok=True)


# --- the worst cases, through a real export ---------------------------------------------------


def _bomb() -> bytes:
    """A PNG of about 400 million pixels that compresses to a few hundred KiB."""
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")
    return out.getvalue()


def _encrypted() -> bytes:
    out = io.BytesIO()
    pikepdf.open(io.BytesIO(GOOD_PDF)).save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    return out.getvalue()


MANY_PAGES = 5_000 if FULL else 400


def _hostile(folder: Path) -> dict[str, tuple[bytes, str | None]]:
    """name -> (content, why it must become a placeholder, or None when it must be shown)."""
    jpeg = _jpeg((1600, 1200))
    big = _pdf(MANY_PAGES)
    files: dict[str, tuple[bytes, str | None]] = {
        "garbage.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"\x00junk" * 200,
                        "the PDF cannot be read"),
        "cut-in-half.pdf": (big[: len(big) // 3], "either"),  # qpdf repairs it, or gives up: either is said
        "encrypted.pdf": (_encrypted(), "encrypted"),
        "empty-box.pdf": (_pdf(1, (5, 5, 5, 5)), "empty page box"),
        "huge-page.pdf": (_pdf(1, (0, 0, 10_000_000, 10_000_000)), None),
        "many-pages.pdf": (big, None),
        "truncated.jpg": (jpeg[: len(jpeg) // 3], "does not decode"),
        "bomb.png": (_bomb(), "decompression bombs"),
        "empty.jpg": (b"", None),  # zero bytes: described, not shown
        "photo.jpg": (jpeg, None),
        "minutes\u202etxt.exe": (b"meeting minutes\n\x1b[2J\x07 bell and escape\n", None),
    }
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    return files


@pytest.mark.slow
def test_export_of_hostile_exhibits(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "seized"
    folder.mkdir()
    files = _hostile(folder)
    s = store.sign_in("jsmith")
    try:
        views = Evidence(s).ingest(CASE, sorted(folder.iterdir()), IngestMetadata(description="Seized media"))
        names = {v.reference: v.original_name for v in views.ingested}
        assert sorted(names.values()) == sorted(files)
        result = Bundles(s).export(CASE, tmp_path / "bundle.pdf")
        check = verify_bundle(result.path, s)
    finally:
        s.close()
    placeholders = {names[p.reference]: p.why for p in result.problems}
    cut = placeholders.pop("cut-in-half.pdf", None)
    expected = {name: why for name, (_, why) in files.items() if why not in (None, "either")}
    assert sorted(placeholders) == sorted(expected)
    for name, why in expected.items():
        assert why in placeholders[name], (name, placeholders[name])
    assert check.ok, check
    assert sorted(result.included) == sorted(names)
    texts = page_texts(result.path)
    assert len(texts) == result.pages
    # The thousands of pages are all there, each with a caption that tells the truth about its scale.
    captions = [t for t in texts if re.search(r"original page \d+ of " + str(MANY_PAGES) + r"\b", t)]
    assert len(captions) == MANY_PAGES
    if cut is None:  # the PDF cut short was repaired, and its pages say so
        assert any("The PDF is damaged: qpdf repaired" in t for t in texts)
    else:
        assert "the PDF cannot be read" in cut
    assert not any(re.search(r"shown at 0%", t) for t in texts)
    assert any("shown at less than 1%" in t for t in texts)  # the 10-million-point page
    # The hostile name is shown, not obeyed; the originals are attached byte for byte.
    assert any("minutes[U+202E]txt.exe" in t for t in texts)
    with pikepdf.open(result.path) as pdf:
        attached = {hashlib.sha256(spec.get_file().read_bytes()).hexdigest() for spec in pdf.attachments.values()}
    assert {hashlib.sha256(c).hexdigest() for c, _ in files.values()} <= attached
    check_store(store)
