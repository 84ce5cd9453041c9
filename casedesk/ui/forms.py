"""Small building blocks shared by dialogs: a message line, a busy bar, field helpers."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QProgressBar, QPushButton, QWidget

from casedesk.ui import theme


class MessageLine(QLabel):
    """An inline message under a form: errors in red, notices in amber, success in green."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setObjectName("message")
        self.hide()

    def _show(self, text: str, colour: str) -> None:
        self.setText(text[:1].upper() + text[1:] if text else "")
        self.setStyleSheet(f"color: {colour};")
        self.setVisible(bool(text))

    def error(self, text: str) -> None:
        self._show(text, theme.error_colour().name())

    def notice(self, text: str) -> None:
        self._show(text, theme.warning_colour().name())

    def success(self, text: str) -> None:
        self._show(text, theme.ok_colour().name())

    def clear_message(self) -> None:
        self._show("", "")


class BusyBar(QProgressBar):
    """An indeterminate bar shown while a short background step (sign-in, set-up) runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(0, 0)
        self.setTextVisible(False)
        self.setMaximumHeight(8)
        self.hide()


def make_default(action: QPushButton, *others: QAbstractButton) -> None:
    """``action`` answers Enter, always: the other buttons never take the default by focus.

    A push button in a dialog is "auto-default": when it takes the focus (for example
    because the field that had it was disabled during a background step) it becomes the
    default and stays so. Quit or Cancel must never answer Enter.
    """
    for button in others:
        if isinstance(button, QPushButton) and button is not action:
            button.setAutoDefault(False)
    # Not auto-default itself either: an auto-default button gives up the default when it loses the focus,
    # so after a click on it that failed validation (focus moved back to the field) Enter did nothing.
    action.setAutoDefault(False)
    action.setDefault(True)


def focus_field(fields: Mapping[str, QWidget], exc: BaseException, fallback: QWidget | None = None) -> None:
    """Put the focus on the input the error names (``exc.field``), or on ``fallback``."""
    target = fields.get(getattr(exc, "field", None) or "", fallback)
    if target is None:
        return
    target.setFocus(Qt.FocusReason.OtherFocusReason)
    if isinstance(target, QLineEdit):
        target.selectAll()


def fit_on_screen(window: QWidget) -> None:
    """Keep a window inside its screen's free area: never taller or wider than it, never off its edges."""
    screen = window.screen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    extra_w, extra_h = frame.width() - window.width(), frame.height() - window.height()
    width = min(window.width(), area.width() - extra_w)
    height = min(window.height(), area.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.x() + area.width() - frame.width())
    y = min(max(frame.y(), area.y()), area.y() + area.height() - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, area.x()), max(y, area.y()))
