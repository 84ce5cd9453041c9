"""Exhibit content on its own: text decoding and caps, images, carriers, placing original pages."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from casedesk.errors import IntegrityError
from casedesk.reports.carrier import write_carrier
from casedesk.reports.content import ImageProblem, decode_text, kind_of, prepare_image
from casedesk.reports.stamping import BAND, SIDE, PlacementError, place_pdf


def test_kinds() -> None:
    assert kind_of("application/pdf") == "pdf"
    assert kind_of("text/csv; charset=utf-8") == "text"
    assert kind_of("application/json") == "text"
    assert kind_of("image/jpeg") == "image"
    assert kind_of("audio/mpeg") == "other"
    assert kind_of("application/zip") == "other"


def test_text_decoding_and_the_byte_cap(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("Statement – £5\n".encode("utf-16"))
    assert decode_text(utf16).text == "Statement – £5\n"
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 receipt \xa35.00 paid to M\xfcller, thank you for your custom\n".encode("cp1252") * 20)
    decoded = decode_text(latin)
    assert "Café" in decoded.text and "£5.00" in decoded.text and "Müller" in decoded.text
    assert decoded.encoding == "CP1252"
    cyrillic = tmp_path / "cyrillic.txt"
    cyrillic.write_bytes("Показания свидетеля о событиях 3 марта\n".encode("cp1251") * 20)
    assert "Показания свидетеля" in decode_text(cyrillic).text
    big = tmp_path / "big.txt"
    big.write_bytes(("é" * 1000 + "\n").encode() * 10)  # 20,010 bytes of two-byte characters
    capped = decode_text(big, cap=4097)  # cut in the middle of a character
    assert capped.bytes_read == 4097
    assert "\ufffd" not in capped.text and set(capped.text) <= {"é", "\n"}


def _jpeg(size: tuple[int, int], date: str | None = None) -> bytes:
    image = Image.new("RGB", size, (120, 80, 40))
    exif = Image.Exif()
    if date:
        exif.get_ifd(0x8769)[36867] = date
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _noisy_jpeg(size: tuple[int, int]) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_images_are_downsampled_with_their_exif_date(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(_jpeg((3200, 2400), "2026:03:14 09:12:33"))
    prepared = prepare_image(photo, 480, 600)
    assert prepared.original_size == (3200, 2400)
    assert max(prepared.pixel_size) <= 1000
    assert prepared.exif_date is not None and prepared.exif_date.startswith("2026:03:14 09:12:33")
    assert "no time zone" in prepared.exif_date
    assert Image.open(io.BytesIO(prepared.data)).format == "JPEG"


def test_undecodable_and_oversized_images_are_refused_with_a_reason(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    whole = _noisy_jpeg((800, 600))
    broken.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(ImageProblem, match="does not decode"):
        prepare_image(broken, 480, 600)
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 9000)).save(bomb, "PNG")
    with pytest.raises(ImageProblem, match="decompression bombs"):
        prepare_image(bomb, 480, 600)
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image at all")
    with pytest.raises(ImageProblem, match="not an image"):
        prepare_image(junk, 480, 600)


def test_carrier_holds_the_exact_bytes_and_refuses_a_wrong_hash(tmp_path: Path) -> None:
    data = b"ledger line\n" * 50000 + bytes(range(256)) * 100
    digest = hashlib.sha256(data).hexdigest()
    carried = write_carrier(io.BytesIO(data), tmp_path / "c.pdf", digest, "JAS/1", tmp_path / "plain")
    assert carried.compressed and carried.size == len(data) and carried.sha256 == digest
    assert (tmp_path / "plain").read_bytes() == data
    with pikepdf.open(tmp_path / "c.pdf") as pdf:
        assert pdf.Root.CaseDeskFile.read_bytes() == data
    with pytest.raises(IntegrityError, match="JAS/2"):
        write_carrier(io.BytesIO(data + b"x"), tmp_path / "d.pdf", digest, "JAS/2")


def test_rotated_and_odd_sized_pages_are_placed_inside_the_margins(tmp_path: Path) -> None:
    source = tmp_path / "source.pdf"
    c = Canvas(str(source), pagesize=A4)
    c.drawString(100, 700, "rotated page")
    c.showPage()
    c.setPageSize((200, 300))
    c.drawString(20, 150, "small receipt")
    c.showPage()
    c.save()
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save()
    placed = place_pdf(source, tmp_path / "placed.pdf", "JAS/5")
    assert placed.pages == 2
    assert placed.captions[0] == "Exhibit JAS/5 - original page 1 of 2, shown at 87%"
    assert placed.captions[1] == "Exhibit JAS/5 - original page 2 of 2"  # small pages are never enlarged
    with pikepdf.open(tmp_path / "placed.pdf") as pdf:
        first = pdf.pages[0]
        assert float(first.mediabox[2]) > float(first.mediabox[3])  # landscape for a rotated portrait page
        for page in pdf.pages:
            content = page.Contents.read_bytes()
            assert b"/CDOriginal Do" in content and b" re S" in content  # placed, and framed
            m = re.search(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) cm", content)
            assert m is not None
            matrix = pikepdf.Matrix(*[float(v) for v in m.groups()])
            form = page.Resources.XObject.CDOriginal
            inner = pikepdf.Matrix(*[float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])])
            box = [float(v) for v in form.BBox]
            width, height = float(page.mediabox[2]), float(page.mediabox[3])
            for x in (box[0], box[2]):
                for y in (box[1], box[3]):
                    px, py = (inner @ matrix).transform((x, y))
                    assert SIDE - 0.01 <= px <= width - SIDE + 0.01
                    assert BAND - 0.01 <= py <= height - BAND + 0.01


def test_encrypted_and_empty_pdfs_cannot_be_placed(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    c = Canvas(str(plain))
    c.drawString(10, 10, "x")
    c.showPage()
    c.save()
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    with pytest.raises(PlacementError, match="encrypted"):
        place_pdf(locked, tmp_path / "x.pdf", "JAS/1")
    empty = tmp_path / "empty.pdf"
    with pikepdf.new() as pdf:
        pdf.save(empty)
    with pytest.raises(PlacementError, match="no pages"):
        place_pdf(empty, tmp_path / "y.pdf", "JAS/1")
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + b"\x00" * 100)
    with pytest.raises(PlacementError):
        place_pdf(garbage, tmp_path / "z.pdf", "JAS/1")
