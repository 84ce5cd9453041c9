"""A small page-layout engine over the reportlab canvas.

Pages go to chunk files of at most ``chunk_pages`` pages each, so memory
stays bounded however long the bundle is (reportlab holds a document's pages
until it saves it). Pages that come from elsewhere (an exhibit's original
PDF, placed by ``stamping``) are recorded as segments between the chunks;
``assemble`` later puts every segment in order and stamps each page.

Every page keeps clear the top and bottom bands where the stamp goes
(``MARGIN_TOP``/``MARGIN_BOTTOM``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from casedesk.outputs import Scratch
from casedesk.reports import text as T
from casedesk.reports.fonts import BOLD, MONO, SANS, fonts

PAGE_W, PAGE_H = A4
MARGIN_X = 56.0
MARGIN_TOP = 64.0  # the stamp's header band is above this
MARGIN_BOTTOM = 60.0  # and its footer band below this
CONTENT_W = PAGE_W - 2 * MARGIN_X
TOP = PAGE_H - MARGIN_TOP

INK = HexColor("#111111")
GREY = HexColor("#666666")
LIGHT = HexColor("#BBBBBB")
SHADE = HexColor("#EEF1F5")
WARN = HexColor("#9A1B1B")
SPAN_SIZE = 6.8  # table lines across the full width: 64 hex digits and a label fit on one line


@dataclass
class Segment:
    """Consecutive bundle pages from one file: reportlab ``typeset`` chunks or ``placed`` originals."""

    kind: str
    path: Path
    first: int  # first page within the file
    count: int
    captions: list[str] = field(default_factory=list)  # per page, for placed originals


class PageSink:
    """Where pages go: typeset pages into chunk files, placed originals as external segments."""

    def __init__(self, workdir: Scratch, name: str, chunk_pages: int = 250) -> None:
        fonts()
        self.workdir = workdir
        self.name = name
        self.chunk_pages = chunk_pages
        self.segments: list[Segment] = []
        self.pages = 0  # pages finished so far
        self._canvas: Canvas | None = None
        self._chunk_no = 0
        self._chunk_pages = 0
        self._open = False  # a typeset page is in progress

    @property
    def page_index(self) -> int:
        """0-based index of the page being drawn, or of the next page when none is open."""
        return self.pages

    def last_index(self) -> int:
        """0-based index of the last page drawn so far (the open one included)."""
        return self.pages if self._open else self.pages - 1

    def canvas(self) -> Canvas:
        if self._canvas is None:
            path = self.workdir.new(f"{self.name}-{self._chunk_no:04d}.pdf")
            self._canvas = Canvas(
                str(path), pagesize=A4, invariant=1, pageCompression=1, initialFontName=SANS,
            )
            self._chunk_pages = 0
            self.segments.append(Segment("typeset", path, 0, 0))
        if not self._open:
            self._open = True
        return self._canvas

    def end_page(self) -> None:
        if not self._open:
            return
        assert self._canvas is not None
        self._canvas.showPage()
        self._open = False
        self.pages += 1
        self._chunk_pages += 1
        self.segments[-1].count += 1
        if self._chunk_pages >= self.chunk_pages:
            self._save_chunk()

    def _save_chunk(self) -> None:
        if self._canvas is not None:
            self._canvas.save()
            self._canvas = None
            self._chunk_no += 1

    def add_placed(self, path: Path, count: int, captions: list[str]) -> int:
        """Append ``count`` already placed pages from ``path``; returns the index of the first."""
        self.end_page()
        self._save_chunk()
        first = self.pages
        self.segments.append(Segment("placed", path, 0, count, captions))
        self.pages += count
        return first

    def close(self) -> None:
        self.end_page()
        self._save_chunk()
        self.segments = [s for s in self.segments if s.count]


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    font: str = SANS
    size: float = 8.0


class Writer:
    """A cursor over a ``PageSink``: headings, paragraphs, field lists and tables that break across pages."""

    def __init__(self, sink: PageSink) -> None:
        self.sink = sink
        self.y = TOP
        self._page_top = TOP
        self.continued: str | None = None  # heading repeated at the top of a continuation page
        self._encoders: dict[tuple[str, float], T.LineEncoder] = {}

    def encoder(self, font: str, size: float) -> T.LineEncoder:
        """A ``LineEncoder`` for the current chunk's document, kept while the chunk lasts."""
        c = self.c
        enc = self._encoders.get((font, size))
        if enc is None or enc.doc is not c._doc:
            enc = self._encoders[(font, size)] = T.LineEncoder(c, font, size)
        enc.begin()
        return enc

    # --- pages -------------------------------------------------------------------
    @property
    def c(self) -> Canvas:
        return self.sink.canvas()

    def new_page(self) -> int:
        """Start the next thing on a fresh page (no blank page when the current one is empty)."""
        self.sink.end_page()
        self.y = self._page_top = TOP
        self.continued = None
        return self.sink.page_index

    def break_page(self) -> None:
        self.sink.end_page()
        self.y = self._page_top = TOP
        if self.continued:
            self.c.setFillColor(GREY)
            T.draw(self.c, MARGIN_X, self.y - 9, T.visible(f"{self.continued} (continued)"), SANS, 8)
            self.c.setFillColor(INK)
            self.y = self._page_top = self.y - 20

    def anchor(self) -> int:
        """Index of the current page (where the next thing is drawn)."""
        return self.sink.page_index

    def ensure(self, height: float) -> None:
        """Break the page unless ``height`` fits below the cursor (or the page is still empty)."""
        if self.y - height < MARGIN_BOTTOM and self.y < self._page_top:
            self.break_page()

    def space(self, height: float) -> None:
        self.y -= height

    # --- text blocks -------------------------------------------------------------
    def title(self, text: str, size: float = 18) -> None:
        self.ensure(size * 2)
        self.c.setFillColor(INK)
        T.draw(self.c, MARGIN_X, self.y - size, T.visible(text), BOLD, size)
        self.y -= size * 1.6
        self.rule()

    def heading(self, text: str, size: float = 12) -> None:
        """A bold heading; one too long for the line wraps (never cut: an exhibit's description is part of it)."""
        lines = T.wrap(T.visible(text), BOLD, size, CONTENT_W) or [""]
        self.ensure(size * (3 + len(lines)))  # never a heading alone at the foot of a page
        self.y -= 4
        self.c.setFillColor(INK)
        for line in lines[:-1]:
            T.draw(self.c, MARGIN_X, self.y - size, line, BOLD, size)
            self.y -= size * 1.25
        T.draw(self.c, MARGIN_X, self.y - size, lines[-1], BOLD, size)
        self.y -= size * 1.6

    def rule(self, colour: Color = LIGHT) -> None:
        self.c.setStrokeColor(colour)
        self.c.setLineWidth(0.6)
        self.c.line(MARGIN_X, self.y, PAGE_W - MARGIN_X, self.y)
        self.y -= 8

    def para(self, text: str, font: str = SANS, size: float = 9.5, leading: float | None = None,
             indent: float = 0.0, colour: Color = INK, keep: str = "\n") -> None:
        leading = leading or size * 1.35
        lines = T.wrap(T.visible(text, keep=keep), font, size, CONTENT_W - indent)
        for line in lines:
            self.ensure(leading)
            self.c.setFillColor(colour)
            T.draw(self.c, MARGIN_X + indent, self.y - size, line, font, size)
            self.y -= leading
        self.c.setFillColor(INK)

    def fields(self, rows: Sequence[tuple[str, str]], label_width: float = 132.0, size: float = 9.0,
               value_font: str = SANS) -> None:
        """Label / value pairs, values wrapped beside their labels."""
        leading = size * 1.35
        value_width = CONTENT_W - label_width
        for label, value in rows:
            font = MONO if value_font == MONO else SANS
            lines = T.wrap(T.visible(value, keep="\n"), font, size, value_width) or [""]
            self.ensure(leading * min(len(lines), 3) + 2)
            self.c.setFillColor(GREY)
            T.draw(self.c, MARGIN_X, self.y - size, label, SANS, size)
            self.c.setFillColor(INK)
            for line in lines:
                self.ensure(leading)
                T.draw(self.c, MARGIN_X + label_width, self.y - size, line, font, size)
                self.y -= leading
            self.y -= 2

    def hashes(self, rows: Sequence[tuple[str, str]], label_width: float = 132.0, size: float = 8.5) -> None:
        """Label / hash pairs, each hash on ONE line in the monospaced face (copyable, searchable as one string).

        The size shrinks (to 5.5 pt at least) until the value fits beside its label.
        """
        room = CONTENT_W - label_width
        for label, value in rows:
            fit = size
            while fit > 5.5 and T.width(value, MONO, fit) > room:
                fit -= 0.25
            if T.width(value, MONO, fit) > room:  # not a hash: wrap it like any other value
                self.fields([(label, value)], label_width=label_width, size=size, value_font=MONO)
                continue
            leading = size * 1.35
            self.ensure(leading + 2)
            self.c.setFillColor(GREY)
            T.draw(self.c, MARGIN_X, self.y - size, label, SANS, size)
            self.c.setFillColor(INK)
            T.draw(self.c, MARGIN_X + label_width, self.y - size, T.visible(value), MONO, fit)
            self.y -= leading + 2

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str]], heading: str | None = None,
              shade: bool = True, spans: Sequence[Sequence[str]] | None = None) -> list[int]:
        """A table whose header repeats on each page; returns the page index of each row.

        ``spans`` gives each row lines drawn across the whole table width under its cells, in the
        monospaced face at ``SPAN_SIZE``: hashes and seal numbers, which must never be broken.
        """
        pad = 3.0
        self.continued = heading
        self._table_header(columns)
        pages: list[int] = []
        table_w = sum(col.width for col in columns)
        for i, row in enumerate(rows):
            cells = [
                T.wrap(T.visible(value, keep="\n"), col.font, col.size, col.width - 2 * pad) or [""]
                for col, value in zip(columns, row, strict=True)
            ]
            extra: list[str] = []
            for line in (spans[i] if spans is not None else ()):
                extra += T.wrap(T.visible(line), MONO, SPAN_SIZE, table_w - 2 * pad)
            heights = [len(lines) * col.size * 1.25 for col, lines in zip(columns, cells, strict=True)]
            height = max(heights) + len(extra) * SPAN_SIZE * 1.3 + 2 * pad
            if self.y - height < MARGIN_BOTTOM and self.y < self._page_top - 30:
                self.break_page()
                self._table_header(columns)
            pages.append(self.sink.page_index)
            self._row(columns, cells, height, pad, shade and i % 2 == 1, extra)
        self.continued = None
        self.y -= 6
        return pages

    def _table_header(self, columns: Sequence[Column]) -> None:
        size = 7.5
        self.ensure(size * 3 + 14)
        height = size * 1.3 + 6
        self.c.setFillColor(HexColor("#D9DEE6"))
        self.c.rect(MARGIN_X, self.y - height, sum(c.width for c in columns), height, stroke=0, fill=1)
        self.c.setFillColor(INK)
        x = MARGIN_X
        for col in columns:
            T.draw(self.c, x + 3, self.y - size - 3, col.title, BOLD, size)
            x += col.width
        self.y -= height

    def _row(self, columns: Sequence[Column], cells: list[list[str]], height: float, pad: float,
             shaded: bool, extra: Sequence[str] = ()) -> None:
        c = self.c
        if height > self.y - MARGIN_BOTTOM:  # taller than what is left of an empty page: split it
            self._split_row(columns, cells, pad, shaded, extra)
            return
        table_w = sum(col.width for col in columns)
        if shaded:
            c.setFillColor(SHADE)
            c.rect(MARGIN_X, self.y - height, table_w, height, stroke=0, fill=1)
        c.setFillColor(INK)
        x = MARGIN_X
        lowest = self.y
        for col, lines in zip(columns, cells, strict=True):
            y = self.y - pad - col.size
            for line in lines:
                T.draw(c, x + pad, y, line, col.font, col.size)
                y -= col.size * 1.25
            lowest = min(lowest, y + col.size * 1.25 - col.size * 0.25)
            x += col.width
        y = lowest - SPAN_SIZE * 1.3
        for line in extra:
            T.draw(c, MARGIN_X + pad, y, line, MONO, SPAN_SIZE)
            y -= SPAN_SIZE * 1.3
        self.y -= height

    def _split_row(self, columns: Sequence[Column], cells: list[list[str]], pad: float, shaded: bool,
                   extra: Sequence[str] = ()) -> None:
        while any(cells):
            room = self.y - MARGIN_BOTTOM - 2 * pad
            part: list[list[str]] = []
            rest: list[list[str]] = []
            for col, lines in zip(columns, cells, strict=True):
                fit = max(1, int(room // (col.size * 1.25)))
                part.append(lines[:fit])
                rest.append(lines[fit:])
            height = max(len(p) * col.size * 1.25 for col, p in zip(columns, part, strict=True)) + 2 * pad
            self._row(columns, part, min(height, self.y - MARGIN_BOTTOM), pad, shaded)
            cells = rest
            if any(cells):
                self.break_page()
                self._table_header(columns)
        if extra:  # the row's hash lines, kept together after its last part
            height = len(extra) * SPAN_SIZE * 1.3 + 2 * pad
            if self.y - height < MARGIN_BOTTOM:
                self.break_page()
                self._table_header(columns)
            self._row(columns, [[] for _ in columns], height, pad, shaded, extra)

    def note(self, text: str, colour: Color = WARN, size: float = 9.0) -> None:
        """A boxed notice (problems, caps, warnings)."""
        lines = T.wrap(T.visible(text), SANS, size, CONTENT_W - 16)
        leading = size * 1.35
        height = len(lines) * leading + 10
        self.ensure(height + 4)
        c = self.c
        c.setStrokeColor(colour)
        c.setLineWidth(1)
        c.rect(MARGIN_X, self.y - height, CONTENT_W, height, stroke=1, fill=0)
        c.setFillColor(colour)
        y = self.y - 5 - size
        for line in lines:
            T.draw(c, MARGIN_X + 8, y, line, SANS, size)
            y -= leading
        c.setFillColor(INK)
        self.y -= height + 8
