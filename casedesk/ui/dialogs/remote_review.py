"""Review from any desk, on the supervisor's own installation: another installation's case, read from the unit.

The supervisor names the installation that holds the case and its reference; Fetch runs the same service call as
``casedesk unit-review fetch`` on a worker (the unit serves the case only to a supervisor of the detective's
team; this desk checks every hash, signature and the unit's cosignature before showing anything, and records
the read in this installation's log). The entries still waiting for review are listed; Approve or Query sends
the signed decision (``casedesk unit-review approve|query``), which the detective's laptop records at its next
sync. Nothing here writes to the other installation: only the unit carries the statement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.services import remote_review
from casedesk.services import sync as sync_service
from casedesk.services.session import Session
from casedesk.ui import errors, formatting, window_state
from casedesk.ui.forms import MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import Job, JobRunner


class RemoteReviewDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.case: remote_review.RemoteCase | None = None
        self.sent: remote_review.SentReview | None = None
        self.setWindowTitle(self.tr("Review a case held on another installation"))
        self.setWindowIcon(app_icon())
        self.resize(860, 560)
        root = session.datadir.root
        self.url = QLineEdit(window_state.unit_url(root))
        self.url.setObjectName("remoteUrl")
        self.url.setPlaceholderText(self.tr("https://casedesk.unit.example:8443"))
        self.url.setAccessibleName(self.tr("Unit address"))
        self.ca = QLineEdit(window_state.unit_ca(root))
        self.ca.setObjectName("remoteCa")
        self.ca.setPlaceholderText(self.tr("the system's certificate authorities"))
        self.ca.setAccessibleName(self.tr("CA certificate file"))
        browse = QPushButton(icon("folder"), self.tr("&Browse…"))
        browse.setObjectName("remoteBrowseCa")
        browse.clicked.connect(self._browse)
        ca_row = QHBoxLayout()
        ca_row.addWidget(self.ca, 1)
        ca_row.addWidget(browse)
        self.installation = QLineEdit()
        self.installation.setObjectName("remoteInstallation")
        self.installation.setPlaceholderText(self.tr("the detective's installation id, e.g. "
                                                     "6f1c2a4e-0b7d-4c1e-9a55-2f1d8e3b7c10"))
        self.installation.setAccessibleName(self.tr("Installation"))
        self.reference = QLineEdit()
        self.reference.setObjectName("remoteCase")
        self.reference.setPlaceholderText(self.tr("e.g. MPS-2026-0417"))
        self.reference.setAccessibleName(self.tr("Case reference"))
        self.fetch_button = QPushButton(icon("verify"), self.tr("&Fetch"))
        self.fetch_button.setObjectName("remoteFetch")
        self.fetch_button.clicked.connect(self.fetch)
        case_row = QHBoxLayout()
        case_row.addWidget(self.reference, 1)
        case_row.addWidget(self.fetch_button)
        form = QFormLayout()
        for text, field in ((self.tr("&Unit address:"), self.url), (self.tr("&CA certificate:"), ca_row),
                            (self.tr("&Installation:"), self.installation), (self.tr("Ca&se:"), case_row)):
            label = QLabel(text)
            label.setBuddy(field if isinstance(field, QWidget) else self.ca)
            form.addRow(label, field)
        self.standing = QLabel()
        self.standing.setObjectName("remoteStanding")
        self.standing.setWordWrap(True)
        self.standing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.entries = QTreeWidget()
        self.entries.setObjectName("remoteEntries")
        self.entries.setRootIsDecorated(False)
        self.entries.setUniformRowHeights(True)
        self.entries.setHeaderLabels([self.tr("Entry"), self.tr("When"), self.tr("By"), self.tr("Action"),
                                      self.tr("Exhibit"), self.tr("Details")])
        self.entries.setAccessibleName(self.tr("Entries waiting for review"))
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("remoteComment")
        self.comment.setPlaceholderText(self.tr("Your comment (a query needs one: the detective answers it)"))
        self.comment.setAccessibleName(self.tr("Review comment"))
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(90)
        self.message = MessageLine()
        self.message.setObjectName("remoteMessage")
        self.buttons = QDialogButtonBox()
        self.approve_button = self.buttons.addButton(self.tr("&Approve"), QDialogButtonBox.ButtonRole.ActionRole)
        self.approve_button.setObjectName("remoteApprove")
        self.query_button = self.buttons.addButton(self.tr("&Query"), QDialogButtonBox.ButtonRole.ActionRole)
        self.query_button.setObjectName("remoteQuery")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("remoteClose")
        self.approve_button.clicked.connect(lambda: self.send("approve"))
        self.query_button.clicked.connect(lambda: self.send("query"))
        self.close_button.clicked.connect(self.reject)
        make_default(self.fetch_button, self.approve_button, self.query_button, self.close_button, browse)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.standing)
        layout.addWidget(self.entries, 1)
        layout.addWidget(self.comment)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._decide_enabled(False)
        fit_on_screen(self)
        (self.installation if self.url.text() else self.url).setFocus()

    def _decide_enabled(self, enabled: bool) -> None:
        for w in (self.approve_button, self.query_button, self.comment):
            w.setEnabled(enabled)

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, self.tr("The unit's CA certificate"), self.ca.text(),
                                                    self.tr("Certificates (*.pem *.crt *.cer);;All files (*)"))
        if name:
            self.ca.setText(name)

    def _where(self) -> tuple[str, Path | None, str, str] | None:
        url, ca = self.url.text().strip(), self.ca.text().strip()
        installation, reference = self.installation.text().strip(), self.reference.text().strip()
        if not url.lower().startswith("https://"):
            self.message.error(self.tr("Give the unit's address as the unit administrator gave it, starting with "
                                       "https://"))
            self.url.setFocus()
            return None
        if ca and not Path(ca).is_file():
            self.message.error(self.tr("There is no certificate file {path}: choose the one the unit administrator "
                                       "gave you, or leave the field empty").format(path=ca))
            self.ca.setFocus()
            return None
        if not installation:
            self.message.error(self.tr("Name the installation that holds the case by its id (the detective's "
                                       "laptop shows it in Help › About)"))
            self.installation.setFocus()
            return None
        if not reference:
            self.message.error(self.tr("Give the case's reference"))
            self.reference.setFocus()
            return None
        return url, (Path(ca) if ca else None), installation, reference

    def _busy(self, busy: bool, text: str = "") -> None:
        for w in (self.fetch_button, self.url, self.ca, self.installation, self.reference):
            w.setEnabled(not busy)
        if busy:
            self._decide_enabled(False)
            self.message.notice(text)

    def fetch(self) -> None:
        where = self._where()
        if where is None or self.job is not None:
            return
        url, ca, installation, reference = where
        session = self.session
        self.case = None
        self.entries.clear()
        self.standing.clear()
        self._busy(True, self.tr("Reading the case from the unit and checking it…"))
        self.job = self.runner.submit(
            "remote-review-fetch", lambda _progress, _cancel: remote_review.fetch(session, url, ca, installation,
                                                                                    reference),
            on_success=self._fetched, on_failure=self._failed)

    def _fetched(self, result: Any) -> None:
        assert isinstance(result, remote_review.RemoteCase)
        self.job = None
        self.case = result
        self._busy(False)
        self.message.clear_message()
        when = sync_service.cosigned_text(result.cosigned_at or None)
        waiting = len(result.unreviewed)
        reviewed = (self.tr("Reviewed up to entry {n}.").format(n=result.reviewed_up_to) if result.reviewed_up_to
                    else self.tr("Not reviewed yet."))
        self.standing.setText(" ".join((
            self.tr("Case {case} of installation {id}, as the unit {unit} holds it ({size} entries, cosigned "
                    "{when}); every hash, signature and the unit's cosignature checked here.").format(
                case=result.case_ref, id=result.installation_id, unit=result.unit, size=result.tree_size,
                when=when),
            reviewed, (self.tr("%n entry waits for review.", None, waiting) if waiting == 1
                       else self.tr("%n entries wait for review.", None, waiting)),
            self.tr("The read is recorded in this installation's log (entry {seq}).").format(
                seq=result.recorded_as))))
        for e in result.unreviewed:
            item = QTreeWidgetItem([str(e.seq), formatting.short_when(e.timestamp), e.actor,
                                    formatting.action_label(e.action), e.exhibit_ref or "", e.text or ""])
            item.setToolTip(5, e.text or "")
            self.entries.addTopLevelItem(item)
        for column in range(5):
            self.entries.resizeColumnToContents(column)
        self._decide_enabled(bool(result.entries))
        self.comment.setFocus()

    def send(self, decision: str) -> None:
        where = self._where()
        if where is None or self.case is None or self.job is not None:
            return
        text = self.comment.toPlainText().strip()
        if decision == "query" and not text:
            self.message.error(self.tr("A query needs a comment: say what the detective should answer"))
            self.comment.setFocus()
            return
        url, ca, installation, reference = where
        session = self.session
        self._busy(True, self.tr("Signing the decision and handing it to the unit…"))
        self.job = self.runner.submit(
            "remote-review-send", lambda _progress, _cancel: remote_review.send(session, url, ca, installation,
                                                                              reference, decision, text),
            on_success=self._sent, on_failure=self._failed)

    def _sent(self, result: Any) -> None:
        assert isinstance(result, remote_review.SentReview)
        self.job = None
        self.sent = result
        self._busy(False)
        self.comment.clear()
        done = (self.tr("Approved up to entry {n}") if result.decision == "approve"
                else self.tr("Query sent about entries up to {n}")).format(n=result.up_to)
        self.message.success(self.tr("{done}: statement {id} is held by the unit and recorded here as entry {seq}; the "
                                  "detective's laptop records it at its next sync.").format(
                                      done=done, id=result.statement_id, seq=result.recorded_as))
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._busy(False)
        self._decide_enabled(self.case is not None)
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Review from another desk"))

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            return  # a read or a statement under way: it cannot be left half done; the dialog stays until it ends
        super().reject()
