"""Starting the desktop application: first run or sign in, then the main window.

``run(datadir)`` is what ``casedesk gui`` calls. The sign-in window needs Qt
and little else: the service layer is imported on a background thread once
that window has painted (``ui/deferred.py``), and the main window's modules
(tables, previews, PDF) after sign-in, so the window appears as soon as Qt
itself is up.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from casedesk import __version__
from casedesk.datadir import DataDir
from casedesk.logsetup import install_file_log
from casedesk.ui import deferred, errors, theme
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.icons import app_icon
from casedesk.ui.translator import install_translators, remove_translators
from casedesk.ui.window_state import APPLICATION, ORGANISATION, last_user, remember_user

if TYPE_CHECKING:
    from casedesk.services.session import Session
    from casedesk.ui.main_window import MainWindow

log = logging.getLogger("casedesk.ui")

# Called with the first window shown (first run or login); benchmarks and screenshots hook in here.
READY_HOOKS: list[Callable[[QWidget], None]] = []


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, created on first use with the palette and names set."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName("CaseDesk")
    app.setWindowIcon(app_icon())
    theme.apply(app)
    return app


class _AfterFirstPaint(QObject):
    """Starts the service layer's import once the window it watches has painted (not before: the import
    holds the interpreter most of the time, and the first paint comes first), then the window's own checks."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: self._painted(watched))
        return False

    @staticmethod
    def _painted(window: QObject) -> None:
        deferred.preload()
        if isinstance(window, LoginDialog):
            window.check_keyring()


class AppController(QObject):
    """First run → login → main window → (sign out) → login …"""

    window_opened = Signal(object)  # MainWindow
    finished = Signal()

    def __init__(self, datadir: DataDir, username: str = "") -> None:
        super().__init__()
        self.datadir = datadir
        self.installation = deferred.Installation(datadir)
        self._after_paint = _AfterFirstPaint(self)
        self.username = username
        self.session: Session | None = None
        self.window: MainWindow | None = None
        self.dialog: QDialog | None = None
        errors.set_log_dir(datadir.logs)

    def start(self) -> QDialog:
        if self.installation.is_initialised():
            return self.show_login(self.username)
        return self.show_first_run()

    def _announce(self, widget: QWidget) -> None:
        for hook in list(READY_HOOKS):
            hook(widget)

    def show_first_run(self) -> QDialog:
        from casedesk.ui.dialogs.first_run import FirstRunDialog  # once per installation: not on the usual path

        dialog = FirstRunDialog(self.installation.service)  # initialises: the real service, loaded now
        dialog.installed.connect(lambda admin, hint: self.show_login(admin, hint))
        dialog.rejected.connect(self._quit)
        self.dialog = dialog
        dialog.show()
        self._announce(dialog)
        return dialog

    def show_login(self, username: str = "", hint: str = "") -> QDialog:
        if self.datadir.root.exists():
            install_file_log(self.datadir.logs)
        dialog = LoginDialog(self.installation, username or last_user(self.datadir.root), hint)
        dialog.signed_in.connect(self._signed_in)
        dialog.rejected.connect(self._quit)
        self.dialog = dialog
        dialog.installEventFilter(self._after_paint)
        dialog.show()
        self._announce(dialog)
        return dialog

    def _signed_in(self, session: Session) -> None:
        from casedesk.ui.main_window import MainWindow

        self.session = session
        self.dialog = None
        remember_user(self.datadir.root, session.user.username)
        window = MainWindow(session)
        window.signed_out.connect(self._signed_out)
        window.closed.connect(self._quit)
        self.window = window
        window.show()
        window.after_show()
        self.window_opened.emit(window)

    def _signed_out(self) -> None:
        name = self.session.user.username if self.session else ""
        self._close_session()
        self.window = None
        self.show_login(name)

    def _close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def _quit(self) -> None:
        self._close_session()
        self.finished.emit()


def run(datadir: DataDir, username: str = "") -> int:
    """Open the desktop application on ``datadir`` and run until the last window closes."""
    app = application()
    translators = install_translators(app)  # before the first widget: texts are translated when they are set
    errors.install_excepthook()
    controller = AppController(datadir, username)
    controller.finished.connect(app.quit)
    app.setQuitOnLastWindowClosed(False)  # between login and main window no window is shown
    controller.start()
    code = app.exec()
    controller._close_session()
    remove_translators(app, translators)
    log.info("desktop application closed")
    return int(code)
