"""Starting the app: first run, sign-in messages, the main window and its status bar."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from casedesk.datadir import DataDir
from casedesk.security.auth_ledger import MAX_FAILURES
from casedesk.security.device_secret import NO_KEYRING_NOTICE
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.first_run import FirstRunDialog
from casedesk.ui.dialogs.login import LoginDialog
from tests.helpers.store import Store
from tests.helpers.ui import TIMEOUT, child, click, close_all, login, sign_in, type_into


def _login_dialog(qtbot: QtBot, store: Store) -> tuple[AppController, LoginDialog]:
    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    return controller, dialog


def test_wrong_password_says_how_many_attempts_are_left(qtbot: QtBot, store: Store) -> None:
    controller, dialog = _login_dialog(qtbot, store)
    login(qtbot, dialog, "jsmith", "not-the-right-password")
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=TIMEOUT)
    assert "Wrong password for jsmith" in dialog.message.text()
    assert f"{MAX_FAILURES - 1} attempts left" in dialog.message.text()
    assert dialog.isVisible() and controller.window is None
    assert dialog.password.text() == ""


def test_locked_account_is_explained(qtbot: QtBot, store: Store) -> None:
    controller, dialog = _login_dialog(qtbot, store)
    for _ in range(MAX_FAILURES):
        login(qtbot, dialog, "jsmith", "not-the-right-password")
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled() and dialog.message.isVisible(), timeout=TIMEOUT)
    assert "now locked" in dialog.message.text()
    login(qtbot, dialog, "jsmith")  # the right password no longer helps
    qtbot.waitUntil(lambda: "is locked" in dialog.message.text(), timeout=TIMEOUT)
    assert "ask an administrator" in dialog.message.text()
    assert controller.window is None


def test_disabled_account_is_explained(qtbot: QtBot, store: Store) -> None:
    from casedesk.services.accounts import Accounts

    admin = store.sign_in("admin")
    Accounts(admin).disable("bpatel")
    admin.close()
    _controller, dialog = _login_dialog(qtbot, store)
    login(qtbot, dialog, "bpatel")
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=TIMEOUT)
    assert "disabled" in dialog.message.text() and "ask an administrator" in dialog.message.text()


def test_no_keyring_notice_on_the_login_window(qtbot: QtBot, store: Store, monkeypatch) -> None:
    monkeypatch.setattr("casedesk.security.device_secret.keyring_usable", lambda: False)
    _controller, dialog = _login_dialog(qtbot, store)
    # asked off the GUI thread once the window has painted (importing keyring would delay the window)
    qtbot.waitUntil(dialog.keyring_notice.isVisible, timeout=TIMEOUT)
    assert dialog.keyring_notice.text() == NO_KEYRING_NOTICE


def test_sign_in_opens_the_main_window_with_user_and_role(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    status = child(window, QLabel, "statusUser").text()
    assert "jsmith" in status and "detective" in status
    qtbot.waitUntil(lambda: window.cases.model.rowCount() == 1, timeout=TIMEOUT)
    assert window.cases.model.case_at(0).reference == "MPS-2026-0417"
    close_all(controller)


def test_first_run_creates_the_installation_and_its_administrator(qtbot: QtBot, tmp_path) -> None:
    datadir = DataDir(tmp_path / "fresh")
    controller = AppController(datadir)
    dialog = controller.start()
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.admin, "chief")
    type_into(qtbot, dialog.full_name, "Chris Chief")
    type_into(qtbot, dialog.password, "a-long-admin-password")
    type_into(qtbot, dialog.repeat, "a-long-admin-password-typo")
    click(qtbot, dialog.create_button)
    assert "differ" in dialog.message.text()
    type_into(qtbot, dialog.repeat, "a-long-admin-password")
    click(qtbot, dialog.create_button)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=TIMEOUT)
    login_dialog = controller.dialog
    assert isinstance(login_dialog, LoginDialog)
    qtbot.addWidget(login_dialog)
    assert login_dialog.user.text() == "chief"
    type_into(qtbot, login_dialog.password, "a-long-admin-password")
    click(qtbot, login_dialog.sign_in_button)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=TIMEOUT)
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    assert "admin" in child(controller.window, QLabel, "statusUser").text()
    assert datadir.keyslots.exists()
    close_all(controller)
