"""Light and dark palettes that follow the system's colour scheme.

Fusion draws every widget from the palette, so one palette per scheme gives
a consistent look on any desktop; the scheme is read from Qt's style hints
and followed when the system switches at run time.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

Role = QPalette.ColorRole
Group = QPalette.ColorGroup


# None: follow the system's scheme; True/False: dark/light whatever the system says (``use_scheme``).
_forced: bool | None = None


def is_dark() -> bool:
    if _forced is not None:
        return _forced
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def use_scheme(dark: bool | None) -> None:
    """Dark (True) or light (False) whatever the system's scheme, or follow the system again (None).

    Platforms without a colour scheme of their own (offscreen, some X11 desktops) ignore
    ``QStyleHints.setColorScheme``; this is how ``make screenshots`` shows the dark palette.
    """
    global _forced
    _forced = dark
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setPalette(palette(is_dark()))


def palette(dark: bool) -> QPalette:
    p = QPalette()
    if dark:
        base, window, text, button = "#1e1f22", "#2b2d31", "#e6e6e6", "#34363b"
        highlight, link, mid = "#3d6fb6", "#7fb0ff", "#44474d"
        disabled = "#7d8087"
    else:
        base, window, text, button = "#ffffff", "#f3f4f6", "#1b1d21", "#e9eaee"
        highlight, link, mid = "#2f5fa8", "#1d4f9a", "#c9ccd3"
        disabled = "#8a8d93"
    p.setColor(Role.Window, QColor(window))
    p.setColor(Role.WindowText, QColor(text))
    p.setColor(Role.Base, QColor(base))
    p.setColor(Role.AlternateBase, QColor(window))
    p.setColor(Role.ToolTipBase, QColor(button))
    p.setColor(Role.ToolTipText, QColor(text))
    p.setColor(Role.PlaceholderText, QColor(disabled))
    p.setColor(Role.Text, QColor(text))
    p.setColor(Role.Button, QColor(button))
    p.setColor(Role.ButtonText, QColor(text))
    p.setColor(Role.BrightText, QColor("#ff5555"))
    p.setColor(Role.Highlight, QColor(highlight))
    p.setColor(Role.HighlightedText, QColor("#ffffff"))
    p.setColor(Role.Link, QColor(link))
    p.setColor(Role.Mid, QColor(mid))
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        p.setColor(Group.Disabled, role, QColor(disabled))
    return p


def warning_colour() -> QColor:
    return QColor("#f0a04b") if is_dark() else QColor("#a35200")


def error_colour() -> QColor:
    return QColor("#ff7b72") if is_dark() else QColor("#b42318")


def ok_colour() -> QColor:
    return QColor("#56d364") if is_dark() else QColor("#1a7f37")


class _Style(QProxyStyle):
    """Fusion, with check boxes outlined where the dark palette hides them.

    Fusion outlines a check box in the window colour darkened: on the dark palette that is the colour of
    the base behind it, so an unchecked box in a list (the export picker) is not there at all, and a
    check box on a form is barely seen. In the dark scheme the outline is drawn again, in the disabled
    text colour.
    """

    _BOXES = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
                      widget: QWidget | None = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._BOXES and is_dark():
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(option.palette.color(Group.Disabled, Role.Text))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            side = min(option.rect.width(), option.rect.height())
            box = QRect(0, 0, side, side)
            box.moveCenter(option.rect.center())
            painter.drawRect(box.adjusted(0, 0, -1, -1))
            painter.restore()


def apply(app: QApplication) -> None:
    """Fusion with the palette of the system's scheme, re-applied when the scheme changes."""
    app.setStyle(_Style(QStyleFactory.create("Fusion")))
    app.setPalette(palette(is_dark()))
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: app.setPalette(palette(is_dark())))
