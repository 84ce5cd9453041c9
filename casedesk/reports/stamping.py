"""Placing original PDF pages into the bundle and stamping every page.

Original pages are never drawn over: each becomes a form XObject scaled
(down only) into the area between the stamp bands of an A4 page, portrait or
landscape as the original is, with a hairline frame around it. The stamp,
the header and footer every bundle page carries (case reference, security
marking, "Page N of M", Bates number, and for original pages which exhibit
page it is), is a small content stream appended to the page, drawn in an
embedded subset of DejaVu Sans. Nothing here reads or decodes the original
content streams at stamping time, which is why it keeps pace with qpdf's own
``--overlay``.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf, Rectangle, Stream
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from casedesk.outputs import Scratch
from casedesk.reports.font_substitutes import Substitution, SubstitutionProblem, embed_substitutes
from casedesk.reports.fonts import BOLD, SANS, fonts
from casedesk.reports.model import SENSITIVE_MARK, bates

PORTRAIT = (float(A4[0]), float(A4[1]))
LANDSCAPE = (float(A4[1]), float(A4[0]))
SIDE = 28.0  # original pages keep this clear at the sides
BAND = 40.0  # and this at top and bottom, where the stamp goes
STAMP_SIZE = 7.5
STAMP_CHARS = "".join(chr(c) for c in range(32, 127)) + "–·"
FONT_NAME = Name("/CDStamp")
BOLD_NAME = Name("/CDStampBold")
FORM_NAME = Name("/CDOriginal")


class PlacementError(Exception):
    """An original PDF that cannot be shown page by page (the reason is the message)."""


@dataclass(frozen=True)
class Placed:
    pages: int
    captions: list[str]
    warnings: int  # qpdf's repairs of a damaged file
    flattened: int = 0  # form fields, comments, stamps drawn into the pages from their appearance
    not_drawn: int = 0  # visible annotations with no appearance to draw (the original keeps them)
    owner_protected: bool = False  # encrypted with an owner password only: opened, as any reader does
    fonts: Substitution = field(default_factory=Substitution)  # fonts not embedded, and what shows them


# Annotations that show nothing on the page themselves (or only while interacting).
_INVISIBLE = frozenset({"/Link", "/Popup"})


def _visible_annotations(pdf: Pdf) -> int:
    count = 0
    for page in pdf.pages:
        for annot in page.obj.get(Name.Annots) or []:
            try:
                subtype = str(annot.get(Name.Subtype))
                flags = int(annot.get(Name.F, 0))
            except (TypeError, ValueError, AttributeError):
                continue
            if subtype not in _INVISIBLE and not flags & 0b11:  # not Invisible, not Hidden
                count += 1
    return count


def _flatten(src: Pdf) -> tuple[int, int]:
    """Draw form fields and annotations into their pages as a reader shows them: (drawn, not drawn).

    Filled form fields get an appearance generated where the file asks for one (``/NeedAppearances``);
    every annotation with an appearance is then merged into its page's content by qpdf. What has no
    appearance to draw stays out, and is counted so the label can say so.
    """
    before = _visible_annotations(src)
    if before == 0:
        return 0, 0
    if Name.AcroForm in src.Root:
        src.generate_appearance_streams()
    src.flatten_annotations("screen")
    after = _visible_annotations(src)
    return before - after, after


def _matrix(formx: pikepdf.Object) -> pikepdf.Matrix:
    values = formx.get(Name.Matrix)
    return pikepdf.Matrix(*[float(v) for v in values]) if values is not None else pikepdf.Matrix()


def _visible_box(formx: pikepdf.Object) -> tuple[float, float, float, float]:
    """The form's bounding box after its own /Matrix (the page's rotation): x0, y0, x1, y1."""
    box = [float(v) for v in formx.BBox]
    matrix = _matrix(formx)
    corners = [matrix.transform((x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])]
    xs = [p[0] for p in corners]
    ys = [p[1] for p in corners]
    return min(xs), min(ys), max(xs), max(ys)


def place_pdf(source: Path, target: Path, reference: str) -> Placed:
    """Write ``target``: every page of ``source`` on its own A4 page, scaled into the content area.

    Raises ``PlacementError`` for a PDF that is encrypted, unreadable or empty.
    """
    try:
        src = Pdf.open(source)
    except pikepdf.PasswordError:
        raise PlacementError("the PDF is encrypted with a password; its pages cannot be shown") from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise PlacementError(f"the PDF cannot be read ({_short(exc, source)})") from None
    try:
        # Opened without a password: any restriction is an owner password's, which every reader ignores
        # for display (bank statements are often made so). The pages are shown; the label says so.
        owner_protected = bool(src.is_encrypted)
        count = len(src.pages)
        if count == 0:
            raise PlacementError("the PDF has no pages")
        flattened, not_drawn = _flatten(src)
        out = Pdf.new()
        captions: list[str] = []
        for number, page in enumerate(src.pages, start=1):
            formx = out.copy_foreign(page.as_form_xobject())
            box = _visible_box(formx)
            w, h = box[2] - box[0], box[3] - box[1]
            if w <= 0 or h <= 0:
                raise PlacementError(f"page {number} has an empty page box")
            size = LANDSCAPE if w > h * 1.05 else PORTRAIT
            new = out.add_blank_page(page_size=size)
            new.Resources = Dictionary(XObject=Dictionary(CDOriginal=formx))
            rect = Rectangle(SIDE, BAND, size[0] - SIDE, size[1] - BAND)
            placement = new.calc_form_xobject_placement(
                formx, FORM_NAME, rect, invert_transformations=True, allow_shrink=True, allow_expand=False,
            )
            scale, content = _placed_content(placement, box)
            new.Contents = Stream(out, content)
            percent = round(scale * 100)
            shown = "" if scale >= 0.995 else f", shown at {percent}%" if percent else ", shown at less than 1%"
            captions.append(f"Exhibit {reference} - original page {number} of {count}{shown}")
        warnings = len(src.get_warnings())
        try:
            substituted = embed_substitutes(out)
        except SubstitutionProblem as exc:
            substituted = Substitution(problem=str(exc))
        with open(target, "wb") as fh:  # a stream: pikepdf would rename a temporary file over an existing name
            out.save(fh, deterministic_id=True, compress_streams=True,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return Placed(count, captions, warnings, flattened, not_drawn, owner_protected, substituted)
    except PlacementError:
        raise
    except (pikepdf.PdfError, OSError, ValueError, KeyError, AttributeError, TypeError) as exc:
        raise PlacementError(f"the PDF is damaged ({_short(exc, source)})") from None
    finally:
        src.close()


_CM = re.compile(rb"([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+) cm")


def _placed_content(placement: bytes, box: tuple[float, float, float, float]) -> tuple[float, bytes]:
    """The content of a placed page: qpdf's placement of the original, then a hairline frame around it.

    Returns the scale qpdf chose (1.0 = natural size) and the content stream.
    """
    m = _CM.search(placement)
    if m is None:
        raise PlacementError("the page could not be placed")
    a, b = float(m.group(1)), float(m.group(2))
    scale = max(abs(a), abs(b)) or 1.0
    x0, y0, x1, y1 = box
    frame = b"0.6 G %.3f w %.3f %.3f %.3f %.3f re S\n" % (0.5 / scale, x0, y0, x1 - x0, y1 - y0)
    return scale, b"q\n" + m.group(0) + b"\n/CDOriginal Do\n" + frame + b"Q\n"


def _short(exc: BaseException, source: Path) -> str:
    """qpdf's message without the temporary file's path."""
    text = " ".join(str(exc).replace(f"{source}: ", "").replace(str(source), "the file").split())
    return text if len(text) <= 160 else text[:157] + "..."


def _pdf_string(raw: bytes) -> bytes:
    out = bytearray(b"(")
    for byte in raw:
        if byte in (0x28, 0x29, 0x5C):
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += f"\\{byte:03o}".encode()
        else:
            out.append(byte)
    out += b")"
    return bytes(out)


class Stamper:
    """Appends the bundle furniture to pages of ``out``."""

    def __init__(self, out: Pdf, workdir: Scratch, case_reference: str, marking: str, total: int) -> None:
        fonts()
        self.out = out
        self.case_reference = case_reference
        self.marking = marking
        self.total = total
        carrier = workdir.new("stamp-font.pdf")
        canvas = Canvas(str(carrier), pagesize=A4, invariant=1, initialFontName=SANS)
        canvas.setFont(SANS, STAMP_SIZE)
        canvas.drawString(10, 10, STAMP_CHARS)
        canvas.setFont(BOLD, STAMP_SIZE)
        canvas.drawString(10, 30, STAMP_CHARS)
        canvas.showPage()
        canvas.save()
        self._doc = canvas._doc
        # reportlab keeps printable ASCII at its own codes in the first subset ("ASCII readable").
        ascii_chars = STAMP_CHARS[:95]
        self._ascii_identity = all(
            pdfmetrics.getFont(f).splitString(ascii_chars, self._doc) == [(0, ascii_chars.encode("ascii"))]
            for f in (SANS, BOLD)
        )
        with Pdf.open(carrier) as pdf:
            fonts_dict = pdf.pages[0].Resources.Font
            by_base: dict[str, pikepdf.Object] = {}
            for key in sorted(fonts_dict.keys()):  # pikepdf returns a set: its order follows PYTHONHASHSEED
                by_base[str(fonts_dict[key].BaseFont)] = out.copy_foreign(fonts_dict[key])
        self._fonts = {
            SANS: next(v for k, v in by_base.items() if k.endswith("+DejaVuSans")),
            BOLD: next(v for k, v in by_base.items() if k.endswith("+DejaVuSans-Bold")),
        }
        self._open_q = Stream(out, b"q\n")

    def _text(self, font: str, x: float, y: float, text: str, align: str = "left") -> bytes:
        safe = "".join(ch if ch in STAMP_CHARS else "?" for ch in text)
        width = pdfmetrics.stringWidth(safe, font, STAMP_SIZE)
        if align == "right":
            x -= width
        elif align == "centre":
            x -= width / 2
        if safe.isascii() and self._ascii_identity:
            body = _pdf_string(safe.encode("ascii"))
        else:
            chunks = pdfmetrics.getFont(font).splitString(safe, self._doc)
            body = b"".join(_pdf_string(raw) for subset, raw in chunks if subset == 0)
        name = FONT_NAME if font == SANS else BOLD_NAME
        return b"BT /%s %.1f Tf %.2f %.2f Td [%s] TJ ET\n" % (
            str(name)[1:].encode(), STAMP_SIZE, x, y, body,
        )

    def stream(self, number: int, width: float, height: float, caption: str, sensitive: bool = False) -> bytes:
        top = height - 24
        bottom = 17
        right = width - SIDE
        parts = [
            b"Q q 0 g 0.75 G 0.4 w\n",
            b"%.2f %.2f m %.2f %.2f l S\n" % (SIDE, height - 32, right, height - 32),
            b"%.2f %.2f m %.2f %.2f l S\n" % (SIDE, 31, right, 31),
            b"0.15 g\n",
            self._text(SANS, SIDE, top, self.case_reference),
            self._text(BOLD, width / 2, top, f"{self.marking} – {SENSITIVE_MARK}" if sensitive else self.marking,
                       "centre"),
            self._text(SANS, right, top, f"Page {number} of {self.total}", "right"),
            self._text(SANS, SIDE, bottom, caption),
            self._text(BOLD, width / 2, bottom, f"{self.marking} – {SENSITIVE_MARK}" if sensitive else self.marking,
                       "centre"),
            self._text(BOLD, right, bottom, bates(self.case_reference, number), "right"),
            b"Q\n",
        ]
        return b"".join(parts)

    def stamp(self, page: pikepdf.Page, number: int, caption: str = "", sensitive: bool = False) -> None:
        """Add the furniture for bundle page ``number`` (1-based) to ``page`` (a page of ``out``).

        ``sensitive``: the page shows sensitive (MG6D) material, and says so beside the marking.
        """
        box = [float(v) for v in page.mediabox]
        width, height = box[2] - box[0], box[3] - box[1]
        resources = page.obj.get(Name.Resources)
        if resources is None:
            resources = Dictionary()
        else:
            resources = Dictionary({k: resources[k] for k in resources.keys()})
        font_dict = resources.get(Name.Font)
        font_dict = Dictionary({k: font_dict[k] for k in font_dict.keys()}) if font_dict is not None else Dictionary()
        font_dict[FONT_NAME] = self._fonts[SANS]
        font_dict[BOLD_NAME] = self._fonts[BOLD]
        resources[Name.Font] = font_dict
        page.obj[Name.Resources] = resources
        contents = page.obj.get(Name.Contents)
        items = list(contents) if isinstance(contents, Array) else ([contents] if contents is not None else [])
        data = zlib.compress(self.stream(number, width, height, caption, sensitive), 6)
        stamp = Stream(self.out, data)
        stamp[Name.Filter] = Name.FlateDecode
        page.obj[Name.Contents] = Array([self._open_q, *items, stamp])
