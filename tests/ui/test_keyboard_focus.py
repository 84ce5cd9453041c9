"""Keyboard and focus (issue 13, defect 7): Ctrl+E from the search box, Tab out of tables, focused fields in
dialogs and after errors, a sane "Seized at" field, and F1."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casedesk.ui.dialogs.export import ExportDialog
from casedesk.ui.dialogs.help import HelpDialog
from casedesk.ui.dialogs.ingest import IngestDialog
from casedesk.ui.dialogs.new_case import NewCaseDialog
from casedesk.ui.dialogs.users import ResetPasswordDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window


def _active(qtbot: QtBot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT)


def test_ctrl_e_exports_while_the_search_box_has_the_focus(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    _active(qtbot, window)
    window.cases.focus_search()
    assert QApplication.focusWidget() is window.cases.search
    qtbot.keyClick(window.cases.search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_window(qtbot, ExportDialog)
    dialog.reject()
    close_all(controller)


def test_tab_leaves_the_case_table_without_changing_the_case(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    _active(qtbot, window)
    view = window.cases.view
    view.setFocus()
    assert QApplication.focusWidget() is view
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not view, "Tab is trapped in the case table"
    assert window.case_ref == CASE
    close_all(controller)


def test_reset_password_dialog_takes_typing_at_once(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    session = controller.session
    assert session is not None
    dialog = ResetPasswordDialog(session, "bpatel", window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.password
    close_all(controller)


def test_after_a_validation_error_the_field_at_fault_has_the_focus(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    window.act_new_case.trigger()
    dialog = wait_for_window(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.reference, "MPS-2026-0500")
    click(qtbot, dialog.ok_button)  # no operation name
    assert "title" in dialog.message.text()
    assert dialog.focusWidget() is dialog.title_edit
    type_into(qtbot, dialog.reference, "bad ref!")
    type_into(qtbot, dialog.title_edit, "Operation Beacon")
    click(qtbot, dialog.ok_button)
    assert "invalid case reference" in dialog.message.text().lower()
    assert dialog.focusWidget() is dialog.reference
    dialog.reject()
    close_all(controller)


def test_seized_at_tab_leaves_the_field_and_typing_starts_at_the_day(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.act_ingest.trigger()
    dialog = wait_for_window(qtbot, IngestDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=TIMEOUT)
    dialog.seized_from.setFocus()
    time_before = dialog.seized_at.time()
    qtbot.keyClick(dialog.seized_from, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.seized_at
    qtbot.keyClicks(dialog.seized_at, "03")
    assert dialog.seized_at.date().day() == 3
    assert dialog.seized_at.time() == time_before  # typing did not change the time
    focused = QApplication.focusWidget()
    assert focused is not None
    qtbot.keyClick(focused, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not dialog.seized_at, "Tab walks the date's sections"
    dialog.reject()
    close_all(controller)


def test_f1_opens_help_with_the_shortcuts(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    _active(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = wait_for_window(qtbot, HelpDialog)
    text = dialog.text.toPlainText()
    assert "Keyboard shortcuts" in text and "Ctrl+E" in text and "Export bundle" in text
    dialog.reject()
    close_all(controller)


def test_enter_in_the_export_dialog_exports(qtbot: QtBot, store: Store, tmp_path) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.act_export.trigger()
    dialog = wait_for_window(qtbot, ExportDialog)
    type_into(qtbot, dialog.output, str(tmp_path / "bundle.pdf"))
    qtbot.keyClick(dialog.output, Qt.Key.Key_Return)  # not "Select all", which had the default by focus
    qtbot.waitUntil(lambda: dialog.bundle is not None or dialog.message.isVisible(), timeout=180_000)
    assert dialog.bundle is not None, dialog.message.text()
    dialog.reject()
    close_all(controller)
