"""Alt+letter does what it says: on every page of the main window, no two widgets a user can reach share a mnemonic.

Qt only moves the focus, without pressing anything, when two visible widgets answer the same Alt+letter: a
supervisor who pressed Alt+A for Approve saw the button take the focus and nothing approved.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMainWindow, QTabBar, QWidget
from pytestqt.qtbot import QtBot

from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in
from tests.ui.test_custody import ingest_fixture

MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def _letter(text: str) -> str | None:
    found = MNEMONIC.search(text)
    return found.group(1).lower() if found else None


def _owners(window: QWidget) -> dict[str, list[str]]:
    """Every Alt+letter the window answers right now, with what answers it."""
    owners: dict[str, list[str]] = defaultdict(list)
    # The menu bar answers the letters of all its menus, hidden ones too (Qt grabs one per menu title).
    for menu in (window.menuBar().actions() if isinstance(window, QMainWindow) else []):
        if letter := _letter(menu.text()):
            owners[letter].append(f"menu {menu.text()!r}" + ("" if menu.isVisible() else " (hidden)"))
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton):
            text = widget.text()
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        else:
            continue
        if letter := _letter(text):
            owners[letter].append(f"{type(widget).__name__} {text!r}")
    for bar in window.findChildren(QTabBar):
        if not bar.isVisible():
            continue
        for i in range(bar.count()):
            if bar.isTabVisible(i) and (letter := _letter(bar.tabText(i))):
                owners[letter].append(f"tab {bar.tabText(i)!r}")
    return owners


def test_no_two_widgets_on_a_page_share_an_alt_letter(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names\n"})
    clashes: list[str] = []
    for user in ("sgt", "jsmith", "admin"):
        controller, window = sign_in(qtbot, store, user)
        try:
            pages = [("home", None)]
            if user != "admin":
                select_case(qtbot, window, CASE)
                pages = [(window.tabs.tabText(i), i) for i in range(window.tabs.count())
                         if window.tabs.isTabVisible(i)]
            for name, index in pages:
                if index is not None:
                    window.tabs.setCurrentIndex(index)
                    if window.tabs.currentWidget() is getattr(window, "exhibits", None):
                        qtbot.waitUntil(lambda: window.exhibits.model.rowCount() == 1, timeout=TIMEOUT)
                        window.exhibits.view.selectRow(0)  # the detail pane, with its own tabs, shows
                QApplication.processEvents()
                for letter, who in sorted(_owners(window).items()):
                    if len(who) > 1:
                        clashes.append(f"{user}, page {name!r}: Alt+{letter.upper()} is {', '.join(who)}")
        finally:
            close_all(controller)
    assert not clashes, "\n".join(clashes)


def test_alt_a_approves_on_the_review_page(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """The supervisor's own words: Alt+A took the focus to Approve and approved nothing."""
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names\n"})
    controller, window = sign_in(qtbot, store, "sgt")
    try:
        select_case(qtbot, window, CASE)
        window.tabs.setCurrentWidget(window.review)
        qtbot.waitUntil(lambda: window.review.model.rowCount() > 0, timeout=TIMEOUT)
        window.review.entries.setFocus()
        qtbot.keyClick(window.review.entries, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: window.review.model.rowCount() == 0, timeout=TIMEOUT)
        assert "Approved up to entry" in window.review.message.text()
    finally:
        close_all(controller)


def test_no_two_widgets_of_a_dialog_share_an_alt_letter(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """Every dialog that opens from a session: New case's Alt+C was both Create case and Officer in charge."""
    from casedesk.services.accounts import Accounts
    from casedesk.services.cases import Cases
    from casedesk.services.conflicts import ConflictView
    from casedesk.ui.dialogs.add_member import AddMemberDialog
    from casedesk.ui.dialogs.close_case import CloseCaseDialog, ReopenCaseDialog
    from casedesk.ui.dialogs.disclosure import CASE_UCO, MG6C, MG6D, DisclosureExportDialog
    from casedesk.ui.dialogs.export import ExportDialog
    from casedesk.ui.dialogs.handover import HandOverDialog, ReceiveCaseDialog
    from casedesk.ui.dialogs.ingest import IngestDialog
    from casedesk.ui.dialogs.new_case import NewCaseDialog
    from casedesk.ui.dialogs.password import ChangePasswordDialog
    from casedesk.ui.dialogs.remote_review import RemoteReviewDialog
    from casedesk.ui.dialogs.resolve_conflict import ResolveConflictDialog
    from casedesk.ui.dialogs.settings import SettingsDialog
    from casedesk.ui.dialogs.sync import SyncDialog
    from casedesk.ui.dialogs.time_anomalies import TimeAnomaliesDialog
    from casedesk.ui.dialogs.users import AddUserDialog, ResetPasswordDialog, RoleDialog, UsersDialog
    from casedesk.ui.dialogs.verify import VerifyDialog

    ingest_fixture(store, tmp_path, {"dossier.txt": b"names\n"})
    clashes: list[str] = []

    def check(dialog: QWidget) -> None:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        for letter, who in sorted(_owners(dialog).items()):
            if len(who) > 1:
                clashes.append(f"{type(dialog).__name__}: Alt+{letter.upper()} is {', '.join(who)}")
        dialog.close()

    disputed = ConflictView(CASE, "JAS/1", "moved", 30, "2026-11-25T01:00:00Z",
                            {"seq": 12, "custodian": "jsmith", "location": "Desk 4"},
                            {"seq": 12, "hash": "ab" * 32, "action": "exhibit.transferred", "custodian": "Lab bench 3",
                             "location": "Lab bench 3"}, "open custody conflict")
    sgt = store.sign_in("sgt")
    try:
        case = Cases(sgt).show(CASE)
        for build in (lambda: NewCaseDialog(sgt), lambda: ChangePasswordDialog(sgt), lambda: CloseCaseDialog(sgt, case),
                      lambda: ReopenCaseDialog(sgt, case), lambda: AddMemberDialog(sgt, case),
                      lambda: ExportDialog(sgt, CASE), lambda: IngestDialog(sgt, CASE), lambda: SyncDialog(sgt),
                      lambda: RemoteReviewDialog(sgt), lambda: TimeAnomaliesDialog(sgt), lambda: VerifyDialog(sgt, CASE),
                      lambda: HandOverDialog(sgt, CASE, case.title), lambda: ReceiveCaseDialog(sgt),
                      lambda: ResolveConflictDialog(sgt, CASE, [disputed]),
                      *(lambda kind=kind: DisclosureExportDialog(sgt, CASE, kind) for kind in (MG6C, MG6D, CASE_UCO))):
            check(build())
    finally:
        sgt.close()
    admin = store.sign_in("admin")
    try:
        account = next(a for a in Accounts(admin).list() if a.username == "jsmith")
        for build in (lambda: AddUserDialog(admin), lambda: ResetPasswordDialog(admin, "jsmith"),
                      lambda: RoleDialog(admin, account), lambda: UsersDialog(admin), lambda: SettingsDialog(admin)):
            check(build())
    finally:
        admin.close()
    assert not clashes, "\n".join(clashes)
