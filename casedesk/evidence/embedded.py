"""Metadata embedded in an exhibit's content: EXIF of photographs (camera, time taken, GPS), PNG text, a PDF's
document information. Read from bytes already in memory (the preview's), never written anywhere.

What a file says about itself is a claim of the file, not a fact the log vouches for: the desktop shows it as
"embedded metadata", beside the exhibit's recorded hashes and custody.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("casedesk.evidence")

MAX_VALUE = 200  # characters of one value shown
GPS_IFD = 0x8825
EXIF_IFD = 0x8769


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, tuple) and value and all(isinstance(v, (int, float)) or hasattr(v, "numerator")
                                                   for v in value):
        value = ", ".join(f"{float(v):g}" for v in value)
    text = " ".join(str(value).replace("\x00", "").split())
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE] + "…"


def _gps_degrees(parts: Any, ref: Any) -> str | None:
    try:
        d, m, s = (float(p) for p in parts)
    except (TypeError, ValueError):
        return None
    value = d + m / 60 + s / 3600
    return f"{-value if str(ref).upper() in ('S', 'W') else value:.6f}"


def image_metadata(content: bytes) -> list[tuple[str, str]]:
    from PIL import ExifTags, Image

    out: list[tuple[str, str]] = []
    with Image.open(io.BytesIO(content)) as image:  # reads the header only: no pixels decoded
        out += [("Format", _text(image.format)), ("Pixels", f"{image.width} × {image.height}"),
                ("Colour mode", _text(image.mode))]
        exif = image.getexif()
        for tag, value in exif.items():
            if tag in (GPS_IFD, EXIF_IFD):
                continue
            out.append((ExifTags.TAGS.get(tag, f"Tag {tag}"), _text(value)))
        for tag, value in exif.get_ifd(EXIF_IFD).items():
            out.append((ExifTags.TAGS.get(tag, f"Tag {tag}"), _text(value)))
        gps = exif.get_ifd(GPS_IFD)
        if gps:
            names = {ExifTags.GPSTAGS.get(k, str(k)): v for k, v in gps.items()}
            lat = _gps_degrees(names.get("GPSLatitude"), names.get("GPSLatitudeRef"))
            lon = _gps_degrees(names.get("GPSLongitude"), names.get("GPSLongitudeRef"))
            if lat is not None and lon is not None:
                out.append(("GPS position", f"{lat}, {lon}"))
            out += [(f"GPS {k.removeprefix('GPS')}", _text(v)) for k, v in names.items()
                    if k not in ("GPSLatitude", "GPSLongitude", "GPSLatitudeRef", "GPSLongitudeRef")]
        for key, value in image.info.items():  # PNG text chunks and the like
            if isinstance(value, (str, bytes)) and key not in ("exif", "icc_profile"):
                out.append((_text(key), _text(value)))
    return out


def pdf_metadata(content: bytes) -> list[tuple[str, str]]:
    import pikepdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        out = [("Pages", str(len(pdf.pages))), ("PDF version", _text(pdf.pdf_version))]
        for key, value in pdf.docinfo.items():
            out.append((str(key).lstrip("/"), _text(str(value))))
    return out


def embedded_metadata(mime_type: str, content: bytes) -> list[tuple[str, str]]:
    """(field, value) pairs the file carries about itself; an empty list when it carries none we read.

    A file that cannot be parsed gets one line saying so (a damaged header is itself worth seeing).
    """
    mime = mime_type.lower()
    reader = image_metadata if mime.startswith("image/") else pdf_metadata if mime == "application/pdf" else None
    if reader is None or not content:
        return []
    try:
        return _dedupe(reader(content))
    except Exception as exc:  # a third-party parser on untrusted bytes: any failure is "unreadable"
        log.info("embedded metadata not read: %s", type(exc).__name__)
        return [("Metadata", f"could not be read ({type(exc).__name__})")]


def _dedupe(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for row in rows:
        if row not in seen and row[1]:
            seen.add(row)
            out.append(row)
    return out
