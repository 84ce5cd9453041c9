"""The recovery key made at init reaches the person who made the installation in the desktop app too."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.datadir import DataDir
from casedesk.security import recovery
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.first_run import FirstRunDialog
from casedesk.ui.dialogs.login import LoginDialog
from tests.helpers.ui import click, close_all, type_into


def test_creating_an_installation_shows_its_recovery_key_once_on_the_login_window(
        qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(DataDir(tmp_path / "new"))
    dialog = controller.start()
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    type_into(qtbot, dialog.full_name, "Ada Admin")
    type_into(qtbot, dialog.admin, "admin")
    type_into(qtbot, dialog.password, "admin-password-0417")
    type_into(qtbot, dialog.repeat, "admin-password-0417")
    click(qtbot, dialog.create_button)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=120_000)
    login = controller.dialog
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    lines = login.hint.text().splitlines()
    assert login.hint.isVisible() and recovery.NOTICE in lines
    key = lines[lines.index(recovery.NOTICE) + 1]
    assert len(recovery.parse_key(key)) == 32  # a well-formed key, with its checksum
    assert not any(key in p.read_text(errors="replace") for p in (tmp_path / "new").rglob("*") if p.is_file())
    close_all(controller)
