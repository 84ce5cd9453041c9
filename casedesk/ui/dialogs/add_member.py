"""Add a member to a case (supervisors and administrators)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from casedesk.errors import UsageError
from casedesk.services.accounts import Accounts
from casedesk.services.cases import CaseDetail, Cases
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


class AddMemberDialog(FormDialog):
    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(f"Add a member to {case.reference}", "&Add member", parent)
        self.session = session
        self.case = case
        self.user = QComboBox()
        self.user.setObjectName("member")
        self.user.setToolTip("The user who may see and work on this case")
        for a in Accounts(session).list():
            if not a.disabled and a.role != "admin" and a.username not in case.members:
                self.user.addItem(f"{a.full_name} ({a.username}, {a.role})", a.username)
        self.form.addRow("&User:", self.user)
        if self.user.count() == 0:
            self.message.notice("Every active detective and supervisor is already a member.")
            self.ok_button.setEnabled(False)

    def perform(self) -> None:
        name = self.user.currentData()
        if not name:
            raise UsageError("choose a user")
        Cases(self.session).add_member(self.case.reference, name)
