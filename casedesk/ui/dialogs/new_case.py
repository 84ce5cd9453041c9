"""Open a new case: reference, operation name, offences, officer in charge."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from casedesk.services.accounts import Accounts
from casedesk.services.cases import CaseDetail, Cases
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


class NewCaseDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("New case"), self.tr("&Create case"), parent)
        self.session = session
        self.created: CaseDetail | None = None
        self.reference = QLineEdit()
        self.reference.setObjectName("reference")
        self.reference.setPlaceholderText(self.tr("e.g. MPS-2026-0417"))
        self.reference.setToolTip(self.tr("Capital letters, digits, '-' or '/'"))
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("title")
        self.title_edit.setPlaceholderText(self.tr("e.g. Operation Lantern"))
        self.offences = QPlainTextEdit()
        self.offences.setObjectName("offences")
        self.offences.setPlaceholderText(self.tr("One offence per line, e.g. Fraud Act 2006 s.2"))
        self.offences.setTabChangesFocus(True)
        self.offences.setFixedHeight(80)
        self.oic = QComboBox()
        self.oic.setObjectName("oic")
        self.oic.setToolTip(self.tr("The officer responsible for the case and its evidence (ACPO principle 4)"))
        self.oic.addItem(self.tr("Me ({user})").format(user=session.user.username), None)
        for a in Accounts(session).list():
            if a.username != session.user.username and a.role != "admin" and not a.disabled:
                self.oic.addItem(f"{a.full_name} ({a.username})", a.username)
        self.form.addRow(self.tr("&Reference:"), self.reference)
        self.form.addRow(self.tr("&Operation name:"), self.title_edit)
        self.form.addRow(self.tr("O&ffences:"), self.offences)
        self.form.addRow(self.tr("Officer &in charge:"), self.oic)
        self.fields = {"reference": self.reference, "title": self.title_edit, "user": self.oic}
        self.reference.setFocus()

    def perform(self) -> None:
        offences = [line for line in self.offences.toPlainText().splitlines() if line.strip()]
        self.created = Cases(self.session).create(
            self.reference.text(), self.title_edit.text(), offences, self.oic.currentData()
        )
