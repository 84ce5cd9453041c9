"""What a file is, from its content (libmagic), and whether its name agrees.

libmagic looks at the first ``HEAD_BYTES`` of the content only, as
python-magic's own documentation recommends: whole-file scans cost
milliseconds per text file and add nothing for the formats evidence comes
in. Each thread keeps its own magic handles (python-magic serialises calls on
one handle, and ctypes releases the GIL during the call, so two threads
detect types in parallel).

The extension check is deliberately a small table of the formats evidence
usually arrives in: an extension the table does not know is not judged,
rather than guessed from the host's ``/etc/mime.types`` (which differs
between machines and would make the warning irreproducible).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import magic

HEAD_BYTES = 4096

# libmagic's own fallbacks: when nothing in the magic database matches, the
# description and the MIME type are these fixed pairs. Knowing one from the
# other saves the second scan for unrecognised binary content.
_FALLBACK_MIME = {"data": "application/octet-stream", "empty": "application/x-empty"}
EMPTY_TYPES = frozenset({"application/x-empty", "inode/x-empty"})

TEXT = "text/*"
_OOXML = "application/vnd.openxmlformats-officedocument."
_OLE = frozenset({"application/CDFV2", "application/x-ole-storage", "application/vnd.ms-office"})
_ZIP = frozenset({"application/zip"})
_EXE = frozenset({"application/x-dosexec", "application/vnd.microsoft.portable-executable",
                  "application/x-msdownload"})

EXPECTED: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "jpg": frozenset({"image/jpeg"}),
    "jpeg": frozenset({"image/jpeg"}),
    "jpe": frozenset({"image/jpeg"}),
    "png": frozenset({"image/png"}),
    "gif": frozenset({"image/gif"}),
    "tif": frozenset({"image/tiff"}),
    "tiff": frozenset({"image/tiff"}),
    "bmp": frozenset({"image/bmp", "image/x-ms-bmp"}),
    "webp": frozenset({"image/webp"}),
    "heic": frozenset({"image/heic", "image/heif"}),
    "wav": frozenset({"audio/x-wav", "audio/wav", "audio/vnd.wave"}),
    "mp3": frozenset({"audio/mpeg"}),
    "m4a": frozenset({"audio/x-m4a", "audio/mp4", "video/mp4"}),
    "mp4": frozenset({"video/mp4", "audio/mp4"}),
    "mov": frozenset({"video/quicktime"}),
    "avi": frozenset({"video/x-msvideo"}),
    "zip": _ZIP,
    "gz": frozenset({"application/gzip", "application/x-gzip"}),
    "7z": frozenset({"application/x-7z-compressed"}),
    "rar": frozenset({"application/x-rar", "application/vnd.rar"}),
    "docx": _ZIP | {_OOXML + "wordprocessingml.document"},
    "xlsx": _ZIP | {_OOXML + "spreadsheetml.sheet"},
    "pptx": _ZIP | {_OOXML + "presentationml.presentation"},
    "odt": _ZIP | {"application/vnd.oasis.opendocument.text"},
    "ods": _ZIP | {"application/vnd.oasis.opendocument.spreadsheet"},
    "doc": _OLE | {"application/msword"},
    "xls": _OLE | {"application/vnd.ms-excel"},
    "ppt": _OLE | {"application/vnd.ms-powerpoint"},
    "msg": _OLE | {"application/vnd.ms-outlook"},
    "exe": _EXE,
    "dll": _EXE,
    "sqlite": frozenset({"application/vnd.sqlite3", "application/x-sqlite3"}),
    "rtf": frozenset({"text/rtf", "application/rtf"}),
    "txt": frozenset({TEXT}),
    "log": frozenset({TEXT}),
    "md": frozenset({TEXT}),
    "csv": frozenset({TEXT, "application/csv"}),
    "tsv": frozenset({TEXT}),
    "eml": frozenset({TEXT, "message/rfc822"}),
    "json": frozenset({TEXT, "application/json"}),
    "xml": frozenset({TEXT, "application/xml"}),
    "html": frozenset({TEXT}),
    "htm": frozenset({TEXT}),
    "vcf": frozenset({TEXT}),
    "ics": frozenset({TEXT}),
}


@dataclass(frozen=True)
class FileType:
    mime: str
    description: str
    warning: str | None


def _suffix(name: str) -> str:
    """``PurePosixPath(name).suffix`` without its dot, for the last component of ``name``, without a path
    object (an ingest asks once a file)."""
    name = name.rpartition("/")[2]
    i = name.rfind(".")
    return name[i + 1:] if 0 < i < len(name) - 1 else ""


def extension_warning(name: str, mime: str, description: str) -> str | None:
    """A one-line warning when the content is not what ``name``'s extension claims, else None."""
    if mime in EMPTY_TYPES:
        return None  # zero bytes have no type to contradict the name
    suffix = _suffix(name).lower()
    expected = EXPECTED.get(suffix)
    if expected is None:
        return None
    if mime in expected or (TEXT in expected and mime.startswith("text/")):
        return None
    short = description if len(description) <= 80 else description[:77] + "..."
    return f"content is {short} ({mime}), not what the .{suffix} extension suggests"


class TypeDetector:
    """libmagic MIME type and description, one pair of handles per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def _handles(self) -> tuple[magic.Magic, magic.Magic]:
        handles: tuple[magic.Magic, magic.Magic] | None = getattr(self._local, "handles", None)
        if handles is None:
            handles = (magic.Magic(mime=True), magic.Magic())
            self._local.handles = handles
        return handles

    def detect(self, head: bytes | memoryview, name: str) -> FileType:
        mime_handle, text_handle = self._handles()
        sample = bytes(head[:HEAD_BYTES])
        description = str(text_handle.from_buffer(sample))
        mime = _FALLBACK_MIME.get(description) or str(mime_handle.from_buffer(sample))
        return FileType(mime, description, extension_warning(name, mime, description))
