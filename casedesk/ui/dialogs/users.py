"""Administration: user accounts (add, confirm, change role, disable, reset password)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casedesk.security.roles import Role
from casedesk.services.accounts import Account, Accounts
from casedesk.services.session import Session
from casedesk.ui import errors, formatting, theme
from casedesk.ui.dialogs.base import FormDialog
from casedesk.ui.dialogs.password import check_repeat, password_field
from casedesk.ui.forms import MessageLine
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.translator import QT_TRANSLATE_NOOP

ROLE_TIPS = {
    Role.DETECTIVE.value: QT_TRANSLATE_NOOP("UsersDialog", "Works on the cases they are members of"),
    Role.SUPERVISOR.value: QT_TRANSLATE_NOOP("UsersDialog", "Sees every case, reviews custody logs, closes cases"),
    Role.ADMIN.value: QT_TRANSLATE_NOOP("UsersDialog", "Accounts and settings only; no access to evidence"),
}


def role_tip(role: str) -> str:
    return QCoreApplication.translate("UsersDialog", ROLE_TIPS[role]) if role in ROLE_TIPS else ""


def role_box(current: str = Role.DETECTIVE.value) -> QComboBox:
    box = QComboBox()
    box.setObjectName("role")
    for i, role in enumerate(Role):
        box.addItem(formatting.value_label(role.value), role.value)
        box.setItemData(i, role_tip(role.value), Qt.ItemDataRole.ToolTipRole)
    box.setCurrentIndex(box.findData(current))
    return box


class AddUserDialog(FormDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Add user"), self.tr("&Add user"), parent)
        self.session = session
        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setPlaceholderText(self.tr("e.g. jsmith"))
        self.full_name = QLineEdit()
        self.full_name.setObjectName("fullName")
        self.initials = QLineEdit()
        self.initials.setObjectName("initials")
        self.initials.setMaxLength(4)
        self.initials.setPlaceholderText(self.tr("from the full name"))
        self.initials.setToolTip(self.tr("2-4 capital letters; they prefix the user's exhibit references (JAS/1)"))
        self.role = role_box()
        self.password = password_field("password")
        self.repeat = password_field("repeat")
        for label, w in ((self.tr("&User name:"), self.username), (self.tr("&Full name:"), self.full_name),
                         (self.tr("&Initials:"), self.initials), (self.tr("&Role:"), self.role),
                         (self.tr("&Password:"), self.password), (self.tr("R&epeat password:"), self.repeat)):
            self.form.addRow(label, w)
        self.fields = {"username": self.username, "full_name": self.full_name, "initials": self.initials,
                       "password": self.password, "repeat": self.repeat}
        self.username.setFocus()
        self.created: Account | None = None

    def perform(self) -> None:
        password = check_repeat(self.password, self.repeat)
        self.created = Accounts(self.session).add(self.username.text(), self.role.currentData(),
                                                  self.full_name.text(), self.initials.text(), password)


class ResetPasswordDialog(FormDialog):
    def __init__(self, session: Session, username: str, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Reset password for {user}").format(user=username), self.tr("&Reset password"), parent)
        self.session = session
        self.username = username
        self.message.notice(self.tr("The account gets a new signing key; a disabled account is enabled again."))
        self.password = password_field("password")
        self.repeat = password_field("repeat")
        self.form.addRow(self.tr("&New password:"), self.password)
        self.form.addRow(self.tr("R&epeat:"), self.repeat)
        self.fields = {"password": self.password, "repeat": self.repeat}
        self.password.setFocus()  # typing goes into the new password at once

    def perform(self) -> None:
        Accounts(self.session).reset_password(self.username, check_repeat(self.password, self.repeat))


class RoleDialog(FormDialog):
    def __init__(self, session: Session, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Role of {user}").format(user=account.username), self.tr("&Change role"), parent)
        self.session = session
        self.account = account
        self.role = role_box(account.role)
        self.form.addRow(self.tr("&Role:"), self.role)
        self.changed: Account | None = None

    def perform(self) -> None:
        self.changed = Accounts(self.session).set_role(self.account.username, self.role.currentData())


class UsersDialog(QDialog):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.accounts: list[Account] = []
        self.setWindowTitle(self.tr("Users"))
        self.setWindowIcon(app_icon())
        self.resize(820, 420)
        self.list = QTreeWidget()
        self.list.setObjectName("usersList")
        self.list.setAccessibleName(self.tr("Users"))
        self.list.setHeaderLabels([self.tr("User"), self.tr("Full name"), self.tr("Initials"), self.tr("Role"),
                                   self.tr("Status"), self.tr("Created"), self.tr("Password changed")])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemSelectionChanged.connect(self._selection)
        self.add_button = QPushButton(icon("add-member"), self.tr("&Add user…"))
        self.add_button.setObjectName("addUser")
        self.role_button = QPushButton(icon("users"), self.tr("Change &role…"))
        self.role_button.setObjectName("changeRole")
        self.reset_button = QPushButton(icon("password"), self.tr("Reset &password…"))
        self.reset_button.setObjectName("resetPassword")
        self.reset_button.setToolTip(self.tr("Give the account a new password (also re-enables a disabled account)"))
        self.disable_button = QPushButton(icon("lock"), self.tr("&Disable"))
        self.disable_button.setObjectName("disableUser")
        self.disable_button.setToolTip(self.tr("Remove the account's key slot: it can no longer sign in"))
        self.unlock_button = QPushButton(icon("password"), self.tr("&Unlock"))
        self.unlock_button.setObjectName("unlockUser")
        self.unlock_button.setToolTip(self.tr("Lift the lock that repeated wrong passwords put on the account"))
        self.unlock_button.clicked.connect(self._unlock)
        self.confirm_button = QPushButton(icon("users"), self.tr("C&onfirm account"))
        self.confirm_button.setObjectName("confirmAccount")
        self.confirm_button.setToolTip(self.tr("Confirm a new account, a promotion or a re-enabling another "
                                               "administrator made: it holds from then on"))
        self.confirm_button.clicked.connect(self._confirm)
        self.add_button.clicked.connect(self._add)
        self.role_button.clicked.connect(self._change_role)
        self.reset_button.clicked.connect(self._reset)
        self.disable_button.clicked.connect(self._disable)
        self.message = MessageLine()
        buttons = QHBoxLayout()
        for b in (self.add_button, self.confirm_button, self.role_button, self.reset_button, self.unlock_button,
                  self.disable_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.load()

    def load(self, select: str | None = None) -> None:
        try:
            self.accounts = Accounts(self.session).list()
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Users"))
            return
        self.list.clear()
        for a in self.accounts:
            item = QTreeWidgetItem([a.username, a.full_name, a.initials, formatting.value_label(a.role),
                                    formatting.value_label(a.status),
                                    formatting.short_when(a.created_at), formatting.short_when(a.password_changed_at)])
            item.setData(0, Qt.ItemDataRole.UserRole, a.username)
            item.setToolTip(3, role_tip(a.role))
            if a.locked_until is not None:
                item.setToolTip(4, self.tr("Locked after repeated wrong passwords until {when}")
                                .format(when=formatting.when(a.locked_until)))
                item.setForeground(4, theme.warning_colour())
            if a.pending:
                item.setToolTip(4, self.tr("Created by {admin}; it signs in once another administrator confirms it")
                                .format(admin=a.created_by))
                item.setForeground(4, theme.warning_colour())
            elif a.promotion == "enabled":
                item.setToolTip(4, self.tr("Re-enabled by {admin}; it signs in once another administrator confirms it")
                                .format(admin=a.promoted_by))
                item.setForeground(4, theme.warning_colour())
            elif a.promotion is not None:
                item.setToolTip(4, self.tr("{admin} made this account {role}; it stays {now} until another "
                                           "administrator confirms the change")
                                .format(admin=a.promoted_by, role=formatting.value_label(a.promotion),
                                        now=formatting.value_label(a.role)))
                item.setForeground(4, theme.warning_colour())
            self.list.addTopLevelItem(item)
            if a.username == select:
                self.list.setCurrentItem(item)
        self._selection()

    def selected(self) -> Account | None:
        item = self.list.currentItem()
        if item is None:
            return None
        name = item.data(0, Qt.ItemDataRole.UserRole)
        return next((a for a in self.accounts if a.username == name), None)

    def _selection(self) -> None:
        a = self.selected()
        mine = a is not None and a.username == self.session.user.username
        self.role_button.setEnabled(a is not None)
        self.reset_button.setEnabled(a is not None and not mine)
        self.disable_button.setEnabled(a is not None and not a.disabled and not mine)
        self.unlock_button.setEnabled(a is not None and a.locked_until is not None)
        me = self.session.user.username
        self.confirm_button.setEnabled(a is not None and not mine and (
            (a.pending and a.created_by != me) or (a.promotion is not None and a.promoted_by != me)))

    def _add(self) -> None:
        dialog = AddUserDialog(self.session, self)

        def added() -> None:
            a = dialog.created
            if a is None:
                return
            self.load(a.username)
            if a.pending:
                self.message.success(self.tr("{user} added; the account signs in once another administrator "
                                             "confirms it.").format(user=a.username))
            else:
                self.message.success(self.tr("{user} added. This installation has one administrator, so the account "
                                             "is active at once; where there are two or more, a second administrator "
                                             "confirms each new account.").format(user=a.username))

        self._open(dialog, added)

    def _confirm(self) -> None:
        a = self.selected()
        if a is None:
            return
        try:
            if a.pending:
                Accounts(self.session).confirm_creation(a.username)
                said = self.tr("Account {user} confirmed: it may sign in.").format(user=a.username)
            elif a.promotion == "enabled":
                Accounts(self.session).confirm_promotion(a.username, a.promotion)
                said = self.tr("Account {user} re-enabled: it may sign in.").format(user=a.username)
            elif a.promotion is not None:
                Accounts(self.session).confirm_promotion(a.username, a.promotion)
                said = self.tr("Role of {user} confirmed: now {role}.").format(
                    user=a.username, role=formatting.value_label(a.promotion))
            else:
                return
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Confirm account"))
            return
        self.load(a.username)
        self.message.success(said)

    def _unlock(self) -> None:
        a = self.selected()
        if a is None:
            return
        try:
            Accounts(self.session).unlock(a.username)
        except Exception as exc:
            errors.show_error(self, exc, self.tr("Unlock account"))
            return
        self.load(a.username)
        self.message.success(self.tr("Account {user} unlocked: it can sign in again.").format(user=a.username))

    def _open(self, dialog: FormDialog, done: Callable[[], None] | None = None) -> None:
        keep = self.selected()

        def after() -> None:
            self.load(keep.username if keep else None)
            if done is not None:
                done()

        dialog.accepted.connect(after)
        dialog.open()
        self.child: QWidget = dialog

    def _change_role(self) -> None:
        a = self.selected()
        if a is None:
            return
        dialog = RoleDialog(self.session, a, self)

        def changed() -> None:
            c = dialog.changed
            if c is not None and c.promotion is not None:
                self.message.success(self.tr("{user} stays {now} until another administrator confirms the change to "
                                             "{role}.").format(user=c.username, now=formatting.value_label(c.role),
                                                               role=formatting.value_label(c.promotion)))

        self._open(dialog, changed)

    def _reset(self) -> None:
        a = self.selected()
        if a is not None:
            self._open(ResetPasswordDialog(self.session, a.username, self),
                       lambda: self.message.success(self.tr("Password for {user} reset.").format(user=a.username)))

    def _disable(self) -> None:
        a = self.selected()
        if a is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Disable account"),
                          self.tr("Disable {user} ({name})? The account's key slot is removed and it can no longer "
                                  "sign in; a password reset brings it back.").format(user=a.username,
                                                                                       name=a.full_name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDisable")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)

        def answered(button: int) -> None:
            if button != QMessageBox.StandardButton.Yes:
                return
            try:
                Accounts(self.session).disable(a.username)
            except Exception as exc:
                errors.show_error(self, exc, self.tr("Disable account"))
                return
            self.load(a.username)
            self.message.success(self.tr("Account {user} disabled.").format(user=a.username))

        box.finished.connect(answered)
        box.open()
        self.child = box
