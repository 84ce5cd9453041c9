"""A form dialog whose OK button calls one service method.

Service errors stay in the dialog as a red line (the user can correct the
input); unexpected ones go to the central error box.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QPushButton, QVBoxLayout, QWidget

from casedesk.errors import CaseDeskError
from casedesk.ui import errors
from casedesk.ui.forms import MessageLine, focus_field, make_default
from casedesk.ui.icons import app_icon


class FormDialog(QDialog):
    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(440)
        self.form = QFormLayout()
        self.message = MessageLine()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setObjectName("ok")
        self.ok_button: QPushButton = ok
        make_default(ok, self.buttons.button(QDialogButtonBox.StandardButton.Cancel))
        # Inputs by the name a service error gives them (``CaseDeskError.field``): focus goes there on error.
        self.fields: dict[str, QWidget] = {}
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addWidget(self.buttons)

    def perform(self) -> None:
        """Call the service; raise CaseDeskError to keep the dialog open with the message."""
        raise NotImplementedError

    def focus_on_error(self) -> QWidget | None:
        """The input that gets the focus after an error that names none: the first field."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None and widget.isEnabled() and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return widget
        return None

    def accept(self) -> None:
        try:
            self.perform()
        except CaseDeskError as exc:
            self.message.error(str(exc))
            focus_field(self.fields, exc, self.focus_on_error())
            self.adjustSize()  # grow to show the message, never cut it
            return
        except Exception as exc:
            errors.show_error(self, exc, self.windowTitle())
            return
        super().accept()
