"""Idle auto-lock: the window is covered until the password is entered again, and nothing typed is lost."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.errors import AuthenticationError
from casedesk.services.accounts import Accounts
from casedesk.services.settings import Settings
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.dialogs.new_case import NewCaseDialog
from tests.helpers.store import CASE, PASSWORDS, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in, type_into, wait_for_window


def test_the_idle_window_locks_and_unlocks_with_everything_typed_still_there(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    assert window.idle.minutes == 10 and window.idle.timer.isActive()  # the installation's default
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    type_into(qtbot, overview.summary, "Draft summary, not saved yet")
    window.act_new_case.trigger()
    dialog = wait_for_window(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.reference, "MPS-2026-0500")
    typed_in = dialog.reference

    window.idle.timer.start(50)  # as if ten minutes had passed without a key or a click
    qtbot.waitUntil(lambda: window.idle.screen.isVisible(), timeout=TIMEOUT)
    assert not dialog.isVisible()  # nothing of the case shows on a locked screen
    assert window.idle.screen.geometry() == window.rect()
    qtbot.waitUntil(window.idle.screen.password.hasFocus, timeout=TIMEOUT)
    qtbot.keyClick(window.idle.screen.password, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert sum(isinstance(w, NewCaseDialog) and w.isVisible() for w in window.findChildren(NewCaseDialog)) == 0

    qtbot.keyClicks(window.idle.screen.password, "not-my-password")
    qtbot.keyClick(window.idle.screen.password, Qt.Key.Key_Return)
    assert "Wrong password" in window.idle.screen.message.text() and window.idle.locked
    qtbot.keyClicks(window.idle.screen.password, PASSWORDS["jsmith"])
    qtbot.keyClick(window.idle.screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.idle.screen.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(dialog.isVisible, timeout=TIMEOUT)
    assert typed_in.text() == "MPS-2026-0500"
    qtbot.waitUntil(typed_in.hasFocus, timeout=TIMEOUT)  # typing carries on where it was
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    assert overview.summary.toPlainText() == "Draft summary, not saved yet"
    assert window.idle.timer.isActive()
    close_all(controller)


def test_sign_out_from_the_lock_screen_saves_nothing_in_the_users_name(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    type_into(qtbot, overview.summary, "Half a sentence")
    window.act_lock.trigger()
    qtbot.waitUntil(lambda: window.idle.screen.sign_out_button.isVisible(), timeout=TIMEOUT)
    qtbot.mouseClick(window.idle.screen.sign_out_button, Qt.MouseButton.LeftButton)
    login = wait_for_window(qtbot, LoginDialog)
    assert login.user.text() == "jsmith"
    session = store.sign_in("jsmith")
    try:
        from casedesk.services.cases import Cases

        assert Cases(session).show(CASE).summary == ""
    finally:
        session.close()
    close_all(controller)


def test_the_lock_time_is_an_installation_setting_and_zero_never_locks(qtbot: QtBot, store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        Settings(admin).set("desktop.lock_after_minutes", "0")
        with pytest.raises(Exception, match="0 to 480"):
            Settings(admin).set("desktop.lock_after_minutes", 1000)
    finally:
        admin.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    assert window.idle.minutes == 0 and not window.idle.timer.isActive()
    close_all(controller)


def test_a_wrong_password_on_the_lock_screen_counts_toward_the_lock_out(store: Store) -> None:
    session = store.sign_in("jsmith")
    try:
        Accounts(session).confirm_password(PASSWORDS["jsmith"])
        with pytest.raises(AuthenticationError, match="attempts left"):
            Accounts(session).confirm_password("guess-1")
        for _ in range(10):
            try:
                Accounts(session).confirm_password("guess")
            except AuthenticationError as exc:
                last = str(exc)
        assert "locked" in last
        with pytest.raises(AuthenticationError, match="is locked"):
            Accounts(session).confirm_password(PASSWORDS["jsmith"])  # even the right one, until the lock ends
    finally:
        session.close()
