"""Close a case (supervisors); an override reason is needed while custody entries are unreviewed."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from casedesk.services.cases import CaseDetail, Cases
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


class CloseCaseDialog(FormDialog):
    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(f"Close case {case.reference}", "&Close case", parent)
        self.session = session
        self.case = case
        text = QLabel(
            f"Closing <b>{case.reference}</b> ({case.title}) ends work on it; the custody log keeps the record."
        )
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("overrideReason")
        self.reason.setToolTip("Why the case is closed before every custody entry was reviewed (recorded)")
        if case.unreviewed:
            self.reason.setPlaceholderText(f"{case.unreviewed} custody entries are unreviewed: give a reason")
            self.form.addRow("Override &reason:", self.reason)
        else:
            self.reason.hide()

    def perform(self) -> None:
        reason = self.reason.text().strip() or None
        Cases(self.session).close(self.case.reference, reason)


class ReopenCaseDialog(FormDialog):
    """Reopen a closed case (supervisors): the reason goes on the custody record."""

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(f"Reopen case {case.reference}", "Re&open case", parent)
        self.session = session
        self.case = case
        text = QLabel(f"Reopening <b>{case.reference}</b> ({case.title}) lets its exhibits, notes and summary "
                      "change again; the close and the reopening both stay on the record.")
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason = QLineEdit()
        self.reason.setObjectName("reopenReason")
        self.reason.setPlaceholderText("e.g. new statements from the bank")
        self.reason.setToolTip("Why the case is reopened (recorded in the signed custody log; required)")
        self.form.addRow("&Reason:", self.reason)
        self.fields = {"reason": self.reason}
        self.reason.setFocus()

    def perform(self) -> None:
        Cases(self.session).reopen(self.case.reference, self.reason.text())
