"""Export the disclosure documents of a case: the MG6C or MG6D schedule (PDF) or the CASE/UCO export (JSON-LD).

The same service calls as ``casedesk export-schedule`` and ``casedesk export-case``, run on a background worker
like the bundle export; the dialog refuses a file that exists (nothing CaseDesk writes replaces a file, and the
service refuses it too) and says what was written, its SHA-256 and the custody entry that records it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.reports.schedules import MG6C, MG6D
from casedesk.services.disclosure import CaseExportResult, Disclosure, ScheduleResult
from casedesk.services.session import Session
from casedesk.services.settings import Settings
from casedesk.settings import MARKINGS
from casedesk.ui import errors
from casedesk.ui.forms import AsAtField, BusyBar, MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.partials.copy_field import CopyField
from casedesk.ui.workers import Job, JobRunner

CASE_UCO = "case-uco"
KINDS = (MG6C, MG6D, CASE_UCO)


class DisclosureExportDialog(QDialog):
    """One disclosure document of ``case_ref``: ``kind`` is ``mg6c``, ``mg6d`` or ``case-uco``."""

    def __init__(self, session: Session, case_ref: str, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if kind not in KINDS:
            raise ValueError(f"no disclosure export {kind!r}")
        self.session = session
        self.case_ref = case_ref
        self.kind = kind
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.export_result: ScheduleResult | CaseExportResult | None = None
        self.setWindowIcon(app_icon())
        self.resize(640, 320)
        safe = case_ref.replace("/", "-")
        if kind == MG6C:
            self.setWindowTitle(self.tr("Export the MG6C schedule of {case}").format(case=case_ref))
            intro = self.tr("The schedule of relevant non-sensitive unused material (MG6C), numbered from 1, for "
                            "disclosure to the defence. Used material is what the last bundle exported for the case "
                            "served; every other exhibit that is not sensitive is listed. Nothing sensitive is on "
                            "it.")
            default = f"{safe}-MG6C.pdf"
        elif kind == MG6D:
            self.setWindowTitle(self.tr("Export the MG6D schedule of {case}").format(case=case_ref))
            intro = self.tr("The schedule of relevant sensitive unused material (MG6D), for the prosecutor only: it "
                            "is never disclosed to the defence, is marked OFFICIAL-SENSITIVE and says so on every "
                            "page.")
            default = f"{safe}-MG6D.pdf"
        else:
            self.setWindowTitle(self.tr("Export {case} as CASE/UCO").format(case=case_ref))
            intro = self.tr("The case as CASE/UCO 1.5.0 JSON-LD for forensic tools: every exhibit with its hashes "
                            "and every custody action with the exhibit it concerns. Sensitive (MG6D) exhibits are "
                            "left out unless you include them.")
            default = f"{safe}-case.jsonld"
        self.intro = QLabel(intro)
        self.intro.setObjectName("disclosureIntro")
        self.intro.setWordWrap(True)

        self.marking = QComboBox()
        self.marking.setObjectName("disclosureMarking")
        self.marking.addItems(list(MARKINGS))
        self.marking.setToolTip(self.tr("Security marking printed in the header and footer of every page"))
        self.include_sensitive = QCheckBox(self.tr("Include &sensitive exhibits (MG6D)"))
        self.include_sensitive.setObjectName("disclosureIncludeSensitive")
        self.output = QLineEdit()
        self.output.setObjectName("disclosureOutput")
        self.output.setAccessibleName(self.tr("File to write"))
        self.output.setText(str(Path.home() / default))
        self.output.setToolTip(self.tr("Where the file is written; an existing file is never replaced"))
        browse = QPushButton(icon("folder"), self.tr("&Browse…"))
        browse.setObjectName("disclosureBrowse")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        if kind == MG6C:
            form.addRow(self.tr("&Marking:"), self.marking)
        out_label = QLabel(self.tr("&Output file:"))
        out_label.setBuddy(self.output)
        form.addRow(out_label, out_row)
        if kind == CASE_UCO:
            form.addRow("", self.include_sensitive)
        self.as_at = AsAtField()
        form.addRow("", self.as_at)
        self.setup = QWidget()
        setup_layout = QVBoxLayout(self.setup)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.addWidget(self.intro)
        setup_layout.addLayout(form)

        self.busy = BusyBar()
        self.busy.setObjectName("disclosureBusy")
        self.message = MessageLine()
        self.sha256 = CopyField("disclosureSha256", self.tr("file's SHA-256"))
        self.details = QLabel()
        self.details.setObjectName("disclosureDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_box = QWidget()
        result_layout = QVBoxLayout(self.result_box)
        result_layout.setContentsMargins(0, 0, 0, 0)
        sha_row = QHBoxLayout()
        sha_row.addWidget(QLabel(self.tr("SHA-256:")))
        sha_row.addWidget(self.sha256, 1)
        result_layout.addWidget(self.details)
        result_layout.addLayout(sha_row)
        self.result_box.hide()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(self.tr("&Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("startDisclosureExport")
        self.export_button.setIcon(icon("export"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeDisclosureExport")
        self.close_button.hide()
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.reject)
        self.close_button.clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.addWidget(self.setup)
        layout.addWidget(self.result_box)
        layout.addStretch(1)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if kind == MG6C:
            try:
                self.marking.setCurrentText(Settings(self.session).get("bundle.default_marking"))
            except CaseDeskError as exc:
                errors.show_error(self, exc, self.tr("Export"))
        make_default(self.export_button, *self.findChildren(QPushButton))

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        fit_on_screen(self)

    def _suffix(self) -> str:
        return ".jsonld" if self.kind == CASE_UCO else ".pdf"

    def _browse(self) -> None:
        pattern = self.tr("JSON-LD files (*.jsonld)") if self.kind == CASE_UCO else self.tr("PDF files (*.pdf)")
        # No "replace?" question: CaseDesk never replaces a file, so an existing name is refused below.
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save as"), self.output.text(), pattern,
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if name:
            if not name.lower().endswith(self._suffix()):
                name += self._suffix()
            self.output.setText(name)
            self._refuse_existing(Path(name))

    def _refuse_existing(self, out: Path) -> bool:
        if out.exists():
            self.message.error(self.tr("A file named {name} exists already: CaseDesk never replaces a file. Choose "
                                       "another name.").format(name=out.name))
            self.output.setFocus(Qt.FocusReason.OtherFocusReason)
            self.output.selectAll()
            return True
        self.message.clear_message()
        return False

    def start(self) -> None:
        text = self.output.text().strip()
        if not text:
            self.message.error(self.tr("Choose where to write the file."))
            return
        out = Path(text).expanduser()
        if self._refuse_existing(out):
            return
        disclosure, case_ref, kind = Disclosure(self.session), self.case_ref, self.kind
        marking = self.marking.currentText() if kind == MG6C else None
        include_sensitive = self.include_sensitive.isChecked()
        at = self.as_at.value()  # None: now
        self.setup.setEnabled(False)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.busy.show()
        work: Callable[[Any, Any], ScheduleResult | CaseExportResult]
        if kind == CASE_UCO:
            work = lambda progress, cancel: disclosure.export_case(  # noqa: E731
                case_ref, out, include_sensitive=include_sensitive, at=at)
        else:
            work = lambda progress, cancel: disclosure.export_schedule(  # noqa: E731
                case_ref, kind, out, marking, at=at)
        self.job = self.runner.submit(f"export {kind}", work, on_success=self._done, on_failure=self._failed)

    def _done(self, result: Any) -> None:
        self.job = None
        self.export_result = result
        self.busy.hide()
        self.setup.hide()
        self.export_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.result_box.show()
        self.sha256.set_value(result.sha256)
        if isinstance(result, ScheduleResult):
            n = len(result.items)
            items = (self.tr("{n} items, numbered 1 to {n}").format(n=n) if n else self.tr("no items"))
            self.details.setText(self.tr("<b>{path}</b><br>{kind}: {pages} page(s), {items}, marking {marking}, as "
                                         "at custody log entry {head}.<br>Recorded as custody entry {entry}.")
                                 .format(path=result.path, kind=result.kind.upper(), pages=result.pages,
                                         items=items, marking=result.marking, head=result.head_seq,
                                         entry=result.recorded_as))
        else:
            withheld = (self.tr(" Withheld as sensitive (MG6D): {refs}.").format(refs=", ".join(result.withheld))
                        if result.withheld else "")
            self.details.setText(self.tr("<b>{path}</b><br>CASE/UCO: {exhibits} exhibit(s), {actions} custody "
                                         "action(s), made from custody log entry {head}.{withheld}<br>Recorded as "
                                         "custody entry {entry}.")
                                 .format(path=result.path, exhibits=len(result.exhibits), actions=result.actions,
                                         head=result.head_seq, withheld=withheld, entry=result.recorded_as))
        warnings = getattr(result, "warnings", [])
        if warnings:  # for the officer only; never printed on the file
            self.message.notice(self.tr("Written; its SHA-256 is in the custody log. Note: {warnings}")
                                .format(warnings=" ".join(warnings)))
        else:
            self.message.success(self.tr("Written; its SHA-256 is in the custody log."))

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.busy.hide()
        self.setup.setEnabled(True)
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Export"))

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            return  # a short export: it cannot be left half done, the dialog closes when it ends
        super().reject()
