"""No installation yet: create one with its administrator, or open the demo."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casedesk.datadir import DataDir
from casedesk.errors import CaseDeskError
from casedesk.security import device_secret, recovery
from casedesk.services.accounts import MIN_PASSWORD_LENGTH
from casedesk.services.installation import InitResult, Installation
from casedesk.ui import errors
from casedesk.ui.forms import BusyBar, MessageLine, focus_field, make_default
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.workers import JobRunner


def demo_hint(info: Any) -> str:
    """The demo's accounts and passwords, as the login dialog shows them."""
    users = getattr(info, "passwords", None) or getattr(info, "users", None) or {}
    lines = [f"{name}: {password}" for name, password in dict(users).items()]
    if not lines:
        return QCoreApplication.translate("FirstRunDialog", "Demo installation ready.")
    return QCoreApplication.translate("FirstRunDialog", "Demo accounts (user: password):") + "\n" + "\n".join(lines)


class FirstRunDialog(QDialog):
    """Emits ``installed(admin name, hint)`` once the data directory holds an installation."""

    installed = Signal(str, str)

    def __init__(self, installation: Installation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.installation = installation
        self.runner = JobRunner(self)
        self.setWindowTitle(self.tr("Welcome to CaseDesk"))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)

        intro = QLabel(
            self.tr("<b style='font-size:15pt'>Welcome to CaseDesk</b><br>There is no installation "
                    "in <code>{folder}</code> yet. Create one with its administrator account, or "
                    "open the demo installation (Operation Lantern, with sample exhibits) to look "
                    "around.").format(folder=installation.datadir.root)
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.admin = QLineEdit("admin")
        self.admin.setObjectName("admin")
        self.admin.setToolTip(self.tr("Administrator user name: lower-case letters, digits, '.', '_' or '-'"))
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.full_name.setPlaceholderText(self.tr("e.g. Ada Admin"))
        self.initials = QLineEdit()
        self.initials.setObjectName("initials")
        self.initials.setMaxLength(4)
        self.initials.setPlaceholderText(self.tr("from the full name"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(self.tr("At least {n} characters").format(n=MIN_PASSWORD_LENGTH))
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow(self.tr("Administrator &user name:"), self.admin)
        form.addRow(self.tr("&Full name:"), self.full_name)
        form.addRow(self.tr("&Initials:"), self.initials)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow(self.tr("&Repeat password:"), self.repeat)
        self.create_button = QPushButton(icon("new-case"), self.tr("&Create installation"))
        self.create_button.setObjectName("create")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_installation)
        create_row = QHBoxLayout()
        create_row.addStretch(1)
        create_row.addWidget(self.create_button)
        create_box = QGroupBox(self.tr("New installation"))
        create_layout = QVBoxLayout(create_box)
        create_layout.addLayout(form)
        create_layout.addLayout(create_row)

        self.demo_button = QPushButton(icon("case"), self.tr("Open the &demo"))
        self.demo_button.setObjectName("demo")
        self.demo_button.setToolTip(self.tr("Create a demo installation with sample users, a case and exhibits here"))
        self.demo_button.clicked.connect(self.open_demo)
        quit_button = QPushButton(self.tr("&Quit"))
        quit_button.clicked.connect(self.reject)
        make_default(self.create_button, self.demo_button, quit_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.demo_button)
        bottom.addStretch(1)
        bottom.addWidget(quit_button)

        self.keyring_notice = MessageLine()
        self.keyring_notice.setObjectName("keyringNotice")
        if not device_secret.keyring_usable():
            self.keyring_notice.notice(device_secret.NO_KEYRING_NOTICE)
        self.message = MessageLine()
        self.busy = BusyBar()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(create_box)
        layout.addWidget(self.keyring_notice)
        layout.addWidget(self.message)
        layout.addWidget(self.busy)
        layout.addLayout(bottom)
        for a, b in ((self.admin, self.full_name), (self.full_name, self.initials), (self.initials, self.password),
                     (self.password, self.repeat), (self.repeat, self.create_button),
                     (self.create_button, self.demo_button), (self.demo_button, quit_button)):
            self.setTabOrder(a, b)
        self.full_name.setFocus()

    @property
    def datadir(self) -> DataDir:
        return self.installation.datadir

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        if busy:
            self.setFocus()  # not onto Quit: the fields are disabled while the step runs
        for w in (self.create_button, self.demo_button, self.admin, self.full_name, self.initials,
                  self.password, self.repeat):
            w.setEnabled(not busy)
        self.create_button.setDefault(True)
        if busy:
            self.message.notice(text)

    def create_installation(self) -> None:
        if self.password.text() != self.repeat.text():
            self.message.error(self.tr("The two passwords differ."))
            self.repeat.clear()
            self.repeat.setFocus()
            return
        admin = self.admin.text().strip()
        full_name, initials = self.full_name.text().strip(), self.initials.text().strip()
        password = self.password.text()
        self._set_busy(True, "Creating the installation: generating keys…")
        self.runner.submit(
            "initialise",
            lambda _p, _c: self.installation.initialise(admin, password, full_name or admin, initials),
            on_success=lambda result: self._done(admin, "\n".join([*result.notices, *_recovery_lines(result)])),
            on_failure=self._failed,
        )

    def open_demo(self) -> None:
        from casedesk.demo import create_demo  # imported on demand: it carries the sample material

        self._set_busy(True, "Creating the demo installation: users, a case and exhibits…")
        self.runner.submit(
            "demo",
            lambda _p, _c: create_demo(self.datadir.root),
            on_success=lambda info: self._done("", demo_hint(info)),
            on_failure=self._failed,
        )

    def _done(self, admin: str, hint: str) -> None:
        self._set_busy(False)
        self.message.clear_message()
        self.installed.emit(admin, hint)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        fields = {"username": self.admin, "full_name": self.full_name, "initials": self.initials,
                  "password": self.password}
        focus_field(fields, exc, self.full_name)
        if isinstance(exc, CaseDeskError):
            self.message.error(str(exc))
        else:
            self.message.clear_message()
            errors.show_error(self, exc, self.tr("Set-up"))


def _recovery_lines(result: InitResult) -> list[str]:
    """The recovery key, shown once: on the login window that follows, as selectable text."""
    if result.recovery_key is None:
        return []
    return [recovery.NOTICE, result.recovery_key]
