"""The application's own SVG icons (``resources/icons``), drawn at any size and pixel ratio.

The SVGs draw with ``currentColor``; the engine substitutes the palette's
text colour at paint time, so the icons stay legible in light and dark mode
and sharp on high-DPI screens (rendered at the device pixel ratio, not
scaled from a bitmap).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICON_DIR = Path(__file__).resolve().parents[2] / "resources" / "icons"


def icon_path(name: str) -> Path:
    return ICON_DIR / f"{name}.svg"


@cache
def _svg_text(name: str) -> str:
    path = icon_path(name)
    if not path.exists():
        raise KeyError(f"no icon {name!r} in {ICON_DIR}")
    return path.read_text("utf-8")


class SvgIconEngine(QIconEngine):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._cache: dict[tuple[str, int, int, float], QPixmap] = {}

    def _colour(self, mode: QIcon.Mode) -> str:
        palette = QGuiApplication.palette()
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Normal
        return str(palette.color(group, QPalette.ColorRole.WindowText).name())

    def _render(self, painter: QPainter, rect: QRectF, mode: QIcon.Mode) -> None:
        text = _svg_text(self.name).replace("currentColor", self._colour(mode))
        renderer = QSvgRenderer(QByteArray(text.encode()))
        renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        renderer.render(painter, rect)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._render(painter, QRectF(rect), mode)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        key = (self._colour(mode), size.width(), size.height(), scale)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        pixmap = QPixmap(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()), mode)
        painter.end()
        pixmap.setDevicePixelRatio(scale)
        self._cache[key] = pixmap
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def clone(self) -> QIconEngine:
        return SvgIconEngine(self.name)

    def key(self) -> str:
        return "casedesk-svg"


def icon(name: str) -> QIcon:
    _svg_text(name)  # fail early on a misspelt name
    return QIcon(SvgIconEngine(name))


def app_icon() -> QIcon:
    """The coloured application icon (not tinted)."""
    return QIcon(str(icon_path("casedesk")))
