"""Administration through the window: users (add, role, disable, reset) and installation settings."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from casedesk.services.settings import Settings
from casedesk.ui.dialogs.settings import SettingsDialog
from casedesk.ui.dialogs.users import AddUserDialog, ResetPasswordDialog, RoleDialog, UsersDialog
from tests.helpers.store import Store
from tests.helpers.ui import TIMEOUT, click, close_all, sign_in, type_into, wait_for_window


def _row(dialog: UsersDialog, name: str) -> int:
    for i in range(dialog.list.topLevelItemCount()):
        if dialog.list.topLevelItem(i).text(0) == name:
            return i
    return -1


def _select(dialog: UsersDialog, name: str) -> None:
    dialog.list.setCurrentItem(dialog.list.topLevelItem(_row(dialog, name)))


def test_admin_adds_a_user_changes_the_role_disables_and_resets(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    assert window.act_users.isEnabled() and window.admin_menu.menuAction().isVisible()
    window.act_users.trigger()
    users = wait_for_window(qtbot, UsersDialog)
    click(qtbot, users.add_button)
    add = wait_for_window(qtbot, AddUserDialog)
    type_into(qtbot, add.username, "rkhan")
    type_into(qtbot, add.full_name, "Rania Khan")
    type_into(qtbot, add.password, "short")
    type_into(qtbot, add.repeat, "short")
    click(qtbot, add.ok_button)
    assert "password too short" in add.message.text().lower()
    type_into(qtbot, add.password, "a-long-enough-password")
    type_into(qtbot, add.repeat, "a-long-enough-password")
    click(qtbot, add.ok_button)
    qtbot.waitUntil(lambda: _row(users, "rkhan") >= 0, timeout=TIMEOUT)
    item = users.list.topLevelItem(_row(users, "rkhan"))
    assert (item.text(2), item.text(3), item.text(4)) == ("RK", "detective", "active")

    _select(users, "rkhan")
    click(qtbot, users.role_button)
    role = wait_for_window(qtbot, RoleDialog)
    role.role.setCurrentIndex(role.role.findData("supervisor"))
    click(qtbot, role.ok_button)
    qtbot.waitUntil(lambda: users.list.topLevelItem(_row(users, "rkhan")).text(3) == "supervisor", timeout=TIMEOUT)

    _select(users, "rkhan")
    click(qtbot, users.disable_button)
    confirm = wait_for_window(qtbot, QMessageBox, lambda b: b.objectName() == "confirmDisable")
    click(qtbot, confirm.button(QMessageBox.StandardButton.Yes))
    qtbot.waitUntil(lambda: users.list.topLevelItem(_row(users, "rkhan")).text(4) == "disabled", timeout=TIMEOUT)
    assert "rkhan" not in store.installation.load_slots().slots

    _select(users, "rkhan")
    click(qtbot, users.reset_button)
    reset = wait_for_window(qtbot, ResetPasswordDialog)
    type_into(qtbot, reset.password, "another-long-password")
    type_into(qtbot, reset.repeat, "another-long-password")
    click(qtbot, reset.ok_button)
    qtbot.waitUntil(lambda: users.list.topLevelItem(_row(users, "rkhan")).text(4) == "active", timeout=TIMEOUT)
    store.installation.sign_in("rkhan", "another-long-password").close()

    _select(users, "admin")
    assert not users.disable_button.isEnabled()  # one's own account cannot be disabled
    close_all(controller)


def test_detective_has_no_administration(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    assert not window.act_users.isEnabled()
    assert not window.admin_menu.menuAction().isVisible()
    close_all(controller)


def test_admin_changes_installation_settings(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "admin")
    window.act_settings.trigger()
    dialog = wait_for_window(qtbot, SettingsDialog)
    click(qtbot, dialog.md5)
    dialog.marking.setCurrentText("OFFICIAL")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    close_all(controller)
    check = store.sign_in("admin")
    assert Settings(check).all() == {"digests.extra": ["md5"], "bundle.default_marking": "OFFICIAL",
                                     "desktop.lock_after_minutes": 10}
    check.close()
