"""PDF/A-3b for the bundle: output intent, XMP metadata, associated files, and an honest declaration.

``pikepdf.pdfa.prepare`` gives the document what ISO 19005-3 asks of its
structure (an sRGB output intent, XMP metadata that agrees with the document
information and declares PDF/A-3 level B, every embedded file listed in the
catalog's ``/AF``); the time it writes into ``xmp:MetadataDate`` is replaced
by the export time, so the bytes stay reproducible.

The declaration is only kept when ``pikepdf.pdfa.check`` finds nothing wrong.
pikepdf's validator is an allowlist: it approves only what it knows, and
reports two things the bundle has and ISO 19005-3 permits as "not checked":
the ``/OpenAction`` that opens the bundle at 100 % (an explicit destination,
not an action; 6.6.1 restricts actions only) and the paperclip
(``/FileAttachment``) annotations on the label pages (6.3.1 forbids only 3D,
Sound, Screen and Movie annotations; PDF/A-3 lets an attachment be any
file). Those two are set aside, and anything else found (an original PDF
with a font it does not embed and for which no substitute could be embedded,
see ``font_substitutes``; an LZW stream) means the bundle is not declared
PDF/A: the XMP declaration is removed and the manifest says why.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import pikepdf
from pikepdf import Name, Pdf

from casedesk.timeutil import iso_utc

FLAVOUR = "3b"
_OBJ = re.compile(r"^obj (\d+) (\d+)\b")


NO_VALIDATOR = ("pikepdf's PDF/A module cannot be loaded (it needs jsonschema, referencing and fonttools: "
                "pip install 'pikepdf[pdfa]'); the bundle is not checked, so it is not declared PDF/A")


def _pdfa() -> Any:
    """``pikepdf.pdfa``, or None when its dependencies are missing (then no bundle is declared PDF/A)."""
    try:
        from pikepdf import pdfa  # needs jsonschema, referencing and fonttools (pikepdf[pdfa])
    except ImportError:
        return None
    return pdfa


def prepare(out: Pdf, at: datetime) -> None:
    """Give ``out`` the structure and metadata of PDF/A-3b, with ``at`` as its only time."""
    pdfa = _pdfa()
    if pdfa is None:
        return
    pdfa.prepare(out, FLAVOUR)
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["xmp:MetadataDate"] = iso_utc(at)


def _permitted(pdf: Pdf, finding: Any) -> bool:
    """A construct ISO 19005-3 permits that pikepdf's allowlist does not check (see the module's text)."""
    if finding.kind != "unsupported" or finding.rule != "pikepdf:schema-Annot":
        return False
    m = _OBJ.match(finding.where)
    if m is None:
        return False
    annot = pdf.get_object(int(m.group(1)), int(m.group(2)))
    return isinstance(annot, pikepdf.Dictionary) and annot.get(Name.Subtype) == Name.FileAttachment


# Filters ISO 19005-3 6.1.7.2 permits; the bundle is written without decoding streams (stream_decode_level none),
# so a filter an original used (LZW, say) reaches the file as it is.
PERMITTED_FILTERS = frozenset({"/FlateDecode", "/DCTDecode", "/CCITTFaxDecode", "/JBIG2Decode", "/JPXDecode",
                               "/RunLengthDecode", "/ASCIIHexDecode", "/ASCII85Decode"})


_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def _quick(pdf: Pdf) -> list[str]:
    """What a pass over the objects finds at once: filters PDF/A forbids, fonts not embedded.

    The bundle keeps every stream's filters as they are (the check models qpdf's default writing, so filters are
    checked here); and a font still not embedded (one with no substitute: ``font_substitutes``) rules PDF/A out
    without the full check, which costs about a millisecond an object.
    """
    found: list[str] = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get(Name.Type) == Name.Font:
            if obj.get(Name.Subtype) in (Name.Type3, Name.Type0):
                continue  # glyphs drawn in the PDF itself; a Type 0 font's descendant is checked on its own
            descriptor = obj.get(Name.FontDescriptor)
            if not isinstance(descriptor, pikepdf.Dictionary) or not any(k in descriptor for k in _FONT_FILES):
                found.append(f"[violation] ISO_19005_3:6.2.11.4.1-1 at obj {obj.objgen[0]} {obj.objgen[1]} (Font): "
                             f"font {obj.get(Name.BaseFont, '(unnamed)')} is not embedded")
            continue
        if not isinstance(obj, pikepdf.Stream):
            continue
        value = obj.stream_dict.get(Name.Filter)
        names = [value] if isinstance(value, pikepdf.Name) else list(value) if isinstance(value, pikepdf.Array) else []
        for name in names:
            if str(name) not in PERMITTED_FILTERS:
                found.append(f"[violation] ISO_19005_3:6.1.7.2-1 at obj {obj.objgen[0]} {obj.objgen[1]}: "
                             f"stream filter {name} is not permitted")
    return found


def problems(pdf: Pdf) -> list[str]:
    """What stops ``pdf``, written as the bundle is, from being PDF/A-3b, as pikepdf's validator words it."""
    pdfa = _pdfa()
    if pdfa is None:
        return [NO_VALIDATOR]
    quick = _quick(pdf)
    if quick:
        return quick
    action = pdf.Root.get(Name.OpenAction)
    if action is not None:
        del pdf.Root[Name.OpenAction]
    try:
        report = pdfa.check(pdf, FLAVOUR, deterministic_id=True,
                               object_stream_mode=pikepdf.ObjectStreamMode.disable)
    finally:
        if action is not None:
            pdf.Root[Name.OpenAction] = action
    return [str(f) for f in report.findings if not _permitted(pdf, f)]


def problems_written(data: bytes) -> list[str]:
    """The same for a written bundle (for tests and checks): its findings, less the two permitted constructs."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if Name.OpenAction in pdf.Root:
            del pdf.Root[Name.OpenAction]
        copy = io.BytesIO()
        pdf.save(copy, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable,
                 stream_decode_level=pikepdf.StreamDecodeLevel.none, compress_streams=False)
    copy.seek(0)
    pdfa = _pdfa()
    if pdfa is None:
        raise RuntimeError(NO_VALIDATOR)
    report = pdfa.validate_written(copy, FLAVOUR)
    with pikepdf.open(copy) as pdf:
        return [str(f) for f in report.findings if not _permitted(pdf, f)]


def undeclare(out: Pdf) -> None:
    """Remove the PDF/A declaration from the XMP metadata (the bundle is then a plain PDF)."""
    with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        for key in ("pdfaid:part", "pdfaid:conformance"):
            if key in meta:
                del meta[key]


def declared(pdf: Pdf) -> str | None:
    """The PDF/A part and level the file's XMP declares (``3B``), or None."""
    meta = pdf.open_metadata()
    part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    return f"{part}{level}" if part and level else None
