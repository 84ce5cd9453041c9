"""Change one's own password (the key slot is re-wrapped; the signing key stays)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QWidget

from casedesk.errors import UsageError
from casedesk.services.accounts import MIN_PASSWORD_LENGTH, Accounts
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


def password_field(name: str, tip: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setToolTip(tip or QCoreApplication.translate("ChangePasswordDialog", "At least {n} characters")
                    .format(n=MIN_PASSWORD_LENGTH))
    return edit


def check_repeat(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        second.clear()
        raise UsageError(QCoreApplication.translate("ChangePasswordDialog", "the two passwords differ"), field="repeat")
    return first.text()


class ChangePasswordDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Change password"), self.tr("&Change password"), parent)
        self.session = session
        self.old = password_field("oldPassword", self.tr("Your current password"))
        self.new = password_field("newPassword")
        self.repeat = password_field("repeatPassword")
        self.form.addRow(self.tr("C&urrent password:"), self.old)
        self.form.addRow(self.tr("&New password:"), self.new)
        self.form.addRow(self.tr("&Repeat new password:"), self.repeat)
        self.fields = {"old": self.old, "password": self.new, "repeat": self.repeat}
        self.old.setFocus()

    def perform(self) -> None:
        new = check_repeat(self.new, self.repeat)
        Accounts(self.session).change_password(self.old.text(), new)
