"""Streaming an exhibit's original into a one-object PDF that pikepdf can attach lazily.

pikepdf can only make a stream from bytes in memory; holding every original
in memory until the bundle is written would not scale to video exhibits. So
each original is copied, in 1 MiB pieces, into a minimal PDF whose single
stream object is the embedded-file stream (compressed when that helps).
``assemble`` opens it and copies that object into the bundle; qpdf reads the
data from disk only while it writes the bundle.

The copy is hashed on the way through and checked against the SHA-256
recorded at ingest: the bytes attached are the bytes the manifest names.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from casedesk.errors import IntegrityError
from casedesk.progress import CancelToken

PIECE = 1 << 20
PROBE = 64 * 1024


@dataclass(frozen=True)
class Carried:
    carrier: Path  # the one-object PDF
    copy: Path | None  # a plain copy, for rendering
    size: int
    sha256: str
    md5: str
    compressed: bool
    data_offset: int = 0  # where the stream data (as attached: compressed or not) starts in the carrier
    data_length: int = 0


def write_carrier(source: BinaryIO, carrier: Path, expected_sha256: str, reference: str,
                  copy: Path | None = None, cancel: CancelToken | None = None) -> Carried:
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = 0
    first = source.read(PIECE)
    probe = first[:PROBE]
    compressed = bool(probe) and len(zlib.compress(probe, 1)) < 0.9 * len(probe)
    squeeze = zlib.compressobj(6) if compressed else None
    plain = copy.open("wb") if copy is not None else None
    try:
        with carrier.open("wb") as out:
            out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
            offsets = [out.tell()]
            filters = b" /Filter /FlateDecode" if compressed else b""
            out.write(b"1 0 obj\n<< /Type /EmbeddedFile /Length 2 0 R" + filters + b" >>\nstream\n")
            start = out.tell()
            piece = first
            while piece:
                if cancel is not None:
                    cancel.check()
                size += len(piece)
                sha256.update(piece)
                md5.update(piece)
                if plain is not None:
                    plain.write(piece)
                out.write(squeeze.compress(piece) if squeeze is not None else piece)
                piece = source.read(PIECE)
            if squeeze is not None:
                out.write(squeeze.flush())
            length = out.tell() - start
            out.write(b"\nendstream\nendobj\n")
            objects = [
                f"{length}".encode(),
                b"<< /Type /Catalog /Pages 4 0 R /CaseDeskFile 1 0 R >>",
                b"<< /Type /Pages /Kids [] /Count 0 >>",
            ]
            for number, body in enumerate(objects, start=2):
                offsets.append(out.tell())
                out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
            xref = out.tell()
            out.write(f"xref\n0 {len(offsets) + 1}\n".encode())
            out.write(b"0000000000 65535 f \n")
            for offset in offsets:
                out.write(f"{offset:010d} 00000 n \n".encode())
            out.write(f"trailer\n<< /Size {len(offsets) + 1} /Root 3 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    finally:
        if plain is not None:
            plain.close()
    digest = sha256.hexdigest()
    if digest != expected_sha256:
        raise IntegrityError(
            f"exhibit {reference} read back with SHA-256 {digest[:16]}..., not the {expected_sha256[:16]}... "
            "recorded at ingest; run `casedesk verify` (nothing was exported)"
        )
    return Carried(carrier, copy, size, digest, md5.hexdigest(), compressed, start, length)
