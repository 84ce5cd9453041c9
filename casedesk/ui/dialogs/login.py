"""Sign in: user name and password, with the reason in plain words when it fails."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from casedesk.errors import CaseDeskError
from casedesk.ui import deferred, errors
from casedesk.ui.forms import BusyBar, MessageLine, make_default
from casedesk.ui.icons import app_icon
from casedesk.ui.workers import JobRunner

if TYPE_CHECKING:  # the service layer is imported after this window is shown (ui/deferred.py)
    from casedesk.ui.deferred import Installation


class LoginDialog(QDialog):
    signed_in = Signal(object)  # Session

    def __init__(self, installation: Installation, username: str = "", hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.installation = installation
        self.runner = JobRunner(self)
        self.setWindowTitle(self.tr("Sign in to CaseDesk"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(460)

        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(48, 48))
        title = QLabel(self.tr("<b style='font-size:16pt'>CaseDesk</b><br>Evidence case management"))
        header = QHBoxLayout()
        header.addWidget(logo)
        header.addWidget(title, 1)

        self.user = QLineEdit(username)
        self.user.setObjectName("user")
        self.user.setPlaceholderText(self.tr("e.g. jsmith"))
        self.user.setToolTip(self.tr("Your CaseDesk user name"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(self.tr("Your CaseDesk password (at least 12 characters)"))
        form = QFormLayout()
        form.addRow(self.tr("&User name:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)

        where = QLabel(self.tr("Data directory: {folder}").format(folder=installation.datadir.root))
        where.setObjectName("dataDir")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setStyleSheet("color: palette(placeholder-text);")

        self.keyring_notice = MessageLine()
        self.keyring_notice.setObjectName("keyringNotice")  # filled in by check_keyring
        self.hint = QLabel(hint)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint.setVisible(bool(hint))
        self.message = MessageLine()
        self.busy = BusyBar()

        self.buttons = QDialogButtonBox()
        self.sign_in_button = self.buttons.addButton(self.tr("&Sign in"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_in_button.setObjectName("signIn")
        self.sign_in_button.setDefault(True)
        quit_button = self.buttons.addButton(self.tr("&Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setToolTip(self.tr("Close CaseDesk"))
        make_default(self.sign_in_button, quit_button)
        self.buttons.accepted.connect(self.attempt)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(self.keyring_notice)
        layout.addWidget(self.busy)
        layout.addWidget(where)
        layout.addWidget(self.buttons)
        self.setTabOrder(self.user, self.password)
        self.setTabOrder(self.password, self.sign_in_button)
        (self.password if username else self.user).setFocus()

    def check_keyring(self) -> None:
        """Say so when there is no usable OS keyring. Asked off the GUI thread once the window is up (the app
        calls this after its first paint): importing keyring and finding its backend takes longer than
        showing this window."""

        def usable(_progress: Any, _cancel: Any) -> bool:
            deferred.loaded()  # the service layer imports keyring too: one thread at a time
            from casedesk.security import device_secret

            return device_secret.keyring_usable()

        def answered(ok: Any) -> None:
            if not ok:
                from casedesk.security.device_secret import NO_KEYRING_NOTICE

                self.keyring_notice.notice(NO_KEYRING_NOTICE)

        self.runner.submit("keyring check", usable, on_success=answered, on_failure=lambda _exc: None)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        if busy:
            self.setFocus()  # not onto Quit: the fields are disabled while the check runs
        for w in (self.user, self.password, self.sign_in_button):
            w.setEnabled(not busy)
        self.sign_in_button.setDefault(True)

    def attempt(self) -> None:
        user, password = self.user.text().strip(), self.password.text()
        if not user:
            self.message.error(self.tr("Enter your user name."))
            self.user.setFocus()
            return
        if not password:
            self.message.error(self.tr("Enter your password."))
            self.password.setFocus()
            return
        self.message.clear_message()
        self._set_busy(True)
        self.runner.submit(
            "sign-in",
            lambda _progress, _cancel: self.installation.sign_in(user, password),
            on_success=self._succeeded,
            on_failure=self._failed,
        )

    def _succeeded(self, session: Any) -> None:
        from casedesk.services.session import Session  # imported by the sign-in that just succeeded

        self._set_busy(False)
        assert isinstance(session, Session)
        self.password.clear()
        self.signed_in.emit(session)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.password.clear()
        if "no account named" in str(exc) or "is disabled" in str(exc):
            self.user.setFocus()
            self.user.selectAll()
        else:
            self.password.setFocus()
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            errors.show_error(self, exc, self.tr("Sign in"))
