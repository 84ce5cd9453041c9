"""Typed work is not lost: an unsaved case summary survives Refresh (F5), other tabs and other cases, is marked
as unsaved, and closing the window asks about it (issue 13, defect 2)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in, wait_for_window

TYPED = "The seller advertised customer records on a messaging channel."


def _second_case(store: Store) -> None:
    session = store.sign_in("jsmith")
    try:
        Cases(session).create("MPS-2026-0999", "Operation Beacon")
    finally:
        session.close()


def test_an_unsaved_summary_survives_refresh_tabs_and_other_cases(qtbot: QtBot, store: Store) -> None:
    _second_case(store)
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.detail is not None, timeout=TIMEOUT)
    overview.summary.setFocus()
    qtbot.keyClicks(overview.summary, TYPED)
    assert "Unsaved" in overview.summary_note.text()

    qtbot.keyClick(window, Qt.Key.Key_F5)  # Refresh
    qtbot.wait(50)
    assert overview.summary.toPlainText() == TYPED

    window.tabs.setCurrentWidget(window.case_tabs["notes"])  # add a note elsewhere, come back
    notes = window.case_tabs["notes"]
    notes.changed.emit()
    window.tabs.setCurrentWidget(overview)
    assert overview.summary.toPlainText() == TYPED

    select_case(qtbot, window, "MPS-2026-0999")
    qtbot.waitUntil(lambda: overview.detail is not None and overview.detail.reference == "MPS-2026-0999",
                    timeout=TIMEOUT)
    assert overview.summary.toPlainText() == ""
    select_case(qtbot, window, CASE)
    qtbot.waitUntil(lambda: overview.detail is not None and overview.detail.reference == CASE, timeout=TIMEOUT)
    assert overview.summary.toPlainText() == TYPED
    assert "Unsaved" in overview.summary_note.text() and overview.save_summary.isEnabled()

    window.close()  # asks first; Save keeps the text
    box = wait_for_window(qtbot, QMessageBox, lambda b: b.objectName() == "unsavedSummary")
    assert CASE in box.text()
    assert window.isVisible()
    box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)
    close_all(controller)
    session = store.sign_in("jsmith")
    try:
        assert Cases(session).show(CASE).summary == TYPED
    finally:
        session.close()
