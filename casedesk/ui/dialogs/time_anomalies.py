"""A supervisor acknowledges entries whose time is wrong (a laptop clock that was ahead or behind).

The entries come from ``Custody.time_anomalies`` (the rule verification and ``casedesk custody acknowledge-time``
use); the supervisor ticks the ones whose clock was wrong, gives the reason, and each becomes a signed
``custody.time_acknowledged`` entry in one transaction. The entries themselves are never changed: verification
then reports them as acknowledged, and a bundle says so.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.services.custody import Custody, TimeAnomaly
from casedesk.services.session import Session
from casedesk.timeutil import parse_iso
from casedesk.ui import errors, formatting
from casedesk.ui.forms import MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import Job, JobRunner


def _span(us: int) -> str:
    minutes = us // 60_000_000
    if minutes < 1:
        return QCoreApplication.translate("TimeAnomaliesDialog", "{s} s").format(s=us // 1_000_000)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return QCoreApplication.translate("TimeAnomaliesDialog", "{m} min").format(m=minutes)
    if hours < 48:
        return QCoreApplication.translate("TimeAnomaliesDialog", "{h} h {m:02d} min").format(h=hours, m=minutes)
    return QCoreApplication.translate("TimeAnomaliesDialog", "{d} days").format(d=hours // 24)


class TimeAnomaliesDialog(QDialog):
    acknowledged = Signal(list)  # the EntryViews written

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.anomalies: list[TimeAnomaly] = []
        self._done_text: str | None = None  # what the last acknowledgement wrote, shown once the list is read again
        self.setWindowTitle(self.tr("Acknowledge wrong entry times"))
        self.setWindowIcon(app_icon())
        self.resize(860, 420)
        intro = QLabel(self.tr(
            "These custody entries are dated out of order: after an entry that follows them or after this "
            "computer's clock (the clock was ahead), or before an entry that precedes them (the clock was behind). "
            "Tick the entries whose time is wrong and say why. Each is acknowledged by a signed entry of yours; "
            "the entries themselves are never changed, verification reports them as acknowledged and a bundle "
            "says so."))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("timeAnomalies")
        self.table.setAccessibleName(self.tr("Entries dated out of order"))
        self.table.setHorizontalHeaderLabels([self.tr("Entry"), self.tr("Dated"), self.tr("By"), self.tr("Action"),
                                              self.tr("Case"), self.tr("Out of order")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self._update())
        self.reason = QLineEdit()
        self.reason.setObjectName("timeReason")
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.setPlaceholderText(self.tr("e.g. the laptop's clock was an hour ahead after a BIOS reset"))
        self.reason.textChanged.connect(lambda _t: self._update())
        reason_label = QLabel(self.tr("&Why is their time wrong?"))
        reason_label.setBuddy(self.reason)
        self.message = MessageLine()
        self.message.setObjectName("timeMessage")
        self.buttons = QDialogButtonBox()
        self.ack_button = self.buttons.addButton(self.tr("&Acknowledge"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ack_button.setObjectName("acknowledgeTimes")
        self.ack_button.setIcon(icon("verify"))
        self.ack_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeTimes")
        self.ack_button.clicked.connect(self.acknowledge)
        self.close_button.clicked.connect(self.reject)
        make_default(self.ack_button, self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        fit_on_screen(self)
        self.load()

    def load(self) -> None:
        custody = Custody(self.session)
        self.message.notice(self.tr("Reading the custody log…"))
        self.job = self.runner.submit("time anomalies", lambda _progress, _cancel: custody.time_anomalies(),
                                      on_success=self._loaded, on_failure=self._failed)

    def _why(self, a: TimeAnomaly) -> str:
        span = _span(a.by_us)
        if a.kind == "ahead" and a.other is None:
            return self.tr("{span} ahead of this computer's clock").format(span=span)
        if a.kind == "ahead":
            return self.tr("{span} after entry {other}, which follows it").format(span=span, other=a.other)
        return self.tr("{span} before entry {other}, which precedes it").format(span=span, other=a.other)

    def _loaded(self, anomalies: Any) -> None:
        self.job = None
        self.anomalies = list(anomalies)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.anomalies))
        for row, a in enumerate(self.anomalies):
            entry = QTableWidgetItem(str(a.seq))
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            cells = [entry, QTableWidgetItem(formatting.short_when(parse_iso(a.timestamp))),
                     QTableWidgetItem(a.actor), QTableWidgetItem(formatting.action_label(a.action)),
                     QTableWidgetItem(a.case_ref or "—"), QTableWidgetItem(self._why(a))]
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        if self.anomalies:
            self.message.clear_message()
            self.table.setFocus()
            self.table.setCurrentCell(0, 0)
        else:
            self.message.success(self.tr("No entry is dated out of order: there is nothing to acknowledge."))
        if self._done_text is not None:
            self.message.success(self._done_text)
            self._done_text = None
        self._update()

    def chosen(self) -> list[int]:
        return [a.seq for row, a in enumerate(self.anomalies)
                if (item := self.table.item(row, 0)) is not None and item.checkState() == Qt.CheckState.Checked]

    def _update(self) -> None:
        self.ack_button.setEnabled(bool(self.chosen()) and bool(self.reason.text().strip()))

    def acknowledge(self) -> None:
        chosen = self.chosen()
        if not chosen:
            self.message.error(self.tr("Tick the entries whose time is wrong."))
            return
        try:
            views = Custody(self.session).acknowledge_entries(chosen, self.reason.text())
        except CaseDeskError as exc:
            self.message.error(str(exc))
            return
        self.acknowledged.emit(views)
        self.reason.clear()
        self._done_text = (self.tr("Acknowledged as custody entries {first} to {last}.").format(
            first=views[0].seq, last=views[-1].seq) if len(views) > 1 else
            self.tr("Acknowledged as custody entry {seq}.").format(seq=views[0].seq))
        self.load()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Entry times"))
