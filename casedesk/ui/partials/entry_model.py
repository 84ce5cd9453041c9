"""Custody log entries as a table model (a case log can hold tens of thousands)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from casedesk.ui import formatting, theme
from casedesk.ui.translator import QT_TRANSLATE_NOOP

Index = QModelIndex | QPersistentModelIndex
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("#", QT_TRANSLATE_NOOP("EntryTableModel", "Time (UK)"), QT_TRANSLATE_NOOP("EntryTableModel", "Action"),
           QT_TRANSLATE_NOOP("EntryTableModel", "By"), QT_TRANSLATE_NOOP("EntryTableModel", "Exhibit"),
           QT_TRANSLATE_NOOP("EntryTableModel", "From → to"), QT_TRANSLATE_NOOP("EntryTableModel", "Reason"),
           QT_TRANSLATE_NOOP("EntryTableModel", "Location"), QT_TRANSLATE_NOOP("EntryTableModel", "Text"))


def parties(e: Any) -> str:
    return " → ".join(p for p in (e.from_party, e.to_party) if p)


class EntryTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[Any] = []
        self.marked: set[int] = set()  # entries a verification flagged

    def set_entries(self, entries: list[Any]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def set_marked(self, seqs: set[int]) -> None:
        """Highlight ``seqs``; the rows stay as they are (a reset here lost the selection of the entry shown)."""
        self.marked = set(seqs)
        if self.entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.entries) - 1, self.columnCount() - 1))

    def row_of(self, seq: int) -> int:
        lo, hi = 0, len(self.entries)
        while lo < hi:  # entries come in sequence order
            mid = (lo + hi) // 2
            if self.entries[mid].seq < seq:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.entries) and self.entries[lo].seq == seq else -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            match col:
                case 0:
                    return str(e.seq)
                case 1:
                    return formatting.short_when(e.timestamp)
                case 2:
                    return formatting.action_label(e.action)
                case 3:
                    return e.actor
                case 4:
                    return e.exhibit_ref or ""
                case 5:
                    return parties(e)
                case 6:
                    return e.reason or ""
                case 7:
                    return e.location or ""
                case 8:
                    return (e.text or "").replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 1:
                return self.tr("{when}\nrecorded as {utc} UTC").format(when=formatting.when(e.timestamp),
                                                                         utc=f"{e.timestamp:%Y-%m-%d %H:%M:%S}")
            if col == 2:
                return e.action
            if col == 0:
                return self.tr("entry hash {hash}\nsigned by {actor} with "
                               "{tool}").format(hash=e.entry_hash, actor=e.actor,
                                                                                        tool=e.tool)
            if col in (6, 8):
                return e.reason if col == 6 else e.text
        if role == ENTRY_ROLE:
            return e
        if role == Qt.ItemDataRole.ForegroundRole and e.seq in self.marked:
            return QBrush(theme.error_colour())
        return None
