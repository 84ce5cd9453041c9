"""Idle auto-lock: after the installation's ``desktop.lock_after_minutes`` without keyboard or mouse, the window is
covered and asks for the signed-in user's password again.

Nothing is closed or reloaded: open dialogs are hidden and shown again, the focus goes back where it was, typed
text stays where it was typed. While locked, keys, clicks and shortcuts reach only the lock screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.services.accounts import Accounts
from casedesk.services.session import Session
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import icon

ACTIVITY = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
                      QEvent.Type.Wheel, QEvent.Type.TouchBegin})
BLOCKED = frozenset({QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.ShortcutOverride,
                     QEvent.Type.Shortcut, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                     QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel})


class LockScreen(QFrame):
    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        title = QLabel(self.tr("<h2>CaseDesk is locked</h2>"))
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        user = session.user
        text = QLabel(self.tr("Signed in as <b>{name}</b> ({user}). Enter your password to carry on where you left "
                              "off: nothing you typed is lost.").format(name=user.full_name, user=user.username))
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Password"))
        self.password.setAccessibleName(self.tr("Password"))
        self.password.returnPressed.connect(self.attempt)
        self.unlock_button = QPushButton(icon("lock"), self.tr("&Unlock"))
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.clicked.connect(self.attempt)
        self.sign_out_button = QPushButton(icon("sign-out"), self.tr("Sign &out"))
        self.sign_out_button.setObjectName("lockSignOut")
        self.sign_out_button.setToolTip(self.tr("Sign out; a case summary not yet saved is discarded (whoever is at "
                                                "the keyboard cannot save it in your name)"))
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.message = MessageLine()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_out_button)
        buttons.addWidget(self.unlock_button)
        box = QWidget()
        box.setMaximumWidth(460)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addWidget(text)
        inner.addWidget(self.password)
        inner.addWidget(self.message)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.hide()

    def attempt(self) -> None:
        try:
            Accounts(self.session).confirm_password(self.password.text())
        except CaseDeskError as exc:
            self.password.clear()
            self.message.error(str(exc))
            self.password.setFocus()
            return
        self.password.clear()
        self.message.clear_message()
        self.unlocked.emit()


class IdleLock(QObject):
    """Watches the application's input; locks ``window`` after ``minutes`` of none (0: never)."""

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget, session: Session, minutes: int, sign_out: Callable[[], None]) -> None:
        super().__init__(window)
        self.window = window
        self.locked = False
        self.screen = LockScreen(session, window)
        self.screen.unlocked.connect(self.unlock)
        self.screen.sign_out_requested.connect(sign_out)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self.set_minutes(minutes)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.minutes = minutes
        if minutes > 0 and not self.locked:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def _belongs(self, widget: QObject | None) -> bool:
        while widget is not None:
            if widget is self.window:
                return True
            widget = widget.parent()
        return False

    def _on_screen(self, widget: QObject | None) -> bool:
        while widget is not None:
            if widget is self.screen:
                return True
            widget = widget.parent()
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window and kind == QEvent.Type.Resize:
            self.screen.setGeometry(self.window.rect())
        if self.locked:
            # Only the lock screen takes input; a window shortcut (Ctrl+E, Ctrl+N...) does nothing.
            return kind in BLOCKED and not self._on_screen(watched)
        if kind in ACTIVITY and self.minutes > 0:
            self.timer.start(self.minutes * 60_000)
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.locked = True
        self.timer.stop()
        self._hidden = [w for w in QApplication.topLevelWidgets()
                        if w is not self.window and w.isVisible() and self._belongs(w.parent())]
        # Where typing goes back to: the field of the dialog on top (a modal one takes the input), else the
        # window's own focus widget (kept per window by Qt even while another window is active).
        modal = [w for w in self._hidden if w.isModal()] or self._hidden
        self._focus = (modal[-1].focusWidget() or modal[-1]) if modal else self.window.focusWidget()
        for w in self._hidden:
            w.hide()
        self.screen.setGeometry(self.window.rect())
        self.screen.show()
        self.screen.raise_()
        self.window.activateWindow()
        self.screen.password.setFocus()
        self.locked_changed.emit(True)

    def unlock(self) -> None:
        self.locked = False
        self.screen.hide()
        for w in self._hidden:
            w.show()
        if self._focus is not None:
            self._focus.activateWindow()
            self._focus.setFocus()
        self._hidden, self._focus = [], None
        self.set_minutes(self.minutes)
        self.locked_changed.emit(False)

    def unlock_for_exit(self) -> None:
        """Signing out from the lock screen: the hidden dialogs close with the window, unseen."""
        for w in self._hidden:
            w.close()
        self._hidden, self._focus = [], None
        self.locked = False
        self.screen.hide()

    def stop(self) -> None:
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
