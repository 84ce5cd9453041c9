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
        super().__init__(self.tr("Add a member to {case}").format(case=case.reference), self.tr("&Add member"), parent)
        self.session = session
        self.case = case
        self.user = QComboBox()
        self.user.setObjectName("member")
        self.user.setToolTip(self.tr("The user who may see and work on this case"))
        for a in Accounts(session).list():
            if not a.disabled and a.role != "admin" and a.username not in case.members:
                self.user.addItem(f"{a.full_name} ({a.username}, {a.role})", a.username)
        self.form.addRow(self.tr("&User:"), self.user)
        if self.user.count() == 0:
            self.message.notice(self.tr("Every active detective and supervisor is already a member."))
            self.ok_button.setEnabled(False)

    def perform(self) -> None:
        name = self.user.currentData()
        if not name:
            raise UsageError(self.tr("choose a user"))
        Cases(self.session).add_member(self.case.reference, name)
