"""The case list: search, filter by status and officer, sort by any column."""

from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases, CaseSummary
from casedesk.services.session import Session
from casedesk.ui import errors
from casedesk.ui.icons import icon
from casedesk.ui.partials.case_model import COLUMNS, SORT_ROLE, CaseTableModel
from casedesk.ui.translator import QT_TRANSLATE_NOOP

HIDDEN_BY_DEFAULT = ("Status", "OIC", "Exhibits", "Opened")

STATUSES = ((QT_TRANSLATE_NOOP("CaseListPanel", "All cases"), None),
            (QT_TRANSLATE_NOOP("CaseListPanel", "Open"), "open"),
            (QT_TRANSLATE_NOOP("CaseListPanel", "Closed"), "closed"))


class CaseListPanel(QWidget):
    case_selected = Signal(object)  # reference or None

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.search = QLineEdit()
        self.search.setObjectName("caseSearch")
        self.search.setAccessibleName(self.tr("Search cases"))
        self.search.setPlaceholderText(self.tr("Search reference, operation or offence (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setToolTip(self.tr("Shows cases whose reference, operation name or offences contain this text"))
        self.status = QComboBox()
        self.status.setObjectName("caseStatus")
        self.status.setAccessibleName(self.tr("Case status filter"))
        for label, value in STATUSES:
            self.status.addItem(self.tr(label), value)
        self.status.setToolTip(self.tr("Show open cases, closed cases or both"))
        self.officer = QComboBox()
        self.officer.setObjectName("caseOfficer")
        self.officer.setAccessibleName(self.tr("Officer in charge filter"))
        self.officer.setToolTip(self.tr("Show only cases with this officer in charge"))
        self.officer.addItem(self.tr("Any officer"), None)
        try:
            for account in Accounts(session).list():
                if account.role != "admin":
                    self.officer.addItem(f"{account.full_name} ({account.username})", account.username)
        except Exception as exc:  # the list still works without the officer filter
            errors.show_error(self, exc, self.tr("Officers"))

        self.model = CaseTableModel()
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = QTableView()
        self.view.setObjectName("caseTable")
        self.view.setAccessibleName(self.tr("Cases"))
        self.view.setTabKeyNavigation(False)  # Tab leaves the table; arrows move between cases
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        # Every visible column fits the panel (no horizontal scrollbar hiding "To review"): the operation
        # name takes what is left and elides; Status, OIC and Opened are one right-click away on the header.
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(36)
        for col in range(len(COLUMNS)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for col, name in enumerate(COLUMNS):
            if col in (0, 1):
                continue
            shown = QCoreApplication.translate("CaseTableModel", name)
            toggle = QAction(self.tr("Show {column}").format(column=shown), header)
            toggle.setCheckable(True)
            toggle.setChecked(name not in HIDDEN_BY_DEFAULT)
            toggle.toggled.connect(lambda on, col=col: self.view.setColumnHidden(col, not on))
            header.addAction(toggle)
            self.view.setColumnHidden(col, name in HIDDEN_BY_DEFAULT)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.count = QLabel()
        self.count.setObjectName("caseCount")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.officer.currentIndexChanged.connect(lambda _i: self.refresh())

        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.officer, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("<b>Cases</b>"))
        layout.addWidget(title)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.setTabOrder(self.search, self.status)
        self.setTabOrder(self.status, self.officer)
        self.setTabOrder(self.officer, self.view)

    def current(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.case_at(self.proxy.mapToSource(rows[0]).row()).reference

    def current_summary(self) -> CaseSummary | None:
        """The selected case's line of the list, or None."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.case_at(self.proxy.mapToSource(rows[0]).row()) if rows else None

    def current_status(self) -> str | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.case_at(self.proxy.mapToSource(rows[0]).row()).status if rows else None

    def refresh(self, select: str | None = None) -> None:
        keep = select or self.current()
        try:
            cases = Cases(self.session).list(self.status.currentData(), self.officer.currentData(),
                                             self.search.text().strip() or None)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Case list"))
            return
        blocker = self.view.selectionModel().blockSignals(True)
        self.model.set_cases(cases)
        self.view.selectionModel().blockSignals(blocker)
        self.count.setText(self.tr("%n case", None, 1) if len(cases) == 1 else self.tr("%n cases", None, len(cases)))
        if keep and self.select(keep):
            return
        self.case_selected.emit(None)

    def select(self, reference: str) -> bool:
        row = self.model.row_of(reference)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.selectRow(index.row())
        self.view.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.case_selected.emit(self.current())
