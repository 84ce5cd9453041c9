"""Custody moves of one exhibit or several: transfer, check out, return. The reason is always required."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from casedesk.errors import UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody, MoveResult
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog
from casedesk.ui.translator import QT_TRANSLATE_NOOP

# Title, OK button, what it does, an example reason: translated where shown (context "CustodyMoveDialog").
MODES = {
    "transfer": (QT_TRANSLATE_NOOP("CustodyMoveDialog", "Transfer {ref}"),
                 QT_TRANSLATE_NOOP("CustodyMoveDialog", "&Transfer"),
                 QT_TRANSLATE_NOOP("CustodyMoveDialog",
                                   "Hand the exhibit to another officer or a place (e.g. property store)"),
                 QT_TRANSLATE_NOOP("CustodyMoveDialog", "e.g. lodged in the property store")),
    "check_out": (QT_TRANSLATE_NOOP("CustodyMoveDialog", "Check out {ref}"),
                  QT_TRANSLATE_NOOP("CustodyMoveDialog", "&Check out"),
                  QT_TRANSLATE_NOOP("CustodyMoveDialog",
                                    "Lend the exhibit (e.g. to a forensic lab) until it is returned"),
                  QT_TRANSLATE_NOOP("CustodyMoveDialog", "e.g. sent for forensic examination")),
    "return": (QT_TRANSLATE_NOOP("CustodyMoveDialog", "Return {ref}"),
               QT_TRANSLATE_NOOP("CustodyMoveDialog", "&Record return"),
               QT_TRANSLATE_NOOP("CustodyMoveDialog", "Record that the checked-out exhibit came back"),
               QT_TRANSLATE_NOOP("CustodyMoveDialog", "e.g. examination complete, seal intact")),
}
# What a move of several does (MODES' third item, for more than one exhibit).
SEVERAL = {
    "transfer": QT_TRANSLATE_NOOP("CustodyMoveDialog",
                                  "Hand the exhibits to another officer or a place (e.g. property store)"),
    "check_out": QT_TRANSLATE_NOOP("CustodyMoveDialog",
                                   "Lend the exhibits (e.g. to a forensic lab) until they are returned"),
    "return": QT_TRANSLATE_NOOP("CustodyMoveDialog", "Record that the checked-out exhibits came back"),
}


class CustodyMoveDialog(FormDialog):
    def __init__(self, session: Session, case_ref: str, exhibit: Any, mode: str,
                 parent: QWidget | None = None) -> None:
        # Several exhibits (a transfer of a whole bag to the property store): one form, one entry each.
        self.exhibits: list[Any] = list(exhibit) if isinstance(exhibit, list) else [exhibit]
        exhibit = self.exhibits[0]
        several = len(self.exhibits) > 1
        title, ok, tip, example = (self.tr(text) for text in MODES[mode])
        if several:
            tip = self.tr(SEVERAL[mode])
        refs = ", ".join(e.reference for e in self.exhibits[:12]) + (
            self.tr(" and %n more", None, len(self.exhibits) - 12) if len(self.exhibits) > 12 else "")
        super().__init__(title.format(ref=self.tr("%n exhibits", None, len(self.exhibits)) if several
                                      else exhibit.reference), ok, parent)
        self.session = session
        self.case_ref = case_ref
        self.exhibit = exhibit
        self.mode = mode
        self.entry: Any = None
        self.result_of_several: MoveResult | None = None  # a move of several: what moved, what was refused
        intro = QLabel(f"<b>{refs}</b><br>{tip}." if several else
                       f"<b>{exhibit.reference}</b> — {exhibit.description}<br>{tip}.")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        holders = sorted({self.tr("{custodian} (checked out)").format(custodian=e.custodian) if e.checked_out
                          else e.custodian for e in self.exhibits})
        place = exhibit.location or self.tr("location not recorded")
        self.form.addRow(self.tr("Current custodian:"),
                         QLabel(", ".join(holders) if several else f"{holders[0]}, {place}"))
        self.to = QComboBox()
        self.to.setObjectName("to")
        self.to.setEditable(True)
        self.to.setToolTip(self.tr("A case member's user name, or a place such as 'Property store, Lambeth'"))
        if mode != "return":
            try:
                members = Cases(session).show(case_ref).members
            except Exception:
                members = []
            for name in members:
                if several or name != exhibit.custodian:
                    self.to.addItem(name)
            self.to.setCurrentText("")
            edit = self.to.lineEdit()
            assert edit is not None
            edit.setPlaceholderText(self.tr("officer's user name or a place"))
            self.form.addRow(self.tr("&To:"), self.to)
        else:
            self.to.hide()
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(example)
        self.reason.setToolTip(self.tr("Why: recorded in the signed custody log (required)"))
        self.location = QLineEdit()
        self.location.setObjectName("location")
        self.location.setPlaceholderText(self.tr("where the exhibits will be (optional)") if several
                                         else self.tr("where the exhibit will be (optional)"))
        self.form.addRow(self.tr("&Reason:"), self.reason)
        self.form.addRow(self.tr("&Location:"), self.location)
        self.fields = {"to": self.to, "reason": self.reason, "location": self.location}
        (self.to if mode != "return" else self.reason).setFocus()

    def perform(self) -> None:
        custody = Custody(self.session)
        location = self.location.text().strip() or None
        refs = [e.reference for e in self.exhibits]
        to = self.to.currentText().strip()
        if self.mode != "return" and not to:
            raise UsageError(self.tr("say who or where the exhibits go to: an officer's user name or a place")
                             if len(refs) > 1 else
                             self.tr("say who or where the exhibit goes to: an officer's user name or a place"),
                             field="to")
        if len(refs) > 1:
            # Each exhibit in its own transaction with its own entry; the refused ones are listed, with their
            # reasons, in the summary that follows (MoveSummaryDialog). What is wrong for all stays here.
            if self.mode == "return":
                self.result_of_several = custody.return_several(self.case_ref, refs, self.reason.text(), location)
            elif self.mode == "check_out":
                self.result_of_several = custody.check_out_several(self.case_ref, refs, to, self.reason.text(),
                                                                   location)
            else:
                self.result_of_several = custody.transfer_several(self.case_ref, refs, to, self.reason.text(),
                                                                  location)
            return
        if self.mode == "return":
            self.entry = custody.return_(self.case_ref, refs[0], self.reason.text(), location)
        elif self.mode == "check_out":
            self.entry = custody.check_out(self.case_ref, refs[0], to, self.reason.text(), location)
        else:
            self.entry = custody.transfer(self.case_ref, refs[0], to, self.reason.text(), location)
