"""Timeline: the case's story in time order, day by day (seizures as the exhibits record them, and what the custody
log records: ingests, movements, notes, reviews, closing). Double-click an event to see its custody entry."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from casedesk.services.cases import Cases
from casedesk.services.session import Session
from casedesk.timeutil import UK, to_utc
from casedesk.ui import errors, formatting
from casedesk.ui.partials.wrapped_text import wrap_column
from casedesk.ui.tabs.base import CaseTab

SEQ = Qt.ItemDataRole.UserRole


class TimelineTab(CaseTab):
    entry_requested = Signal(int)  # a custody entry to show in the Custody tab

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.tree = QTreeWidget()
        self.tree.setObjectName("caseTimeline")
        self.tree.setAccessibleName(self.tr("Case timeline"))
        self.tree.setHeaderLabels([self.tr("Time (UK)"), self.tr("By"), self.tr("What happened")])
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        wrap_column(self.tree, 2)  # a long review comment or note wraps instead of ending in "..."
        self.tree.itemActivated.connect(self._activated)
        self.count = QLabel()
        self.count.setObjectName("timelineCount")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.count)

    def load(self) -> None:
        self.tree.clear()
        if self.case_ref is None:
            self.count.clear()
            return
        try:
            events = Cases(self.session).timeline(self.case_ref)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Timeline"))
            return
        day_item: QTreeWidgetItem | None = None
        day = None
        for ev in events:
            local = to_utc(ev.when).astimezone(UK)
            if local.date() != day:
                day = local.date()
                day_item = QTreeWidgetItem([f"{local:%A %d %B %Y}"])
                day_item.setFirstColumnSpanned(True)
                self.tree.addTopLevelItem(day_item)
            item = QTreeWidgetItem([f"{local:%H:%M} {local.tzname()}", ev.actor or "", ev.text])
            item.setToolTip(0, formatting.when(ev.when))
            item.setToolTip(2, ev.text + "\n" + (
                self.tr("(custody entry {seq}; double-click to see it)").format(seq=ev.seq) if ev.seq
                else self.tr("(the seizure time the exhibit records)")))
            if ev.seq is not None:
                item.setData(0, SEQ, ev.seq)
            assert day_item is not None
            day_item.addChild(item)
        self.tree.expandAll()
        for col in (0, 1):
            self.tree.resizeColumnToContents(col)
        self.tree.doItemsLayout()
        self.count.setText(self.tr("%n event", None, 1) if len(events) == 1
                           else self.tr("%n events", None, len(events)))
        last = self.tree.topLevelItem(self.tree.topLevelItemCount() - 1)
        newest = last.child(last.childCount() - 1) if last is not None and last.childCount() else None
        if newest is not None:
            self.tree.scrollToItem(newest)

    def events(self) -> list[QTreeWidgetItem]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            day = self.tree.topLevelItem(i)
            if day is not None:
                out += [c for j in range(day.childCount()) if (c := day.child(j)) is not None]
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        seq = item.data(0, SEQ)
        if seq is not None:
            self.entry_requested.emit(int(seq))
