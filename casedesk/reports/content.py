"""An exhibit's content, rendered as well as its type allows.

Text and CSV are typeset in DejaVu Sans Mono with the file's line numbers
at the left, long lines wrapped; images are embedded at a readable size with
their EXIF date; anything else gets a page saying what it is. A file that
cannot be shown (an image that does not decode, a decompression bomb) gets a
placeholder page that says why. PDFs are placed page for page by
``stamping.place_pdf``.
"""

from __future__ import annotations

import codecs
import io
import logging
import unicodedata
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from casedesk.reports import text as T
from casedesk.reports.convert import convertible
from casedesk.reports.fonts import MONO, SANS
from casedesk.reports.html_text import html_text
from casedesk.reports.model import ExhibitInfo
from casedesk.reports.ocr import OCR_PIXELS, OcrProblem, Word
from casedesk.reports.typeset import CONTENT_W, GREY, INK, MARGIN_BOTTOM, MARGIN_X, TOP, Writer

log = logging.getLogger("casedesk.reports")

TEXT_TYPES = frozenset({
    "application/json", "application/xml", "application/csv", "application/x-ndjson",
    "application/javascript", "application/x-sh", "application/x-yaml", "application/yaml",
    "application/sql",
})
IMAGE_TYPES = frozenset({
    "image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp", "image/x-ms-bmp",
})

HEADER_SIZE = 7.5
TEXT_PAGE_CAP = 200  # pages of one text exhibit typeset at most; the original is attached in full
TEXT_BYTE_CAP = 4 * 1024 * 1024
MONO_SIZE = 7.6
MONO_LEADING = 9.4
GUTTER = 30.0  # line numbers
IMAGE_DPI = 150


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def mime_base(mime_type: str) -> str:
    return mime_type.split(";")[0].strip().lower()


def kind_of(mime_type: str) -> str:
    """How an exhibit is shown: ``pdf``, ``document``, ``email``, ``text``, ``image`` or ``other``."""
    mime = mime_type.split(";")[0].strip().lower()
    if mime == "application/pdf":
        return "pdf"
    if convertible(mime):  # office documents and SVG drawings: laid out by LibreOffice
        return "document"
    if mime == "message/rfc822":
        return "email"
    if mime.startswith("text/") or mime in TEXT_TYPES or mime in HTML_TYPES:
        return "text"
    if mime in IMAGE_TYPES:
        return "image"
    return "other"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:,.1f} {unit} ({size:,} bytes)"
    raise AssertionError("unreachable")


# --- text ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bytes_read: int


def decode_text(path: Path, cap: int | None = None) -> Decoded:
    """The first ``cap`` bytes (default ``TEXT_BYTE_CAP``) of a text file as text, in its likeliest encoding."""
    cap = TEXT_BYTE_CAP if cap is None else cap
    with path.open("rb") as fh:
        data = fh.read(cap)
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            return Decoded(decoder.decode(data, final=False), encoding.upper(), len(data))
    try:
        text = codecs.getincrementaldecoder("utf-8")(errors="strict").decode(data, final=False)
        return Decoded(text, "UTF-8", len(data))
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data[:262144]))
    if matches:
        least = min(m.chaos for m in matches)
        plausible = [m for m in matches if m.chaos == least]
        # Of the equally plausible single-byte encodings, Windows-1252 is by far the likeliest here.
        encoding = "cp1252" if any("cp1252" in m.could_be_from_charset for m in plausible) else (
            (from_bytes(data[:262144]).best() or plausible[0]).encoding)
        try:
            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            return Decoded(decoder.decode(data, final=False), encoding.upper(), len(data))
        except LookupError:
            pass
    return Decoded(data.decode("latin-1"), "ISO-8859-1 (guessed)", len(data))


def _wrap_mono(line: str, limit_chars: int, limit_width: float) -> list[str]:
    if T.simple(line, MONO):  # one advance width for every glyph: wrap by count
        if len(line) <= limit_chars:
            return [line]
        pieces = []
        while len(line) > limit_chars:
            cut = line.rfind(" ", limit_chars - 24, limit_chars)
            cut = limit_chars if cut <= 0 else cut + 1
            pieces.append(line[:cut])
            line = line[cut:]
        pieces.append(line)
        return pieces
    return T.wrap(line, MONO, MONO_SIZE, limit_width)


@dataclass(frozen=True)
class PreparedText:
    """A text exhibit laid out for typesetting: its pages of (line number or None, piece), and what is cut."""

    header: str
    pages: list[list[tuple[int | None, str]]]
    shown_lines: int
    cut: str | None  # the notice when only part is typeset, else None
    first_line: int
    last_line: int
    total_lines: int | None  # None when the byte cap stopped reading: the total is not known
    rtl: bool = False  # the document's base direction (each line is ordered in it)
    delimiter: str | None = None  # a table (CSV): each line's cells keep their order, text ordered within each


TABULAR = frozenset({"text/csv", "application/csv", "text/tab-separated-values", "text/tsv"})


def document_is_rtl(text: str, mime_type: str) -> bool:
    """The base direction of a text document: that of its first strong character (UAX #9, rules P2-P3).

    Decided once per document, never per line: a CSV row that starts with an Arabic name must keep its
    fields in the file's order. Tables (CSV, TSV) are always left to right: their fields are in file order.
    """
    if mime_type.split(";")[0].strip().lower() in TABULAR:
        return False
    for ch in text[:65536]:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def _delimiter(first_line: str, mime_type: str) -> str | None:
    """The cell delimiter of a CSV (the likeliest of , ; | tab in its first line), else None."""
    if mime_type.split(";")[0].strip().lower() not in TABULAR:
        return None
    return max((",", ";", "|", "\t"), key=first_line.count)


def _note_height(text: str) -> float:
    """Height ``Writer.note`` takes for ``text`` at its default size, with the space before it."""
    return len(T.wrap(T.visible(text), SANS, 9.0, CONTENT_W - 16)) * 9.0 * 1.35 + 10 + 8 + 4


def _header_height(header: str) -> float:
    return len(T.wrap(T.visible(header), SANS, HEADER_SIZE, CONTENT_W)) * HEADER_SIZE * 1.35 + 4


def prepare_text(path: Path, exhibit: ExhibitInfo, page_cap: int = TEXT_PAGE_CAP) -> PreparedText:
    """Decode and lay out a text exhibit, so that whether (and where) it is cut is known before its label."""
    decoded = decode_text(path)
    html = mime_base(exhibit.mime_type) in HTML_TYPES
    if html:  # shown as a browser shows it: its text, not its source
        decoded = Decoded(html_text(decoded.text), decoded.encoding, decoded.bytes_read)
    limit_width = CONTENT_W - GUTTER
    limit_chars = int(limit_width // (MONO_SIZE * 0.6021))
    lines = decoded.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "" and decoded.bytes_read == exhibit.size:
        lines.pop()
    truncated_by_bytes = decoded.bytes_read < exhibit.size
    if truncated_by_bytes and len(lines) > 1:
        lines.pop()  # the last line read may be cut short
    header = (
        f"Text of exhibit {exhibit.reference}, {human_size(exhibit.size)}, decoded as {decoded.encoding}; "
        "numbers at the left are the file's line numbers."
    )
    if html:
        header = (
            f"HTML page of exhibit {exhibit.reference}, {human_size(exhibit.size)}, decoded as {decoded.encoding}, "
            "shown as its text, as a browser shows it without images, scripts or styles (nothing is fetched or "
            "run); numbers at the left count the lines of that text, not of the source. The original is attached."
        )
    rtl = document_is_rtl(decoded.text, exhibit.mime_type)
    if rtl:
        header += " The text runs right to left; each line is shown in right-to-left order."
    # Rows per page: the first page has the header above the text; the others start at the top.
    first_rows = int((TOP - _header_height(header) - MARGIN_BOTTOM) // MONO_LEADING)
    other_rows = int((TOP - MARGIN_BOTTOM) // MONO_LEADING)
    pages: list[list[tuple[int | None, str]]] = [[]]
    shown_lines = 0
    stopped = False
    for number, raw in enumerate(lines, start=1):
        line = T.visible(raw.expandtabs(8))
        pieces = _wrap_mono(line, limit_chars, limit_width)
        for index, piece in enumerate(pieces):
            room = first_rows if len(pages) == 1 else other_rows
            if len(pages[-1]) >= room:
                if len(pages) >= page_cap:
                    stopped = True
                    break
                pages.append([])
            pages[-1].append((number if index == 0 else None, piece))
        if stopped:
            # The part of a wrapped line that did fit is not shown half: drop it.
            while pages[-1] and pages[-1][-1][0] is None:
                pages[-1].pop()
            if pages[-1] and pages[-1][-1][0] == number:
                pages[-1].pop()
            break
        shown_lines = number
    total = None if truncated_by_bytes else len(lines)

    def notice(shown: int) -> str | None:
        if not (stopped or truncated_by_bytes):
            return None
        of = "" if total is None else f" of {total:,}"
        return (
            f"Only lines 1 to {shown:,}{of} of this text are typeset here "
            f"(at most {page_cap} pages or {human_size(TEXT_BYTE_CAP).split(' (')[0]} per exhibit). "
            f"The complete original, {human_size(exhibit.size)}, is attached to this PDF; "
            "its SHA-256 is on the label page."
        )

    cut = notice(shown_lines)
    if stopped and cut is not None:
        # The last allowed page keeps room for the notice below its last line (never printed over it).
        height = (first_rows if len(pages) == 1 else other_rows) * MONO_LEADING
        for _ in range(2):
            fit = max(int((height - 6 - _note_height(cut)) // MONO_LEADING), 0)
            kept, dropped = pages[-1][:fit], pages[-1][fit:]
            if dropped and dropped[0][0] is None:  # the cut falls inside a wrapped line: leave it out whole
                while kept and kept[-1][0] is None:
                    kept.pop()
                if kept:
                    kept.pop()
            pages[-1] = kept
            shown_lines = max((n for page in pages for n, _ in page if n is not None), default=0)
            cut = notice(shown_lines)
            assert cut is not None
    return PreparedText(header, pages, shown_lines, cut, 1 if shown_lines else 0, shown_lines, total,
                        rtl=rtl, delimiter=_delimiter(lines[0] if lines else "", exhibit.mime_type))


def render_text(w: Writer, prepared: PreparedText) -> None:
    """Typeset a prepared text exhibit; a cut text ends with the notice, below its last line."""
    text_x = MARGIN_X + GUTTER
    w.new_page()
    w.para(prepared.header, size=HEADER_SIZE, colour=GREY)
    w.space(4)

    def flush(rows: list[tuple[int | None, str]], top: float) -> None:
        c = w.c
        numbers = w.encoder(MONO, 6.2)
        body = w.encoder(MONO, MONO_SIZE)
        y0 = top - MONO_SIZE
        ops = [f"BT 0.4 g {MONO_LEADING:g} TL 1 0 0 1 {MARGIN_X:.2f} {y0:.2f} Tm "]
        ops += [numbers.tj(f"{n:>7}") + "T* " if n is not None else "T* " for n, _ in rows]
        ops.append(f"ET BT 0.067 g {MONO_LEADING:g} TL 1 0 0 1 {text_x:.2f} {y0:.2f} Tm ")
        body.begin()
        complex_rows: list[tuple[float, str]] = []
        for i, (_, piece) in enumerate(rows):
            if T.simple(piece, MONO):
                ops.append(body.tj(piece) + "T* ")
            else:
                ops.append("T* ")
                complex_rows.append((y0 - i * MONO_LEADING, piece))
        ops.append("ET")
        c.addLiteral("".join(ops))
        for y, piece in complex_rows:
            c.setFillColor(INK)
            T.draw(c, text_x, y, piece, MONO, MONO_SIZE, rtl=prepared.rtl, cells=prepared.delimiter)

    for number, rows in enumerate(prepared.pages):
        if number:
            w.break_page()
        top = w.y
        if rows:
            flush(rows, top)
        w.y = top - len(rows) * MONO_LEADING - 6
    if prepared.cut:
        w.space(4)
        w.note(prepared.cut)  # breaks to a new page if it does not fit below the last line


# --- images ----------------------------------------------------------------------


class ImageProblem(Exception):
    """An image that cannot be shown; the message says why."""


@dataclass(frozen=True)
class PreparedImage:
    data: bytes
    pixel_size: tuple[int, int]  # as shown
    original_size: tuple[int, int]
    frames: int
    exif_date: str | None
    camera: str | None
    words: tuple[Word, ...] = ()  # read by OCR, positions relative to the image
    ocr_problem: str | None = None  # why no text layer could be made, when OCR was asked for


# Reads the words in an image as shown (oriented); raises ocr.OcrProblem.
WordReader = Callable[[Image.Image], list[Word]]


def _exif(image: Image.Image) -> tuple[str | None, str | None]:
    try:
        exif = image.getexif()
    except (OSError, ValueError, SyntaxError):
        return None, None
    sub = exif.get_ifd(0x8769) if exif else {}
    date = sub.get(36867) or sub.get(36868) or exif.get(306)
    offset = sub.get(36881) or sub.get(36880)
    camera = " ".join(str(exif.get(tag, "")).strip() for tag in (271, 272)).strip() or None
    if date:
        date_text = str(date).strip()
        date_text += f" (offset {offset})" if offset else " (camera clock, no time zone recorded)"
        return date_text, camera
    return None, camera


def prepare_image(path: Path, box_w: float, box_h: float, read_words: WordReader | None = None) -> PreparedImage:
    """Decode, orient and downsample an image for a box of ``box_w`` x ``box_h`` points.

    With ``read_words``, the words in the image are read (OCR) from a larger decode than the one shown.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(
                f"the image is larger than {Image.MAX_IMAGE_PIXELS:,} pixels, Pillow's limit against "
                "decompression bombs; it is not decoded"
            ) from None
        except UnidentifiedImageError:
            raise ImageProblem("the file is not an image Pillow can read") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise ImageProblem(f"the image cannot be read ({exc})") from None
        with image:
            original = image.size
            frames = int(getattr(image, "n_frames", 1) or 1)
            exif_date, camera = _exif(image)
            target = (max(1, int(box_w / 72 * IMAGE_DPI)), max(1, int(box_h / 72 * IMAGE_DPI)))
            decode = target if read_words is None else (max(target[0], OCR_PIXELS), max(target[1], OCR_PIXELS))
            words: tuple[Word, ...] = ()
            ocr_problem: str | None = None
            try:
                if image.format == "JPEG":
                    # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that still gives 3/4 of the pixels
                    # the image gets on the page (or OCR reads).
                    fit = min(decode[0] / original[0], decode[1] / original[1], 1.0)
                    scale = 1
                    while scale < 8 and 1 / (scale * 2) >= 0.75 * fit:
                        scale *= 2
                    if scale > 1:
                        image.draft("RGB", (original[0] // scale, original[1] // scale))
                image.load()
                shown = ImageOps.exif_transpose(image)
                if shown.mode in ("RGBA", "LA", "PA") or (shown.mode == "P" and "transparency" in shown.info):
                    rgba = shown.convert("RGBA")
                    background = Image.new("RGB", rgba.size, (255, 255, 255))
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    shown = background
                elif shown.mode not in ("RGB", "L"):
                    shown = shown.convert("RGB")
                if read_words is not None:
                    try:
                        words = tuple(read_words(shown))
                    except OcrProblem as exc:
                        ocr_problem = str(exc)
                shown.thumbnail(target, Image.Resampling.BILINEAR)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise ImageProblem(
                    f"the image is larger than {Image.MAX_IMAGE_PIXELS:,} pixels, Pillow's limit against "
                    "decompression bombs; it is not decoded"
                ) from None
            except (OSError, ValueError, SyntaxError) as exc:
                raise ImageProblem(f"the image data does not decode ({exc})") from None
    out = io.BytesIO()
    shown.save(out, "JPEG", quality=85, optimize=False)
    return PreparedImage(out.getvalue(), shown.size, original, frames, exif_date, camera, words, ocr_problem)


IMAGE_CAPTION_ROOM = 46.0


def render_image(w: Writer, prepared: PreparedImage, exhibit: ExhibitInfo) -> None:
    box_w = CONTENT_W
    box_h = TOP - MARGIN_BOTTOM - IMAGE_CAPTION_ROOM
    w.new_page()
    pw, ph = prepared.pixel_size
    scale = min(box_w / pw, box_h / ph, 72 / 96 * 2)  # small images shown up to twice their 96 dpi size
    dw, dh = pw * scale, ph * scale
    x = MARGIN_X + (box_w - dw) / 2
    y = TOP - dh
    c = w.c
    c.drawImage(ImageReader(io.BytesIO(prepared.data)), x, y, dw, dh)
    draw_words(c, prepared.words, x, y, dw, dh)
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.rect(x, y, dw, dh, stroke=1, fill=0)
    w.y = y - 12
    ow, oh = prepared.original_size
    lines = [f"Image of exhibit {exhibit.reference}: {ow:,} x {oh:,} pixels, shown downsampled; "
             "the original file is attached unchanged."]
    if prepared.frames > 1:
        lines.append(f"The file holds {prepared.frames} frames or pages; the first is shown.")
    lines.append(f"EXIF date taken: {prepared.exif_date}" if prepared.exif_date else "No EXIF date in the file.")
    if prepared.camera:
        lines.append(f"Camera (EXIF): {prepared.camera}")
    if prepared.words:
        lines.append(f"{len(prepared.words):,} word(s) read by OCR lie invisibly over the image, so that search finds "
                     "them; OCR may misread.")
    for line in lines:
        w.para(line, size=8, colour=GREY)


def draw_words(c: Canvas, words: Sequence[Word], x: float, y: float, w: float, h: float) -> None:
    """Invisible text (render mode 3) for OCR'd words over an image drawn at ``x, y, w, h``.

    Each word is set at its box's bottom-left, sized to the box's height and stretched to its width, so a
    reader's search highlights it where it is seen, and text selection copies it.
    """
    if not words:
        return
    t = c.beginText()
    t.setTextRenderMode(3)
    for word in words:
        left, top, bw, bh = word.box
        height = bh * h
        size = max(height * 0.95, 1.0)
        width = stringWidth(word.text, SANS, size)
        if width <= 0:
            continue
        t.setFont(SANS, size)
        t.setHorizScale(100.0 * bw * w / width)
        t.setTextOrigin(x + left * w, y + h - (top + bh) * h + height * 0.2)
        t.textOut(word.text)
    c.saveState()  # the render mode and scaling are graphics state: the captions after must stay visible
    c.drawText(t)
    c.restoreState()


# --- other types and placeholders ------------------------------------------------


def render_other(w: Writer, exhibit: ExhibitInfo) -> None:
    w.new_page()
    w.heading(f"Exhibit {exhibit.reference}: content not typeset")
    what = exhibit.type_description or exhibit.mime_type
    w.para(
        f"This exhibit is {what} ({exhibit.mime_type}), {human_size(exhibit.size)}. A PDF cannot show "
        "this kind of content, so it is described here instead. The original file is attached to this "
        "PDF unchanged (open the attachments panel of your PDF reader); its hashes below let you check "
        "the copy you extract."
    )
    w.space(6)
    _hash_fields(w, exhibit)


def render_placeholder(w: Writer, exhibit: ExhibitInfo, why: str) -> None:
    w.new_page()
    w.heading(f"Exhibit {exhibit.reference}: content cannot be shown")
    w.note(f"Why: {why}.")
    w.para(
        "The bundle was built without it; the original file is attached to this PDF unchanged, so the "
        "exact bytes can still be examined with a suitable tool. Its hashes:"
    )
    w.space(4)
    _hash_fields(w, exhibit)


def _hash_fields(w: Writer, exhibit: ExhibitInfo) -> None:
    rows = [("SHA-256", exhibit.sha256)]
    if exhibit.md5:
        rows.append(("MD5", exhibit.md5))
    if exhibit.sha1:
        rows.append(("SHA-1", exhibit.sha1))
    w.hashes(rows, size=8.5)


def describe(kind: str) -> str:
    return {
        "pdf": ("the original PDF's pages follow, each placed whole within the page margins, with its filled form "
                "fields, comments and stamps drawn as a reader shows them"),
        "document": ("its pages follow as LibreOffice lays the document out and prints it, each placed whole "
                     "within the page margins"),
        "text": "the text follows, typeset, with the file's line numbers",
        "email": ("the message follows as a mail reader shows it: headers decoded, the body as text, and each "
                  "attachment with its type, size and SHA-256"),
        "image": "the image follows, downsampled to fit the page",
        "other": "a page describing it follows (this type cannot be shown in a PDF)",
        "placeholder": "a page saying why its content cannot be shown follows",
    }[kind]

