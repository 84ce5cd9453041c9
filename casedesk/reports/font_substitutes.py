"""Fonts an original PDF names but does not embed, embedded in its placed pages from metric-compatible substitutes.

A PDF may name a font without carrying it: the standard 14 fonts
(Helvetica, Times, Courier, Symbol, ZapfDingbats), which every reader
supplies itself, and sometimes Arial, Times New Roman or Courier New. A
reader then draws the text with a font of the same metrics it has at hand:
Ghostscript, and poppler (Evince, Okular) on Linux, draw the standard fonts
with the URW base35 fonts (Nimbus Sans, Nimbus Roman, Nimbus Mono PS,
Standard Symbols PS, D050000L), Acrobat and others with their own. PDF/A asks that
every font be in the file, so the bundle's copy of the pages does what a
reader does, once and for all: it embeds that substitute (Debian's
``fonts-urw-base35``), so every viewer shows the same glyphs, now and in
fifty years. The attached original is not touched.

A TrueType font named Arial, Times New Roman or Courier New gets the
Liberation font of its metrics (Debian's ``fonts-liberation2``) as a
TrueType subset, if PDF/A can take it as it is (not marked symbolic, WinAnsi
or MacRoman encoding).

Only the font dictionaries change: each gets a font descriptor with the
substitute's program (a subset with the glyphs its encoding names, as a bare
CFF, ``/FontFile3 /Type1C``), and ``/FirstChar``, ``/LastChar`` and
``/Widths`` where it had none: the standard 14 fonts' own metrics (Adobe's
AFM), which a reader uses to place the text. The content streams, the
encodings and so the text a search or ``pdftotext`` finds are unchanged
(Symbol and ZapfDingbats, whose characters a reader knows by their names,
get a ``/ToUnicode`` CMap saying them).
Readers place glyphs by ``/Widths``; where the substitute's advance differs
(Nimbus Sans's ``fraction``), the subset is given the dictionary's advance,
so the program agrees with the dictionary, as ISO 19005-3 6.2.11.5 asks,
and nothing moves on the page. The font is renamed after the substitute
(``ABCDEF+NimbusSans-Regular``), so a font list shows what draws the text.

Why not Ghostscript's pdfwrite: it rewrites every page (its interpreter
re-emits the content streams and resources), needs a process per original
(0.5 s for a 20-page statement, measured) and writes different dates and
IDs each run, where this changes only the fonts that need it, runs
in-process (0.034 s for the whole placement of that statement) and is
deterministic by construction (fontTools subsets depend only on their
input). ``share_programs`` then keeps one copy of each subset in the bundle.

A font whose name has no metric-compatible substitute here (Calibri,
Wingdings, a CID font) is left as it is and reported: the bundle is then not
declared PDF/A, and says why.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from fontTools import agl
from fontTools import subset as ft_subset
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name, Pdf, Stream
from reportlab.pdfbase import _fontdata

log = logging.getLogger("casedesk.reports")
# fontTools warns on every read of a font whose 'modified' date predates 1904 + 66 years (the URW base35 files
# have such dates): noise on the terminal of every export that substitutes a font, and nothing a user can act on.
logging.getLogger("fontTools.ttLib.tables._h_e_a_d").setLevel(logging.ERROR)

SUBSTITUTE_DIRS = (
    Path("/usr/share/fonts/opentype/urw-base35"),  # Debian, Ubuntu: fonts-urw-base35
    Path("/usr/share/fonts/urw-base35"),  # Fedora: urw-base35-fonts
)
PACKAGE = "fonts-urw-base35"
LIBERATION_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),  # Debian, Ubuntu: fonts-liberation2
    Path("/usr/share/fonts/truetype/liberation"),  # fonts-liberation
    Path("/usr/share/fonts/liberation-sans"),  # Fedora
)
LIBERATION_PACKAGE = "fonts-liberation2"
MAX_PROGRAMS = 64  # distinct substitute programs one original may need; beyond that, it is left as it is

# Family, bold, italic -> the URW base35 file (without .otf). Arial, Times New Roman and Courier New share the
# metrics of Helvetica, Times and Courier (they were designed to), so they take the same substitutes.
_URW = {
    "sans": ("NimbusSans-Regular", "NimbusSans-Bold", "NimbusSans-Italic", "NimbusSans-BoldItalic"),
    "serif": ("NimbusRoman-Regular", "NimbusRoman-Bold", "NimbusRoman-Italic", "NimbusRoman-BoldItalic"),
    "mono": ("NimbusMonoPS-Regular", "NimbusMonoPS-Bold", "NimbusMonoPS-Italic", "NimbusMonoPS-BoldItalic"),
}
# The standard 14 font whose metrics each family and style has (reportlab carries Adobe's AFM widths).
_STANDARD = {
    "sans": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"),
    "serif": ("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"),
    "mono": ("Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"),
}
_FAMILIES = (("helvetica", "sans"), ("arial", "sans"), ("timesnewroman", "serif"), ("times", "serif"),
             ("couriernew", "mono"), ("courier", "mono"))
_SYMBOLIC = {"symbol": ("StandardSymbolsPS", "Symbol"), "zapfdingbats": ("D050000L", "ZapfDingbats")}
# The built-in encodings of the two symbolic standard fonts (Adobe's, as reportlab carries them): a dictionary
# without /Encoding is read through them, and the embedded program is given the same.
_BUILTIN = {"Symbol": "SymbolEncoding", "ZapfDingbats": "ZapfDingbatsEncoding"}
# Words a font name may carry besides its family and style (ArialMT, TimesNewRomanPS-BoldMT, Times-Roman).
_STYLE_WORDS = ("ps", "mt", "regular", "roman", "normal", "bold", "italic", "oblique")
_TAG = re.compile(r"^[A-Z]{6}\+")
_BASE_ENCODINGS = {"/StandardEncoding": "StandardEncoding", "/WinAnsiEncoding": "WinAnsiEncoding",
                   "/MacRomanEncoding": "MacRomanEncoding"}

FLAG_FIXED, FLAG_SERIF, FLAG_SYMBOLIC, FLAG_NONSYMBOLIC, FLAG_ITALIC = 1, 2, 4, 32, 64


@dataclass(frozen=True)
class Substitute:
    file: str  # URW base35 file name without .otf: NimbusSans-Regular
    standard: str  # the standard 14 font with its metrics: Helvetica
    symbolic: bool
    serif: bool
    fixed: bool
    italic: bool

    @property
    def shown(self) -> str:
        """How a label names it: ``Nimbus Sans Bold``."""
        family, _, style = self.file.partition("-")
        split = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
        words = split.sub(" ", family)
        return f"{words} {split.sub(' ', style)}" if style and style not in ("Regular", "Roman") else words


@dataclass
class Substitution:
    """What was done to one original's fonts."""

    shown_with: dict[str, str] = field(default_factory=dict)  # font name in the original -> substitute shown
    not_substituted: dict[str, str] = field(default_factory=dict)  # font name -> why it was left as it is
    problem: str | None = None  # why no font could be substituted at all (the substitutes are missing)


class SubstitutionProblem(Exception):
    """The substitute fonts cannot be used on this computer (the message says why)."""


def substitute_for(base_font: str) -> Substitute | None:
    """The metric-compatible substitute for a font named ``base_font``, or None when there is none."""
    name = _TAG.sub("", base_font)
    key = re.sub(r"[^a-z]", "", name.lower())
    if key in _SYMBOLIC:
        file, standard = _SYMBOLIC[key]
        return Substitute(file, standard, True, False, False, False)
    for prefix, family in _FAMILIES:
        if key.startswith(prefix):
            rest = key[len(prefix):]
            bold = "bold" in rest
            italic = "italic" in rest or "oblique" in rest
            for word in _STYLE_WORDS:
                rest = rest.replace(word, "")
            if rest:  # Arial Black, Helvetica Light, Arial Narrow: other metrics
                return None
            style = 2 * italic + bold
            return Substitute(_URW[family][style], _STANDARD[family][style], False, family == "serif",
                              family == "mono", italic)
    return None


def _font_folder() -> Path:
    for folder in SUBSTITUTE_DIRS:
        if (folder / "NimbusSans-Regular.otf").is_file():
            return folder
    raise SubstitutionProblem(f"the URW base35 fonts are not installed on the computer that made this bundle "
                              f"(Debian package {PACKAGE})")


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get(Name.Subtype) == Name.Type0:
        descendants = font.get(Name.DescendantFonts)
        return isinstance(descendants, pikepdf.Array) and len(descendants) > 0 and all(
            isinstance(d, pikepdf.Dictionary) and _embedded(d) for d in descendants)
    descriptor = font.get(Name.FontDescriptor)
    return isinstance(descriptor, pikepdf.Dictionary) and any(
        k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def _fonts(pdf: Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every font dictionary the pages can reach, indirect or written inside a resource dictionary, once."""
    seen: set[tuple[int, int]] = set()
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        if isinstance(obj, pikepdf.Dictionary) and obj.get(Name.Type) == Name.Font:
            if obj.objgen not in seen:
                seen.add(obj.objgen)
                yield obj
        for holder in (obj, obj.get(Name.Resources)):
            table = holder.get(Name.Font) if isinstance(holder, pikepdf.Dictionary | pikepdf.Stream) else None
            if not isinstance(table, pikepdf.Dictionary) or table.get(Name.Type) == Name.Font:
                continue
            for key in sorted(table.keys()):
                font = table[key]
                if isinstance(font, pikepdf.Dictionary) and not font.is_indirect:
                    yield font  # written inside its resource dictionary: reached only from here


def _code_names(font: pikepdf.Dictionary, builtin: Sequence[str] | None) -> dict[int, str] | str:
    """Character code -> glyph name as a reader decodes the font, or why that cannot be known."""
    encoding = font.get(Name.Encoding)
    differences: pikepdf.Object | None = None
    if isinstance(encoding, pikepdf.Dictionary):
        differences = encoding.get(Name.Differences)
        encoding = encoding.get(Name.BaseEncoding)
    if encoding is None:
        table = list(builtin) if builtin is not None else list(_fontdata.encodings["StandardEncoding"])
    elif isinstance(encoding, pikepdf.Name) and str(encoding) in _BASE_ENCODINGS:
        table = list(_fontdata.encodings[_BASE_ENCODINGS[str(encoding)]])
    elif isinstance(encoding, pikepdf.Name):
        return f"its encoding {_short(str(encoding)[1:])} is not one CaseDesk can read"
    else:
        return "its encoding is damaged"
    names = {code: glyph for code, glyph in enumerate(table) if glyph}
    if isinstance(differences, pikepdf.Array):
        code = 0
        for item in differences:
            if isinstance(item, pikepdf.Name):
                if 0 <= code < 256:
                    names[code] = str(item)[1:]
                code += 1
            elif isinstance(item, int):
                code = item
            else:
                return "its encoding's /Differences is damaged"
    return names


def _builtin(sub: Substitute) -> list[str] | None:
    """The font's built-in encoding (Symbol, ZapfDingbats), or None for the standard encoding."""
    encoding = _BUILTIN.get(sub.standard)
    return None if encoding is None else [glyph or ".notdef" for glyph in _fontdata.encodings[encoding]]


@dataclass(frozen=True)
class _Program:
    """A substitute's subset, ready to embed: the bare CFF and its descriptor's values."""

    data: bytes
    font_name: str
    flags: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    ascent: int
    descent: int
    cap_height: int
    stem_v: int
    truetype: bool = False  # a TrueType program (/FontFile2), else a bare CFF (/FontFile3 /Type1C)


# Subsets made in this process, by (substitute, glyph advances): most originals come from the same few programs
# (reportlab, a printer driver) and need the same subsets, which then cost nothing after the first.
_Key = tuple[str, tuple[tuple[str | int, float], ...]]  # program file, (glyph name or code point, advance)
_made: dict[_Key, _Program] = {}
_made_lock = threading.Lock()
_CACHE_SIZE = 256
_glyph_names: dict[Path, frozenset[str]] = {}


def _glyphs(path: Path) -> frozenset[str]:
    with _made_lock:
        if path not in _glyph_names:
            _glyph_names[path] = frozenset(TTFont(path, lazy=True).getGlyphOrder())
        return _glyph_names[path]


def _subset(path: Path, sub: Substitute, advances: dict[str, float]) -> _Program:
    """``sub``'s program with only ``advances``' glyphs (and .notdef), each at the advance given."""
    font = TTFont(path)
    options = ft_subset.Options()
    options.glyph_names = True
    options.notdef_outline = True
    options.name_IDs = []
    options.layout_features = []
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(glyphs=[".notdef", *sorted(advances)])
    subsetter.subset(font)
    hmtx = font["hmtx"]
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    charstrings = top.CharStrings
    for glyph, advance in sorted(advances.items()):
        if abs(hmtx[glyph][0] - advance) > 0.5:
            # Readers place this glyph by the dictionary's width; the program is given the same advance.
            charstring = charstrings[glyph]
            pen = T2CharStringPen(round(advance), None)
            charstring.draw(pen)
            charstrings[glyph] = pen.getCharString(private=charstring.private, globalSubrs=charstring.globalSubrs)
    builtin = _builtin(sub)
    if builtin is not None:
        kept = set(top.charset)
        top.Encoding = [glyph if glyph in kept else ".notdef" for glyph in builtin]
    out = io.BytesIO()
    cff.compile(out, font)
    data = out.getvalue()
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
    flags = (FLAG_SYMBOLIC if sub.symbolic else FLAG_NONSYMBOLIC) | (FLAG_SERIF if sub.serif else 0) \
        | (FLAG_FIXED if sub.fixed else 0) | (FLAG_ITALIC if sub.italic else 0)
    os2 = font["OS/2"]
    x0, y0, x1, y1 = (int(v) for v in top.FontBBox)
    return _Program(data, f"{tag}+{sub.file}", flags, (x0, y0, x1, y1), float(font["post"].italicAngle),
                    int(os2.sTypoAscender), int(os2.sTypoDescender), int(getattr(os2, "sCapHeight", 0) or y1),
                    int(getattr(top.Private, "StdVW", 80) or 80))


def _truetype_subset(path: Path, sub: Substitute, advances: dict[int, float]) -> _Program:
    """The TrueType program at ``path`` with only the characters of ``advances``, each at the advance given.

    Nothing in it depends on the time it is made (``head.modified`` is kept as the font has it).
    """
    font = TTFont(path, recalcTimestamp=False)
    options = ft_subset.Options()
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: nothing a reader uses
    options.notdef_outline = True
    options.name_IDs = []
    options.layout_features = []
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(advances))
    subsetter.subset(font)
    units: int = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    cmap = font.getBestCmap()
    for code, advance in sorted(advances.items()):
        glyph = cmap.get(code)
        if glyph is not None:
            # Readers place each glyph by the dictionary's width; the program is given the same advance.
            hmtx[glyph] = (round(advance * units / 1000), hmtx[glyph][1])
    out = io.BytesIO()
    font.save(out)
    data = out.getvalue()
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(data).digest()[:6])
    flags = FLAG_NONSYMBOLIC | (FLAG_SERIF if sub.serif else 0) | (FLAG_FIXED if sub.fixed else 0) \
        | (FLAG_ITALIC if sub.italic else 0)
    head, os2 = font["head"], font["OS/2"]

    def scaled(value: float) -> int:
        return round(value * 1000 / units)

    return _Program(data, f"{tag}+{path.stem}", flags,
                    (scaled(head.xMin), scaled(head.yMin), scaled(head.xMax), scaled(head.yMax)),
                    float(font["post"].italicAngle), scaled(os2.sTypoAscender), scaled(os2.sTypoDescender),
                    scaled(getattr(os2, "sCapHeight", 0) or head.yMax), 80, truetype=True)


def _program(path: Path, sub: Substitute, advances: dict[str, float] | dict[int, float]) -> _Program:
    key: _Key = (path.name, tuple(sorted(advances.items())))
    with _made_lock:
        made = _made.get(key)
    if made is None:
        made = (_truetype_subset(path, sub, advances) if path.suffix == ".ttf"  # type: ignore[arg-type]
                else _subset(path, sub, advances))  # type: ignore[arg-type]
        with _made_lock:
            if len(_made) >= _CACHE_SIZE:
                _made.pop(next(iter(_made)))
            _made[key] = made
    return made


class _Programs:
    """Substitute programs for one original: each subset embedded once, however many fonts use it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[_Key, pikepdf.Dictionary] = {}
        self.cmaps: dict[bytes, pikepdf.Stream] = {}

    def glyphs(self, file: str) -> frozenset[str]:
        return _glyphs(self.folder / f"{file}.otf")

    def to_unicode(self, pdf: Pdf, pairs: dict[int, str]) -> pikepdf.Stream:
        """One ToUnicode stream for each distinct mapping in this original."""
        data = to_unicode_cmap(pairs)
        if data not in self.cmaps:
            self.cmaps[data] = pdf.make_indirect(Stream(pdf, data))
        return self.cmaps[data]

    def descriptor(self, pdf: Pdf, sub: Substitute, advances: dict[str, float] | dict[int, float],
                   path: Path | None = None) -> pikepdf.Dictionary:
        """The font descriptor with the subset of ``sub`` holding ``advances``' glyphs, at those advances.

        ``path``: a TrueType substitute (for a TrueType font); by default ``sub``'s URW base35 program.
        """
        path = path if path is not None else self.folder / f"{sub.file}.otf"
        key: _Key = (path.name, tuple(sorted(advances.items())))
        if key in self.made:
            return self.made[key]
        if len(self.made) >= MAX_PROGRAMS:
            raise SubstitutionProblem(f"the PDF has more than {MAX_PROGRAMS} distinct fonts to substitute")
        made = _program(path, sub, advances)
        stream = Stream(pdf, made.data)
        if made.truetype:
            stream.Length1 = len(made.data)
        else:
            stream.Subtype = Name.Type1C
        descriptor = pdf.make_indirect(Dictionary(
            Type=Name.FontDescriptor, FontName=Name("/" + made.font_name), Flags=made.flags,
            FontBBox=Array(list(made.bbox)), ItalicAngle=made.italic_angle, Ascent=made.ascent,
            Descent=made.descent, CapHeight=made.cap_height, StemV=made.stem_v,
        ))
        descriptor[Name.FontFile2 if made.truetype else Name.FontFile3] = stream
        self.made[key] = descriptor
        return descriptor


def _short(text: str, limit: int = 64) -> str:
    """A name from the original as the label and the manifest give it: at most ``limit`` characters."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _name(font: pikepdf.Dictionary) -> str:
    base = font.get(Name.BaseFont)
    return _short(str(base)[1:]) if isinstance(base, pikepdf.Name) else "(unnamed)"


def _substitute(pdf: Pdf, font: pikepdf.Dictionary, programs: _Programs) -> tuple[str, str | None, str | None]:
    """Embed a substitute for one font: (its name, substitute shown or None, why not or None)."""
    name = _name(font)
    subtype = font.get(Name.Subtype)
    if subtype == Name.Type0:
        return name, None, "it is a composite (CID) font, for which CaseDesk has no substitute"
    if subtype not in (Name.Type1, Name.MMType1, Name.TrueType):
        return name, None, f"its type {_short(str(subtype))} has no substitute"
    sub = substitute_for(name)
    if sub is None:
        return name, None, "no font with its metrics is available"
    if subtype == Name.TrueType:
        return _substitute_truetype(pdf, font, name, sub, programs)
    names = _code_names(font, _builtin(sub))
    if isinstance(names, str):
        return name, None, names
    glyphs = programs.glyphs(sub.file)
    widths = font.get(Name.Widths)
    first = font.get(Name.FirstChar)
    advances: dict[str, float] = {}
    if isinstance(widths, pikepdf.Array) and isinstance(first, int | pikepdf.Object):
        try:
            start = int(first)
            values = [float(w) for w in widths]
        except (TypeError, ValueError):
            return name, None, "its /Widths are damaged"
        for offset, width in enumerate(values):
            glyph = names.get(start + offset)
            if glyph in glyphs and glyph != ".notdef":
                advances.setdefault(glyph, width)
    else:
        metrics = _fontdata.widthsByFontGlyph[sub.standard]
        codes = sorted(code for code, glyph in names.items() if glyph in glyphs and glyph in metrics)
        if not codes:
            return name, None, "its encoding names no glyph the substitute has"
        low, high = codes[0], codes[-1]
        font[Name.FirstChar] = low
        font[Name.LastChar] = high
        font[Name.Widths] = Array([metrics.get(names.get(code, ""), 0) if code in codes else 0
                                   for code in range(low, high + 1)])
        advances = {names[code]: float(metrics[names[code]]) for code in codes}
    if not advances:
        return name, None, "its encoding names no glyph the substitute has"
    descriptor = programs.descriptor(pdf, sub, advances)
    font[Name.BaseFont] = descriptor.FontName
    font[Name.FontDescriptor] = descriptor
    if sub.symbolic and Name.ToUnicode not in font:
        # A reader knows the characters of a font named ZapfDingbats ("a20" is ✔); renamed and embedded, it
        # would not: the characters are written down, so search and copying find what they found before.
        characters = _symbol_characters(sub)
        pairs = {code: characters[glyph] for code, glyph in names.items() if glyph in characters}
        if pairs:
            font[Name.ToUnicode] = programs.to_unicode(pdf, pairs)
    return name, sub.shown, None


def _symbol_characters(sub: Substitute) -> dict[str, str]:
    """Glyph name -> the character it is, for Symbol and ZapfDingbats (reportlab's codecs of their encodings)."""
    from reportlab.pdfbase.rl_codecs import RL_Codecs

    RL_Codecs.register()
    codec = {"Symbol": "symbol", "ZapfDingbats": "zapfdingbats"}[sub.standard]
    table = _fontdata.encodings[_BUILTIN[sub.standard]]
    found: dict[str, str] = {}
    for code, glyph in enumerate(table):
        if glyph:
            char = bytes([code]).decode(codec, "replace")
            if char != "\ufffd":
                found.setdefault(glyph, char)
    return found


def to_unicode_cmap(pairs: dict[int, str]) -> bytes:
    """A ToUnicode CMap for one-byte codes (PDF 32000-1 9.10.3)."""
    def utf16(text: str) -> str:
        return text.encode("utf-16-be").hex().upper()

    items = sorted(pairs.items())
    blocks = []
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        blocks.append(f"{len(chunk)} beginbfchar\n"
                      + "".join(f"<{code:02X}> <{utf16(text)}>\n" for code, text in chunk) + "endbfchar\n")
    return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<00> <FF>\nendcodespacerange\n" + "".join(blocks)
            + "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def _liberation(sub: Substitute) -> Path:
    """The Liberation font with ``sub``'s metrics (Arial's, Times New Roman's, Courier New's)."""
    family = {"Helvetica": "LiberationSans", "Times": "LiberationSerif", "Courier": "LiberationMono"}
    stem = family[sub.standard.split("-")[0]]
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic", (True, True): "BoldItalic"}[
        ("Bold" in sub.standard, sub.italic)]
    for folder in LIBERATION_DIRS:
        path = folder / f"{stem}-{style}.ttf"
        if path.is_file():
            return path
    raise SubstitutionProblem(f"the Liberation fonts are not installed on the computer that made this bundle "
                              f"(Debian package {LIBERATION_PACKAGE})")


def _substitute_truetype(pdf: Pdf, font: pikepdf.Dictionary, name: str, sub: Substitute,
                         programs: _Programs) -> tuple[str, str | None, str | None]:
    """A TrueType font (Arial, Times New Roman, Courier New as Word and printer drivers name them): Liberation.

    Only what PDF/A can take as it is: a font not marked symbolic, with the WinAnsi or MacRoman encoding (and
    differences) a reader then reads its characters through; anything else is left for the report.
    """
    if sub.symbolic:
        return name, None, "no TrueType font with its metrics is available"
    old = font.get(Name.FontDescriptor)
    flags = old.get(Name.Flags) if isinstance(old, pikepdf.Dictionary) else None
    if isinstance(flags, int) and flags & FLAG_SYMBOLIC:
        return name, None, "it is marked as a symbolic font, whose characters only its own program defines"
    encoding = font.get(Name.Encoding)
    base = encoding.get(Name.BaseEncoding) if isinstance(encoding, pikepdf.Dictionary) else encoding
    if not (isinstance(base, pikepdf.Name) and str(base) in ("/WinAnsiEncoding", "/MacRomanEncoding")):
        return name, None, "it has no WinAnsi or MacRoman encoding, which an embedded TrueType font needs in PDF/A"
    names = _code_names(font, None)
    if isinstance(names, str):
        return name, None, names
    path = _liberation(sub)
    characters = _characters(path)
    widths = font.get(Name.Widths)
    first = font.get(Name.FirstChar)
    advances: dict[int, float] = {}
    if isinstance(widths, pikepdf.Array) and isinstance(first, int):
        try:
            values = [float(w) for w in widths]
        except (TypeError, ValueError):
            return name, None, "its /Widths are damaged"
        for offset, width in enumerate(values):
            char = _unicode(names.get(first + offset))
            if char is not None and char in characters:
                advances.setdefault(char, width)
    else:
        codes = sorted(code for code, glyph in names.items() if _unicode(glyph) in characters)
        if not codes:
            return name, None, "its encoding names no character the substitute has"
        own = {code: characters[_unicode(names[code]) or 0] for code in codes}
        font[Name.FirstChar], font[Name.LastChar] = codes[0], codes[-1]
        font[Name.Widths] = Array([own.get(code, 0) for code in range(codes[0], codes[-1] + 1)])
        advances = {_unicode(names[code]) or 0: float(own[code]) for code in codes}
    if not advances:
        return name, None, "its encoding names no character the substitute has"
    descriptor = programs.descriptor(pdf, sub, advances, path)
    font[Name.BaseFont] = descriptor.FontName
    font[Name.FontDescriptor] = descriptor
    return name, _shown(path.stem), None


def _unicode(glyph: str | None) -> int | None:
    """The character a glyph name stands for (Adobe Glyph List), as a reader looks it up in a TrueType cmap."""
    if not glyph or glyph == ".notdef":
        return None
    text = agl.toUnicode(glyph)
    return ord(text) if len(text) == 1 else None


_advances: dict[Path, dict[int, int]] = {}


def _characters(path: Path) -> dict[int, int]:
    """Every character of a TrueType font with its advance in 1/1000 em."""
    with _made_lock:
        if path not in _advances:
            font = TTFont(path, lazy=True)
            units = font["head"].unitsPerEm
            hmtx = font["hmtx"]
            _advances[path] = {code: round(hmtx[glyph][0] * 1000 / units)
                               for code, glyph in font.getBestCmap().items()}
        return _advances[path]


def _shown(stem: str) -> str:
    family, _, style = stem.partition("-")
    split = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
    return f"{split.sub(' ', family)} {split.sub(' ', style)}".strip() if style and style != "Regular" else \
        split.sub(" ", family)


def embed_substitutes(pdf: Pdf) -> Substitution:
    """Embed a metric-compatible substitute for every font of ``pdf`` that is not embedded; say what was done.

    Raises ``SubstitutionProblem`` when the substitutes are not installed (nothing is changed then).
    """
    result = Substitution()
    wanting = [font for font in _fonts(pdf) if font.get(Name.Subtype) != Name.Type3 and not _embedded(font)
               and not _is_descendant_only(font)]
    if not wanting:
        return result
    programs = _Programs(_font_folder())
    for font in wanting:
        try:
            name, shown, why = _substitute(pdf, font, programs)
        except SubstitutionProblem as exc:
            name, shown, why = _name(font), None, str(exc)
        except (OSError, KeyError, ValueError, TypeError, AttributeError, AssertionError) as exc:
            # fontTools could not read or subset the substitute (a damaged font file): this font stays as it is.
            log.warning("font substitute could not be prepared: %s", type(exc).__name__)
            name, shown, why = _name(font), None, f"its substitute could not be prepared ({type(exc).__name__})"
        if shown is not None:
            result.shown_with.setdefault(name, shown)
        elif why is not None:
            result.not_substituted.setdefault(name, why)
    return result


def _is_descendant_only(font: pikepdf.Dictionary) -> bool:
    """A CIDFont is judged through its Type 0 parent (one report per font, not two)."""
    return font.get(Name.Subtype) in (Name.CIDFontType0, Name.CIDFontType2)


def share_programs(pdf: Pdf) -> int:
    """Let every font whose descriptor and program are identical to an earlier one's use that one; return how many.

    Each placed original carries its own copy of a substitute (a bundle of fifty reportlab PDFs would hold fifty
    copies of the same Nimbus Sans subset): pages are placed one original at a time. The written file keeps only
    what is referred to, so the copies go, and a validator reads each program once. Only byte-identical
    descriptors (program data and every other entry) are shared, so no font changes; the first in object order
    is kept, so the bytes stay reproducible.
    """
    first: dict[tuple[bytes, ...], pikepdf.Object] = {}
    shared = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or Name.FontDescriptor not in obj:
            continue
        descriptor = obj.get(Name.FontDescriptor)
        if not isinstance(descriptor, pikepdf.Dictionary) or not descriptor.is_indirect:
            continue
        key = _descriptor_key(descriptor)
        if key is None:
            continue
        kept = first.setdefault(key, descriptor)
        if kept.objgen != descriptor.objgen:
            obj[Name.FontDescriptor] = kept
            shared += 1
    return shared


_REFERENCE = re.compile(rb"\d+ \d+ R")


def _unparse(value: object) -> bytes:
    return value.unparse() if isinstance(value, pikepdf.Object) else str(value).encode()


def _descriptor_key(descriptor: pikepdf.Dictionary) -> tuple[bytes, ...] | None:
    """What makes two font descriptors the same: every entry, the program's dictionary and its raw data."""
    present = [k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor]
    if len(present) != 1:
        return None
    program = descriptor.get(present[0])
    if not isinstance(program, pikepdf.Stream):
        return None
    try:
        entries = sorted((k, _unparse(descriptor[k])) for k in descriptor.keys() if k != present[0])
        stream = sorted((k, _unparse(program.stream_dict[k])) for k in program.stream_dict.keys() if k != "/Length")
        data = program.read_raw_bytes()
    except (pikepdf.PdfError, ValueError, TypeError):
        return None
    if any(_REFERENCE.search(value) for _, value in [*entries, *stream]):
        return None  # refers to other objects (a /CIDSet, a /Style): compared by value only when it is whole
    return (present[0].encode(), *(k.encode() + b"=" + v for k, v in entries),
            *(k.encode() + b"=" + v for k, v in stream), hashlib.sha256(data).digest(), len(data).to_bytes(8, "big"))

