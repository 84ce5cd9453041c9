"""Window geometry, splitter positions, the last user and the last case, kept in ``QSettings`` between runs.

Never a password or anything from a case but its reference. The last user and case are kept per data
directory (a laptop may hold a demo and a real installation).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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


def _place(root: Path) -> str:
    return "datadir-" + hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]


def last_user(root: Path) -> str:
    value = settings().value(f"{_place(root)}/last_user")
    return value if isinstance(value, str) else ""


def remember_user(root: Path, username: str) -> None:
    settings().setValue(f"{_place(root)}/last_user", username)


def last_case(root: Path, username: str) -> str | None:
    value = settings().value(f"{_place(root)}/{username}/last_case")
    return value if isinstance(value, str) and value else None


def remember_case(root: Path, username: str, reference: str | None) -> None:
    if reference:
        settings().setValue(f"{_place(root)}/{username}/last_case", reference)


def unit_url(root: Path) -> str:
    """The unit service last synced with from this data directory (its log records it too)."""
    value = settings().value(f"{_place(root)}/unit_url")
    return value if isinstance(value, str) else ""


def unit_ca(root: Path) -> str:
    """The CA certificate file used for the unit last time (a path: the certificate is public)."""
    value = settings().value(f"{_place(root)}/unit_ca")
    return value if isinstance(value, str) else ""


def remember_unit(root: Path, url: str, ca_file: str) -> None:
    s = settings()
    s.setValue(f"{_place(root)}/unit_url", url)
    s.setValue(f"{_place(root)}/unit_ca", ca_file)
