"""Handing a case to an officer of another installation, and taking one in, from the desktop.

``HandOverDialog`` runs what ``casedesk unit-handover give`` runs: the unit vouches for the receiving officer's
key, the case key is sealed to it here, ``case.handed_over`` is recorded, and the installation syncs so the unit
holds the hand-over; from then on the case is read-only on this installation. The user confirms that first, in
words that say so. ``ReceiveCaseDialog`` runs ``casedesk unit-handover receive``: the case's log, keys and
evidence (encrypted) from the unit, every object checked against its exhibit's hash before anything is recorded.
Both run the network on a worker; an error is one line in the dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import Cancelled, CaseDeskError
from casedesk.services import handover
from casedesk.services import sync as sync_service
from casedesk.services.session import Session
from casedesk.ui import errors, formatting, theme
from casedesk.ui.forms import MessageLine, fit_on_screen, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.partials.unit_address import UnitAddress
from casedesk.ui.workers import Job, JobRunner


@dataclass(frozen=True)
class HandOverOutcome:
    """The hand-over, and the sync after it (or why that sync did not finish: the hand-over stands)."""

    given: handover.HandOver
    synced: sync_service.SyncResult | None
    sync_problem: str | None


def _field(placeholder: str, name: str, accessible: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(accessible)
    return edit


def _progress_parts(prefix: str) -> tuple[QProgressBar, QLabel, MessageLine]:
    """The progress bar (hidden until the work starts), its line of text and the result line of a dialog."""
    progress = QProgressBar()
    progress.setObjectName(f"{prefix}Progress")
    progress.setRange(0, 1000)
    progress.hide()
    text = QLabel()
    text.setObjectName(f"{prefix}ProgressText")
    text.setWordWrap(True)
    message = MessageLine()
    message.setObjectName(f"{prefix}Message")
    return progress, text, message


class HandOverDialog(QDialog):
    handed_over = Signal(str)  # the case reference, once the hand-over is recorded

    def __init__(self, session: Session, case_ref: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.case_ref = case_ref
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.outcome: HandOverOutcome | None = None
        self.confirm: QMessageBox | None = None
        self.setWindowTitle(self.tr("Hand case {case} over").format(case=case_ref))
        self.setWindowIcon(app_icon())
        self.resize(720, 420)
        intro = QLabel(self.tr("Hand <b>{case}</b> ({title}) to an officer of another installation. The unit vouches "
                               "for that officer's key; the case key is sealed to it here, and the case, its custody "
                               "log and its evidence (encrypted) reach them through the unit.").format(
                                   case=case_ref, title=title.replace("<", "&lt;")))
        intro.setObjectName("handOverIntro")
        intro.setWordWrap(True)
        self.warning = QLabel(self.tr("Once handed over, the case is read-only on this installation: nothing more is "
                                      "recorded in it here (no ingest, moves, notes, reviews or exports)."))
        self.warning.setObjectName("handOverWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.warning_colour().name()};")
        self.unit = UnitAddress(session, "handOver", self)
        self.installation = _field(self.tr("the receiving installation's id, e.g. "
                                           "6f1c2a4e-0b7d-4c1e-9a55-2f1d8e3b7c10"),
                                   "handOverInstallation", self.tr("Receiving installation"))
        self.installation.setToolTip(self.tr("The receiving officer's laptop shows its id in Help › About; the unit "
                                             "administrator's `casedesk unit status` lists every installation"))
        self.officer = _field(self.tr("their user name on that installation, e.g. bpatel"), "handOverOfficer",
                              self.tr("Receiving officer"))
        self.reason = _field(self.tr("e.g. transferred to the fraud team"), "handOverReason", self.tr("Reason"))
        self.reason.setToolTip(self.tr("Why the case is handed over (recorded in the signed custody log; required)"))
        form = QFormLayout()
        self.unit.add_to(form)
        for text, edit in ((self.tr("Receiving &installation:"), self.installation),
                           (self.tr("Receiving &officer:"), self.officer), (self.tr("&Reason:"), self.reason)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        self.progress, self.progress_text, self.message = _progress_parts("handOver")
        self.buttons = QDialogButtonBox()
        self.hand_button = self.buttons.addButton(self.tr("&Hand over…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.hand_button.setObjectName("handOverStart")
        self.hand_button.setIcon(icon("transfer"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("handOverCancel")
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("handOverClose")
        self.close_button.hide()
        self.hand_button.clicked.connect(self.ask)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        make_default(self.hand_button, self.cancel_button, self.close_button, self.unit.browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        fit_on_screen(self)
        (self.installation if self.unit.url.text() else self.unit.url).setFocus()

    def _what(self) -> tuple[str, str, str] | None:
        problem = self.unit.problem()
        installation, officer = self.installation.text().strip(), self.officer.text().strip()
        reason = self.reason.text().strip()
        if problem is None and not installation:
            problem = self.tr("Name the receiving installation by its id (the receiving officer's laptop shows it in "
                              "Help › About)")
            self.installation.setFocus()
        elif problem is None and installation == self.session.installation_id:
            problem = self.tr("That is this installation's own id: name the receiving officer's installation")
            self.installation.setFocus()
        elif problem is None and not officer:
            problem = self.tr("Name the receiving officer by their user name on that installation")
            self.officer.setFocus()
        elif problem is None and not reason:
            problem = self.tr("Say why the case is handed over, e.g. 'transferred to the fraud team'")
            self.reason.setFocus()
        if problem is not None:
            self.message.error(problem)
            return None
        return installation, officer, reason

    def ask(self) -> None:
        """The confirmation, in words that say what changes here; Cancel is its default."""
        if self.job is not None or self.outcome is not None or self._what() is None:
            return
        installation, officer = self.installation.text().strip(), self.officer.text().strip()
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Hand case {case} over?").format(case=self.case_ref),
                          self.tr("Hand case {case} to {user} of installation {id}?").format(
                              case=self.case_ref, user=officer, id=installation),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("confirmHandOver")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(self.tr(
            "Once handed over, the case is read-only on this installation: nothing more can be recorded in it here "
            "(no ingest, moves, notes, reviews or exports), and it cannot be taken back from here. Its log stays "
            "here to read and verify; {user} takes the case in from the unit.").format(user=officer))
        go = box.addButton(self.tr("&Hand over"), QMessageBox.ButtonRole.AcceptRole)
        go.setObjectName("confirmHandOverYes")
        stay = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.finished.connect(lambda _r: self._answered(box.clickedButton() is go))
        self.confirm = box
        box.open()

    def _answered(self, yes: bool) -> None:
        self.confirm = None
        if yes:
            self.start()
        else:
            self.message.notice(self.tr("Not handed over: nothing was recorded."))
            self.hand_button.setFocus()

    def start(self) -> None:
        what = self._what()
        if what is None or self.job is not None:
            return
        installation, officer, reason = what
        url, ca = self.unit.address()
        session, case_ref = self.session, self.case_ref
        asking = self.tr("Asking the unit for {user}'s key and sealing the case key to it…").format(user=officer)
        stopped = self.tr("the sync was stopped")

        def work(progress: Any, cancel: Any) -> HandOverOutcome:  # on the worker: no widget, no tr() here
            progress(0, 0, asking)
            given = handover.give(session, url, ca, case_ref, installation, officer, reason)
            try:
                synced = sync_service.sync(session, url, ca, progress, cancel)
            except Cancelled:
                return HandOverOutcome(given, None, stopped)
            except CaseDeskError as exc:
                return HandOverOutcome(given, None, str(exc))
            return HandOverOutcome(given, synced, None)

        self.unit.set_enabled(False)
        for w in (self.installation, self.officer, self.reason, self.hand_button):
            w.setEnabled(False)
        self.message.clear_message()
        self.progress.show()
        self.progress.setValue(0)
        self.progress_text.setText(self.tr("Reaching the unit…"))
        self.job = self.runner.submit("hand-over", work, on_success=self._done, on_failure=self._failed,
                                      on_progress=self._progress)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress_text.setText(text)

    def cancel(self) -> None:
        if self.job is not None and not self.job.finished:
            self.job.cancel()  # only the sync after the hand-over stops: the hand-over is one transaction
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(self.tr("Stopping after the step under way…"))
            return
        self.reject()

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            self.cancel()
            return
        super().reject()

    def _finish(self) -> None:
        self.job = None
        self.hand_button.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.close_button.setDefault(True)
        self.close_button.setFocus()

    def _done(self, result: Any) -> None:
        assert isinstance(result, HandOverOutcome)
        self.outcome = result
        given = result.given
        self.unit.remember(self.session)
        self._finish()
        self.progress.setValue(self.progress.maximum())
        text = self.tr("Case {case} handed over to {user} of installation {id} (custody entry {seq}); it is "
                       "read-only here now.").format(case=given.case_ref, user=given.to_user,
                                                    id=given.to_installation, seq=given.seq)
        tell = self.tr("{user} takes it in with File › Receive a handed-over case…, naming this installation: "
                       "{me}.").format(user=given.to_user, me=self.session.installation_id)
        if result.synced is not None:
            self.progress_text.setText(self.tr("Synced: the unit holds {n} entries of this installation.").format(
                n=result.synced.tree_size))
            self.message.success(f"{text} {tell}")
        else:
            self.progress_text.setText("")
            self.message.notice(self.tr("{done} The sync after it did not finish ({problem}): sync again (File › "
                                        "Sync with the unit…) before {user} can take it in.").format(
                done=text, problem=result.sync_problem, user=given.to_user))
        self.handed_over.emit(given.case_ref)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self.progress.hide()
        self.progress_text.clear()
        self.unit.set_enabled(True)
        for w in (self.installation, self.officer, self.reason, self.hand_button):
            w.setEnabled(True)
        self.cancel_button.setEnabled(True)
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Hand case over"))
        self.hand_button.setFocus()


class ReceiveCaseDialog(QDialog):
    received = Signal(str)  # the case reference, once recorded here
    open_requested = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = JobRunner(self)
        self.job: Job | None = None
        self.result_case: handover.Received | None = None
        self.fetched = 0
        self.setWindowTitle(self.tr("Receive a handed-over case"))
        self.setWindowIcon(app_icon())
        self.resize(720, 380)
        intro = QLabel(self.tr("Take in a case an officer of another installation handed over to you. Its custody "
                               "log, case key and evidence come from the unit; every hash, signature, the unit's "
                               "cosignature and each exhibit's content are checked here before anything is "
                               "recorded."))
        intro.setObjectName("receiveIntro")
        intro.setWordWrap(True)
        self.unit = UnitAddress(session, "receive", self)
        self.installation = _field(self.tr("the giving installation's id, as the officer who handed it over gave "
                                           "it"), "receiveInstallation", self.tr("From installation"))
        self.reference = _field(self.tr("e.g. MPS-2026-0417"), "receiveCase", self.tr("Case reference"))
        form = QFormLayout()
        self.unit.add_to(form)
        for text, edit in ((self.tr("From &installation:"), self.installation), (self.tr("Ca&se:"), self.reference)):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addRow(label, edit)
        self.progress, self.progress_text, self.message = _progress_parts("receive")
        self.buttons = QDialogButtonBox()
        self.receive_button = self.buttons.addButton(self.tr("&Receive"), QDialogButtonBox.ButtonRole.ActionRole)
        self.receive_button.setObjectName("receiveStart")
        self.receive_button.setIcon(icon("ingest"))
        self.open_button = self.buttons.addButton(self.tr("&Open case"), QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.setObjectName("receiveOpen")
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("receiveClose")
        self.receive_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self._open_case)
        self.close_button.clicked.connect(self.reject)
        make_default(self.receive_button, self.open_button, self.close_button, self.unit.browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        fit_on_screen(self)
        (self.installation if self.unit.url.text() else self.unit.url).setFocus()

    def _busy(self, busy: bool) -> None:
        self.unit.set_enabled(not busy)
        for w in (self.installation, self.reference, self.receive_button, self.close_button):
            w.setEnabled(not busy)

    def start(self) -> None:
        if self.job is not None:
            return
        problem = self.unit.problem()
        installation, reference = self.installation.text().strip(), self.reference.text().strip()
        if problem is None and not installation:
            problem = self.tr("Name the installation that handed the case over by its id (its officer gives it to "
                              "you)")
            self.installation.setFocus()
        elif problem is None and not reference:
            problem = self.tr("Give the case's reference")
            self.reference.setFocus()
        if problem is not None:
            self.message.error(problem)
            return
        url, ca = self.unit.address()
        session = self.session
        self.fetched = 0
        self._busy(True)
        self.message.clear_message()
        self.progress.show()
        self.progress.setValue(0)
        self.progress_text.setText(self.tr("Reading the case from the unit and checking it…"))
        self.job = self.runner.submit(
            "receive-case", lambda progress, _cancel: handover.receive(session, url, ca, installation, reference,
                                                                      progress),
            on_success=self._done, on_failure=self._failed, on_progress=self._progress)

    def _progress(self, done: int, total: int, _text: str) -> None:
        self.fetched += 1  # the service reports once per object fetched and checked
        self.progress.setValue(int(1000 * done / total) if total else 0)
        n = self.fetched
        self.progress_text.setText(
            (self.tr("%n object of evidence fetched and checked", None, n) if n == 1
             else self.tr("%n objects of evidence fetched and checked", None, n))
            + self.tr(" ({done} of {total})").format(done=formatting.size(done), total=formatting.size(total)))

    def _done(self, result: Any) -> None:
        assert isinstance(result, handover.Received)
        self.job = None
        self.result_case = result
        self.unit.remember(self.session)
        self._busy(False)
        self.receive_button.hide()
        self.installation.setEnabled(False)
        self.reference.setEnabled(False)
        self.progress.setValue(self.progress.maximum())
        n = result.exhibits
        exhibits = (self.tr("%n exhibit", None, n) if n == 1 else self.tr("%n exhibits", None, n))
        self.progress_text.setText(self.tr("Its history at installation {id}, as the unit served it, is kept in "
                                           "{path}").format(id=result.from_installation, path=result.export_path))
        k = result.objects
        objects = (self.tr("%n object of evidence", None, k) if k == 1 else self.tr("%n objects of evidence", None, k))
        self.message.success(self.tr("Case {case} received from installation {id}: {exhibits}, {objects} ({size}), "
                                     "every one checked; recorded as custody entry {seq}. You are its officer in "
                                     "charge here.").format(
            case=result.case_ref, id=result.from_installation, exhibits=exhibits, objects=objects,
            size=formatting.size(result.object_bytes), seq=result.seq))
        self.open_button.show()
        make_default(self.open_button, self.close_button, self.unit.browse)
        self.open_button.setFocus()
        self.received.emit(result.case_ref)

    def _failed(self, exc: BaseException) -> None:
        self.job = None
        self._busy(False)
        self.progress.hide()
        self.progress_text.clear()
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Receive a case"))
        self.receive_button.setFocus()

    def _open_case(self) -> None:
        if self.result_case is not None:
            self.open_requested.emit(self.result_case.case_ref)
            self.accept()

    def reject(self) -> None:
        if self.job is not None and not self.job.finished:
            return  # a receive under way stops at nothing half recorded only by finishing: the dialog stays
        super().reject()
