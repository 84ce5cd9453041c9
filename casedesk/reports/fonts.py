"""The fonts every bundle embeds, and which of them draws which character.

CaseDesk ships free fonts under ``resources/fonts`` (licences beside them) so
a bundle looks the same in every viewer: DejaVu Sans (Latin, Greek, Cyrillic,
"£", "–") for prose, DejaVu Sans Mono for exhibit text, Noto Sans
Devanagari and Noto Sans Arabic for those scripts, shaped with HarfBuzz,
Droid Sans Fallback for Chinese and Japanese (CJK ideographs, kana) and
NanumGothicCoding for Korean (Hangul).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from casedesk.errors import StoreError

FONT_DIRS = (
    Path(__file__).resolve().parents[2] / "resources" / "fonts",
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/noto"),
)

SANS = "CaseDeskSans"
BOLD = "CaseDeskSans-Bold"
MONO = "CaseDeskMono"
DEVANAGARI = "CaseDeskDevanagari"
ARABIC = "CaseDeskArabic"
CJK = "CaseDeskCJK"
HANGUL = "CaseDeskHangul"

FILES: dict[str, str] = {
    SANS: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    DEVANAGARI: "NotoSansDevanagari-Regular.ttf",
    ARABIC: "NotoSansArabic-Regular.ttf",
    CJK: "DroidSansFallbackFull.ttf",
    HANGUL: "NanumGothicCoding.ttf",
}

# Fonts whose scripts need HarfBuzz shaping (conjuncts, joining forms).
SHAPED = frozenset({DEVANAGARI, ARABIC})
# Tried in this order for a character the chosen font lacks.
FALLBACKS = (DEVANAGARI, ARABIC, SANS, MONO, CJK, HANGUL)
# Scripts always drawn with their own (shaped) font, even where DejaVu has unshaped glyphs.
SCRIPT_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0900, 0x097F, DEVANAGARI),
    (0xA8E0, 0xA8FF, DEVANAGARI),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x08A0, 0x08FF, ARABIC),
    (0xFB50, 0xFDFF, ARABIC),
    (0xFE70, 0xFEFF, ARABIC),
    (0x1100, 0x11FF, HANGUL),
    (0x3130, 0x318F, HANGUL),
    (0xA960, 0xA97F, HANGUL),
    (0xAC00, 0xD7FF, HANGUL),
)


@dataclass(frozen=True)
class FontSet:
    coverage: dict[str, frozenset[int]]
    characters: dict[str, frozenset[str]]  # the same, as characters (for a fast subset test)

    def covers(self, font: str, code: int) -> bool:
        return code in self.coverage[font]

    def font_for(self, base: str, code: int) -> str | None:
        if 0x0600 <= code <= 0xFEFF:
            for low, high, name in SCRIPT_RANGES:
                if low <= code <= high and code in self.coverage[name]:
                    return name
        if code in self.coverage[base]:
            return base
        for name in FALLBACKS:
            if code in self.coverage[name]:
                return name
        return None


_lock = threading.Lock()
_fonts: FontSet | None = None


def _find(filename: str) -> Path:
    for folder in FONT_DIRS:
        path = folder / filename
        if path.is_file():
            return path
    raise StoreError(
        f"font {filename} is missing from resources/fonts; reinstall CaseDesk (bundles embed it)"
    )


def _repair_advances(font: TTFont) -> None:
    """Give the embedded subsets the advance widths of the font itself (PDF/A, ISO 19005-3 6.2.11.5).

    reportlab 5.1 reads the glyphs after the font's last full horizontal metric (a run of equal widths,
    as in every monospaced font) with the advance already scaled to 1/1000 em (602.05 for DejaVu Sans
    Mono's 1233 units), and writes that into the subset's ``hmtx``: the font program then disagrees with
    the PDF's /Widths. Readers position by /Widths, so it shows only to a PDF/A validator; put back the
    font's own units (the last full metric's advance, the one the run repeats).
    """
    metrics = font.face.hmetrics
    last = 0
    for index, (advance, lsb) in enumerate(metrics):
        if isinstance(advance, float):
            metrics[index] = (last, lsb)
        else:
            last = advance


def fonts() -> FontSet:
    """Register the bundle fonts with reportlab once per process."""
    global _fonts
    if _fonts is not None:
        return _fonts
    with _lock:
        if _fonts is None:
            coverage: dict[str, frozenset[int]] = {}
            for name, filename in FILES.items():
                font = TTFont(name, str(_find(filename)))
                _repair_advances(font)
                pdfmetrics.registerFont(font)
                coverage[name] = frozenset(font.face.charToGlyph)
            # JPEG and other binary data in reportlab's output as raw bytes, not ASCII85 (smaller, faster).
            rl_config.useA85 = 0
            _fonts = FontSet(coverage, {k: frozenset(map(chr, v)) for k, v in coverage.items()})
        return _fonts
