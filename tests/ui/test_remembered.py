"""The last user and the last case are remembered between runs (never the password)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.ui.app import AppController
from casedesk.ui.dialogs.login import LoginDialog
from tests.helpers.store import CASE, PASSWORDS, Store
from tests.helpers.ui import TIMEOUT, click, close_all, login, select_case, sign_in


def test_the_next_run_offers_the_last_user_and_case_and_keeps_no_password(qtbot: QtBot, store: Store,
                                                                          hermetic_qsettings: Path) -> None:
    first = AppController(store.datadir).start()
    assert isinstance(first, LoginDialog) and first.user.text() == ""
    first.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    close_all(controller)  # quit

    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    assert dialog.user.text() == "jsmith"
    qtbot.waitUntil(dialog.password.hasFocus, timeout=TIMEOUT)  # straight to the password
    login(qtbot, dialog, "jsmith")
    qtbot.waitUntil(lambda: controller.window is not None, timeout=TIMEOUT)
    window = controller.window
    assert window is not None
    qtbot.addWidget(window)
    home = window.home
    qtbot.waitUntil(lambda: home.resume.isVisible(), timeout=TIMEOUT)
    assert window.case_ref is None  # the home page first; the last case one click away
    assert home.resume.text() == f"Con&tinue with {CASE}"
    click(qtbot, home.resume)
    qtbot.waitUntil(lambda: window.case_ref == CASE, timeout=TIMEOUT)
    close_all(controller)

    stored = b"".join(p.read_bytes() for p in hermetic_qsettings.rglob("*") if p.is_file())
    assert b"jsmith" in stored and CASE.encode() in stored
    assert not any(password.encode() in stored for password in PASSWORDS.values())


def test_another_user_is_not_offered_the_first_users_case(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    close_all(controller)
    controller, window = sign_in(qtbot, store, "bpatel")  # not a member of the case
    qtbot.waitUntil(lambda: window.home.view is not None, timeout=TIMEOUT)
    assert not window.home.resume.isVisible()
    close_all(controller)
