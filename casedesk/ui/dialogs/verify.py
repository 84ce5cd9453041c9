"""Verification: the chain, the heads kept outside the store, and every exhibit's content, with progress."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import Cancelled, CaseDeskError
from casedesk.security.roles import Permission
from casedesk.services.custody import Custody, VerifyReport, is_time_problem
from casedesk.services.session import Session
from casedesk.ui import errors
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import Job, JobRunner


def where(problem: Any) -> str:
    parts = []
    if problem.seq is not None:
        parts.append(QCoreApplication.translate("VerifyDialog", "entry {seq}").format(seq=problem.seq))
    if problem.exhibit is not None:
        parts.append(QCoreApplication.translate("VerifyDialog", "exhibit {ref}").format(ref=problem.exhibit))
    elif problem.case is not None:
        parts.append(QCoreApplication.translate("VerifyDialog", "case {ref}").format(ref=problem.case))
    return ", ".join(parts) or QCoreApplication.translate("VerifyDialog", "installation")


class VerifyDialog(QDialog):
    problem_activated = Signal(object, object)  # seq or None, exhibit reference or None

    def __init__(self, session: Session, case_ref: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_ref = case_ref
        self.report: VerifyReport | None = None
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.setWindowTitle(self.tr("Verify {case}").format(case=case_ref) if case_ref else self.tr("Verify the "
                                                                                                    "installation"))
        self.setWindowIcon(app_icon())
        self.resize(720, 460)
        intro = QLabel(
            self.tr("Re-checks every custody entry's hash and signature, the log head kept outside the database, "
                    "and re-hashes every exhibit in the vault against the register.")
        )
        intro.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("verifyProgress")
        self.progress.setRange(0, 1000)
        self.progress_text = QLabel()
        self.outcome = MessageLine()
        self.outcome.setObjectName("verifyResult")
        self.problems = QTreeWidget()
        self.problems.setObjectName("verifyProblems")
        self.problems.setHeaderLabels([self.tr("Where"), self.tr("Problem")])
        self.problems.setRootIsDecorated(False)
        self.problems.setWordWrap(True)
        self.problems.setToolTip(self.tr("Double-click a problem to show the entry or exhibit it is about"))
        self.problems.itemActivated.connect(self._activated)
        self.problems.hide()
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(self.tr("&Verify"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setObjectName("startVerify")
        self.start_button.setIcon(icon("verify"))
        self.start_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelVerify")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeVerify")
        self.close_button.hide()
        self.times_button = self.buttons.addButton(self.tr("Acknowledge wrong &times…"),
                                                   QDialogButtonBox.ButtonRole.ActionRole)
        self.times_button.setObjectName("acknowledgeTimesFromVerify")
        self.times_button.setToolTip(self.tr("A supervisor records which entries were dated by a wrong clock"))
        self.times_button.setAutoDefault(False)
        self.times_button.hide()
        self.times_button.clicked.connect(self.acknowledge_times)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.outcome)
        layout.addWidget(self.problems, 1)
        layout.addStretch(0)
        layout.addWidget(self.buttons)

    def start(self) -> None:
        custody, case_ref = Custody(self.session), self.case_ref
        self.start_button.setEnabled(False)
        self.outcome.clear_message()
        self.progress_text.setText(self.tr("Starting…"))
        self.job = self.runner.submit(
            "verify", lambda progress, cancel: custody.verify(case_ref, progress, cancel),
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

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel()
            return
        super().reject()

    def _finish_buttons(self) -> None:
        self.job = None
        self.start_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)

    def _done(self, report: Any) -> None:
        assert isinstance(report, VerifyReport)
        self.report = report
        self._finish_buttons()
        self.progress.setValue(self.progress.maximum())
        self.progress_text.setText(
            self.tr("{entries} entries, {signatures} signatures and {exhibits} exhibits checked")
            .format(entries=report.entries_checked, signatures=report.signatures_checked,
                    exhibits=report.exhibits_checked)
            + (self.tr("; recorded as custody entry {seq}").format(seq=report.recorded_as) if report.recorded_as
               else "")
        )
        if report.ok:
            self.outcome.success(report.summary())
            return
        self.outcome.error(report.summary())
        self.problems.show()
        for p in report.problems:
            item = QTreeWidgetItem([where(p), p.message])
            item.setToolTip(1, p.message)
            item.setData(0, Qt.ItemDataRole.UserRole, (p.seq, p.exhibit))
            item.setIcon(0, icon("warning"))
            self.problems.addTopLevelItem(item)
        self.problems.resizeColumnToContents(0)
        if self.session.can(Permission.CUSTODY_REVIEW) and any(is_time_problem(p) for p in report.problems):
            self.times_button.show()
        first = self.problems.topLevelItem(0)
        if first is not None:
            self.problems.setCurrentItem(first)
        self.problems.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._finish_buttons()
        self.progress.setValue(0)
        if isinstance(exc, Cancelled):
            self.outcome.notice(self.tr("Verification cancelled; no result."))
        elif isinstance(exc, CaseDeskError):
            self.outcome.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Verify"))

    def acknowledge_times(self) -> None:
        from casedesk.ui.dialogs.time_anomalies import TimeAnomaliesDialog

        dialog = TimeAnomaliesDialog(self.session, self)
        dialog.acknowledged.connect(
            lambda _views: self.outcome.notice(self.tr("Entry times acknowledged: verify again to see the result.")))
        dialog.open()
        self.times_dialog = dialog

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        seq, exhibit = item.data(0, Qt.ItemDataRole.UserRole)
        self.problem_activated.emit(seq, exhibit)
