"""Drawing one line of any text: visible escapes, bidirectional order, font fallback, shaping.

Everything CaseDesk typesets goes through ``draw`` and ``width``:

- ``visible`` makes control characters, direction overrides and other
  invisible format characters visible as ``[U+202E]``, so a file name such
  as ``invoice<RLO>fdp.exe`` cannot pose as ``invoiceexe.pdf`` in a bundle;
- characters the chosen font lacks are drawn with a fallback font
  (Devanagari, Arabic, then DejaVu Sans), and those scripts are shaped with
  HarfBuzz through reportlab;
- right-to-left runs (Arabic, Hebrew) are put in visual order with the
  Unicode bidirectional algorithm (python-bidi), one line at a time;
- a character no shipped font has is drawn as ``[U+1F600]``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from bidi import algorithm as bidi_algorithm
from reportlab.lib.abag import ABag
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import ShapedStr, shapeFragWord
from reportlab.pdfgen.canvas import Canvas

from casedesk.display import escape_char as _escape_char
from casedesk.display import is_escaped as is_escaped  # re-exported: the sections call T.is_escaped
from casedesk.display import visible as visible  # re-exported for existing callers
from casedesk.reports.fonts import SHAPED, fonts

_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
# Right-to-left text and the scripts drawn with their own shaped fonts.
_COMPLEX = re.compile(
    "[\u0590-\u097f\ua8e0-\ua8ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)


def simple(text: str, base: str) -> bool:
    """Whether ``base`` alone draws ``text`` left to right, unshaped (the fast path)."""
    if text.isascii():
        return True
    return _COMPLEX.search(text) is None and fonts().characters[base].issuperset(text)


# --- bidirectional order ---------------------------------------------------------


def visual_runs(text: str, rtl: bool | None = None) -> list[tuple[str, bool]]:
    """``text`` (one line, logical order) as runs in visual left-to-right order: ``(logical text, rtl)``.

    ``rtl`` is the base direction (the paragraph's); ``None`` takes it from the line's first strong character.
    """
    if not _RTL.search(text):
        return [(text, False)]
    storage = bidi_algorithm.get_empty_storage()
    base_level = bidi_algorithm.get_base_level(text, False) if rtl is None else int(rtl)
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    bidi_algorithm.get_embedding_levels(text, storage, False, False)
    for index, ch in enumerate(storage["chars"]):
        ch["index"] = index
    bidi_algorithm.explicit_embed_and_overrides(storage, False)
    bidi_algorithm.resolve_weak_types(storage, False)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    bidi_algorithm.reorder_resolved_levels(storage, False)
    bidi_algorithm.apply_mirroring(storage, False)
    chars = storage["chars"]
    runs: list[tuple[str, bool]] = []
    start = 0
    while start < len(chars):
        rtl = chars[start]["level"] % 2 == 1
        end = start + 1
        while end < len(chars) and (chars[end]["level"] % 2 == 1) == rtl:
            end += 1
        piece = [c["ch"] for c in chars[start:end]]
        runs.append(("".join(reversed(piece)) if rtl else "".join(piece), rtl))
        start = end
    return runs


# Kerning and standard ligatures only: discretionary ligatures (such as a font's
# ornamental ligature for a name) would show the reader something not in the text.
_FEATURES = {"kern": True, "liga": True}


def _shape(text: str, font: str, size: float) -> str:
    word = [stringWidth(text, font, size), (ABag(fontName=font, fontSize=size), text)]
    return shapeFragWord(word, features=_FEATURES)[1][1]  # type: ignore[no-any-return]


# --- font runs -------------------------------------------------------------------


def font_runs(text: str, base: str) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font, text)`` runs: ``base`` where it has the glyph, a fallback elsewhere."""
    if simple(text, base):
        return [(base, text)]
    fs = fonts()
    runs: list[tuple[str, str]] = []
    current: str | None = None
    buf: list[str] = []
    for ch in text:
        code = ord(ch)
        name = fs.font_for(base, code)
        # Spaces and marks inside a run of another script stay with that script's font,
        # so a shaped Devanagari or Arabic word is not cut apart.
        if name is not None and current in SHAPED and name != current and fs.covers(current, code) and (
            ch == " " or unicodedata.category(ch).startswith("M")
        ):
            name = current
        if name is None:
            ch, name = _escape_char(ch), base
        if name != current and buf:
            assert current is not None
            runs.append((current, "".join(buf)))
            buf = []
        current = name
        buf.append(ch)
    if buf:
        assert current is not None
        runs.append((current, "".join(buf)))
    return runs


def table_cells(line: str, delimiter: str) -> list[str]:
    """A delimited row cut into its cells and delimiters, in file order (quotes respected, nothing dropped)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        if ch == delimiter and not quoted:
            parts += ["".join(current), ch]
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _pieces(text: str, base: str, size: float, direction: bool | None = None,
            cells: str | None = None) -> Iterator[tuple[str, str | ShapedStr, float]]:
    """``(font, drawable text, width)`` in visual order for one line (``direction``: see ``visual_runs``).

    With ``cells`` (a delimiter), the line is a table row: its cells stay in file order, left to right,
    and the bidirectional algorithm orders the text within each cell, as a spreadsheet shows it.
    """
    if cells is not None:
        for part in table_cells(text, cells):
            if part:
                yield from _pieces(part, base, size, False)
        return
    for run, rtl in visual_runs(text, direction):
        parts = font_runs(run, base)
        if rtl:
            parts.reverse()
        for name, piece in parts:
            # A left-to-right run in a right-to-left script is a number (Arabic-Indic or Persian digits, the Arabic
            # decimal and thousands separators: the algorithm puts them at an even level; letters cannot be, as
            # ``visible`` shows every embedding and override). HarfBuzz guesses a direction from the script and
            # would draw 1200 as 0021; digits need no shaping, so they are drawn as they are, left to right.
            if name in SHAPED and not (not rtl and _RTL.search(piece)):
                shaped = _shape(piece, name, size)
                if isinstance(shaped, ShapedStr):
                    advance = sum(d.x_advance for d in shaped.__shapeData__) * size / 1000
                    yield name, shaped, advance
                    continue
                yield name, shaped, stringWidth(shaped, name, size)
            else:
                if rtl:
                    piece = piece[::-1]
                yield name, piece, stringWidth(piece, name, size)


def width(text: str, base: str, size: float) -> float:
    """Width in points of one line of (already ``visible``) text."""
    if simple(text, base):
        return float(stringWidth(text, base, size))
    return sum(w for _, _, w in _pieces(text, base, size))


def draw(canvas: Canvas, x: float, y: float, text: str, base: str, size: float, rtl: bool | None = None,
         cells: str | None = None) -> float:
    """Draw one line of (already ``visible``) text at ``x, y``; returns its width.

    ``rtl``: the base direction of the paragraph the line belongs to (``None``: the line's own);
    ``cells``: the line is a table row with this delimiter (see ``_pieces``).
    """
    if not text:
        return 0.0
    if simple(text, base):
        canvas.setFont(base, size)
        canvas.drawString(x, y, text)
        return float(stringWidth(text, base, size))
    start = x
    for name, piece, advance in _pieces(text, base, size, rtl, cells):
        t = canvas.beginText(x, y)
        t.setFont(name, size)
        t.textOut(piece)
        canvas.drawText(t)
        x += advance
    return x - start


def draw_right(canvas: Canvas, x: float, y: float, text: str, base: str, size: float) -> None:
    draw(canvas, x - width(text, base, size), y, text, base, size)


def draw_centred(canvas: Canvas, x: float, y: float, text: str, base: str, size: float) -> None:
    draw(canvas, x - width(text, base, size) / 2, y, text, base, size)


# --- raw text operators for long runs of simple lines ---------------------------


class LineEncoder:
    """PDF text operators for lines ``simple`` in one font, without reportlab's per-character loop.

    Uses reportlab's documented route for dynamic fonts (``splitString`` and
    ``getSubsetInternalName`` of the canvas's document) the first time a
    character is met, then a translation table, so a page of text costs a few
    string operations per line.
    """

    def __init__(self, canvas: Canvas, font: str, size: float) -> None:
        self.font = pdfmetrics.getFont(font)
        self.doc = canvas._doc
        self.size = size
        self.table: dict[int, int] = {}
        self.known: set[str] = set()
        self.current: int | None = None  # the subset selected in the current BT ... ET block

    def begin(self) -> None:
        """Call at the start of each text block: the font is selected again on first use."""
        self.current = None

    def _learn(self, line: str) -> list[tuple[int, bytes]]:
        chunks: list[tuple[int, bytes]] = self.font.splitString(line, self.doc)
        assignments = self.font.state[self.doc].assignments
        for ch in set(line):
            n = assignments.get(ord(ch))
            if n is not None and n < 256:
                self.table[ord(ch)] = n
                self.known.add(ch)
        return chunks

    def tj(self, line: str) -> str:
        """Operators that show ``line`` at the current text position (subset font selected as needed)."""
        if not line:
            return ""
        if self.known.issuperset(line):
            raw = line.translate(self.table).encode("latin-1")
            return f"{self._select(0)}({escapePDF(raw)}) Tj "
        parts = [f"{self._select(subset)}({escapePDF(chunk)}) Tj " for subset, chunk in self._learn(line)]
        return "".join(parts)

    def _select(self, subset: int) -> str:
        if subset == self.current:
            return ""
        self.current = subset
        name = self.font.getSubsetInternalName(subset, self.doc)
        return f"{name} {self.size:g} Tf "


# --- line breaking ---------------------------------------------------------------


# Where a word too long for a line may be broken first: after these, as in a MIME type, a path or an address
# (``application/vnd.openxmlformats-officedocument.wordprocessingml.`` / ``document``), not between two letters.
_BREAK_AFTER = "./-_+@\\,;:"


def _split_long(word: str, base: str, size: float, limit: float) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and width(current + ch, base, size) > limit:
            cut = max(current.rfind(mark) for mark in _BREAK_AFTER) + 1
            if cut * 3 < len(current):  # no such place in the last two thirds: break between characters
                cut = len(current)
            pieces.append(current[:cut])
            current = current[cut:] + ch
            if width(current, base, size) > limit:  # the carried part and this character do not fit together
                pieces.append(current[:-1])
                current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap(text: str, base: str, size: float, limit: float) -> list[str]:
    """Greedy word wrap of (already ``visible``) text to lines no wider than ``limit`` points.

    Newlines start new lines; a word wider than the line is broken between characters.
    """
    lines: list[str] = []
    space = width(" ", base, size)
    for paragraph in text.split("\n"):
        if width(paragraph, base, size) <= limit:
            lines.append(paragraph)
            continue
        current = ""
        current_width = 0.0
        for word in paragraph.split(" "):
            w = width(word, base, size)
            if current and current_width + space + w <= limit:
                current += " " + word
                current_width += space + w
                continue
            if current:
                lines.append(current)
            if w > limit:
                pieces = _split_long(word, base, size, limit)
                lines.extend(pieces[:-1])
                current = pieces[-1] if pieces else ""
                current_width = width(current, base, size)
            else:
                current, current_width = word, w
        lines.append(current)
    return lines


def truncate(text: str, base: str, size: float, limit: float) -> str:
    """``text`` cut to fit ``limit`` points on one line, with an ellipsis when cut."""
    text = text.replace("\n", " ")
    if width(text, base, size) <= limit:
        return text
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if width(text[:mid] + "…", base, size) <= limit:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"
