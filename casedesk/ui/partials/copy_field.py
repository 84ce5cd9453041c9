"""A read-only value with a copy button: hashes and references the user pastes elsewhere."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from casedesk.ui.icons import icon


class CopyField(QWidget):
    def __init__(self, name: str, label: str, monospace: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setAccessibleName(label[:1].upper() + label[1:])
        self.edit.setReadOnly(True)
        if monospace:
            self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.button = QToolButton()
        self.button.setObjectName(f"{name}Copy")
        self.button.setIcon(icon("copy"))
        self.button.setToolTip(self.tr("Copy the {label} to the clipboard").format(label=label))
        self.button.setAccessibleName(self.tr("Copy {label}").format(label=label))
        self.button.clicked.connect(self.copy)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)

    def set_value(self, value: str | None) -> None:
        self.edit.setText(value or "")
        self.edit.setCursorPosition(0)
        self.edit.setToolTip(value or "")
        self.button.setEnabled(bool(value))

    def value(self) -> str:
        return self.edit.text()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.edit.text())
