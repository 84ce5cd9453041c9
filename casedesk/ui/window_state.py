"""Window geometry and splitter positions kept in ``QSettings`` between runs."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

ORGANISATION = "CaseDesk"
APPLICATION = "CaseDesk"


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def save_window(window: QWidget, key: str) -> None:
    s = settings()
    s.setValue(f"{key}/geometry", window.saveGeometry())
    if isinstance(window, QMainWindow):
        s.setValue(f"{key}/state", window.saveState())


def restore_window(window: QWidget, key: str) -> bool:
    s = settings()
    geometry = s.value(f"{key}/geometry")
    restored = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
    state = s.value(f"{key}/state")
    if isinstance(window, QMainWindow) and isinstance(state, QByteArray):
        window.restoreState(state)
    return bool(restored)


def save_splitter(splitter: QSplitter, key: str) -> None:
    settings().setValue(f"{key}/splitter", splitter.saveState())


def restore_splitter(splitter: QSplitter, key: str) -> bool:
    state = settings().value(f"{key}/splitter")
    return isinstance(state, QByteArray) and bool(splitter.restoreState(state))
