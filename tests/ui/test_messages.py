"""Messages for people: no command-line syntax in the window, and an unknown user reads as a wrong password
(issue 13, defect 6)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.ui.app import AppController
from casedesk.ui.dialogs.exhibit_state import WithdrawDialog
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.dialogs.transfer import CustodyMoveDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, login, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_custody import ingest_fixture, open_exhibit

CLI_SYNTAX = ("--", "`", "casedesk ")


def _for_people(text: str) -> bool:
    return bool(text) and not any(s in text for s in CLI_SYNTAX)


def test_dialog_errors_speak_to_people_and_focus_the_field(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    window.act_transfer.trigger()
    dialog = wait_for_window(qtbot, CustodyMoveDialog)
    type_into(qtbot, dialog.to.lineEdit(), "bpatel")  # an officer not on the case
    type_into(qtbot, dialog.reason, "for the file review")
    click(qtbot, dialog.ok_button)
    assert "not a member of case" in dialog.message.text()
    assert _for_people(dialog.message.text()), dialog.message.text()
    assert dialog.focusWidget() in (dialog.to, dialog.to.lineEdit())
    type_into(qtbot, dialog.to.lineEdit(), "Property store, Lambeth")
    type_into(qtbot, dialog.reason, " ")
    click(qtbot, dialog.ok_button)
    assert "reason for the transfer is required" in dialog.message.text()
    assert _for_people(dialog.message.text()), dialog.message.text()
    assert dialog.focusWidget() is dialog.reason
    dialog.reject()

    window.act_withdraw.trigger()
    withdraw = wait_for_window(qtbot, WithdrawDialog)
    click(qtbot, withdraw.ok_button)
    assert "reason" in withdraw.message.text() and _for_people(withdraw.message.text())
    withdraw.reject()
    close_all(controller)


def test_an_unknown_user_reads_as_a_wrong_password(qtbot: QtBot, store: Store) -> None:
    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    login(qtbot, dialog, "jsmith", "not-the-right-password")
    qtbot.waitUntil(lambda: dialog.message.isVisible() and dialog.password.isEnabled(), timeout=TIMEOUT)
    wrong = dialog.message.text()
    login(qtbot, dialog, "nobody", "not-the-right-password")
    qtbot.waitUntil(lambda: "nobody" in dialog.message.text() and dialog.password.isEnabled(), timeout=TIMEOUT)
    assert dialog.message.text() == wrong.replace("jsmith", "nobody")
    assert "key slot" not in dialog.message.text().lower()
    close_all(controller)
