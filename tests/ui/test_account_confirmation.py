"""The Users dialog applies the two-person rule at account creation: with one administrator it says the account is
active at once and why; with two, a new account is listed as pending and another administrator confirms it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from casedesk.services.accounts import Accounts
from casedesk.ui.dialogs.users import AddUserDialog, RoleDialog, UsersDialog
from tests.helpers.store import PASSWORDS, Store
from tests.helpers.ui import click, close_all, sign_in, type_into, wait_for_window
from tests.ui.test_admin import _row, _select

SECOND = "second-admin-password"


def _add_in_dialog(qtbot: QtBot, users: UsersDialog, name: str, full_name: str) -> None:
    click(qtbot, users.add_button)
    add = wait_for_window(qtbot, AddUserDialog)
    type_into(qtbot, add.username, name)
    type_into(qtbot, add.full_name, full_name)
    type_into(qtbot, add.password, "a-long-enough-password")
    type_into(qtbot, add.repeat, "a-long-enough-password")
    click(qtbot, add.ok_button)
    qtbot.waitUntil(lambda: _row(users, name) >= 0)


def test_one_administrator_is_told_the_rule_and_two_confirm_each_other(
        qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    _add_in_dialog(qtbot, users, "dlee", "Dana Lee")
    assert "one administrator, so the account is active at once" in users.message.text()
    assert users.list.topLevelItem(_row(users, "dlee")).text(4) == "active"
    users.reject()
    close_all(controller)

    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", SECOND)
    finally:
        admin.close()
    controller, window = sign_in(qtbot, store, "admin")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    _add_in_dialog(qtbot, users, "elee", "Eve Lee")
    assert "signs in once another administrator confirms it" in users.message.text()
    row = users.list.topLevelItem(_row(users, "elee"))
    assert row.text(4) == "pending" and "Created by admin" in row.toolTip(4)
    _select(users, "elee")
    assert not users.confirm_button.isEnabled()  # the administrator who created it cannot confirm it
    users.reject()
    close_all(controller)

    monkeypatch.setitem(PASSWORDS, "admin2", SECOND)  # the second administrator signs in at the window
    controller, window = sign_in(qtbot, store, "admin2")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    _select(users, "elee")
    assert users.confirm_button.isEnabled()
    click(qtbot, users.confirm_button)
    assert users.list.topLevelItem(_row(users, "elee")).text(4) == "active"
    assert "confirmed" in users.message.text()
    users.reject()
    close_all(controller)
    store.installation.sign_in("elee", "a-long-enough-password").close()


def test_a_promotion_is_shown_pending_and_another_administrator_confirms_it(
        qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).add("admin2", "admin", "Bea Second", "BS", SECOND)
    finally:
        admin.close()
    controller, window = sign_in(qtbot, store, "admin")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    _select(users, "jsmith")
    click(qtbot, users.role_button)
    dialog = wait_for_window(qtbot, RoleDialog)
    dialog.role.setCurrentIndex(dialog.role.findData("supervisor"))
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: "until another administrator confirms" in users.message.text())
    row = users.list.topLevelItem(_row(users, "jsmith"))
    assert (row.text(3), row.text(4)) == ("detective", "pending") and "stays detective" in row.toolTip(4)
    _select(users, "jsmith")
    assert not users.confirm_button.isEnabled()  # the administrator who made the change cannot confirm it
    users.reject()
    close_all(controller)

    monkeypatch.setitem(PASSWORDS, "admin2", SECOND)
    controller, window = sign_in(qtbot, store, "admin2")
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    _select(users, "jsmith")
    assert users.confirm_button.isEnabled()
    click(qtbot, users.confirm_button)
    row = users.list.topLevelItem(_row(users, "jsmith"))
    assert (row.text(3), row.text(4)) == ("supervisor", "active")
    assert "Role of jsmith confirmed: now supervisor." in users.message.text()
    users.reject()
    close_all(controller)
