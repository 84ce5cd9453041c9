"""Driving the desktop application in tests, as a user would: type, click, wait."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from casedesk.ui.app import AppController
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.main_window import MainWindow
from tests.helpers.store import PASSWORDS, Store

W = TypeVar("W", bound=QWidget)
TIMEOUT = 20_000


def type_into(qtbot: QtBot, edit: QWidget, text: str) -> None:
    """Select everything in a field and type ``text`` over it, key by key."""
    edit.setFocus()
    if isinstance(edit, QLineEdit):
        edit.selectAll()
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible(), f"{button.objectName() or button.text()} is not visible"
    assert button.isEnabled(), f"{button.objectName() or button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def child(parent: QWidget, kind: type[W], name: str) -> W:
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r} in {parent!r}"
    return found


def wait_for_window(qtbot: QtBot, kind: type[W], predicate: Callable[[W], bool] = lambda _w: True,
                    timeout: int = TIMEOUT) -> W:
    """The visible top-level or modal window of ``kind`` (dialogs open non-blocking)."""
    found: list[W] = []

    def check() -> bool:
        for w in QApplication.topLevelWidgets():
            if isinstance(w, kind) and w.isVisible() and predicate(w):
                found.append(w)
                return True
        return False

    qtbot.waitUntil(check, timeout=timeout)
    return found[0]


def message_box(qtbot: QtBot, timeout: int = TIMEOUT) -> QMessageBox:
    return wait_for_window(qtbot, QMessageBox, timeout=timeout)


def login(qtbot: QtBot, dialog: LoginDialog, user: str, password: str | None = None) -> None:
    type_into(qtbot, dialog.user, user)
    type_into(qtbot, dialog.password, PASSWORDS[user] if password is None else password)
    click(qtbot, dialog.sign_in_button)


def sign_in(qtbot: QtBot, store: Store, user: str = "jsmith") -> tuple[AppController, MainWindow]:
    """Start the app on ``store``, type the user's name and password, and wait for the main window."""
    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    login(qtbot, dialog, user)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=TIMEOUT)
    window = controller.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return controller, window


def select_case(qtbot: QtBot, window: MainWindow, reference: str) -> None:
    qtbot.waitUntil(lambda: window.cases.model.row_of(reference) >= 0, timeout=TIMEOUT)
    panel = window.cases
    row = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(reference), 0)).row()
    rect = panel.view.visualRect(panel.proxy.index(row, 0))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.case_ref == reference, timeout=TIMEOUT)


def close_all(controller: AppController) -> None:
    if controller.window is not None:
        controller.window.close()
    controller._close_session()


def any_of(items: list[Any], predicate: Callable[[Any], bool]) -> Any:
    return next((i for i in items if predicate(i)), None)
