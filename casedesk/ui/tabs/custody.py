"""Custody: the case's whole log with filters (exhibit, action, user, dates), corrections, and verification."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casedesk.security.roles import Permission
from casedesk.services.casekeys import ENCRYPTED_TEXT_ACTIONS
from casedesk.services.custody import Custody
from casedesk.services.session import Session
from casedesk.timeutil import UK, utc_now
from casedesk.ui import errors
from casedesk.ui.icons import icon
from casedesk.ui.partials.entry_model import ENTRY_ROLE, EntryTableModel
from casedesk.ui.tabs.base import CaseTab

ACTIONS = ("exhibit", "exhibit.ingested", "exhibit.received", "exhibit.viewed", "exhibit.extracted",
           "exhibit.transferred", "exhibit.checked_out", "exhibit.returned", "exhibit.withdrawn", "case", "note.added",
           "case.reviewed", "bundle", "verify.run")


def _date_edit(name: str, tip: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(tip)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    today = utc_now().astimezone(UK).date()
    edit.setDate(QDate(today.year, today.month, today.day))
    edit.setToolTip(tip)
    edit.setEnabled(False)
    return edit


def uk_day_start(d: QDate) -> datetime:
    return datetime.combine(datetime(d.year(), d.month(), d.day()).date(), time(0, 0), tzinfo=UK)


class CustodyTab(CaseTab):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.dialog: Any = None
        self.exhibit = QComboBox()
        self.exhibit.setObjectName("logExhibit")
        self.exhibit.setAccessibleName(self.tr("Filter by exhibit"))
        self.exhibit.setEditable(True)
        edit = self.exhibit.lineEdit()
        assert edit is not None
        edit.setPlaceholderText(self.tr("any exhibit"))
        self.exhibit.setToolTip(self.tr("Only entries about this exhibit"))
        self.action = QComboBox()
        self.action.setObjectName("logAction")
        self.action.setAccessibleName(self.tr("Filter by action"))
        self.action.setEditable(True)
        self.action.addItem("")
        self.action.addItems(list(ACTIONS))
        edit = self.action.lineEdit()
        assert edit is not None
        edit.setPlaceholderText(self.tr("any action"))
        self.action.setToolTip(self.tr("Only this action; a prefix such as 'exhibit' matches every exhibit action"))
        self.user = QComboBox()
        self.user.setObjectName("logUser")
        self.user.setAccessibleName(self.tr("Filter by user"))
        self.user.setEditable(True)
        edit = self.user.lineEdit()
        assert edit is not None
        edit.setPlaceholderText(self.tr("anyone"))
        self.user.setToolTip(self.tr("Only entries made by this user"))
        self.use_since = QCheckBox(self.tr("From"))
        self.use_since.setObjectName("logUseSince")
        self.since = _date_edit("logSince", self.tr("Entries on or after this day (UK time)"))
        self.use_until = QCheckBox(self.tr("to"))
        self.use_until.setObjectName("logUseUntil")
        self.until = _date_edit("logUntil", self.tr("Entries on or before this day (UK time)"))
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_until.toggled.connect(self.until.setEnabled)
        self.apply_button = QPushButton(icon("find"), self.tr("&Apply"))
        self.apply_button.setObjectName("applyLogFilter")
        self.apply_button.setToolTip(self.tr("Show the entries matching these filters"))
        self.apply_button.clicked.connect(self.refresh)
        self.verify_button = QPushButton(icon("verify"), self.tr("Verif&y case…"))
        self.verify_button.setObjectName("verifyCase")
        self.verify_button.setToolTip(self.tr("Check the log's hashes and signatures and re-hash every exhibit"))
        # Two rows, and combo boxes that do not grow to their longest item: the tab fits a 1024-wide window.
        filters = QVBoxLayout()
        what = QHBoxLayout()
        for label, w in ((self.tr("Exhibit:"), self.exhibit), (self.tr("Action:"), self.action),
                         (self.tr("User:"), self.user)):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            w.setMinimumContentsLength(8)
            what.addWidget(QLabel(label))
            what.addWidget(w, 1)
        when = QHBoxLayout()
        when.addWidget(self.use_since)
        when.addWidget(self.since)
        when.addWidget(self.use_until)
        when.addWidget(self.until)
        when.addStretch(1)
        when.addWidget(self.apply_button)
        filters.addLayout(what)
        filters.addLayout(when)

        self.model = EntryTableModel()
        self.view = QTableView()
        self.view.setTabKeyNavigation(False)
        self.view.setObjectName("custodyLog")
        self.view.setAccessibleName(self.tr("Custody log"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((44, 150, 150, 80, 60, 150, 170, 170)):
            self.view.setColumnWidth(col, width)
        self.count = QLabel()
        self.count.setObjectName("logCount")
        self.correct_button = QPushButton(icon("note"), self.tr("Co&rrect entry…"))
        self.correct_button.setObjectName("correctEntry")
        self.correct_button.clicked.connect(self.correct_entry)
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._update_correct())
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.correct_button)
        bottom.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

    def set_exhibit_choices(self, references: list[str]) -> None:
        current = self.exhibit.currentText()
        self.exhibit.clear()
        self.exhibit.addItem("")
        self.exhibit.addItems(references)
        self.exhibit.setCurrentText(current)

    def set_user_choices(self, users: list[str]) -> None:
        current = self.user.currentText()
        self.user.clear()
        self.user.addItem("")
        self.user.addItems(users)
        self.user.setCurrentText(current)

    def filters(self) -> dict[str, Any]:
        since = uk_day_start(self.since.date()) if self.use_since.isChecked() else None
        until = uk_day_start(self.until.date()) + timedelta(days=1, microseconds=-1) \
            if self.use_until.isChecked() else None
        return {"exhibit_ref": self.exhibit.currentText().strip() or None,
                "action": self.action.currentText().strip() or None,
                "user": self.user.currentText().strip() or None, "since": since, "until": until}

    def load(self) -> None:
        if self.case_ref is None:
            self.model.set_entries([])
            self.count.clear()
            return
        try:
            entries = Custody(self.session).log(self.case_ref, **self.filters())
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Custody log"))
            return
        self.model.set_entries(entries)
        users = sorted({e.actor for e in entries} | {self.user.currentText()} - {""})
        if self.user.count() <= 1:
            self.set_user_choices(users)
        active = any(v is not None for v in self.filters().values())
        n = len(entries)
        if active:
            count = (self.tr("%n entry matching the filters", None, n) if n == 1
                     else self.tr("%n entries matching the filters", None, n))
        else:
            count = (self.tr("%n entry in this case's log", None, n) if n == 1
                     else self.tr("%n entries in this case's log", None, n))
        self.count.setText(count)
        if entries:
            self.view.scrollToBottom()
        self._update_correct()

    def show_entry(self, seq: int) -> bool:
        """Select entry ``seq`` (clearing filters that hide it)."""
        if self.model.row_of(seq) < 0 and any(v is not None for v in self.filters().values()):
            self.exhibit.setCurrentText("")
            self.action.setCurrentText("")
            self.user.setCurrentText("")
            self.use_since.setChecked(False)
            self.use_until.setChecked(False)
            self.refresh()
        row = self.model.row_of(seq)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def selected_entry(self) -> Any:
        rows = self.view.selectionModel().selectedRows()
        return self.model.data(rows[0], ENTRY_ROLE) if rows else None

    def _why_not_correct(self, entry: Any) -> str | None:
        """Why the selected entry cannot be corrected by this user, or None when it can."""
        if self.read_only is not None:
            return self.read_only
        if entry is None:
            return self.tr("Select an entry in the log to correct it")
        if entry.action in ENCRYPTED_TEXT_ACTIONS:
            return self.tr("A note or summary is put right where it is written (Edit note on the Notes tab, the "
                           "summary on the Overview): its text stays encrypted for the case")
        if entry.actor != self.session.user.username and not self.session.can(Permission.CUSTODY_REVIEW):
            return self.tr("Only {actor}, who wrote entry {seq}, or a supervisor can correct it").format(
                actor=entry.actor, seq=entry.seq)
        return None

    def apply_read_only(self) -> None:
        self._update_correct()

    def _update_correct(self) -> None:
        entry = self.selected_entry()
        why = self._why_not_correct(entry)
        self.correct_button.setEnabled(why is None)
        self.correct_button.setToolTip(why or self.tr("Add a signed entry that corrects entry {seq}; the original "
                                                      "stays as written").format(seq=entry.seq))

    def correct_entry(self) -> None:
        from casedesk.ui.dialogs.correct_entry import CorrectEntryDialog

        entry = self.selected_entry()
        if self._why_not_correct(entry) is not None:
            return
        dialog = CorrectEntryDialog(self.session, entry, self)

        def corrected() -> None:
            self.refresh()
            if dialog.correction is not None:
                self.show_entry(dialog.correction.seq)
            self.changed.emit()

        dialog.accepted.connect(corrected)
        dialog.open()
        self.dialog = dialog

    def mark(self, seqs: set[int]) -> None:
        self.model.set_marked(seqs)

