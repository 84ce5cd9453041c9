"""Enter after a failed sign-in or a first-run validation error signs in / creates, never quits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casedesk.datadir import DataDir
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.first_run import FirstRunDialog
from casedesk.ui.dialogs.login import LoginDialog
from tests.helpers.store import PASSWORDS, Store
from tests.helpers.ui import TIMEOUT, close_all, type_into


def test_enter_after_a_wrong_password_signs_in(qtbot: QtBot, store: Store) -> None:
    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    quits: list[bool] = []
    controller.finished.connect(lambda: quits.append(True))
    type_into(qtbot, dialog.user, "jsmith")
    type_into(qtbot, dialog.password, "not-the-right-password")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.password.isEnabled(), timeout=TIMEOUT)
    # The password field has the focus again: the user just types and presses Enter.
    assert QApplication.focusWidget() is dialog.password
    qtbot.keyClicks(QApplication.focusWidget(), PASSWORDS["jsmith"])
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not None or bool(quits), timeout=TIMEOUT)
    assert not quits, "Enter quit CaseDesk instead of signing in"
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    close_all(controller)


def test_enter_after_a_first_run_error_creates_the_installation(qtbot: QtBot, tmp_path) -> None:
    controller = AppController(DataDir(tmp_path / "fresh"))
    dialog = controller.start()
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    quits: list[bool] = []
    controller.finished.connect(lambda: quits.append(True))
    type_into(qtbot, dialog.full_name, "Chris Chief")
    type_into(qtbot, dialog.password, "short")
    type_into(qtbot, dialog.repeat, "short")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.password.isEnabled(), timeout=TIMEOUT)
    assert "12" in dialog.message.text()
    # The field at fault has the focus, and Enter is still "Create installation".
    assert QApplication.focusWidget() is dialog.password
    type_into(qtbot, dialog.password, "a-long-admin-password")
    type_into(qtbot, dialog.repeat, "a-long-admin-password")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog) or bool(quits), timeout=TIMEOUT)
    assert not quits, "Enter quit CaseDesk instead of creating the installation"
    close_all(controller)
