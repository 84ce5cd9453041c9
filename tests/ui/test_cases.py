"""Cases through the window: create with Ctrl+N, find, filter, summary, notes, membership, closing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from casedesk.ui.dialogs.add_member import AddMemberDialog
from casedesk.ui.dialogs.close_case import CloseCaseDialog
from casedesk.ui.dialogs.new_case import NewCaseDialog
from casedesk.ui.tabs.notes import NotesTab
from casedesk.ui.tabs.overview import OverviewTab
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window


def test_create_a_case_with_ctrl_n(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_window(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.reference, "mps-2026-0999")
    click(qtbot, dialog.ok_button)
    assert "title" in dialog.message.text() and dialog.isVisible()  # the service's message, in the dialog
    type_into(qtbot, dialog.title_edit, "Operation Kestrel")
    type_into(qtbot, dialog.offences, "Computer Misuse Act 1990 s.1")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.case_ref == "MPS-2026-0999", timeout=TIMEOUT)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    qtbot.waitUntil(lambda: overview.values["Operation"].text() == "Operation Kestrel", timeout=TIMEOUT)
    assert overview.values["Offences"].text() == "Computer Misuse Act 1990 s.1"
    assert overview.values["Officer in charge"].text() == "jsmith"
    assert window.cases.model.rowCount() == 2
    close_all(controller)


def test_find_filters_the_case_list(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "sgt")
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 1, timeout=TIMEOUT)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.cases.search.hasFocus()
    qtbot.keyClicks(window.cases.search, "no such operation")
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 0, timeout=TIMEOUT)
    window.cases.search.clear()
    qtbot.keyClicks(window.cases.search, "lantern")
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 1, timeout=TIMEOUT)
    window.cases.status.setCurrentIndex(window.cases.status.findData("closed"))
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 0, timeout=TIMEOUT)
    close_all(controller)


def test_officer_in_charge_edits_the_summary_and_adds_a_note(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    qtbot.waitUntil(lambda: overview.values["Reference"].text() == CASE, timeout=TIMEOUT)
    assert not overview.summary.isReadOnly()
    type_into(qtbot, overview.summary, "Customer records offered for sale.")
    click(qtbot, overview.save_summary)
    assert "Summary saved" in overview.message.text()

    window.tabs.setCurrentWidget(window.case_tabs["notes"])
    notes = window.case_tabs["notes"]
    assert isinstance(notes, NotesTab)
    type_into(qtbot, notes.text, "Spoke to the bank's fraud team.")
    click(qtbot, notes.add_button)
    qtbot.waitUntil(lambda: notes.list.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert notes.list.topLevelItem(0).text(3) == "Spoke to the bank's fraud team."
    assert notes.list.topLevelItem(0).text(1) == "jsmith"
    click(qtbot, notes.add_button)  # empty note: the service's message, inline
    assert "needs some text" in notes.message.text()
    close_all(controller)

    # Another session sees the saved summary.
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    qtbot.waitUntil(lambda: overview.summary.toPlainText() == "Customer records offered for sale.", timeout=TIMEOUT)
    close_all(controller)


def test_member_who_is_not_officer_in_charge_cannot_edit_the_summary(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    click(qtbot, overview.add_member_button)
    dialog = wait_for_window(qtbot, AddMemberDialog)
    dialog.user.setCurrentIndex(dialog.user.findData("bpatel"))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: "bpatel" in overview.values["Members"].text(), timeout=TIMEOUT)
    close_all(controller)

    controller, window = sign_in(qtbot, store, "bpatel")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    qtbot.waitUntil(lambda: overview.values["Reference"].text() == CASE, timeout=TIMEOUT)
    assert overview.summary.isReadOnly() and not overview.save_summary.isVisible()
    assert "Only the officer in charge" in overview.summary_note.text()
    close_all(controller)


def test_supervisor_closes_a_case_with_an_override_reason(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    assert isinstance(overview, OverviewTab)
    click(qtbot, overview.close_button)
    dialog = wait_for_window(qtbot, CloseCaseDialog)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: overview.values["Status"].text() == "closed", timeout=TIMEOUT)
    assert not overview.close_button.isEnabled()
    close_all(controller)


def test_unexpected_errors_are_logged_with_the_path_shown(qtbot: QtBot, store: Store, monkeypatch) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)

    def broken(self, reference: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("casedesk.services.cases.Cases.notes", broken)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    window.tabs.setCurrentWidget(window.case_tabs["notes"])
    box = wait_for_window(qtbot, QMessageBox, lambda b: "Unexpected error" in b.text())
    log_path = store.root / "logs" / "casedesk.log"
    assert str(log_path) in box.text()
    assert "RuntimeError: a bug" in log_path.read_text()
    assert "Traceback" in log_path.read_text()
    box.close()
    close_all(controller)
