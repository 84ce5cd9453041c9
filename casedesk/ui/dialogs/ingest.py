"""Ingest: the metadata form, files and folders to bring in, progress with Cancel, and a summary."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.reports.text import visible
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence, FileToIngest, IngestMetadata, IngestSummary
from casedesk.services.session import Session
from casedesk.timeutil import UK, utc_now
from casedesk.ui import errors, formatting, theme, window_state
from casedesk.ui.forms import MessageLine, SeizedAtEdit, fit_on_screen, make_default, uk_datetime
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import Job, JobRunner

PREFILLED = Qt.ItemDataRole.UserRole + 1  # the description a row was given, until the user types their own


def prefill(common: str, name: str) -> str:
    """A file's description before the user writes one: the common description and the file's name."""
    common = " ".join(common.split())
    return f"{common} — {name}" if common else name


class IngestDialog(QDialog):
    finished_ingest = Signal(object)  # IngestSummary

    def __init__(self, session: Session, case_ref: str, paths: list[Path] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_ref = case_ref
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.summary: IngestSummary | None = None
        self.setWindowTitle(self.tr("Ingest into {case}").format(case=case_ref))
        self.setWindowIcon(app_icon())
        self.resize(640, 620)

        self.files = QListWidget()
        self.files.setObjectName("ingestFiles")
        self.files.setAccessibleName(self.tr("Files to ingest"))
        self.files.setToolTip(self.tr("Files and folders to ingest; folders are taken whole, with their structure"))
        add_files = QPushButton(icon("document"), self.tr("Add &files…"))
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton(icon("folder"), self.tr("Add f&older…"))
        add_folder.clicked.connect(self._add_folder)
        remove = QPushButton(self.tr("&Remove"))
        remove.clicked.connect(self._remove_selected)
        file_buttons = QHBoxLayout()
        for b in (add_files, add_folder, remove):
            file_buttons.addWidget(b)
        file_buttons.addStretch(1)

        self.description = QLineEdit()
        self.description.setObjectName("description")
        self.description.setPlaceholderText(self.tr("e.g. Dossier of bank customer records handed over by the "
                                                    "journalist"))
        self.description.setToolTip(self.tr("What the exhibit is; it appears in the register and the MG12 exhibit "
                                            "list"))
        self.description.textChanged.connect(self._common_changed)
        self.describe_each = QCheckBox(self.tr("Describe each file separa&tely"))
        self.describe_each.setObjectName("describeEach")
        self.describe_each.setToolTip(self.tr(
            "List every file the folders hold, each with a description of its own (it starts as the description "
            "above and the file's name), so that the exhibits can be told apart in the register and the bundle"))
        self.describe_each.toggled.connect(self._describe_each_toggled)
        self.per_file = QTableWidget(0, 4)
        self.per_file.setObjectName("perFileDescriptions")
        self.per_file.setAccessibleName(self.tr("Description of each file"))
        self.per_file.setHorizontalHeaderLabels([self.tr("File"), self.tr("Size"), self.tr("Type"),
                                                 self.tr("Description (double-click or F2 to edit)")])
        self.per_file.verticalHeader().hide()
        self.per_file.setWordWrap(False)
        self.per_file.setAlternatingRowColors(True)
        self.per_file.setTabKeyNavigation(False)
        self.per_file.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        per_header = self.per_file.horizontalHeader()
        per_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        per_header.setStretchLastSection(True)
        for col, width in enumerate((190, 70, 130)):
            self.per_file.setColumnWidth(col, width)
        self.per_file.hide()
        self.per_file_note = QLabel()
        self.per_file_note.setObjectName("perFileNote")
        self.per_file_note.setWordWrap(True)
        self.per_file_note.hide()
        self._listed_for: list[Path] | None = None  # the paths the table lists the files of
        self._shown_shared = ""  # the message line's text when it says why (cleared once it no longer holds)
        self._shared: str = ""  # why the listed files cannot be described one by one (two share a path), or ""
        self._listing: Job | None = None
        self.seized_from = QLineEdit()
        self.seized_from.setObjectName("seizedFrom")
        self.seized_from.setPlaceholderText(self.tr("person or place, e.g. Daily Courier newsroom"))
        self.seized_at = SeizedAtEdit()
        self.seized_at.setObjectName("seizedAt")
        self.seized_at.setCalendarPopup(True)
        self.seized_at.setDisplayFormat("dd MMM yyyy HH:mm")
        now = utc_now().astimezone(UK)
        self.seized_at.setDateTime(QDateTime(now.year, now.month, now.day, now.hour, now.minute, 0))
        self.seized_at.setToolTip(self.tr("UK local time (GMT or BST as in force at that date); stored in UTC with "
                                          "its offset. Type the day, month, year, hours and minutes; ← → move between "
                                          "them"))
        self.seized_unknown = QCheckBox(self.tr("not known"))
        self.seized_unknown.setObjectName("seizedUnknown")
        self.seized_unknown.toggled.connect(lambda on: self.seized_at.setEnabled(not on))
        when_row = QHBoxLayout()
        when_row.addWidget(self.seized_at, 1)
        when_row.addWidget(QLabel(self.tr("UK time")))
        when_row.addWidget(self.seized_unknown)
        self.location = QLineEdit()
        self.location.setObjectName("location")
        self.location.setPlaceholderText(self.tr("where it was seized or received"))
        self.location.setText(str(window_state.settings().value("ingest/location", "") or ""))
        self.seal = QLineEdit()
        self.seal.setObjectName("seal")
        self.seal.setPlaceholderText(self.tr("evidence bag or seal number"))
        self.producer = QComboBox()
        self.producer.setObjectName("producer")
        self.producer.setToolTip(self.tr("The producing officer: their initials prefix the exhibit references"))
        self.skip_existing = QCheckBox(self.tr("Skip files already in this case (same path and content)"))
        self.skip_existing.setObjectName("skipExisting")
        self.skip_existing.setChecked(True)
        self.skip_existing.setToolTip(self.tr("Ingesting a folder again (after a cancel, or with new files) adds only "
                                              "what is not in the case yet; untick to register a second seizure of the "
                                              "same files"))
        self.sensitive = QCheckBox(self.tr("Sensitive (MG6D: left out of bundles by default)"))
        self.sensitive.setObjectName("sensitive")
        self._fill_producers()

        form = QFormLayout()
        form.addRow(self.tr("&Description:"), self.description)
        form.addRow("", self.describe_each)
        form.addRow(self.tr("Seized fro&m:"), self.seized_from)
        when_label = QLabel(self.tr("Seized &at:"))
        when_label.setBuddy(self.seized_at)
        form.addRow(when_label, when_row)
        form.addRow(self.tr("&Location:"), self.location)
        form.addRow(self.tr("S&eal:"), self.seal)
        form.addRow(self.tr("&Producer:"), self.producer)
        form.addRow("", self.sensitive)
        form.addRow("", self.skip_existing)

        self.progress = QProgressBar()
        self.progress.setObjectName("ingestProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.progress_text = QLabel()
        self.progress_text.setObjectName("ingestProgressText")
        self.progress_text.hide()
        self.summary_tree = QTreeWidget()
        self.summary_tree.setObjectName("ingestSummary")
        self.summary_tree.setHeaderLabels([self.tr("Item"), self.tr("Result")])
        self.summary_tree.setRootIsDecorated(True)
        self.summary_tree.hide()
        self.message = MessageLine()

        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(self.tr("&Ingest"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("startIngest")
        self.start_button.setIcon(icon("ingest"))
        self.start_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelIngest")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeIngest")
        self.close_button.hide()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Files and folders</b> (drop more onto the exhibit list, or add them "
                                        "here)")))
        layout.addWidget(self.files, 1)
        layout.addLayout(file_buttons)
        self.form_box = QWidget()
        self.form_box.setLayout(form)
        layout.addWidget(self.form_box)
        layout.addWidget(self.per_file_note)
        layout.addWidget(self.per_file, 2)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.summary_tree, 2)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.add_paths(paths or [])
        self.description.setFocus()
        make_default(self.start_button, *self.findChildren(QPushButton))  # Enter ingests


    def _fill_producers(self) -> None:
        me = self.session.user
        self.producer.addItem(f"{me.full_name} ({me.initials})", me.username)
        try:
            members = Cases(self.session).show(self.case_ref).members
        except CaseDeskError:
            members = []
        for name in members:
            if name != me.username:
                self.producer.addItem(name, name)

    # --- files -------------------------------------------------------------------
    def paths(self) -> list[Path]:
        return [Path(self.files.item(i).text()) for i in range(self.files.count())]

    def _no_files_text(self) -> str:
        return self.tr("Add at least one file or folder (or drop them onto the exhibit list).")

    def add_paths(self, paths: list[Path]) -> None:
        if paths and self.message.text().casefold() == self._no_files_text().casefold():  # shown capitalised
            self.message.clear_message()  # the request is met: the message would be stale
        known = set(self.paths())
        for p in paths:
            if p not in known:
                self.files.addItem(str(p))
                known.add(p)
        self._files_changed()

    def _remove_selected(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._files_changed()

    # --- a description per file -------------------------------------------------------
    def _describe_each_toggled(self, on: bool) -> None:
        self.per_file.setVisible(on)
        self.per_file_note.setVisible(on)
        self._show_shared()  # one description for all: files of one path are no longer a problem
        if on:
            self.resize(max(self.width(), 860), max(self.height(), 760))
            fit_on_screen(self)
            self._files_changed()

    def _files_changed(self) -> None:
        """The table lists the files of the paths now given (read again on a worker when they change)."""
        if not self.describe_each.isChecked():
            return
        paths = self.paths()
        if paths == self._listed_for:
            return
        if self._listing is not None and not self._listing.finished:
            self._listing.cancel()
        if not paths:
            self._fill_table([], paths)
            return
        evidence, case_ref = Evidence(self.session), self.case_ref
        self.per_file_note.setText(self.tr("Listing the files…"))
        self._listing = self.runner.submit(
            "list files", lambda _progress, cancel: evidence.files_to_ingest(case_ref, paths, cancel),
            on_success=lambda result: self._fill_table(result[0], paths) if paths == self.paths() else None,
            on_failure=self._listing_failed)

    def _listing_failed(self, exc: BaseException) -> None:
        self.per_file_note.setText("")
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Ingest"))

    def _cell(self, row: int, col: int) -> QTableWidgetItem:
        """A cell of the per-file table (_fill_table gives every cell of every row an item)."""
        item = self.per_file.item(row, col)
        assert item is not None, (row, col)
        return item

    def descriptions(self) -> dict[str, str]:
        """Each listed file's description, by its path as the register will record it."""
        out = {}
        for row in range(self.per_file.rowCount()):
            item = self._cell(row, 3)
            out[str(item.data(Qt.ItemDataRole.UserRole))] = item.text()
        return out

    def _fill_table(self, files: list[FileToIngest], paths: list[Path]) -> None:
        """One row per file; a description the user wrote for a path stays when the list is read again."""
        kept = {path: text for path, text in self.descriptions().items()
                if text != self._prefilled_text(path)}
        self._listed_for = list(paths)
        self.per_file.setSortingEnabled(False)
        self.per_file.setRowCount(len(files))
        fixed = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        counts: dict[str, int] = {}
        for f in files:
            counts[f.relative_path] = counts.get(f.relative_path, 0) + 1
        shared = sorted(p for p, n in counts.items() if n > 1)
        for row, f in enumerate(files):
            name = QTableWidgetItem(visible(f.name))
            name.setToolTip(html.escape(visible(f.relative_path)))
            if f.relative_path in shared:  # the register would record two exhibits under one path
                name.setText("⚠ " + name.text())
                name.setToolTip(self.tr("{path} is also the path of another file given; this one is read from "
                                        "{source}").format(path=html.escape(visible(f.relative_path)),
                                                           source=html.escape(visible(f.source))))
                name.setForeground(theme.warning_colour())
            size = QTableWidgetItem(formatting.size(f.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            kind = QTableWidgetItem(visible(f.type_description))
            kind.setToolTip(html.escape(visible(f.type_description)))
            for item in (name, size, kind):
                item.setFlags(fixed)
            first = prefill(self.description.text(), visible(f.name))
            text = QTableWidgetItem(kept.get(f.relative_path, first))
            text.setData(Qt.ItemDataRole.UserRole, f.relative_path)
            text.setData(PREFILLED, first)
            text.setToolTip(self.tr("The description of {path} in the register and the exhibit list").format(
                path=html.escape(visible(f.relative_path))))
            for col, item in enumerate((name, size, kind, text)):
                self.per_file.setItem(row, col, item)
        if shared:
            more = self.tr(" (and {n} more paths)").format(n=len(shared) - 1) if len(shared) > 1 else ""
            self._shared = self.tr(
                "{count} of the files given have the path {path}{more} (the same name from different folders, "
                "marked ⚠): a description could be either's. Remove one of them, or add the folders that hold "
                "them instead, so that their paths differ.").format(count=counts[shared[0]], path=visible(shared[0]),
                                                                    more=more)
        else:
            self._shared = ""
        self._show_shared()
        count = len(files)
        self.per_file_note.setText(self.tr(
            "{count} file(s) — each gets the description in its row; edit any of them. Files in a folder are "
            "listed as the register will show them.").format(count=f"{count:,}"))

    def _show_shared(self) -> None:
        """Ingest is refused at once, with the reason, while the table lists two files under one path."""
        why = self._shared if self.describe_each.isChecked() else ""
        self.start_button.setEnabled(not why and self.job is None)
        self.start_button.setToolTip(why)
        if why:
            self.message.error(why)
        elif self.message.text() == self._shown_shared:
            self.message.clear_message()
        self._shown_shared = self.message.text() if why else ""

    def _prefilled_text(self, path: str) -> str | None:
        for row in range(self.per_file.rowCount()):
            item = self._cell(row, 3)
            if item.data(Qt.ItemDataRole.UserRole) == path:
                return str(item.data(PREFILLED))
        return None

    def _common_changed(self, text: str) -> None:
        """Rows still holding what they were given follow the common description; rows the user wrote stay."""
        for row in range(self.per_file.rowCount()):
            item = self._cell(row, 3)
            before = str(item.data(PREFILLED))
            if item.text() != before:
                continue
            name = self._cell(row, 0).text()
            after = prefill(text, name)
            item.setData(PREFILLED, after)
            item.setText(after)

    def _add_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Files to ingest"))
        self.add_paths([Path(n) for n in names])

    def _add_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, self.tr("Folder to ingest"))
        if name:
            self.add_paths([Path(name)])

    # --- running -------------------------------------------------------------------
    def metadata(self) -> IngestMetadata:
        return IngestMetadata(
            description=self.description.text(), seized_from=self.seized_from.text(),
            seized_at=None if self.seized_unknown.isChecked() else uk_datetime(self.seized_at),
            location=self.location.text(), seal=self.seal.text(), producer=self.producer.currentData(),
            sensitive=self.sensitive.isChecked(),
        )

    def _running(self, running: bool) -> None:
        self.form_box.setEnabled(not running)
        self.files.setEnabled(not running)
        self.per_file.setEnabled(not running)
        self.start_button.setEnabled(not running and not (self._shared and self.describe_each.isChecked()))
        self.progress.setVisible(running or self.progress.isVisible())
        self.progress_text.setVisible(running or self.progress_text.isVisible())

    def start(self) -> None:
        paths = self.paths()
        if not paths:
            self.message.error(self._no_files_text())
            return
        descriptions: dict[str, str] | None = None
        if self.describe_each.isChecked():
            if self._listed_for != paths:
                if self._listing is None or self._listing.finished:
                    self._listed_for = None
                    self._files_changed()  # listed again: a failure says what is wrong with the paths
                self.message.notice(self.tr("The files are still being listed; ingest once every file has its "
                                            "row."))
                return
            descriptions = self.descriptions()
        meta = self.metadata()
        window_state.settings().setValue("ingest/location", meta.location)  # the next ingest starts from it
        evidence = Evidence(self.session)
        case_ref = self.case_ref
        skip = self.skip_existing.isChecked()
        self.message.clear_message()
        self._running(True)
        self.progress.setValue(0)
        self.progress_text.setText(self.tr("Collecting files…"))
        self.job = self.runner.submit(
            "ingest", lambda progress, cancel: evidence.ingest(case_ref, paths, meta, progress, cancel,
                                                               skip_existing=skip, in_files=True,
                                                               descriptions=descriptions),
            on_success=self._done, on_failure=self._failed, on_progress=self._progress,
        )

    def _progress(self, done: int, total: int, message: str) -> None:
        """``done`` of ``total`` files (the service counts files, not bytes)."""
        self.progress.setValue(int(1000 * done / total) if total else 0)
        counts = {"done": f"{done:,}", "total": f"{total:,}"}
        self.progress.setFormat(self.tr("{done} of {total} files").format(**counts))
        of_total = self.tr("{done} of {total} file") if total == 1 else self.tr("{done} of {total} files")
        self.progress_text.setText(f"{of_total.format(**counts)} — {visible(message)}")

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(self.tr("Cancelling: the file being read is finished or dropped…"))
            return
        self.reject()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        fit_on_screen(self)

    def _done(self, summary: Any) -> None:
        assert isinstance(summary, IngestSummary)
        self.summary = summary
        self.job = None
        if not summary.cancelled:  # a cancelled ingest never shows 100 %
            self.progress.setValue(self.progress.maximum())
        self.form_box.setEnabled(False)
        self.per_file.hide()  # the summary takes its place
        self.per_file_note.hide()
        self.start_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self._show_summary(summary)
        self.finished_ingest.emit(summary)

    def _show_summary(self, s: IngestSummary) -> None:
        self.summary_tree.clear()
        self.summary_tree.show()
        ingested = QTreeWidgetItem([self.tr("Ingested: {n}").format(n=len(s.ingested)), ""])
        for e in s.ingested:
            note = []
            if e.duplicate_of:
                note.append(self.tr("duplicate of {ref}").format(ref=e.duplicate_of))
            if e.type_warning:
                note.append(e.type_warning)
            plain = f"{formatting.size(e.size)}, {e.type_description or e.mime_type}"
            # Seized files' names are shown, never obeyed (direction overrides, control characters, HTML).
            item = QTreeWidgetItem([f"{e.reference}  {visible(e.original_name)}", "; ".join(note) or plain])
            if e.type_warning:  # the type mismatch stands out, as in the register
                item.setForeground(1, theme.warning_colour())
                item.setText(1, "⚠ " + item.text(1))
            item.setToolTip(0, html.escape(visible(e.relative_path)))
            ingested.addChild(item)
        dup = QTreeWidgetItem([self.tr("Duplicates: {n}").format(n=len(s.duplicates)),
                               self.tr("same content as an earlier exhibit")])
        already = QTreeWidgetItem([self.tr("Already in the case: {n}").format(n=len(s.already)),
                                   self.tr("same path and SHA-256: not added again")])
        for path, reference in s.already:
            already.addChild(QTreeWidgetItem([visible(path), self.tr("is {ref}").format(ref=reference)]))
        skipped = QTreeWidgetItem([self.tr("Skipped: {n}").format(n=len(s.skipped)), ""])
        for k in s.skipped:
            skipped.addChild(QTreeWidgetItem([visible(str(k.path)), k.reason]))
        self.summary_tree.addTopLevelItems([ingested, dup, already, skipped])
        ingested.setExpanded(len(s.ingested) <= 50)
        skipped.setExpanded(True)
        self.summary_tree.resizeColumnToContents(0)
        n_in, n_dup = len(s.ingested), len(s.duplicates)
        parts = [self.tr("%n exhibit ingested", None, n_in) if n_in == 1 else self.tr("%n exhibits "
                                                                                      "ingested", None, n_in),
                 self.tr("%n duplicate", None, n_dup) if n_dup == 1 else self.tr("%n duplicates", None, n_dup)]
        if s.already:
            parts.append(self.tr("%n already in the case", None, len(s.already)))
        parts.append(self.tr("%n skipped", None, len(s.skipped)))
        text = ", ".join(parts)
        if s.cancelled:
            self.message.notice(self.tr("Cancelled: {summary}. What was ingested before the cancel is kept.").format(
                summary=text))
            self.progress_text.setText(self.tr("Cancelled"))
        else:
            self.message.success(self.tr("Done: {summary}.").format(summary=text))
            self.progress_text.setText(self.tr("Done"))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._running(False)
        self.cancel_button.setEnabled(True)
        self.progress.hide()
        self.progress_text.hide()
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Ingest"))

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel()  # closing while running asks the worker to stop; the summary follows
            return
        super().reject()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.job is not None:
            self.cancel()
            return
        focus = self.focusWidget()
        if (event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and focus is not None
                and self.per_file.isAncestorOf(focus)):
            return  # Enter ends the edit of a file's description (the table commits it); it does not ingest
        super().keyPressEvent(event)
