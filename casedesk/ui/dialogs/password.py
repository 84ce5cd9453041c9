"""Change one's own password (the key slot is re-wrapped; the signing key stays)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from casedesk.errors import UsageError
from casedesk.services.accounts import MIN_PASSWORD_LENGTH, Accounts
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


def password_field(name: str, tip: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setToolTip(tip or f"At least {MIN_PASSWORD_LENGTH} characters")
    return edit


def check_repeat(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        second.clear()
        raise UsageError("the two passwords differ", field="repeat")
    return first.text()


class ChangePasswordDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Change password", "&Change password", parent)
        self.session = session
        self.old = password_field("oldPassword", "Your current password")
        self.new = password_field("newPassword")
        self.repeat = password_field("repeatPassword")
        self.form.addRow("&Current password:", self.old)
        self.form.addRow("&New password:", self.new)
        self.form.addRow("&Repeat new password:", self.repeat)
        self.fields = {"old": self.old, "password": self.new, "repeat": self.repeat}
        self.old.setFocus()

    def perform(self) -> None:
        new = check_repeat(self.new, self.repeat)
        Accounts(self.session).change_password(self.old.text(), new)
