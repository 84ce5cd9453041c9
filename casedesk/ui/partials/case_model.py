"""The case list as a table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from casedesk.services.cases import CaseSummary
from casedesk.ui import formatting
from casedesk.ui.translator import QT_TRANSLATE_NOOP

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (QT_TRANSLATE_NOOP("CaseTableModel", "Reference"), QT_TRANSLATE_NOOP("CaseTableModel", "Operation"),
           QT_TRANSLATE_NOOP("CaseTableModel", "Status"), QT_TRANSLATE_NOOP("CaseTableModel", "OIC"),
           QT_TRANSLATE_NOOP("CaseTableModel", "Exhibits"), QT_TRANSLATE_NOOP("CaseTableModel", "To review"),
           QT_TRANSLATE_NOOP("CaseTableModel", "Opened"))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class CaseTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.cases: list[CaseSummary] = []

    def set_cases(self, cases: list[CaseSummary]) -> None:
        self.beginResetModel()
        self.cases = list(cases)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section])
        return None

    def case_at(self, row: int) -> CaseSummary:
        return self.cases[row]

    def row_of(self, reference: str) -> int:
        for i, c in enumerate(self.cases):
            if c.reference == reference:
                return i
        return -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.cases[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            sort = role == SORT_ROLE
            match col:
                case 0:
                    return c.reference
                case 1:
                    return c.title
                case 2:
                    return c.status if sort else formatting.value_label(c.status)
                case 3:
                    return c.officer_in_charge
                case 4:
                    return c.exhibits
                case 5:
                    return c.unreviewed
                case 6:
                    return c.created_at.timestamp() if sort else formatting.short_when(c.created_at)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 3:
                return self.tr("Officer in charge")
            if col == 1 and c.offences:
                return self.tr("Offences:") + "\n" + "\n".join(c.offences)
            if col == 5:
                return self.tr("{n} custody entries not yet reviewed by a supervisor").format(n=c.unreviewed)
            if col == 6:
                return formatting.when(c.created_at)
        if role == Qt.ItemDataRole.FontRole and c.status != "open":
            font = QFont()
            font.setItalic(True)  # closed cases read differently even with the Status column hidden
            return font
        if role == Qt.ItemDataRole.ToolTipRole and c.status != "open":
            return self.tr("{case} is {status}").format(case=c.reference, status=formatting.value_label(c.status))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
