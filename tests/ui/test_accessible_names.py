"""Every control of the main window and its dialogs has a name a screen reader can say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from casedesk.datadir import DataDir
from casedesk.services.installation import Installation
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.first_run import FirstRunDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in
from tests.ui.test_custody import ingest_fixture, open_exhibit

CONTROLS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QAbstractItemView, QAbstractButton)


def unnamed(root: QWidget) -> list[str]:
    """Controls with neither an accessible name, nor a label that names them (buddy), nor text of their own."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    out = []
    for w in root.findChildren(QWidget):
        if not isinstance(w, CONTROLS) or isinstance(w, QHeaderView) or w.isHidden() or w.window() is not root:
            continue  # a header is part of its view; a combo box's popup list is its own window
        if w.objectName().startswith("qt_"):
            continue  # Qt's own parts (a table's corner button, a toolbar's overflow button)
        if isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox, QLineEdit)):
            continue  # the editor inside a combo or spin box, a line edit's clear button: the control is named
        if w.accessibleName() or id(w) in buddies:
            continue
        if isinstance(w, QAbstractButton) and w.text().replace("&", "").strip():
            continue
        out.append(f"{type(w).__name__} {w.objectName() or '(no object name)'} in {type(w.window()).__name__}")
    return out


def test_every_control_of_the_main_window_is_named(qtbot: QtBot, store: Store) -> None:
    for user in ("jsmith", "sgt", "admin"):
        controller, window = sign_in(qtbot, store, user)
        if user != "admin":
            select_case(qtbot, window, CASE)
        missing = unnamed(window)
        close_all(controller)
        assert not missing, f"{user}: {missing}"


def _check_dialog(qtbot: QtBot, open_it: Callable[[], None], found: list[str]) -> None:
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    open_it()
    qtbot.waitUntil(lambda: any(isinstance(w, QDialog) and w.isVisible() and id(w) not in before
                                for w in QApplication.topLevelWidgets()), timeout=TIMEOUT)
    dialog = next(w for w in QApplication.topLevelWidgets()
                  if isinstance(w, QDialog) and w.isVisible() and id(w) not in before)
    found += unnamed(dialog)
    dialog.close()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)


def test_every_control_of_every_dialog_is_named(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    missing: list[str] = []
    login = AppController(store.datadir).start()
    qtbot.addWidget(login)
    missing += unnamed(login)
    login.close()
    first_run = FirstRunDialog(Installation(DataDir(tmp_path / "new")))
    qtbot.addWidget(first_run)
    missing += unnamed(first_run)

    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    for action in (window.act_new_case, window.act_ingest, window.act_export, window.act_transfer,
                   window.act_check_out, window.act_withdraw, window.act_sensitive, window.act_password,
                   window.act_help):
        _check_dialog(qtbot, action.trigger, missing)
    window.tabs.setCurrentWidget(window.custody)
    qtbot.waitUntil(lambda: window.custody.model.rowCount() > 0, timeout=TIMEOUT)
    window.custody.view.selectRow(window.custody.model.rowCount() - 1)
    _check_dialog(qtbot, window.custody.correct_entry, missing)
    close_all(controller)

    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(overview.close_button.isVisible, timeout=TIMEOUT)
    _check_dialog(qtbot, overview.add_member_button.click, missing)
    _check_dialog(qtbot, overview.close_button.click, missing)
    close_all(controller)

    controller, window = sign_in(qtbot, store, "admin")
    _check_dialog(qtbot, window.act_users.trigger, missing)
    _check_dialog(qtbot, window.act_settings.trigger, missing)
    close_all(controller)
    assert not missing, missing
