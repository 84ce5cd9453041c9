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
    """Click ``button`` with the mouse; fail at once, saying why, if the click did not reach it (rather than
    time out later waiting for what the click should have done)."""
    name = button.objectName() or button.text()
    assert button.isVisible(), f"{name} is not visible"
    assert button.isEnabled(), f"{name} is disabled"
    # A button just shown (a dialog's Close once its work is done) has no size until its layout runs on the next
    # pass of the event loop; a click at the centre of an empty rectangle misses it (seen as a dialog that never
    # closed). A person cannot click it before it is drawn either.
    qtbot.waitUntil(lambda: not button.rect().isEmpty() and button.isVisible(), timeout=TIMEOUT)
    fired: list[bool] = []

    def clicked(*_args: Any) -> None:
        fired.append(True)

    button.clicked.connect(clicked)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    if not fired:
        raise AssertionError(
            f"the mouse click on {name} did not click it: visible {button.isVisible()}, enabled {button.isEnabled()}, "
            f"geometry {button.geometry()}, active popup {QApplication.activePopupWidget()!r}, "
            f"active modal {QApplication.activeModalWidget()!r}, its window {button.window()!r}")
    try:
        button.clicked.disconnect(clicked)
    except (RuntimeError, TypeError):  # the click deleted the button (a dialog closed and deleted itself)
        pass


def wait_hidden(qtbot: QtBot, widget: QWidget, timeout: int = TIMEOUT) -> None:
    """Wait until ``widget`` is hidden; on a time-out, say what state it is in."""
    try:
        qtbot.waitUntil(lambda: not widget.isVisible(), timeout=timeout)
    except Exception as exc:
        result = widget.result() if hasattr(widget, "result") else None
        raise AssertionError(f"{widget!r} is still visible after {timeout} ms (result {result}, "
                             f"active modal {QApplication.activeModalWidget()!r})") from exc


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
