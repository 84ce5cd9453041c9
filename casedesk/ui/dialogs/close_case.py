"""Close a case (supervisors); an override reason is needed while custody entries are unreviewed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from casedesk.services.cases import CaseDetail, Cases
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


class CloseCaseDialog(FormDialog):
    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Close case {case}").format(case=case.reference), self.tr("&Close case"), parent)
        self.session = session
        self.case = case
        text = QLabel(self.tr("Closing <b>{case}</b> ({title}) ends work on it; the custody log keeps the record.")
                      .format(case=case.reference, title=case.title))
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setToolTip(self.tr("Why the case is closed before every custody entry was reviewed (recorded)"))
        if case.unreviewed:
            self.reason.setPlaceholderText(self.tr("{n} custody entries are unreviewed: give a reason")
                                           .format(n=case.unreviewed))
            self.form.addRow(self.tr("Override &reason:"), self.reason)
        else:
            self.reason.hide()

    def perform(self) -> None:
        reason = self.reason.text().strip() or None
        Cases(self.session).close(self.case.reference, reason)


class ReopenCaseDialog(FormDialog):
    """Reopen a closed case (supervisors): the reason goes on the custody record."""

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reopen case {case}").format(case=case.reference), self.tr("Re&open case"), parent)
        self.session = session
        self.case = case
        text = QLabel(self.tr("Reopening <b>{case}</b> ({title}) lets its exhibits, notes and summary change again; "
                              "the close and the reopening both stay on the record.")
                      .format(case=case.reference, title=case.title))
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("reopenReason")
        self.reason.setPlaceholderText(self.tr("e.g. new statements from the bank"))
        self.reason.setToolTip(self.tr("Why the case is reopened (recorded in the signed custody log; required)"))
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.fields = {"reason": self.reason}
        self.reason.setFocus()

    def perform(self) -> None:
        Cases(self.session).reopen(self.case.reference, self.reason.text())
