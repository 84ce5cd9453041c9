"""Changes to one exhibit's standing: withdraw it, or change its sensitivity. A reason is always required."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from casedesk.services.evidence import Evidence
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog


class _ReasonDialog(FormDialog):
    def __init__(self, title: str, ok: str, text: str, placeholder: str, session: Session, case_ref: str,
                 exhibit: Any, parent: QWidget | None = None) -> None:
        super().__init__(title, ok, parent)
        self.session = session
        self.case_ref = case_ref
        self.exhibit = exhibit
        intro = QLabel(f"<b>{exhibit.reference}</b> — {exhibit.description}<br>{text}")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(placeholder)
        self.reason.setToolTip(self.tr("Recorded in the signed custody log (required)"))
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.fields = {"reason": self.reason}
        self.reason.setFocus()


class _Several:
    """Stands for several selected exhibits in the dialog's heading."""

    def __init__(self, exhibits: list[Any]) -> None:
        refs = [e.reference for e in exhibits]
        self.reference = QCoreApplication.translate("ExhibitState", "%n exhibits", None, len(refs))
        self.description = ", ".join(refs[:12]) + (
            QCoreApplication.translate("ExhibitState", " and %n more", None, len(refs) - 12) if len(refs) > 12 else "")


class WithdrawDialog(_ReasonDialog):
    """Withdraw one exhibit, or several selected in the register with one reason (one entry each)."""

    def __init__(self, session: Session, case_ref: str, exhibit: Any, parent: QWidget | None = None) -> None:
        self.exhibits: list[Any] = list(exhibit) if isinstance(exhibit, list) else [exhibit]
        shown = self.exhibits[0] if len(self.exhibits) == 1 else _Several(self.exhibits)
        super().__init__(self.tr("Withdraw {ref}").format(ref=shown.reference), self.tr("&Withdraw"),
                         self.tr("A withdrawn exhibit leaves the register and never goes in a bundle; it stays in the "
                                 "vault and the custody log, and its number is never reused."),
                         self.tr("e.g. duplicate of HF/2 produced in error"), session, case_ref, shown, parent)
        self.withdrawn: list[str] = []

    def perform(self) -> None:
        evidence = Evidence(self.session)
        for e in self.exhibits:
            if e.reference in self.withdrawn:
                continue  # done before an error stopped an earlier attempt
            evidence.withdraw(self.case_ref, e.reference, self.reason.text())
            self.withdrawn.append(e.reference)


class SensitivityDialog(_ReasonDialog):
    """Mark one exhibit, or several selected in the register, sensitive or not (one reason, one entry each).

    Several are all marked sensitive unless every one is sensitive already (then all are marked not sensitive).
    """

    def __init__(self, session: Session, case_ref: str, exhibit: Any, parent: QWidget | None = None) -> None:
        self.exhibits: list[Any] = list(exhibit) if isinstance(exhibit, list) else [exhibit]
        shown = self.exhibits[0] if len(self.exhibits) == 1 else _Several(self.exhibits)
        self.make_sensitive = not all(e.sensitive for e in self.exhibits)
        what = (self.tr("Mark as sensitive (MG6D): left out of bundles unless chosen explicitly.")
                if self.make_sensitive else self.tr("Mark as not sensitive: it goes in bundles by default."))
        super().__init__(self.tr("Sensitivity of {ref}").format(ref=shown.reference),
                         self.tr("&Mark sensitive") if self.make_sensitive else self.tr("&Mark not sensitive"), what,
                         self.tr("e.g. identifies a confidential source"), session, case_ref, shown, parent)
        self.changed: list[str] = []

    def perform(self) -> None:
        evidence = Evidence(self.session)
        for e in self.exhibits:
            if e.reference in self.changed or e.sensitive == self.make_sensitive:
                continue  # done before an error stopped an earlier attempt, or already as asked
            evidence.set_sensitive(self.case_ref, e.reference, self.make_sensitive, self.reason.text())
            self.changed.append(e.reference)
