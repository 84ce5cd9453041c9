"""The exhibit register as a lazily fetched table model, and the filter proxy over it.

The service hands over the whole register as a list; the model exposes it
to the view in batches (``canFetchMore``/``fetchMore``) so opening a case
with 20,000 exhibits lays out a few hundred rows, not 20,000. Sorting is done
by the source model on the Python list (one ``list.sort`` with a key, instead
of a Python ``lessThan`` called a million times), and the proxy delegates its
``sort`` there; filtering matches a lower-cased text per row, built once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush

from casedesk.reports.text import visible
from casedesk.ui import formatting, theme
from casedesk.ui.icons import icon
from casedesk.ui.partials import conflicts as conflict_text
from casedesk.ui.translator import QT_TRANSLATE_NOOP

Index = QModelIndex | QPersistentModelIndex
BATCH = 256
EXHIBIT_ROLE = Qt.ItemDataRole.UserRole + 1


def _natural(reference: str) -> tuple[str, int, str]:
    """``JAS/2`` before ``JAS/10`` (cheap: sorting 20,000 references is on the path to showing them)."""
    head, sep, tail = reference.rpartition("/")
    if sep and tail.isdigit():
        return head.lower(), int(tail), ""
    return reference.lower(), -1, reference


def _type(e: Any) -> str:
    return str(getattr(e, "type_description", "") or getattr(e, "mime_type", ""))


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    key: Callable[[Any], Any]
    tip: Callable[[Any], str | None] = lambda _e: None


translate = QCoreApplication.translate

# Titles are translated where shown (headerData); the untranslated title names the column in code.
COLUMNS: tuple[Column, ...] = (
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Reference"),
           lambda e: e.reference, lambda e: _natural(e.reference)),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Description"),
           lambda e: e.description, lambda e: e.description.lower(), lambda e: e.description),
    # Exhibits from one folder share a description: the file name tells them apart (shown, never obeyed).
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "File name"),
           lambda e: visible(e.original_name), lambda e: e.original_name.lower(), lambda e: visible(e.relative_path)),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Type"),
           _type, lambda e: _type(e).lower(), lambda e: f"{e.mime_type}\n{_type(e)}"),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Size"),
           lambda e: formatting.size(e.size), lambda e: e.size,
           lambda e: translate("ExhibitTableModel", "{n} bytes").format(n=f"{e.size:,}")),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Seized"),
           lambda e: formatting.short_when(e.seized_at),
           lambda e: e.seized_at.timestamp() if e.seized_at else 0.0, lambda e: formatting.when(e.seized_at)),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Custodian"),
           lambda e: translate("ExhibitTableModel", "{custodian} (checked out)").format(custodian=e.custodian)
           if getattr(e, "checked_out", False) else e.custodian,
           lambda e: e.custodian.lower()),
    Column(QT_TRANSLATE_NOOP("ExhibitTableModel", "Location"),
           lambda e: e.location, lambda e: e.location.lower(), lambda e: e.location),
    Column("SHA-256", lambda e: formatting.short_hash(e.sha256), lambda e: e.sha256,
           lambda e: f"SHA-256 {e.sha256}\n" + translate("ExhibitTableModel", "(Ctrl+C copies the full value)")),
)
SHA_COLUMN = len(COLUMNS) - 1
CUSTODIAN_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Custodian")
SIZE_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.title == "Size")  # numbers line up on the right


class ExhibitTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []
        self.loaded = 0
        self._search: list[str | None] = []
        self.conflicts: dict[str, Any] = {}  # exhibit reference -> its open custody conflict (ConflictView)

    def set_conflicts(self, conflicts: dict[str, Any]) -> None:
        """Open custody conflicts by exhibit: their rows are highlighted and say so (set before the rows)."""
        self.conflicts = conflicts
        if self.loaded:
            self.dataChanged.emit(self.index(0, 0), self.index(self.loaded - 1, len(COLUMNS) - 1))

    # --- data in ---------------------------------------------------------------
    def set_exhibits(self, exhibits: Sequence[Any], sort_column: int = 0,
                     order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.beginResetModel()
        self.rows = list(exhibits)
        self.rows.sort(key=COLUMNS[sort_column].key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._search = [None] * len(self.rows)
        self.loaded = min(BATCH, len(self.rows))
        self.endResetModel()

    def exhibit(self, row: int) -> Any:
        return self.rows[row]

    def row_of(self, reference: str) -> int:
        for i, e in enumerate(self.rows):
            if e.reference == reference:
                return i
        return -1

    def search_text(self, row: int) -> str:
        text = self._search[row]
        if text is None:
            e = self.rows[row]
            text = "\x1f".join((e.reference, e.description, _type(e), e.custodian, e.location, e.sha256,
                                str(getattr(e, "original_name", "")))).lower()
            self._search[row] = text
        return text

    # --- lazy fetching -----------------------------------------------------------
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.loaded < len(self.rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        self._fetch(min(BATCH, len(self.rows) - self.loaded))

    def fetch_all(self) -> None:
        self._fetch(len(self.rows) - self.loaded)

    def fetch_until(self, row: int) -> None:
        if row >= self.loaded:
            self._fetch(row + 1 - self.loaded)

    def _fetch(self, count: int) -> None:
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self.loaded, self.loaded + count - 1)
        self.loaded += count
        self.endInsertRows()

    # --- the model interface -------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.loaded

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.tr(COLUMNS[section].title)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        col = COLUMNS[index.column()]
        conflict = self.conflicts.get(e.reference) if self.conflicts else None
        if role == Qt.ItemDataRole.DisplayRole:
            if conflict is not None and index.column() == CUSTODIAN_COLUMN:
                return self.tr("{custodian} · ⚠ custody conflict").format(custodian=col.text(e))
            return col.text(e)
        if role == Qt.ItemDataRole.ToolTipRole:
            return conflict_text.register_tip(conflict) if conflict is not None else col.tip(e)
        if role == EXHIBIT_ROLE:
            return e
        if conflict is not None:
            if role == Qt.ItemDataRole.BackgroundRole:
                tint = theme.warning_colour()
                tint.setAlpha(60)
                return QBrush(tint)
            if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
                return icon("warning")
        if role == Qt.ItemDataRole.ForegroundRole:
            if getattr(e, "status", "active") != "active":
                return QBrush(theme.palette(theme.is_dark()).color(theme.Group.Disabled, theme.Role.Text))
            if index.column() == 0 and (getattr(e, "type_warning", None) or getattr(e, "duplicate_of", None)):
                return QBrush(theme.warning_colour())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == SIZE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(p, self.rows[p.row()]) for p in persistent]
        pairs = sorted(zip(self.rows, self._search, strict=True), key=lambda p: COLUMNS[column].key(p[0]),
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = [p[0] for p in pairs]
        self._search = [p[1] for p in pairs]
        if kept:
            where = {id(e): i for i, e in enumerate(self.rows)}
            new = []
            for p, e in kept:
                row = where[id(e)]
                self.fetch_until_silent(row)
                new.append(self.index(row, p.column()))
            self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    def fetch_until_silent(self, row: int) -> None:
        """During a layout change rows may only be revealed, not announced."""
        if row >= self.loaded:
            self.loaded = row + 1


class ExhibitFilterProxy(QSortFilterProxyModel):
    """Filters on a case-insensitive substring of the row's text; sorting is the source's."""

    def __init__(self) -> None:
        super().__init__()
        self.needle = ""

    def source(self) -> ExhibitTableModel:
        model = self.sourceModel()
        assert isinstance(model, ExhibitTableModel)
        return model

    def set_filter(self, text: str) -> None:
        needle = text.strip().lower()
        if needle == self.needle:
            return
        if needle:
            self.source().fetch_all()  # a filter must see every row, not just the fetched ones
        self.beginFilterChange()
        self.needle = needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return not self.needle or self.needle in self.source().search_text(source_row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.source().sort(column, order)
