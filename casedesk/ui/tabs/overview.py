"""Overview: the case's details, its summary (editable by the officer in charge), membership, closing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from casedesk.security.roles import Permission, Role
from casedesk.services.cases import CaseDetail, Cases
from casedesk.services.session import Session
from casedesk.ui import errors, formatting, theme
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon
from casedesk.ui.tabs.base import CaseTab

FIELDS = ("Reference", "Operation", "Offences", "Status", "Officer in charge", "Members", "Opened",
          "Closed", "Exhibits", "Review")


class OverviewTab(CaseTab):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.detail: CaseDetail | None = None
        # Unsaved summaries by case: a refresh, another tab or another case never throws typed text away.
        self.drafts: dict[str, str] = {}
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for name in FIELDS:
            value = QLabel()
            value.setObjectName(f"overview{name.replace(' ', '')}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[name] = value
            form.addRow(f"{name}:", value)
        details = QGroupBox("Case")
        details.setLayout(form)

        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setAccessibleName("Case summary")
        self.summary.setPlaceholderText("The MG5-style case summary: what happened, the evidence, the suspects.")
        self.summary.setTabChangesFocus(True)
        self.save_summary = QPushButton(icon("save"), "&Save summary")
        self.save_summary.setObjectName("saveSummary")
        self.save_summary.setToolTip("Save the case summary (recorded in the custody log)")
        self.save_summary.clicked.connect(self._save_summary)
        self.summary.textChanged.connect(self._summary_edited)
        self.summary_note = QLabel()
        self.summary_note.setObjectName("summaryNote")
        self.summary_note.setWordWrap(True)
        self.message = MessageLine()
        row = QHBoxLayout()
        row.addWidget(self.summary_note, 1)
        row.addWidget(self.save_summary)
        summary_box = QGroupBox("Summary")
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary, 1)
        summary_layout.addLayout(row)
        summary_layout.addWidget(self.message)

        self.add_member_button = QPushButton(icon("add-member"), "Add &member…")
        self.add_member_button.setObjectName("addMember")
        self.add_member_button.setToolTip("Let another user see and work on this case")
        self.add_member_button.clicked.connect(self._add_member)
        self.close_button = QPushButton(icon("close-case"), "C&lose case…")
        self.close_button.setObjectName("closeCase")
        self.close_button.setToolTip("Close the case once its custody log has been reviewed")
        self.close_button.clicked.connect(self._close_case)
        actions = QHBoxLayout()
        actions.addWidget(self.add_member_button)
        actions.addWidget(self.close_button)
        self.reopen_button = QPushButton(icon("case"), "Re&open case…")
        self.reopen_button.setObjectName("reopenCase")
        self.reopen_button.setToolTip("Reopen the closed case, e.g. when new evidence comes in (recorded)")
        self.reopen_button.clicked.connect(self._reopen_case)
        actions.addWidget(self.reopen_button)
        actions.addStretch(1)

        body = QWidget()
        body.setObjectName("overviewBody")
        layout = QVBoxLayout(body)
        layout.addWidget(details)
        layout.addWidget(summary_box, 1)
        layout.addLayout(actions)
        self.summary.setMinimumHeight(90)
        # In a small window the page scrolls instead of forcing the window taller.
        scroll = QScrollArea()
        scroll.setObjectName("overviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def set_case(self, reference: str | None) -> None:
        self._keep_draft()
        super().set_case(reference)

    def _keep_draft(self) -> None:
        """Remember the summary being typed for the case on screen, if it differs from the saved one."""
        if self.detail is None or self.summary.isReadOnly():
            return
        text = self.summary.toPlainText()
        if text != self.detail.summary:
            self.drafts[self.detail.reference] = text
        else:
            self.drafts.pop(self.detail.reference, None)

    def unsaved(self) -> list[str]:
        """Cases whose summary has unsaved changes (the one on screen included)."""
        self._keep_draft()
        return sorted(self.drafts)

    def save_all(self) -> None:
        """Save every unsaved summary (before signing out or quitting)."""
        for reference in self.unsaved():
            Cases(self.session).set_summary(reference, self.drafts[reference])
            self.drafts.pop(reference, None)

    def discard_drafts(self) -> None:
        self.drafts.clear()
        if self.detail is not None:
            self.summary.blockSignals(True)
            self.summary.setPlainText(self.detail.summary)
            self.summary.blockSignals(False)

    def load(self) -> None:
        self._keep_draft()
        if self.case_ref is None:
            self.detail = None
            for value in self.values.values():
                value.clear()
            self.summary.setPlainText("")
            self.setEnabled(False)
            return
        self.setEnabled(True)
        try:
            d = Cases(self.session).show(self.case_ref)
        except Exception as exc:
            errors.show_error(self, exc, "Case")
            return
        self.detail = d
        v = self.values
        v["Reference"].setText(d.reference)
        v["Operation"].setText(d.title)
        v["Offences"].setText("\n".join(d.offences) or "none recorded")
        v["Status"].setText(d.status)
        v["Officer in charge"].setText(d.officer_in_charge)
        v["Members"].setText(", ".join(d.members))
        v["Opened"].setText(f"{formatting.when(d.created_at)} by {d.created_by}")
        v["Closed"].setText(f"{formatting.when(d.closed_at)} by {d.closed_by}" if d.closed_at else "not closed")
        v["Exhibits"].setText(str(d.exhibits))
        v["Review"].setText(
            f"{d.unreviewed} entr{'y' if d.unreviewed == 1 else 'ies'} awaiting review"
            + (f"; approved up to entry {d.reviewed_up_to}" if d.reviewed_up_to else "; never reviewed")
        )
        draft = self.drafts.get(d.reference) if d.status == "open" else None
        wanted = d.summary if draft is None else draft
        if self.summary.toPlainText() != wanted:  # unchanged text keeps its cursor and scroll position
            self.summary.blockSignals(True)
            self.summary.setPlainText(wanted)
            self.summary.blockSignals(False)
        user = self.session.user
        can_edit = (
            self.session.can(Permission.CASE_EDIT)
            and (d.officer_in_charge == user.username or user.role == Role.SUPERVISOR)
            and d.status == "open"
        )
        self.summary.setReadOnly(not can_edit)
        self.save_summary.setVisible(can_edit)
        if not can_edit:
            self.drafts.pop(d.reference, None)
        self._summary_edited()
        self.add_member_button.setVisible(self.session.can(Permission.CASE_MEMBERS))
        self.add_member_button.setEnabled(d.status == "open")
        self.close_button.setVisible(self.session.can(Permission.CASE_CLOSE) and d.status == "open")
        self.close_button.setEnabled(d.status == "open")
        self.reopen_button.setVisible(self.session.can(Permission.CASE_CLOSE) and d.status != "open")
        self.add_member_button.setToolTip("Let another user see and work on this case" if d.status == "open"
                                          else "The case is closed: reopen it to change its members")
        self.message.clear_message()

    def _summary_edited(self) -> None:
        d = self.detail
        dirty = d is not None and not self.summary.isReadOnly() and self.summary.toPlainText() != d.summary
        self.save_summary.setEnabled(dirty)
        if dirty:
            self.summary_note.setText("● Unsaved changes: kept while you move around; Save summary records them.")
            self.summary_note.setStyleSheet(f"color: {theme.warning_colour().name()};")
            return
        self.summary_note.setStyleSheet("color: palette(placeholder-text);")
        if d is None or not self.summary.isReadOnly():
            self.summary_note.setText("")
        elif d.status != "open":
            self.summary_note.setText("The case is closed.")
        else:
            self.summary_note.setText("Only the officer in charge or a supervisor can edit the summary.")

    def _save_summary(self) -> None:
        if self.case_ref is None:
            return
        try:
            Cases(self.session).set_summary(self.case_ref, self.summary.toPlainText())
        except Exception as exc:
            errors.show_error(self, exc, "Summary")
            return
        self.drafts.pop(self.case_ref, None)
        self.detail = None  # the editor holds the saved text now: nothing to keep as a draft
        self.load()
        self.message.success("Summary saved and recorded in the custody log.")
        self.changed.emit()

    def _add_member(self) -> None:
        from casedesk.ui.dialogs.add_member import AddMemberDialog

        if self.detail is None:
            return
        dialog = AddMemberDialog(self.session, self.detail, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()

    def _close_case(self) -> None:
        from casedesk.ui.dialogs.close_case import CloseCaseDialog

        if self.detail is None:
            return
        dialog = CloseCaseDialog(self.session, self.detail, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()

    def _reopen_case(self) -> None:
        from casedesk.ui.dialogs.close_case import ReopenCaseDialog

        if self.detail is None:
            return
        dialog = ReopenCaseDialog(self.session, self.detail, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()

    def _after_change(self) -> None:
        self.load()
        self.changed.emit()
