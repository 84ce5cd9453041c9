"""Administration defects (issue 13, defect 9): a locked account is shown locked and can be unlocked; duplicate
initials are refused; the Settings label has no literal '&'; the close-case dialog counts what the refusal counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from casedesk.errors import AuthenticationError, UsageError
from casedesk.security.auth_ledger import MAX_FAILURES
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.ui.dialogs.close_case import CloseCaseDialog
from casedesk.ui.dialogs.settings import SettingsDialog
from casedesk.ui.dialogs.users import AddUserDialog, UsersDialog
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store
from tests.helpers.ui import click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_admin import _row, _select
from tests.ui.test_custody import ingest_fixture


def _lock(store: Store, user: str) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.installation.sign_in(user, "not-the-password-at-all")


def test_a_locked_account_is_shown_locked_and_unlocked(qtbot: QtBot, store: Store) -> None:
    _lock(store, "bpatel")
    controller, window = sign_in(qtbot, store, "admin")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    row = users.list.topLevelItem(_row(users, "bpatel"))
    assert row.text(4) == "locked"
    assert "wrong passwords" in row.toolTip(4)
    _select(users, "jsmith")
    assert not users.unlock_button.isEnabled()
    _select(users, "bpatel")
    click(qtbot, users.unlock_button)
    assert users.list.topLevelItem(_row(users, "bpatel")).text(4) == "active"
    assert "unlocked" in users.message.text()
    users.reject()
    close_all(controller)
    store.sign_in("bpatel").close()  # the right password works again


def test_the_cli_unlocks_and_lists_locked_accounts(store: Store, capsys, monkeypatch) -> None:
    _lock(store, "bpatel")
    listed = run(capsys, monkeypatch, store.root, "user", "list", user="admin")
    assert any(line.startswith("bpatel") and " locked " in line for line in listed.out.splitlines())
    done = run(capsys, monkeypatch, store.root, "user", "unlock", "bpatel", user="admin")
    assert done.code == 0, done.err
    again = run(capsys, monkeypatch, store.root, "user", "unlock", "bpatel", user="admin")
    assert again.code == 0 and "was not locked" in again.out
    session = store.sign_in("sgt")
    try:
        entries = Custody(session).log(None, action="account.unlocked")
    finally:
        session.close()
    assert [e.data["user"] for e in entries] == ["bpatel"]  # the unlock is on the record
    store.sign_in("bpatel").close()


def test_duplicate_initials_are_refused(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    click(qtbot, users.add_button)
    add = wait_for_window(qtbot, AddUserDialog)
    type_into(qtbot, add.username, "bparker")
    type_into(qtbot, add.full_name, "Ben Parker")  # BP, as Bilal Patel
    type_into(qtbot, add.password, "a-long-enough-password")
    type_into(qtbot, add.repeat, "a-long-enough-password")
    click(qtbot, add.ok_button)
    assert "already bpatel's" in add.message.text() and "ambiguous" in add.message.text()
    assert add.focusWidget() is add.initials
    type_into(qtbot, add.initials, "BPA")
    click(qtbot, add.ok_button)
    assert not add.isVisible()
    users.reject()
    close_all(controller)


def test_the_settings_labels_show_no_ampersand(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    window.act_settings.trigger()
    dialog = wait_for_window(qtbot, SettingsDialog)
    for label in dialog.findChildren(QLabel):
        if "&" in label.text() and label.isVisible():
            assert label.buddy() is not None, f"{label.text()!r} shows a literal '&'"
    dialog.reject()
    close_all(controller)


def test_the_close_dialog_counts_what_the_refusal_counts(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"one\n", "b.txt": b"two\n"})
    session = store.sign_in("jsmith")
    try:
        created = Custody(session).log(CASE, action="case.created")[0]
        Custody(session).correct(created.seq, "Operation name agreed with the CPS")  # a case-level correction
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    click(qtbot, overview.close_button)
    dialog = wait_for_window(qtbot, CloseCaseDialog)
    shown = int(dialog.reason.placeholderText().split()[0])
    session = store.sign_in("sgt")
    try:
        with pytest.raises(UsageError) as refused:
            Cases(session).close(CASE)
    finally:
        session.close()
    counted = int(str(refused.value).split(" has ")[1].split()[0])
    assert shown == counted == 3  # two ingests and a correction
    dialog.reject()
    close_all(controller)
