"""Metadata a file carries about itself: EXIF (camera, time, GPS), PDF document information; damage said plainly."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from casedesk.evidence.embedded import embedded_metadata


def photo_with_exif() -> bytes:
    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS 80D"  # Model
    exif[0x0132] = "2026:07:01 09:15:00"  # DateTime
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photographs_camera_time_and_position() -> None:
    rows = dict(embedded_metadata("image/jpeg", photo_with_exif()))
    assert rows["Format"] == "JPEG" and rows["Pixels"] == "64 × 48"
    assert rows["Make"] == "Canon" and rows["Model"] == "Canon EOS 80D"
    assert rows["DateTime"] == "2026:07:01 09:15:00"
    assert rows["GPS position"] == "51.500000, -0.125000"


def test_a_pdfs_document_information() -> None:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Call centre manager"
    pdf.docinfo["/Producer"] = "Microsoft Word"
    out = io.BytesIO()
    pdf.save(out)
    rows = dict(embedded_metadata("application/pdf", out.getvalue()))
    assert rows["Pages"] == "2" and rows["Author"] == "Call centre manager" and rows["Producer"] == "Microsoft Word"


def test_damaged_or_other_files() -> None:
    assert embedded_metadata("image/jpeg", b"\xff\xd8 not really a jpeg") == [
        ("Metadata", "could not be read (UnidentifiedImageError)")]
    assert embedded_metadata("text/plain", b"hello") == []
    assert embedded_metadata("image/png", b"") == []
