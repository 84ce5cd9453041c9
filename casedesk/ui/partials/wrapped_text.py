"""A tree column whose rows grow to show their whole text."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeWidget


class WrappedText(QStyledItemDelegate):
    """Rows as tall as the wrapped text of one column: QTreeView sizes a row as if its text were one line (word
    wrap or not), so a long review comment, note or metadata value was cut to "..." (seen in the screenshots).
    The tree must wrap (``setWordWrap(True)``) and lay its rows out again when the column is resized."""

    def __init__(self, tree: QTreeWidget, column: int) -> None:
        super().__init__(tree)
        self.tree = tree
        self.column = column

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != self.column:
            return hint
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        margin = self.tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.tree) + 1
        width = max(40, self.tree.columnWidth(self.column) - 2 * margin)
        wrapped = option.fontMetrics.boundingRect(QRect(0, 0, width, 1 << 20),
                                                  int(Qt.TextFlag.TextWordWrap), text).height()
        return QSize(hint.width(), max(hint.height(), wrapped + 4))


def wrap_column(tree: QTreeWidget, column: int) -> None:
    """Show ``column`` of ``tree`` wrapped: rows as tall as their text, laid out again on every resize."""
    tree.setWordWrap(True)
    tree.setUniformRowHeights(False)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    tree.setItemDelegate(WrappedText(tree, column))
    tree.header().sectionResized.connect(lambda *_a: tree.doItemsLayout())
