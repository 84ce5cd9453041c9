"""A supervisor closes an open custody conflict: which state of the exhibit holds, and why.

The dialog shows both sides, each naming its entry (this log's, and the installation's other copy's), and runs
the same service call as ``casedesk custody resolve-conflict``: one signed ``custody.conflict_resolved`` entry that
names both entries and sets the exhibit's custodian and location from now on. An exhibit only the other copy
holds takes no state: the resolution closes the conflict and adds nothing.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QComboBox, QLabel, QLineEdit, QRadioButton, QWidget

from casedesk.errors import UsageError
from casedesk.services.conflicts import Conflicts
from casedesk.services.session import Session
from casedesk.ui.dialogs.base import FormDialog
from casedesk.ui.partials import conflicts as conflict_text


class ResolveConflictDialog(FormDialog):
    def __init__(self, session: Session, case_ref: str, conflicts: list[Any], exhibit: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Resolve custody conflict in {case}").format(case=case_ref),
                         self.tr("Re&solve conflict"), parent)
        self.setObjectName("resolveConflict")
        self.session = session
        self.case_ref = case_ref
        self.conflicts = {c.exhibit_ref: c for c in conflicts}
        self.resolved: Any = None  # the resolution's entry, once recorded
        self.setMinimumWidth(620)
        self.exhibit = QComboBox()
        self.exhibit.setObjectName("conflictExhibit")
        self.exhibit.setAccessibleName(self.tr("Exhibit with a custody conflict"))
        self.exhibit.addItems(list(self.conflicts))
        if exhibit is not None and exhibit in self.conflicts:
            self.exhibit.setCurrentText(exhibit)
        exhibit_label = QLabel(self.tr("&Exhibit:"))
        exhibit_label.setBuddy(self.exhibit)
        self.form.addRow(exhibit_label, self.exhibit)
        self.sides = QLabel()
        self.sides.setObjectName("conflictSides")
        self.sides.setWordWrap(True)
        self.sides.setTextFormat(Qt.TextFormat.PlainText)
        self.sides.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.addRow(self.sides)
        self.use_here = QRadioButton()
        self.use_here.setObjectName("conflictUseHere")
        self.use_other = QRadioButton()
        self.use_other.setObjectName("conflictUseOther")
        self.use_new = QRadioButton(self.tr("Anot&her state (say where it is now):"))
        self.use_new.setObjectName("conflictUseNew")
        self.choice = QButtonGroup(self)
        for button in (self.use_here, self.use_other, self.use_new):
            self.choice.addButton(button)
            self.form.addRow(button)
        self.custodian = QLineEdit()
        self.custodian.setObjectName("conflictCustodian")
        self.custodian.setPlaceholderText(self.tr("a user name, or a place such as Property store locker 7"))
        self.location = QLineEdit()
        self.location.setObjectName("conflictLocation")
        self.location.setPlaceholderText(self.tr("where it is kept (optional for a place)"))
        self.custodian_label = QLabel(self.tr("C&ustodian:"))
        self.custodian_label.setBuddy(self.custodian)
        self.location_label = QLabel(self.tr("Lo&cation:"))
        self.location_label.setBuddy(self.location)
        self.form.addRow(self.custodian_label, self.custodian)
        self.form.addRow(self.location_label, self.location)
        self.new_note = QLabel()
        self.new_note.setObjectName("conflictNewNote")
        self.new_note.setWordWrap(True)
        self.form.addRow(self.new_note)
        self.reason = QLineEdit()
        self.reason.setObjectName("conflictReason")
        self.reason.setPlaceholderText(self.tr("e.g. the property store's booking sheet shows it arrived at 14:10"))
        self.reason.setToolTip(self.tr("Why this state holds (recorded in the signed custody log; required)"))
        reason_label = QLabel(self.tr("&Reason:"))
        reason_label.setBuddy(self.reason)
        self.form.addRow(reason_label, self.reason)
        self.fields = {"reason": self.reason, "custodian": self.custodian}
        self.exhibit.currentTextChanged.connect(lambda _t: self._show())
        self.choice.buttonToggled.connect(lambda _b, _on: self._enable_new())
        self._show()
        self.reason.setFocus()

    def current(self) -> Any:
        return self.conflicts.get(self.exhibit.currentText())

    def _show(self) -> None:
        c = self.current()
        if c is None:
            return
        self.sides.setText(conflict_text.summary(c))
        held_here = c.here is not None
        for w in (self.use_here, self.use_other, self.use_new, self.custodian, self.location, self.custodian_label,
                  self.location_label):
            w.setVisible(held_here)
        self.new_note.setVisible(not held_here)
        if held_here:
            self.use_here.setText(self.tr("This &log's state holds: {state}").format(
                state=conflict_text.state_text(c.here)))
            self.use_other.setText(self.tr("The o&ther copy's state holds: {state}").format(
                state=conflict_text.state_text(c.other)))
            self.use_here.setChecked(True)
        else:
            self.new_note.setText(self.tr("{exhibit} exists only in the installation's other copy: the resolution "
                                          "closes the conflict and adds nothing to this register.").format(
                exhibit=c.exhibit_ref))
        self._enable_new()
        self.adjustSize()

    def _enable_new(self) -> None:
        on = self.use_new.isChecked()
        self.custodian.setEnabled(on)
        self.location.setEnabled(on)

    def chosen_state(self) -> tuple[str | None, str | None]:
        """(custodian, location) of the state that holds; (None, None) for an exhibit not held here."""
        c = self.current()
        if c is None or c.here is None:
            return None, None
        if self.use_new.isChecked():
            return self.custodian.text(), (self.location.text().strip() or None)
        state = c.here if self.use_here.isChecked() else c.other
        return str(state.get("custodian") or ""), (str(state.get("location")) if state.get("location") else None)

    def perform(self) -> None:
        c = self.current()
        if c is None:
            return
        if not self.reason.text().strip():
            raise UsageError(self.tr("Say why this state holds, e.g. what the property store's booking sheet shows"),
                             field="reason")
        custodian, location = self.chosen_state()
        self.resolved = Conflicts(self.session).resolve(self.case_ref, c.exhibit_ref, self.reason.text(),
                                                        custodian=custodian, location=location)
