"""Export a court bundle: choose exhibits (sensitive ones left out by default), marking, file; progress;
then the bundle's SHA-256, buttons to open it and its folder, and a preview of the PDF in the app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import Cancelled, CaseDeskError
from casedesk.reports.manifest import verifier_path
from casedesk.reports.text import visible
from casedesk.services.bundle_state import sensitive_duplicates
from casedesk.services.bundles import BundleResult, Bundles
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence
from casedesk.services.session import Session
from casedesk.services.settings import Settings
from casedesk.settings import MARKINGS
from casedesk.timeutil import uk_display
from casedesk.ui import errors
from casedesk.ui.forms import AsAtField, MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.partials.copy_field import CopyField
from casedesk.ui.workers import Job, JobRunner

REF_ROLE = Qt.ItemDataRole.UserRole + 1
SENSITIVE_ROLE = Qt.ItemDataRole.UserRole + 2


class ExportDialog(QDialog):
    def __init__(self, session: Session, case_ref: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_ref = case_ref
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.bundle: BundleResult | None = None
        self.setWindowTitle(self.tr("Export a bundle of {case}").format(case=case_ref))
        self.setWindowIcon(app_icon())
        self.resize(760, 640)

        self.exhibits = QListWidget()
        self.exhibits.setObjectName("exportExhibits")
        self.exhibits.setAccessibleName(self.tr("Exhibits in the bundle"))
        self.exhibits.setToolTip(self.tr("Ticked exhibits go in the bundle; sensitive (MG6D) ones are left out by "
                                         "default"))
        self.include_sensitive = QCheckBox(self.tr("Include &sensitive exhibits (MG6D)"))
        self.include_sensitive.setObjectName("includeSensitive")
        self.include_sensitive.toggled.connect(self._sensitive_toggled)
        all_button = QPushButton(self.tr("Select &all"))
        all_button.clicked.connect(lambda: self._tick_all(True))
        none_button = QPushButton(self.tr("Select &none"))
        none_button.clicked.connect(lambda: self._tick_all(False))
        pick = QHBoxLayout()
        pick.addWidget(all_button)
        pick.addWidget(none_button)
        pick.addStretch(1)
        pick.addWidget(self.include_sensitive)
        self.notes = QListWidget()
        self.notes.setObjectName("exportNotes")
        self.notes.setAccessibleName(self.tr("Case notes in the bundle"))
        self.notes.setToolTip(self.tr("Ticked notes go in the bundle's Case notes section, each in its latest "
                                      "version; none by default"))
        self.notes_label = QLabel(self.tr("<b>Case notes</b> (none go in unless ticked; notes have no sensitivity "
                                          "marking, so choose with care)"))
        self.marking = QComboBox()
        self.marking.setObjectName("exportMarking")
        self.marking.addItems(list(MARKINGS))
        self.marking.setToolTip(self.tr("Security marking printed in the header and footer of every page"))
        self.output = QLineEdit()
        self.output.setObjectName("exportOutput")
        self.output.setText(str(Path.home() / f"{case_ref.replace('/', '-')}-bundle.pdf"))
        self.output.setToolTip(self.tr("Where the PDF is written; its manifest, checksum file and browser check go "
                                       "beside it"))
        browse = QPushButton(icon("folder"), self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("&Marking:"), self.marking)
        out_label = QLabel(self.tr("&Output file:"))
        out_label.setBuddy(self.output)
        form.addRow(out_label, out_row)
        self.as_at = AsAtField()
        form.addRow("", self.as_at)
        self.setup = QWidget()
        setup_layout = QVBoxLayout(self.setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.addWidget(QLabel(self.tr("<b>Exhibits</b> (withdrawn exhibits never go in a bundle)")))
        setup_layout.addWidget(self.exhibits, 1)
        setup_layout.addLayout(pick)
        setup_layout.addWidget(self.notes_label)
        setup_layout.addWidget(self.notes)
        setup_layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.progress_text = QLabel()
        self.progress_text.hide()
        self.message = MessageLine()

        # The result
        self.sha256 = CopyField("bundleSha256", self.tr("bundle's SHA-256"))
        self.details = QLabel()
        self.details.setObjectName("bundleDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_pdf = QPushButton(icon("document"), self.tr("Open &PDF"))
        self.open_pdf.setObjectName("openPdf")
        self.open_pdf.clicked.connect(lambda: self._open(self.bundle.path if self.bundle else None))
        self.open_folder = QPushButton(icon("folder"), self.tr("Open &folder"))
        self.open_folder.setObjectName("openFolder")
        self.open_folder.clicked.connect(lambda: self._open(self.bundle.path.parent if self.bundle else None))
        result_buttons = QHBoxLayout()
        result_buttons.addWidget(self.open_pdf)
        result_buttons.addWidget(self.open_folder)
        result_buttons.addStretch(1)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView()
        self.pdf_view.setObjectName("bundlePreview")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.result_box = QWidget()
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        sha_row = QHBoxLayout()
        sha_row.addWidget(QLabel(self.tr("SHA-256:")))
        sha_row.addWidget(self.sha256, 1)
        result_layout.addLayout(sha_row)
        result_layout.addWidget(self.details)
        result_layout.addLayout(result_buttons)
        result_layout.addWidget(self.pdf_view, 1)
        self.result_box.hide()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("&Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("startExport")
        self.export_button.setIcon(icon("export"))
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelExport")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeExport")
        self.close_button.hide()
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.setup)
        split.addWidget(self.result_box)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._load()
        # Enter exports, whichever button had the focus (Select all took the default by focus).
        make_default(self.export_button, *self.findChildren(QPushButton))

    def _load(self) -> None:
        try:
            self.marking.setCurrentText(Settings(self.session).get("bundle.default_marking"))
            every = Evidence(self.session).list(self.case_ref, include_withdrawn=True)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Export"))
            every = []
        views = [v for v in every if v.status == "active"]
        duplicates = sensitive_duplicates(every)  # withheld with the sensitive exhibit they duplicate
        for v in views:
            # The file name tells apart exhibits of one folder, which share a description.
            withheld = v.sensitive or v.reference in duplicates
            label = (f"{v.reference}  {visible(v.original_name)} — {v.description}"
                     + (self.tr("   [sensitive]") if v.sensitive else "")
                     + (self.tr("   [same content as sensitive {0}]").format(duplicates[v.reference])
                        if v.reference in duplicates else ""))
            item = QListWidgetItem(label)
            item.setData(REF_ROLE, v.reference)
            item.setData(SENSITIVE_ROLE, withheld)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if withheld else Qt.CheckState.Checked)
            if withheld:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(self.tr("Sensitive (MG6D): tick 'Include sensitive exhibits' to choose it"))
            self.exhibits.addItem(item)
        self._load_notes({v.reference for v in every if v.sensitive} | set(duplicates))
        if not views:
            self.message.notice(self.tr("The case has no exhibits: the bundle holds the case summary and custody log "
                                        "only."))

    def _load_notes(self, withheld: set[str]) -> None:
        """The latest version of each note, named by its first entry; notes about sensitive exhibits follow the
        'Include sensitive exhibits' box."""
        try:
            versions = Cases(self.session).notes(self.case_ref)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Export"))
            versions = []
        first = {v.custody_seq: v.revises for v in versions}

        def number(seq: int) -> int:
            while first.get(seq) is not None:
                seq = first[seq]  # type: ignore[assignment]
            return seq

        for v in versions:
            if v.revised_by is not None:
                continue
            n = number(v.custody_seq)
            line = " ".join(v.text.split())
            about = self.tr(" on {0}").format(v.exhibit) if v.exhibit else ""
            label = self.tr("Note {0}{1} — {2}, {3}: {4}").format(
                n, about, v.author, uk_display(v.created_at), line[:90] + ("…" if len(line) > 90 else ""))
            item = QListWidgetItem(label)
            item.setData(REF_ROLE, v.custody_seq)
            sensitive = v.exhibit is not None and v.exhibit in withheld
            item.setData(SENSITIVE_ROLE, sensitive)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if sensitive:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(self.tr("About a sensitive (MG6D) exhibit: tick 'Include sensitive exhibits' to "
                                        "choose it"))
            self.notes.addItem(item)
        if not self.notes.count():
            self.notes_label.hide()
            self.notes.hide()

    def chosen_notes(self) -> list[int]:
        items = [self.notes.item(i) for i in range(self.notes.count())]
        return [int(i.data(REF_ROLE)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _items(self) -> list[QListWidgetItem]:
        return [self.exhibits.item(i) for i in range(self.exhibits.count())]

    def _sensitive_toggled(self, on: bool) -> None:
        for item in self._items() + [self.notes.item(i) for i in range(self.notes.count())]:
            if item.data(SENSITIVE_ROLE):
                flags = item.flags() | Qt.ItemFlag.ItemIsEnabled if on else item.flags() & ~Qt.ItemFlag.ItemIsEnabled
                item.setFlags(flags)
                if not on:
                    item.setCheckState(Qt.CheckState.Unchecked)

    def _tick_all(self, on: bool) -> None:
        for item in self._items():
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        return [i.data(REF_ROLE) for i in self._items() if i.checkState() == Qt.CheckState.Checked]

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save the bundle "
                                                            "as"), self.output.text(), self.tr("PDF files (*.pdf)"))
        if name:
            self.output.setText(name if name.lower().endswith(".pdf") else f"{name}.pdf")

    def start(self) -> None:
        text = self.output.text().strip()
        if not text:
            self.message.error(self.tr("Choose where to write the bundle."))
            return
        out = Path(text).expanduser()
        chosen = self.chosen()
        every = [i.data(REF_ROLE) for i in self._items() if not i.data(SENSITIVE_ROLE)]
        wanted = None if chosen == every else chosen  # None: the register's default selection
        include_sensitive = self.include_sensitive.isChecked()
        marking = self.marking.currentText()
        notes = self.chosen_notes()
        at = self.as_at.value()  # None: now
        bundles, case_ref = Bundles(self.session), self.case_ref
        self.setup.setEnabled(False)
        self.export_button.setEnabled(False)
        self.message.clear_message()
        self.progress.show()
        self.progress_text.show()
        self.progress_text.setText(self.tr("Verifying the case before export…"))
        self.job = self.runner.submit(
            "export",
            lambda progress, cancel: bundles.export(case_ref, out, wanted, include_sensitive, marking, at,
                                                    progress, cancel, notes=notes),
            on_success=self._done, on_failure=self._failed, on_progress=self._progress,
        )

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress_text.setText(message)

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(self.tr("Cancelling…"))
            return
        self.reject()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        fit_on_screen(self)  # 760x640 does not fit a 1024x640 screen with a title bar

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel()
            return
        super().reject()

    def _done(self, result: Any) -> None:
        assert isinstance(result, BundleResult)
        self.job = None
        self.bundle = result
        self.progress.setValue(self.progress.maximum())
        self.progress_text.setText(self.tr("Done"))
        self.export_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.setup.hide()
        self.result_box.show()
        fit_on_screen(self)
        self.sha256.set_value(result.sha256)
        left_out = ", ".join(f"{e.reference} ({e.reason})" for e in result.excluded) or self.tr("none")
        self.details.setText(
            self.tr("<b>{path}</b><br>{pages} pages, {exhibits} exhibits, marking {marking}; left out: {left_out}.")
            .format(path=result.path, pages=result.pages, exhibits=len(result.included), marking=result.marking,
                    left_out=left_out)
            + (self.tr(" Case notes: {0}.").format(", ".join(str(n) for n in result.notes)) if result.notes else "")
            + "<br>"
            + self.tr("Manifest: {manifest}; checksum file: {sidecar}; recorded as custody entry {seq}.").format(
                manifest=result.manifest_path.name, sidecar=result.sidecar_path.name, seq=result.recorded_as)
            + "<br>"
            + self.tr("Send {verifier} with it: the prosecutor opens it in a browser and drops the bundle and the "
                      "case's custody export into it to check them.").format(verifier=verifier_path(result.path).name)
        )
        self.message.success(self.tr("Bundle exported and verified; its SHA-256 is in the custody log."))
        self.pdf_document.load(str(result.path))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.setup.setEnabled(True)
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.progress.hide()
        self.progress_text.hide()
        if isinstance(exc, Cancelled):
            self.message.notice(self.tr("Export cancelled; nothing was written."))
        elif isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Export"))

    def _open(self, path: Path | None) -> None:
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.message.error(self.tr("No program to open it was found on this computer; the file is {path}").format(
                path=path))
