"""Sync with the unit service from the desktop: where this laptop stands, then ``casedesk sync`` on a worker.

The dialog opens on what the installation's own log says (the unit it last synced with, when the unit last
cosigned its log, how many entries wait to be sent, any roll-back a sync found), with the unit's address and
its CA certificate prefilled from the last sync; Sync runs the same service call as ``casedesk sync`` with a
progress bar and a Cancel that loses nothing (every batch is stored whole or not at all at the unit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import Cancelled, CaseDeskError
from casedesk.services import sync as sync_service
from casedesk.services.session import Session
from casedesk.services.unit_status import UnitStatus, status
from casedesk.ui import errors, window_state
from casedesk.ui.forms import MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import Job, JobRunner


def status_text(s: UnitStatus) -> str:
    """One line for the status bar and the top of the dialog."""
    if s.rollbacks:
        return QCoreApplication.translate("SyncDialog", "⚠ Roll-back found at sync (entry {seq})").format(
            seq=s.rollbacks[-1][0])
    if not s.synced:
        return QCoreApplication.translate("SyncDialog", "Not synced with a unit")
    when = sync_service.cosigned_text(s.cosigned_at)
    if s.unsent:
        return QCoreApplication.translate("SyncDialog", "Unit: {n} entries to send; last cosigned {when}").format(
            n=s.unsent, when=when)
    return QCoreApplication.translate("SyncDialog", "Unit: up to date, cosigned {when}").format(when=when)


class SyncDialog(QDialog):
    synced = Signal(object)  # the SyncResult

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.sync_result: sync_service.SyncResult | None = None
        self.setWindowTitle(self.tr("Sync with the unit"))
        self.setWindowIcon(app_icon())
        self.resize(680, 300)
        current = status(session)
        self.standing = QLabel()
        self.standing.setObjectName("syncStanding")
        self.standing.setWordWrap(True)
        self.standing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._show_standing(current)
        self.url = QLineEdit(current.url or window_state.unit_url(session.datadir.root))
        self.url.setObjectName("syncUrl")
        self.url.setPlaceholderText(self.tr("https://casedesk.unit.example:8443"))
        self.url.setAccessibleName(self.tr("Unit address"))
        self.ca = QLineEdit(window_state.unit_ca(session.datadir.root))
        self.ca.setObjectName("syncCa")
        self.ca.setPlaceholderText(self.tr("the system's certificate authorities"))
        self.ca.setAccessibleName(self.tr("CA certificate file"))
        self.ca.setToolTip(self.tr("The certificate of the authority that signs the unit's TLS certificate, as the "
                                   "unit administrator gave it; leave empty to trust the system's"))
        browse = QPushButton(icon("folder"), self.tr("&Browse…"))
        browse.setObjectName("syncBrowseCa")
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(browse)
        form = QFormLayout()
        url_label = QLabel(self.tr("&Unit address:"))
        url_label.setBuddy(self.url)
        ca_label = QLabel(self.tr("&CA certificate:"))
        ca_label.setBuddy(self.ca)
        form.addRow(url_label, self.url)
        form.addRow(ca_label, ca_row)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setRange(0, 1000)
        self.progress.hide()
        self.progress_text = QLabel()
        self.progress_text.setObjectName("syncProgressText")
        self.progress_text.setWordWrap(True)
        self.message = MessageLine()
        self.message.setObjectName("syncMessage")
        self.buttons = QDialogButtonBox()
        self.sync_button = self.buttons.addButton(self.tr("&Sync"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sync_button.setObjectName("startSync")
        self.sync_button.setIcon(icon("verify"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelSync")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("closeSync")
        self.close_button.hide()
        self.sync_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        make_default(self.sync_button, self.cancel_button, self.close_button, browse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.standing)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        fit_on_screen(self)
        self.url.setFocus()

    def _show_standing(self, s: UnitStatus) -> None:
        lines = [status_text(s)]
        if s.synced:
            lines.append(self.tr("Last synced with {unit} at {url}: the unit holds {held} of this laptop's {size} "
                                 "entries.").format(unit=s.unit, url=s.url, held=s.cosigned_size, size=s.log_size))
        else:
            lines.append(self.tr("This laptop's {size} custody entries and its evidence exist only here until it "
                                 "syncs with the unit.").format(size=s.log_size))
        for _seq, text in s.rollbacks:
            lines.append(text)
        self.standing.setText("\n".join(lines))

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("The unit's CA certificate"), self.ca.text(),
                                                    self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if name:
            self.ca.setText(name)

    def start(self) -> None:
        url, ca = self.url.text().strip(), self.ca.text().strip()
        if not url.lower().startswith("https://"):
            self.message.error(self.tr("Give the unit's address as the unit administrator gave it, starting with "
                                       "https://"))
            self.url.setFocus()
            return
        if ca and not Path(ca).is_file():
            self.message.error(self.tr("There is no certificate file {path}: choose the one the unit administrator "
                                       "gave you, or leave the field empty").format(path=ca))
            self.ca.setFocus()
            return
        session = self.session
        self.sync_button.setEnabled(False)
        self.url.setEnabled(False)
        self.ca.setEnabled(False)
        self.message.clear_message()
        self.progress.show()
        self.progress.setValue(0)
        self.progress_text.setText(self.tr("Reaching the unit…"))
        self.job = self.runner.submit(
            "sync", lambda progress, cancel: sync_service.sync(session, url, Path(ca) if ca else None, progress,
                                                               cancel),
            on_success=self._done, on_failure=self._failed, on_progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress_text.setText(text)

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(self.tr("Stopping after the batch under way…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel()
            return
        super().reject()

    def _finish(self) -> None:
        self.job = None
        self.sync_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self._show_standing(status(self.session))

    def _done(self, result: Any) -> None:
        assert isinstance(result, sync_service.SyncResult)
        self.sync_result = result
        window_state.remember_unit(self.session.datadir.root, result.url, self.ca.text().strip())
        self._finish()
        self.progress.setValue(self.progress.maximum())
        text = self.tr("Synced: {sent} entries sent; the unit holds {held} entries, cosigned {when}.").format(
            sent=result.pushed, held=result.tree_size, when=sync_service.cosigned_text(result.cosigned_at))
        text += " " + self.tr("Evidence (encrypted, as stored): {n} object(s) sent ({mib:.1f} MiB); the unit "
                              "holds {held}.").format(n=result.objects_sent, mib=result.object_bytes / 1048576,
                                                      held=result.objects_held)
        if result.objects_unsent:
            text += " " + self.tr("{n} object(s) are missing or damaged on this laptop and were not sent: verify "
                                  "the installation.").format(n=len(result.objects_unsent))
            self.message.notice(text)
        else:
            self.message.success(text)
        self.progress_text.setText(self.tr("Merkle tree: size {size}, root {root}").format(
            size=result.tree_size, root=result.root))
        self.synced.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, Cancelled):
            self.message.notice(self.tr("Sync stopped: what the unit took so far is kept there; sync again to "
                                        "send the rest."))
        elif isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Sync"))
