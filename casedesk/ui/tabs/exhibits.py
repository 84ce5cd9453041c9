"""Exhibits: the register (lazy table, filter, sort), drag-and-drop ingest, and the detail pane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.security.roles import Permission
from casedesk.services.conflicts import Conflicts
from casedesk.services.evidence import Evidence
from casedesk.services.session import Session
from casedesk.ui import errors, window_state
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon
from casedesk.ui.partials.exhibit_detail import ExhibitDetail
from casedesk.ui.partials.exhibit_model import COLUMNS, SHA_COLUMN, ExhibitFilterProxy, ExhibitTableModel
from casedesk.ui.partials.preview import preview_kind
from casedesk.ui.tabs.base import CaseTab
from casedesk.ui.translator import QT_TRANSLATE_NOOP
from casedesk.ui.workers import JobRunner

PREVIEW_LIMIT = 200 * 1024 * 1024  # bytes read for a preview; larger exhibits are extracted instead


CLOSED_TEXT = QT_TRANSLATE_NOOP("ExhibitsTab", "This case is closed: its exhibits can no longer change (no ingest, "
                                               "transfer or check-out; an exhibit still checked out can be returned).")


def local_paths(urls: list[Any]) -> list[Path]:
    return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]


class ExhibitTableView(QTableView):
    """The register; files and folders dropped on it from the desktop start an ingest."""

    files_dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exhibitTable")
        self.setAccessibleName(self.tr("Exhibit register"))
        self.setTabKeyNavigation(False)  # Tab leaves the register; arrows move between exhibits
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDropIndicatorShown(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several exhibits at once (Shift/Ctrl+click, Shift+arrows): withdraw a mistaken batch in one go.
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setSortingEnabled(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        for col, width in enumerate((80, 220, 160, 150, 80, 150, 110, 140, 120)):
            self.setColumnWidth(col, width)
        self.setToolTip(self.tr("Drop files or folders here to ingest them into this case"))

    def _accepts(self, mime: Any) -> bool:
        return bool(mime.hasUrls() and local_paths(mime.urls()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.acceptDrops() and self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.acceptDrops() and self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event.mimeData().urls()) if event.mimeData().hasUrls() else []
        if not paths or not self.acceptDrops():
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)

    def keyPressEvent(self, event: Any) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_current()
            return
        super().keyPressEvent(event)

    def copy_current(self) -> None:
        """Ctrl+C: the full value of the current cell (the whole SHA-256 in the hash column)."""
        index = self.currentIndex()
        if not index.isValid():
            return
        exhibit = self.model().data(index.siblingAtColumn(0), Qt.ItemDataRole.UserRole + 1)
        if exhibit is None:
            return
        text = exhibit.sha256 if index.column() == SHA_COLUMN else COLUMNS[index.column()].text(exhibit)
        QGuiApplication.clipboard().setText(text)


class ExhibitsTab(CaseTab):
    ingest_requested = Signal(list)  # paths (possibly empty): the main window opens the ingest dialog
    selection_changed = Signal()
    references_loaded = Signal(list)  # the case's exhibit references, for other tabs' pickers
    conflicts_loaded = Signal(list)  # the case's open custody conflicts (ConflictView), for the window's actions

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.runner = JobRunner(self)
        self.loading = False
        self._pending_select: str | None = None
        self.model = ExhibitTableModel()
        self.proxy = ExhibitFilterProxy()
        self.proxy.setSourceModel(self.model)
        self.view = ExhibitTableView()
        self.view.setModel(self.proxy)
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.view.selectionModel().selectionChanged.connect(self._selection)
        self.view.files_dropped.connect(lambda paths: self.ingest_requested.emit(paths))
        self.filter = QLineEdit()
        self.filter.setObjectName("exhibitFilter")
        self.filter.setAccessibleName(self.tr("Filter the exhibits"))
        self.filter.setPlaceholderText(self.tr("Filter exhibits: reference, description, type, custodian, hash…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(200)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(lambda _t: self._debounce.start())
        self.withdrawn = QCheckBox(self.tr("Show &withdrawn"))
        self.withdrawn.setObjectName("showWithdrawn")
        self.withdrawn.setToolTip(self.tr("Withdrawn exhibits stay in the vault and the custody log; show them greyed"))
        self.withdrawn.toggled.connect(lambda _on: self.refresh())
        self.count = QLabel()
        self.count.setObjectName("exhibitCount")
        self.ingest_button = QPushButton(icon("ingest"), self.tr("&Ingest files…"))
        self.ingest_button.setObjectName("ingest")
        self.ingest_button.setToolTip(self.tr("Bring files or folders into this case as exhibits (Ctrl+I)"))
        self.ingest_button.clicked.connect(lambda: self.ingest_requested.emit([]))
        self.case_open = True
        self.closed_notice = MessageLine()
        self.closed_notice.setObjectName("closedNotice")
        self.conflicts: list[Any] = []  # the open custody conflicts of the case on screen
        self.conflict_notice = MessageLine()
        self.conflict_notice.setObjectName("conflictNotice")
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.withdrawn)
        top.addWidget(self.count)
        top.addWidget(self.ingest_button)

        self.detail = ExhibitDetail()
        self.detail.preview_requested.connect(self.open_preview)
        self.detail.timeline_requested.connect(self.load_timeline)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("exhibitSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        window_state.restore_splitter(self.splitter, "exhibits")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.closed_notice)
        layout.addWidget(self.conflict_notice)
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.filter, self.view)

    def set_case_open(self, is_open: bool) -> None:
        """A closed case takes no more exhibits: the button and drops say so before any form is filled."""
        self.case_open = is_open
        self._update_ingest()

    def apply_read_only(self) -> None:
        self.detail.block_preview(self.read_only)
        self._update_ingest()

    def _update_ingest(self) -> None:
        can_ingest = self.session.can(Permission.EVIDENCE_INGEST)
        closed = self.case_ref is not None and (not self.case_open or self.read_only is not None)
        self.ingest_button.setEnabled(can_ingest and not closed)
        self.view.setAcceptDrops(can_ingest and not closed)
        why = self.read_only or self.tr(CLOSED_TEXT)
        self.ingest_button.setToolTip(
            why if closed else self.tr("Bring files or folders into this case as exhibits (Ctrl+I)"))
        if closed:
            self.closed_notice.notice(why)
        else:
            self.closed_notice.clear_message()

    # --- loading -----------------------------------------------------------------
    def load(self) -> None:
        """Read the register on a worker (20,000 exhibits take a while), then show it."""
        keep = self.current()
        self._generation = getattr(self, "_generation", 0) + 1
        generation, case_ref = self._generation, self.case_ref
        if case_ref is None:
            self.show_conflicts([])
            self.set_exhibits([])
            return
        self._update_ingest()
        evidence = Evidence(self.session)
        conflicts = Conflicts(self.session)
        include = self.withdrawn.isChecked()
        self.count.setText(self.tr("Loading…"))
        self.loading = True

        def loaded(result: tuple[list[Any], list[Any]]) -> None:
            if generation != self._generation:
                return  # another case was chosen meanwhile
            exhibits, found = result
            self.loading = False
            self.show_conflicts(found)
            wanted = self._pending_select or (keep.reference if keep is not None else None)
            self.set_exhibits(exhibits, keep=wanted)
            self._pending_select = None
            if wanted is not None:
                self.select(wanted)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.loading = False
                self.count.setText("")
                errors.show_error(self, exc, self.tr("Exhibits"))

        # The register's lines only (Evidence.rows): the detail pane reads the chosen exhibit in full (_selection).
        self.runner.submit("exhibits", lambda _p, _c: (evidence.rows(case_ref, include_withdrawn=include),
                                                         conflicts.list(case_ref)),
                           on_success=loaded, on_failure=failed)

    def show_conflicts(self, found: list[Any]) -> None:
        """The case's open custody conflicts: a line above the register, and their rows highlighted."""
        self.conflicts = found
        self.model.set_conflicts({c.exhibit_ref: c for c in found})
        n = len(found)
        if n:
            refs = ", ".join(c.exhibit_ref for c in found[:6]) + (", …" if n > 6 else "")
            self.conflict_notice.notice(
                "⚠ " + (self.tr("%n open custody conflict in this case", None, n) if n == 1
                        else self.tr("%n open custody conflicts in this case", None, n))
                + self.tr(" ({refs}): this log and the installation's other copy say different things; the register "
                          "shows this log's state until a supervisor resolves each (Custody › Resolve custody "
                          "conflict…).").format(refs=refs))
        else:
            self.conflict_notice.clear_message()
        self.conflicts_loaded.emit(found)

    def set_exhibits(self, exhibits: list[Any], keep: str | None = None) -> None:
        """Show ``exhibits``; the detail pane stays on ``keep`` (selected again next) when it is among them."""
        header = self.view.horizontalHeader()
        self.model.set_exhibits(exhibits, max(0, header.sortIndicatorSection()), header.sortIndicatorOrder())
        if self.proxy.needle:
            self.model.fetch_all()
        self._update_count()
        if keep is None or self.model.row_of(keep) < 0:
            self.detail.show_exhibit(None)
        self.selection_changed.emit()
        self.references_loaded.emit([e.reference for e in self.model.rows])

    def _update_count(self) -> None:
        total = len(self.model.rows)
        if self.proxy.needle:
            self.count.setText(self.tr("{shown} of %n exhibits", None, total).format(shown=self.proxy.rowCount()))
        else:
            self.count.setText(self.tr("%n exhibit", None, 1) if total == 1 else self.tr("%n exhibits", None, total))

    def _apply_filter(self) -> None:
        self.proxy.set_filter(self.filter.text())
        self._update_count()

    def focus_filter(self) -> None:
        self.filter.setFocus()
        self.filter.selectAll()

    # --- selection -------------------------------------------------------------------
    def selected(self) -> list[Any]:
        """The selected exhibits, in the register's order."""
        rows = sorted(self.view.selectionModel().selectedRows(), key=lambda i: i.row())
        return [self.model.exhibit(self.proxy.mapToSource(i).row()) for i in rows]

    def current(self) -> Any:
        """The one selected exhibit (None when none or several are selected)."""
        chosen = self.selected()
        return chosen[0] if len(chosen) == 1 else None

    def select(self, reference: str) -> bool:
        if self.loading or self._stale:
            self._pending_select = reference  # applied once the register is loaded
            return True
        row = self.model.row_of(reference)
        if row < 0:
            return False
        self.model.fetch_until(row)
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        # Through the selection model, not QTableView.selectRow, which reads the keyboard's modifiers: with Shift
        # still held from Ctrl+Shift+X (extract), the register read again after the extraction lost the exhibit.
        flags = QItemSelectionModel.SelectionFlag
        self.view.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self.view.scrollTo(index)
        return True

    def _selection(self, _sel: QItemSelection, _desel: QItemSelection) -> None:
        chosen = self.current()
        self.detail.show_exhibit(self._full(chosen))
        if chosen is not None:
            self.detail.show_conflict(self.model.conflicts.get(chosen.reference))
        self.selection_changed.emit()

    def _full(self, row: Any) -> Any:
        """The chosen exhibit in full (producer, seizure, MD5/SHA-1, file times) for the detail pane: one
        exhibit's read, where the register holds only its lines."""
        if row is None or self.case_ref is None:
            return None
        try:
            return Evidence(self.session).show(self.case_ref, row.reference)
        except CaseDeskError as exc:  # withdrawn meanwhile by another window, access removed: said, pane empty
            errors.show_error(self, exc, self.tr("Exhibits"))
            return None

    def index_of(self, reference: str) -> QModelIndex:
        row = self.model.row_of(reference)
        return self.proxy.mapFromSource(self.model.index(row, 0)) if row >= 0 else QModelIndex()

    # --- timeline and preview ------------------------------------------------------------
    def load_timeline(self) -> None:
        e = self.detail.exhibit
        if e is None or self.case_ref is None:
            return
        from casedesk.services.custody import Custody

        try:
            entries = Custody(self.session).log(self.case_ref, exhibit_ref=e.reference)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Custody timeline"))
            return
        self.detail.show_timeline(entries)

    def open_preview(self) -> None:
        e = self.detail.exhibit
        if e is None or self.case_ref is None or preview_kind(e.mime_type) is None or self.detail.blocked:
            return
        case_ref, reference, mime = self.case_ref, e.reference, e.mime_type
        evidence = Evidence(self.session)

        def read(_progress: Any, _cancel: Any) -> tuple[bytes, bool, list[tuple[str, str]]]:
            from casedesk.evidence.embedded import embedded_metadata

            limit = 2 * 1024 * 1024 if preview_kind(mime) == "text" else PREVIEW_LIMIT
            with evidence.open_content(case_ref, reference) as fh:
                data = fh.read(limit + 1)
            content, truncated = data[:limit], len(data) > limit
            return content, truncated, ([] if truncated else embedded_metadata(mime, content))

        def shown(result: tuple[bytes, bool, list[tuple[str, str]]]) -> None:
            self.detail.preview_button.setEnabled(True)
            if self.detail.exhibit is None or self.detail.exhibit.reference != reference:
                return  # the user moved on
            content, truncated, metadata = result
            self.detail.show_metadata(metadata)
            if truncated and preview_kind(mime) != "text":
                self.detail.preview.show_message(self.tr("Too large to preview: extract the exhibit to open it."))
                return
            self.detail.preview.show_content(mime, content, truncated)
            self.detail.timeline.clear()  # the viewing is now in the timeline
            if self.detail.currentIndex() == 1:
                self.load_timeline()

        def failed(exc: BaseException) -> None:
            self.detail.preview_button.setEnabled(True)
            self.detail.preview.show_message(self.tr("No preview."))
            errors.show_error(self, exc, self.tr("Preview"))

        self.detail.preview_button.setEnabled(False)
        self.detail.preview.show_message(self.tr("Opening {ref}…").format(ref=reference))
        self.runner.submit("preview", read, on_success=shown, on_failure=failed)

    def save_state(self) -> None:
        window_state.save_splitter(self.splitter, "exhibits")
