"""The one place errors reach the user.

A ``CaseDeskError`` is a condition of the world with a message that says what
happened and what to do: it is shown as it is. Anything else is a bug: it is
logged with its traceback to the data directory's log file and the box says
where. Boxes are opened window-modal and non-blocking (``open``), so a
worker's failure never nests an event loop inside a slot.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from casedesk.errors import AuthenticationError, Cancelled, CaseDeskError, IntegrityError, PermissionDenied
from casedesk.logsetup import install_file_log, log_file
from casedesk.ui.translator import QT_TRANSLATE_NOOP

log = logging.getLogger("casedesk.ui")

_log_dir: Path | None = None
_orphans: list[QMessageBox] = []  # boxes without a parent, kept alive until closed

TITLES: list[tuple[type[CaseDeskError], str]] = [
    (IntegrityError, QT_TRANSLATE_NOOP("errors", "Integrity problem")),
    (PermissionDenied, QT_TRANSLATE_NOOP("errors", "Not allowed")),
    (AuthenticationError, QT_TRANSLATE_NOOP("errors", "Cannot sign in")),
    (Cancelled, QT_TRANSLATE_NOOP("errors", "Cancelled")),
]
translate = QCoreApplication.translate


def set_log_dir(path: Path | None) -> None:
    """Where unexpected errors are written: ``<data dir>/logs`` once it exists."""
    global _log_dir
    _log_dir = path


def current_log_file() -> Path | None:
    return None if _log_dir is None else log_file(_log_dir)


def _title(exc: CaseDeskError) -> str:
    for kind, title in TITLES:
        if isinstance(exc, kind):
            return translate("errors", title)
    return "CaseDesk"


def describe(exc: BaseException) -> tuple[str, str, QMessageBox.Icon]:
    """Title, text and icon for ``exc``; logs unexpected exceptions with their traceback."""
    if isinstance(exc, CaseDeskError):
        icon = QMessageBox.Icon.Critical if isinstance(exc, IntegrityError) else QMessageBox.Icon.Warning
        if isinstance(exc, Cancelled):
            icon = QMessageBox.Icon.Information
        text = str(exc)
        return _title(exc), text[:1].upper() + text[1:], icon
    path = None
    if _log_dir is not None and _log_dir.parent.exists():
        path = install_file_log(_log_dir)
    log.error("unexpected error: %s", type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
    text = (translate("errors", "Unexpected error ({kind}), details in {path}.") if path is not None
            else translate("errors", "Unexpected error ({kind}), details in the terminal output."))
    return (translate("errors", "Unexpected error"), text.format(kind=type(exc).__name__, path=path),
            QMessageBox.Icon.Critical)


def show_error(parent: QWidget | None, exc: BaseException, action: str | None = None) -> QMessageBox:
    """Show ``exc`` in a message box; ``action`` says what was being done (e.g. "Ingest")."""
    title, text, icon = describe(exc)
    shown = translate("errors", "{action}: {title}").format(action=action, title=title) if action else title
    box = QMessageBox(icon, shown, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names and user text: never HTML
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # copyable for a report
    if parent is None:
        _orphans.append(box)
        box.finished.connect(lambda _r: _orphans.remove(box) if box in _orphans else None)
    box.open()
    return box


def install_excepthook() -> None:
    """Route exceptions escaping Qt slots to the error box instead of stderr only (app start only)."""
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            previous(kind, exc, tb)
            return
        exc.__traceback__ = tb
        from PySide6.QtWidgets import QApplication

        show_error(QApplication.activeWindow(), exc)

    sys.excepthook = hook
