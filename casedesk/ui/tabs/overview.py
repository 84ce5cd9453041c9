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
from casedesk.ui.translator import QT_TRANSLATE_NOOP

# The untranslated names key ``OverviewTab.values``; the labels are translated where shown.
FIELDS = (QT_TRANSLATE_NOOP("OverviewTab", "Reference"), QT_TRANSLATE_NOOP("OverviewTab", "Operation"),
          QT_TRANSLATE_NOOP("OverviewTab", "Offences"), QT_TRANSLATE_NOOP("OverviewTab", "Status"),
          QT_TRANSLATE_NOOP("OverviewTab", "Officer in charge"), QT_TRANSLATE_NOOP("OverviewTab", "Members"),
          QT_TRANSLATE_NOOP("OverviewTab", "Opened"), QT_TRANSLATE_NOOP("OverviewTab", "Closed"),
          QT_TRANSLATE_NOOP("OverviewTab", "Exhibits"), QT_TRANSLATE_NOOP("OverviewTab", "Review"))


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
            form.addRow(self.tr("{label}:").format(label=self.tr(name)), value)
        details = QGroupBox(self.tr("Case"))
        details.setLayout(form)

        self.summary = QPlainTextEdit()
        self.summary.setObjectName("summary")
        self.summary.setAccessibleName(self.tr("Case summary"))
        self.summary.setPlaceholderText(self.tr("The MG5-style case summary: what happened, the evidence, the "
                                                "suspects."))
        self.summary.setTabChangesFocus(True)
        self.save_summary = QPushButton(icon("save"), self.tr("&Save summary"))
        self.save_summary.setObjectName("saveSummary")
        self.save_summary.setToolTip(self.tr("Save the case summary (recorded in the custody log)"))
        self.save_summary.clicked.connect(self._save_summary)
        self.summary.textChanged.connect(self._summary_edited)
        self.summary_note = QLabel()
        self.summary_note.setObjectName("summaryNote")
        self.summary_note.setWordWrap(True)
        self.message = MessageLine()
        row = QHBoxLayout()
        row.addWidget(self.summary_note, 1)
        row.addWidget(self.save_summary)
        summary_box = QGroupBox(self.tr("Summary"))
        summary_layout = QVBoxLayout(summary_box)
        summary_layout.addWidget(self.summary, 1)
        summary_layout.addLayout(row)
        summary_layout.addWidget(self.message)

        self.add_member_button = QPushButton(icon("add-member"), self.tr("Add &member…"))
        self.add_member_button.setObjectName("addMember")
        self.add_member_button.setToolTip(self.tr("Let another user see and work on this case"))
        self.add_member_button.clicked.connect(self._add_member)
        self.close_button = QPushButton(icon("close-case"), self.tr("C&lose case…"))
        self.close_button.setObjectName("closeCase")
        self.close_button.setToolTip(self.tr("Close the case once its custody log has been reviewed"))
        self.close_button.clicked.connect(self._close_case)
        actions = QHBoxLayout()
        actions.addWidget(self.add_member_button)
        actions.addWidget(self.close_button)
        self.reopen_button = QPushButton(icon("case"), self.tr("Re&open case…"))
        self.reopen_button.setObjectName("reopenCase")
        self.reopen_button.setToolTip(self.tr("Reopen the closed case, e.g. when new evidence comes in (recorded)"))
        self.reopen_button.clicked.connect(self._reopen_case)
        actions.addWidget(self.reopen_button)
        actions.addStretch(1)
        self.actions_row = actions

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

    def add_button(self, button: QWidget) -> None:
        """A window action's button among the case's own (Hand case over…), before the stretch."""
        self.actions_row.insertWidget(self.actions_row.count() - 1, button)

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
            errors.show_error(self, exc, self.tr("Case"))
            return
        self.detail = d
        v = self.values
        v["Reference"].setText(d.reference)
        v["Operation"].setText(d.title)
        v["Offences"].setText("\n".join(d.offences) or self.tr("none recorded"))
        handed = Cases(self.session).handed_over(d.reference) if d.status == "handed_over" else None
        v["Status"].setStyleSheet(f"color: {theme.warning_colour().name()};" if handed is not None else "")
        v["Status"].setText(self.tr("handed over to {user} of installation {id} on {when} (custody entry {seq}): "
                                    "read-only here").format(user=handed.to_user, id=handed.to_installation,
                                                             when=formatting.when(handed.at), seq=handed.seq)
                            if handed is not None else formatting.value_label(d.status))
        v["Officer in charge"].setText(d.officer_in_charge)
        v["Members"].setText(", ".join(d.members))
        v["Opened"].setText(self.tr("{when} by {user}").format(when=formatting.when(d.created_at), user=d.created_by))
        v["Closed"].setText(self.tr("{when} by {user}").format(when=formatting.when(d.closed_at), user=d.closed_by)
                            if d.closed_at else self.tr("not closed"))
        v["Exhibits"].setText(str(d.exhibits))
        n = d.unreviewed
        v["Review"].setText(
            (self.tr("%n entry awaiting review", None, n) if n == 1 else self.tr("%n entries awaiting review", None, n))
            + (self.tr("; approved up to entry {seq}").format(seq=d.reviewed_up_to) if d.reviewed_up_to
               else self.tr("; never reviewed"))
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
        self.reopen_button.setVisible(self.session.can(Permission.CASE_CLOSE) and d.status == "closed")
        if d.status == "open":
            members_tip = self.tr("Let another user see and work on this case")
        elif d.status == "handed_over":
            members_tip = self.tr("The case was handed over to another installation: nothing more is recorded in it "
                                  "here")
        else:
            members_tip = self.tr("The case is closed: reopen it to change its members")
        self.add_member_button.setToolTip(members_tip)
        self.message.clear_message()

    def _summary_edited(self) -> None:
        d = self.detail
        dirty = d is not None and not self.summary.isReadOnly() and self.summary.toPlainText() != d.summary
        self.save_summary.setEnabled(dirty)
        if dirty:
            self.summary_note.setText(self.tr("● Unsaved changes: kept while you move around; Save summary records "
                                              "them."))
            self.summary_note.setStyleSheet(f"color: {theme.warning_colour().name()};")
            return
        self.summary_note.setStyleSheet("color: palette(placeholder-text);")
        if d is None or not self.summary.isReadOnly():
            self.summary_note.setText("")
        elif d.status == "handed_over":
            self.summary_note.setText(self.tr("The case was handed over to another installation: read-only here."))
        elif d.status != "open":
            self.summary_note.setText(self.tr("The case is closed."))
        else:
            self.summary_note.setText(self.tr("Only the officer in charge or a supervisor can edit the summary."))

    def _save_summary(self) -> None:
        if self.case_ref is None:
            return
        try:
            Cases(self.session).set_summary(self.case_ref, self.summary.toPlainText())
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Summary"))
            return
        self.drafts.pop(self.case_ref, None)
        self.detail = None  # the editor holds the saved text now: nothing to keep as a draft
        self.load()
        self.message.success(self.tr("Summary saved and recorded in the custody log."))
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
