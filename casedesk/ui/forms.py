"""Small building blocks shared by dialogs: a message line, a busy bar, field helpers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

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
