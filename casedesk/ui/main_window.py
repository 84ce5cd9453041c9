"""The main window: the case list beside the case workspace, menus, toolbar, status bar."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from casedesk import __version__
from casedesk.security.roles import Permission, Role
from casedesk.services.evidence import Evidence
from casedesk.services.home import Home
from casedesk.services.session import Session
from casedesk.services.settings import Settings
from casedesk.settings import SPECS
from casedesk.ui import errors, formatting, window_state
from casedesk.ui.icons import app_icon, icon
from casedesk.ui.idle_lock import IdleLock
from casedesk.ui.partials.case_list import CaseListPanel
from casedesk.ui.partials.home_page import HomePage
from casedesk.ui.store_watch import StoreWatcher
from casedesk.ui.tabs.base import CaseTab
from casedesk.ui.tabs.custody import CustodyTab
from casedesk.ui.tabs.exhibits import ExhibitsTab
from casedesk.ui.tabs.notes import NotesTab
from casedesk.ui.tabs.overview import OverviewTab
from casedesk.ui.tabs.review import ReviewTab
from casedesk.ui.tabs.timeline import TimelineTab
from casedesk.ui.workers import JobRunner

log = logging.getLogger("casedesk.ui")


class WindowShortcuts(QObject):
    """The window's Ctrl shortcuts win over a text field's own key bindings (Ctrl+E is "end of line" in a
    QLineEdit on X11, so Export did nothing while the case search box had the focus)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, (QLineEdit, QAbstractSpinBox, QComboBox)) or watched.window() is not self.window:
            return False
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        pressed = QKeySequence(event.keyCombination())
        for action in self.window.actions():
            if action.isEnabled() and any(s.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                                          for s in action.shortcuts()):
                return True  # not accepted: the window's shortcut fires instead of the field's binding
        return False


class MainWindow(QMainWindow):
    signed_out = Signal()
    closed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = JobRunner(self)
        self.case_ref: str | None = None
        self._signing_out = False
        self._drafts_settled = False  # the user chose to save or discard unsaved summaries: close now
        self.dialog: Any = None
        self.extracted: Path | None = None
        self._tips: dict[QAction, str] = {}  # each action's own tip, before any "why not now"
        self.last_case = window_state.last_case(session.datadir.root, session.user.username)
        self._handed_over: tuple[str, str] | None = None  # (case, why it is read-only here) once read
        self._conflicts: tuple[str, list[Any]] | None = None  # (case, its open custody conflicts) once read
        self.setWindowTitle(self.tr("CaseDesk — {name} ({user})").format(name=session.user.full_name,
                                                                      user=session.user.username))
        self.setWindowIcon(app_icon())
        self.setObjectName("mainWindow")

        self.cases = CaseListPanel(session)
        self.cases.case_selected.connect(self.open_case)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("workspace")
        self.tabs.setDocumentMode(True)
        self.case_tabs: dict[str, CaseTab] = {}
        self._build_tabs()
        self.home = HomePage(session)
        self.home.continue_with(self.last_case)
        self.home.open_case.connect(self.open_from_home)
        self.home.answered.connect(lambda _ref: self._case_changed(""))
        self.home.loaded.connect(self._notify)
        self._known_queries: set[int] | None = None  # the queries already announced
        self.workspace = QStackedWidget()
        self.workspace.addWidget(self.home)
        self.workspace.addWidget(self.tabs)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.cases)
        self.splitter.addWidget(self.workspace)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self._build_actions()
        if session.can(Permission.CASE_CONTENT):
            for act in (self.act_transfer, self.act_check_out, self.act_return, self.act_extract):
                button = QToolButton()
                button.setDefaultAction(act)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                self.exhibits.detail.add_button(button)
            if session.can(Permission.CUSTODY_RESOLVE):
                button = QToolButton()
                button.setObjectName("resolveConflictButton")
                button.setDefaultAction(self.act_resolve_conflict)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                self.exhibits.detail.add_button(button)
        overview = self.case_tabs["overview"]
        if isinstance(overview, OverviewTab):
            button = QToolButton()
            button.setObjectName("handOverButton")
            button.setDefaultAction(self.act_hand_over)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setVisible(session.can(Permission.CASE_EDIT) and session.can(Permission.CASE_CONTENT))
            overview.add_button(button)
        self._build_menus()
        self._build_status()
        self.resize(1280, 800)
        self.splitter.setSizes([340, 940])
        window_state.restore_window(self, "main")
        window_state.restore_splitter(self.splitter, "main")
        self.update_actions()
        self.idle = IdleLock(self, session, self._lock_minutes(), self._sign_out_from_lock)
        self.watcher = StoreWatcher(session, self)
        self.watcher.changed.connect(self._store_changed)
        self.shortcuts = WindowShortcuts(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.shortcuts)

    # --- construction ------------------------------------------------------
    def _add_tab(self, key: str, tab: CaseTab, title: str, icon_name: str, tip: str) -> None:
        self.case_tabs[key] = tab
        # No Alt+letter on the tabs: the menus own those (File, Edit, View, Custody...), and a letter two widgets
        # answer only moves the focus. Ctrl+1 to Ctrl+6 open the tabs, which their tooltips say.
        index = self.tabs.addTab(tab, icon(icon_name), title)
        self.tabs.setTabToolTip(index, self.tr("{tip} (Ctrl+{n})").format(tip=tip, n=index + 1))
        tab.changed.connect(lambda: self._case_changed(key))

    def _build_tabs(self) -> None:
        s = self.session
        self._add_tab("overview", OverviewTab(s), self.tr("Overview"), "case", self.tr("Details, summary and "
                                                                                        "membership"))
        if s.can(Permission.CASE_CONTENT):
            self.exhibits = ExhibitsTab(s)
            self.exhibits.ingest_requested.connect(self.ingest)
            self.exhibits.selection_changed.connect(self.update_actions)
            self.exhibits.conflicts_loaded.connect(self._conflicts_loaded)
            self._add_tab("exhibits", self.exhibits, self.tr("Exhibits"), "exhibit",
                          self.tr("The exhibit register; drop files here to ingest them"))
            self.custody = CustodyTab(s)
            self.custody.verify_button.clicked.connect(self.verify)
            self.exhibits.references_loaded.connect(self.custody.set_exhibit_choices)
            self._add_tab("custody", self.custody, self.tr("Custody"), "custody",
                          self.tr("The case's custody log with filters, and verification"))
            notes = NotesTab(s)
            self.exhibits.references_loaded.connect(notes.set_exhibit_choices)
            self._add_tab("notes", notes, self.tr("Notes"), "note", self.tr("The case's notes"))
            self.review = ReviewTab(s)
            self.review.open_case_requested.connect(self.show_case)
            self._add_tab("review", self.review, self.tr("Review"), "review",
                          self.tr("Supervisor review of the custody log; open queries"))
            self.timeline = TimelineTab(s)
            self.timeline.entry_requested.connect(lambda seq: self.show_problem(seq, None))
            self._add_tab("timeline", self.timeline, self.tr("Timeline"), "custody",
                          self.tr("The case's story in time order: seizures, exhibits, movements, notes, reviews"))

    def _action(self, text: str, icon_name: str | None, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        self._tips[action] = tip
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            shown = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" \
                if shortcut is not None else tip
            action.setToolTip(shown)
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.act_new_case = a(self.tr("&New case…"), "new-case", self.new_case, QKeySequence.StandardKey.New,
                              self.tr("Open a new case"))
        self.act_ingest = a(self.tr("&Ingest files…"), "ingest", lambda: self.ingest([]), "Ctrl+I",
                            self.tr("Bring files or folders into the open case as exhibits"))
        self.act_export = a(self.tr("&Export bundle…"), "export", self.export, QKeySequence("Ctrl+E"),
                            self.tr("Export the open case as a PDF court bundle"))
        self.act_mg6c = a(self.tr("Export MG6&C schedule…"), "export", lambda: self.export_disclosure("mg6c"),
                          None, self.tr("Export the schedule of non-sensitive unused material (PDF, for the "
                                        "defence)"))
        self.act_mg6d = a(self.tr("Export MG6&D schedule…"), "export", lambda: self.export_disclosure("mg6d"),
                          None, self.tr("Export the schedule of sensitive unused material (PDF, for the prosecutor "
                                        "only)"))
        self.act_case_uco = a(self.tr("Export case as CASE/&UCO…"), "export",
                              lambda: self.export_disclosure("case-uco"), None,
                              self.tr("Export the case's exhibits and custody actions as CASE/UCO JSON-LD for "
                                      "forensic tools"))
        self.act_home = a(self.tr("&Home"), "case", self.go_home, QKeySequence("Alt+Home"),
                          self.tr("What waits for you: your cases, open queries, the review queue"))
        self.act_search_all = a(self.tr("&Search all cases…"), "find", self.search_all_cases, "Ctrl+Shift+F",
                                self.tr("Find exhibits and notes in every case you may open: file name, reference, "
                                        "SHA-256 or note text"))
        self.act_find = a(self.tr("&Find"), "find", self.focus_find, QKeySequence.StandardKey.Find,
                          self.tr("Search the case list or filter the exhibits"))
        self.act_refresh = a(self.tr("&Refresh"), "refresh", self.refresh, QKeySequence.StandardKey.Refresh,
                             self.tr("Reload the case list and the open case"))
        if self.act_refresh.shortcut().isEmpty():
            self.act_refresh.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.act_transfer = a(self.tr("&Transfer exhibit…"), "transfer", lambda: self.move_exhibit("transfer"),
                              "Ctrl+T",
                              self.tr("Hand the selected exhibit to another officer or a place"))
        self.act_check_out = a(self.tr("Check &out exhibit…"), "check-out", lambda: self.move_exhibit("check_out"),
                               "Ctrl+Shift+O",
                               self.tr("Lend the selected exhibit, e.g. to a forensic lab"))
        self.act_return = a(self.tr("&Return exhibit…"), "return", lambda: self.move_exhibit("return"), None,
                            self.tr("Record that the selected checked-out exhibit came back"))
        self.act_extract = a(self.tr("E&xtract exhibit…"), "document", self.extract_exhibit, "Ctrl+Shift+X",
                             self.tr("Write the selected exhibit's original bytes to a folder (checked and recorded)"))
        self.act_preview = a(self.tr("&Preview exhibit"), "preview", self.preview_exhibit, "Ctrl+Shift+P",
                             self.tr("Show the selected exhibit's content (the viewing is recorded in the custody "
                                     "log)"))
        self.act_withdraw = a(self.tr("&Withdraw exhibit…"), "close-case", self.withdraw_exhibit, None,
                              self.tr("Take the selected exhibit out of the register (kept in the vault and log)"))
        self.act_sensitive = a(self.tr("Change &sensitivity…"), "lock", self.change_sensitivity, None,
                               self.tr("Mark the selected exhibit sensitive (MG6D) or not"))
        self.act_verify = a(self.tr("&Verify…"), "verify", self.verify, "Ctrl+Shift+V",
                            self.tr("Verify the custody log and the exhibits of the open case"))
        self.act_times = a(self.tr("Acknowledge wrong entry &times…"), "verify", self.acknowledge_times, None,
                           self.tr("Supervisor: record which custody entries were dated by a wrong clock"))
        self.act_resolve_conflict = a(self.tr("Resolve custody &conflict…"), "warning", self.resolve_conflict, None,
                                      self.tr("Supervisor: say which state of an exhibit holds where this log and "
                                              "the installation's other copy differ (signed, naming both entries)"))
        self.act_sync = a(self.tr("S&ync with the unit…"), "verify", self.sync_with_unit, None,
                          self.tr("Send this laptop's custody log and evidence (encrypted) to the unit service and "
                                  "keep its cosignature"))
        self.act_remote_review = a(self.tr("Review a case on &another installation…"), "verify", self.remote_review,
                                   None, self.tr("Supervisor: read a case held on a detective's laptop from the unit, "
                                                 "checked here, and approve or query it"))
        self.act_hand_over = a(self.tr("&Hand case over…"), "transfer", self.hand_over, None,
                               self.tr("Hand the open case to an officer of another installation, through the unit; "
                                       "it is read-only here afterwards"))
        self.act_receive = a(self.tr("&Receive a handed-over case…"), "ingest", self.receive_case, None,
                             self.tr("Take in a case an officer of another installation handed over to you, with its "
                                     "evidence, from the unit"))
        self.act_password = a(self.tr("Change &password…"), "password", self.change_password, None,
                              self.tr("Change your own password"))
        self.act_sign_out = a(self.tr("Sign &out"), "sign-out", self.sign_out, "Ctrl+Shift+Q",
                              self.tr("Sign out and return to the sign-in window"))
        self.act_lock = a(self.tr("&Lock"), "lock", lambda: self.idle.lock(), "Ctrl+Shift+L",
                          self.tr("Cover the window until your password is entered again (also after a time without "
                                  "use)"))
        self.act_quit = a(self.tr("&Quit"), None, self.close, QKeySequence.StandardKey.Quit, self.tr("Close CaseDesk"))
        self.act_users = a(self.tr("&Users…"), "users", self.manage_users, None,
                           self.tr("Add users, change roles, disable accounts, reset passwords"))
        self.act_settings = a(self.tr("&Settings…"), "settings", self.edit_settings, None,
                              self.tr("Installation settings: extra digests, default marking"))
        self.act_about = a(self.tr("&About CaseDesk"), "about", self.about, None, self.tr("Version and data directory"))
        self.act_help = a(self.tr("CaseDesk &help"), "about", self.show_help, QKeySequence.StandardKey.HelpContents,
                          self.tr("How to work in CaseDesk, and every keyboard shortcut"))
        if self.act_help.shortcut().isEmpty():
            self.act_help.setShortcut(QKeySequence(Qt.Key.Key_F1))
        for i in range(self.tabs.count()):
            tab = self._action(self.tr("Tab {n}").format(n=i + 1), None,
                               lambda _c=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
            tab.setProperty("tab_switch", True)  # help lists these as one line

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.act_new_case)
        file_menu.addAction(self.act_ingest)
        file_menu.addAction(self.act_export)
        for act in (self.act_mg6c, self.act_mg6d, self.act_case_uco):
            file_menu.addAction(act)
        file_menu.addSeparator()
        file_menu.addAction(self.act_sync)
        file_menu.addAction(self.act_hand_over)  # beside sync: both go through the unit
        file_menu.addAction(self.act_receive)
        file_menu.addSeparator()
        file_menu.addAction(self.act_password)
        file_menu.addAction(self.act_lock)
        file_menu.addAction(self.act_sign_out)
        file_menu.addAction(self.act_quit)
        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.act_find)
        edit_menu.addAction(self.act_search_all)
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addAction(self.act_home)
        view_menu.addAction(self.act_refresh)
        custody_menu = bar.addMenu(self.tr("&Custody"))
        for act in (self.act_transfer, self.act_check_out, self.act_return):
            custody_menu.addAction(act)
        custody_menu.addSeparator()
        custody_menu.addAction(self.act_verify)
        custody_menu.addAction(self.act_times)
        custody_menu.addAction(self.act_resolve_conflict)
        custody_menu.addAction(self.act_remote_review)
        exhibit_menu = bar.addMenu(self.tr("E&xhibit"))
        for act in (self.act_preview, self.act_extract, self.act_sensitive, self.act_withdraw):
            exhibit_menu.addAction(act)
        self._show_menu(exhibit_menu, self.tr("E&xhibit"), self.session.can(Permission.CASE_CONTENT))
        admin_menu = bar.addMenu(self.tr("&Administration"))
        admin_menu.addAction(self.act_users)
        admin_menu.addAction(self.act_settings)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_help)
        help_menu.addAction(self.act_about)
        self.file_menu, self.edit_menu, self.view_menu, self.admin_menu = file_menu, edit_menu, view_menu, admin_menu
        for menu in (file_menu, edit_menu, view_menu, custody_menu, exhibit_menu, admin_menu, help_menu):
            menu.setToolTipsVisible(True)  # a greyed-out item says why on hover

        self.toolbar = QToolBar(self.tr("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setIconSize(QSize(22, 22))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.toolbar.addAction(self.act_home)
        self.toolbar.addAction(self.act_new_case)
        if self.session.can(Permission.EVIDENCE_INGEST):
            self.toolbar.addAction(self.act_ingest)
        if self.session.can(Permission.BUNDLE_EXPORT):
            self.toolbar.addAction(self.act_export)
        if self.session.can(Permission.CASE_CONTENT):
            self.toolbar.addAction(self.act_transfer)
        self.toolbar.addAction(self.act_verify)
        self.toolbar.addAction(self.act_refresh)
        if self.session.can(Permission.USER_MANAGE):
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.act_users)
            self.toolbar.addAction(self.act_settings)

    def _build_status(self) -> None:
        u = self.session.user
        self.user_label = QLabel(self.tr("Signed in: <b>{user}</b> ({name}) · {role}")
                                .format(user=u.username, name=u.full_name, role=formatting.value_label(u.role.value)))
        self.user_label.setObjectName("statusUser")
        self.user_label.setToolTip(self.tr("Data directory: {folder}").format(folder=self.session.datadir.root))
        self.statusBar().addPermanentWidget(self.user_label)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("statusNotice")
        if self.session.notices:
            self.notice_label.setText(self.tr("⚠ Password-only key slots"))
            self.notice_label.setToolTip("\n".join(self.session.notices))
        self.notice_label.setVisible(bool(self.session.notices))
        self.statusBar().addWidget(self.notice_label)
        self.query_notice = QToolButton()
        self.query_notice.setObjectName("queryNotice")
        self.query_notice.setAutoRaise(True)
        self.query_notice.setIcon(icon("query"))
        self.query_notice.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.query_notice.clicked.connect(self.show_queries)
        self.query_notice.hide()
        self.statusBar().addPermanentWidget(self.query_notice)
        self.unit_status = QToolButton()
        self.unit_status.setObjectName("unitStatus")
        self.unit_status.setAutoRaise(True)
        self.unit_status.setToolTip(self.tr("Where this laptop stands with the unit service; click to sync"))
        self.unit_status.clicked.connect(self.sync_with_unit)
        self.statusBar().addPermanentWidget(self.unit_status)
        self.show_unit_status()

    def show_unit_status(self) -> None:
        """The status bar's unit line, from this installation's own log (no network)."""
        from casedesk.services.unit_status import status
        from casedesk.ui.dialogs.sync import status_text

        try:
            current = status(self.session)
        except Exception as exc:  # a store that cannot be read is reported by sign-in and verify
            log.info("unit status not read (%s)", type(exc).__name__)
            return
        self.unit_status.setText(status_text(current))
        self.unit_status.setIcon(icon("warning") if current.rollbacks else QIcon())

    def after_show(self) -> None:
        """Work that needs the window on screen: the case list, integrity alerts from sign-in."""
        self.cases.refresh()
        if self.session.integrity_alerts:
            box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Integrity alert"),
                              self.tr("The custody log failed its check at sign-in; changes are blocked.") + "\n\n"
                              + "\n".join(self.session.integrity_alerts), QMessageBox.StandardButton.Ok, self)
            box.setObjectName("integrityAlert")
            box.open()

    # --- state ---------------------------------------------------------------
    def open_case(self, reference: str | None) -> None:
        if reference == self.case_ref and reference is not None:
            self.update_actions()  # re-selected after a list refresh: the tabs are current, its status may not be
            return
        self.case_ref = reference
        if reference:
            self.last_case = reference
        self.workspace.setCurrentWidget(self.tabs if reference else self.home)
        for tab in self.case_tabs.values():
            tab.set_case(reference)
        self.update_actions()

    def update_actions(self) -> None:
        s = self.session
        self.act_new_case.setEnabled(s.can(Permission.CASE_CREATE))
        status = self.cases.current_status()
        case_open = self.case_ref is not None and status == "open"
        closed = self.case_ref is not None and not case_open
        handed = self._why_read_only(status)
        for tab in self.case_tabs.values():
            tab.set_read_only(handed)
        self.act_ingest.setEnabled(case_open and s.can(Permission.EVIDENCE_INGEST))
        closed_tip = handed or self.tr("The open case is closed: its exhibits can no longer change")
        self.act_ingest.setStatusTip(closed_tip if closed
                                     else self.tr("Bring files or folders into the open case as exhibits"))
        keys = self.act_ingest.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.act_ingest.setToolTip(f"{self.act_ingest.statusTip()} ({keys})")  # in the user's words for the keys
        if s.can(Permission.CASE_CONTENT):
            self.exhibits.set_case_open(not closed)
        self.act_verify.setEnabled(s.can(Permission.VERIFY))
        self.act_times.setVisible(s.can(Permission.CUSTODY_REVIEW))
        self.act_remote_review.setVisible(s.can(Permission.CUSTODY_REVIEW))
        no_case = self.tr("Open a case first (choose one in the case list)") if self.case_ref is None else None
        found = self._open_conflicts()
        self.act_resolve_conflict.setVisible(s.can(Permission.CUSTODY_RESOLVE))
        self._explain(self.act_resolve_conflict, no_case or handed or self._role_lacks(Permission.CUSTODY_RESOLVE) or (
            self.tr("No open custody conflict in this case") if not found else None))
        for act in (self.act_export, self.act_mg6c, self.act_mg6d, self.act_case_uco):
            self._explain(act, no_case or handed or self._role_lacks(Permission.BUNDLE_EXPORT) or (
                self.tr("{ref} has an open custody conflict: a bundle would show one copy's word as the whole "
                        "history; a supervisor resolves it first").format(ref=found[0].exhibit_ref)
                if found and act is self.act_export else None))
        self._explain(self.act_hand_over, no_case or self._why_not_hand_over(status, handed))
        self.act_hand_over.setVisible(s.can(Permission.CASE_EDIT) and s.can(Permission.CASE_CONTENT))
        self._explain(self.act_receive, self._role_lacks(Permission.CASE_CREATE))
        self.act_receive.setVisible(s.can(Permission.CASE_CREATE))
        e = self.exhibits.current() if s.can(Permission.CASE_CONTENT) else None
        chosen = self.exhibits.selected() if s.can(Permission.CASE_CONTENT) else []
        pick = no_case or (self.tr("Select an exhibit in the register first") if e is None else None)
        shut = handed or (self.tr("The case is closed: its exhibits can no longer move") if closed else None)
        mover = None
        if e is not None and (e.status != "active" or not (
                s.can(Permission.CUSTODY_TRANSFER_ANY) or (e.custodian_is_user and e.custodian == s.user.username))):
            mover = self._why_immovable(e)
        out = self.tr("{ref} is checked out to {custodian}: record its return first").format(
            ref=e.reference, custodian=e.custodian) if e is not None and e.checked_out else None
        if len(chosen) > 1:
            # Several at once (a bag to the property store, devices to a lab and back): allowed when at least one
            # of them may move; the others are refused one by one, with their reasons, in the summary.
            def why_not(x: Any, returning: bool) -> str | None:
                if returning:
                    return None if x.checked_out else self.tr("{ref} is not checked out").format(ref=x.reference)
                if x.status != "active" or x.checked_out or not (
                        s.can(Permission.CUSTODY_TRANSFER_ANY)
                        or (x.custodian_is_user and x.custodian == s.user.username)):
                    return self._why_immovable(x, checked_out=True)
                return None

            def none_of(returning: bool) -> str | None:
                reasons = [why_not(x, returning) for x in chosen]
                if any(r is None for r in reasons):
                    return None
                if returning:
                    return self.tr("None of the selected exhibits is checked out")
                return self.tr("None of the selected exhibits can move ({reason})").format(reason=reasons[0])

            mover = none_of(False)
            self._explain(self.act_transfer, shut or mover)
            self._explain(self.act_check_out, shut or mover)
            self._explain(self.act_return, handed or none_of(True))
        else:
            self._explain(self.act_transfer, pick or shut or out or mover)
            self._explain(self.act_check_out, pick or shut or out or mover)
            # A return is allowed even in a closed case: the exhibit comes back.
            self._explain(self.act_return, pick or handed or (
                self.tr("{ref} is not checked out").format(ref=e.reference)
                if e is not None and not e.checked_out else None))
        if len(chosen) > 1:
            pick = self.tr("Select just one exhibit for this (several are selected)")
        self._explain(self.act_extract, pick or handed or self._role_lacks(Permission.EVIDENCE_EXTRACT))
        self._explain(self.act_preview, pick or handed or (
            self.tr("This file type has no preview: extract the exhibit to open it")
            if e is not None and not self.exhibits.detail.preview_button.isEnabled() else None))
        withdrawn = next((x.reference for x in chosen if x.status != "active"), None)
        self._explain(self.act_withdraw, no_case or (self.tr("Select one or more exhibits in the register first")
                                                     if not chosen else None)
                      or shut or (self.tr("{ref} is withdrawn already").format(ref=withdrawn) if withdrawn else None)
                      or self._role_lacks(Permission.EVIDENCE_WITHDRAW))
        self._explain(self.act_sensitive, no_case or (self.tr("Select one or more exhibits in the register first")
                                                      if not chosen else None)
                      or shut or self._role_lacks(Permission.EVIDENCE_SENSITIVITY))
        for act in (self.act_transfer, self.act_check_out, self.act_return):
            if not s.can(Permission.CASE_CONTENT):
                act.setVisible(False)
        self.act_users.setEnabled(s.can(Permission.USER_MANAGE))
        self.act_settings.setEnabled(s.can(Permission.SETTINGS_MANAGE))
        self._show_menu(self.admin_menu, self.tr("&Administration"),
                        s.can(Permission.USER_MANAGE) or s.can(Permission.SETTINGS_MANAGE))

    @staticmethod
    def _show_menu(menu: QMenu, title: str, visible: bool) -> None:
        """Show or hide a menu of the menu bar. A hidden menu loses its Alt+letter too: the menu bar keeps
        answering the letters of hidden menus, so a hidden Administration made Alt+A (Approve, Apply, Add note)
        only move the focus for everyone but administrators."""
        menu.setTitle(title if visible else title.replace("&", ""))
        menu.menuAction().setVisible(visible)

    def _why_read_only(self, status: str | None) -> str | None:
        """Why nothing can be recorded in the open case here (it was handed over), or None."""
        if self.case_ref is None or status != "handed_over":
            return None
        if self._handed_over is None or self._handed_over[0] != self.case_ref:
            from casedesk.services.cases import Cases

            try:
                to = Cases(self.session).handed_over(self.case_ref)
            except Exception as exc:  # the status alone still says it: the reason is shown without the names
                log.info("hand-over not read (%s)", type(exc).__name__)
                to = None
            why = (self.tr("Case {case} was handed over to {user} of installation {id} (custody entry {seq}): it is "
                           "read-only here").format(case=self.case_ref, user=to.to_user, id=to.to_installation,
                                                    seq=to.seq) if to is not None
                   else self.tr("Case {case} was handed over to another installation: it is read-only here").format(
                       case=self.case_ref))
            self._handed_over = (self.case_ref, why)
        return self._handed_over[1]

    def _open_conflicts(self) -> list[Any]:
        """The open custody conflicts of the open case (read once a change; the register's load also tells)."""
        if self.case_ref is None or not self.session.can(Permission.CASE_CONTENT):
            return []
        if self._conflicts is None or self._conflicts[0] != self.case_ref:
            from casedesk.services.conflicts import Conflicts

            try:
                found = Conflicts(self.session).list(self.case_ref)
            except Exception as exc:  # shown by the register when it loads; the actions say nothing of it
                log.info("custody conflicts not read (%s)", type(exc).__name__)
                found = []
            self._conflicts = (self.case_ref, found)
        return self._conflicts[1]

    def _conflicts_loaded(self, found: list[Any]) -> None:
        if self.case_ref is not None and self.exhibits.case_ref == self.case_ref:
            self._conflicts = (self.case_ref, found)
        self.update_actions()

    def _why_not_hand_over(self, status: str | None, handed: str | None) -> str | None:
        s = self.session
        if handed is not None:
            return handed
        if status != "open":
            return self.tr("The case is closed: only an open case is handed over")
        lacks = self._role_lacks(Permission.CASE_EDIT)
        if lacks is not None:
            return lacks
        line = self.cases.current_summary()
        oic = line.officer_in_charge if line is not None else None
        if oic != s.user.username and s.user.role != Role.SUPERVISOR:
            return self.tr("Only the officer in charge ({oic}) or a supervisor can hand the case over").format(oic=oic)
        return None

    def _lock_minutes(self) -> int:
        try:
            return int(Settings(self.session).get("desktop.lock_after_minutes"))
        except Exception as exc:  # the window still opens; it locks after the default time
            log.warning("idle lock setting not read: %s", type(exc).__name__)
            return int(SPECS["desktop.lock_after_minutes"].default)

    def _sign_out_from_lock(self) -> None:
        """Signing out from the lock screen saves nothing in the user's name: unsaved summaries are dropped."""
        overview = self.case_tabs.get("overview")
        if isinstance(overview, OverviewTab):
            overview.discard_drafts()
        self._drafts_settled = True
        self.idle.unlock_for_exit()
        self.sign_out()

    def _why_immovable(self, x: Any, checked_out: bool = False) -> str:
        """Why this user cannot move exhibit ``x`` (withdrawn, checked out, or not theirs to move)."""
        if x.status != "active":
            return self.tr("{ref} is withdrawn").format(ref=x.reference)
        if checked_out and x.checked_out:
            return self.tr("{ref} is checked out to {custodian}: record its return first").format(
                ref=x.reference, custodian=x.custodian)
        return self.tr("Only {ref}'s custodian ({custodian}) or a supervisor can move it").format(
            ref=x.reference, custodian=x.custodian)

    def _role_lacks(self, permission: Permission) -> str | None:
        return None if self.session.can(permission) else self.tr("Your role ({role}) cannot do this").format(
            role=formatting.value_label(self.session.user.role.value))

    def _explain(self, action: QAction, why: str | None) -> None:
        """Enable ``action``, or disable it with the reason in its tooltip and status tip."""
        action.setEnabled(why is None)
        tip = self._tips.get(action, "")
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        shown = f"{tip} ({keys})" if keys else tip
        action.setToolTip(shown if why is None else f"{why}. {shown}")
        action.setStatusTip(tip if why is None else why)

    def _store_changed(self, head: int) -> None:
        """Another process wrote to the store: what is on screen is read again (typed input is kept: the
        summary's draft, the note and comment boxes are not reloaded)."""
        log.info("store changed elsewhere (log head %d): refreshing", head)
        self._handed_over = None
        self._conflicts = None
        self.cases.refresh(self.case_ref)
        self.show_unit_status()
        for tab in self.case_tabs.values():
            tab.mark_stale()
        self.home.mark_stale()  # read now if on screen, else when shown
        if self.home.isVisible():
            return
        try:
            self._notify(Home(self.session).view())  # a new query reaches the user inside a case too
        except Exception as exc:
            log.info("store watch: home not read (%s)", type(exc).__name__)

    def _case_changed(self, source: str) -> None:
        self._handed_over = None  # a case handed over, received back and handed over again: read afresh
        self._conflicts = None
        self.watcher.catch_up()
        for key, tab in self.case_tabs.items():
            if key != source:
                tab.mark_stale()
        self.home.mark_stale()
        self.cases.refresh(self.case_ref)
        self.show_unit_status()

    # --- actions -------------------------------------------------------------
    def new_case(self) -> None:
        from casedesk.ui.dialogs.new_case import NewCaseDialog

        dialog = NewCaseDialog(self.session, self)

        def created() -> None:
            if dialog.created is not None:
                self.cases.refresh(dialog.created.reference)
                self.statusBar().showMessage(self.tr("Case {case} created").format(case=dialog.created.reference), 5000)

        dialog.accepted.connect(created)
        self._open(dialog)

    def _open(self, dialog: Any) -> None:
        """Open ``dialog`` window-modal and without blocking; give the focus back when it closes."""
        dialog.finished.connect(lambda _result: self.activateWindow())
        dialog.open()
        self.dialog = dialog

    def focus_find(self) -> None:
        if self.case_ref is not None and self.tabs.currentWidget() is self.case_tabs.get("exhibits"):
            self.exhibits.focus_filter()
        else:
            self.cases.focus_search()

    def ingest(self, paths: list[Any]) -> None:
        from casedesk.ui.dialogs.ingest import IngestDialog

        if self.case_ref is None or not self.session.can(Permission.EVIDENCE_INGEST):
            return
        if self.dialog is not None and isinstance(self.dialog, IngestDialog) and self.dialog.isVisible():
            self.dialog.add_paths(paths)  # more files dropped while the dialog is open
            return
        self.tabs.setCurrentWidget(self.exhibits)
        dialog = IngestDialog(self.session, self.case_ref, paths, self)
        dialog.finished_ingest.connect(lambda _summary: self._case_changed(""))
        self._open(dialog)

    def refresh(self) -> None:
        self._handed_over = None
        self._conflicts = None
        self.cases.refresh(self.case_ref)
        for tab in self.case_tabs.values():
            tab.mark_stale()
        self.home.mark_stale()
        self.statusBar().showMessage(self.tr("Refreshed"), 2000)

    def go_home(self) -> None:
        """Leave the open case for the home page (the case list keeps its filters)."""
        self.cases.view.clearSelection()  # the list shows no case as open (and says so: case_selected(None))
        self.open_case(None)
        self.home.mark_stale()

    def search_all_cases(self) -> None:
        if not self.session.can(Permission.CASE_CONTENT):
            return
        self.go_home()
        self.home.focus_search()

    def show_queries(self) -> None:
        self.go_home()
        self.home.focus_queries()

    def open_from_home(self, reference: str, tab: str, exhibit: str) -> None:
        self.show_case(reference)
        if self.case_ref != reference:
            return
        if tab in self.case_tabs:
            self.tabs.setCurrentWidget(self.case_tabs[tab])
        if exhibit and "exhibits" in self.case_tabs:
            self.exhibits.select(exhibit)

    def _notify(self, view: Any) -> None:
        """Open queries reach the user as a notice in the status bar; a new one also flashes the window."""
        seqs = {q.seq for q in view.queries}
        supervisor = self.session.can(Permission.CUSTODY_REVIEW)
        if seqs and not supervisor:
            n = len(seqs)
            self.query_notice.setText(self.tr("%n open query for you", None, n) if n == 1
                                      else self.tr("%n open queries for you", None, n))
            self.query_notice.setToolTip(self.tr("Supervisors' queries on your cases wait for your answer; "
                                                 "click to answer them on the home page"))
        self.query_notice.setVisible(bool(seqs) and not supervisor)
        new = seqs - self._known_queries if self._known_queries is not None else set()
        self._known_queries = seqs
        if new and not supervisor:
            first = min((q for q in view.queries if q.seq in new), key=lambda q: q.seq)
            self.statusBar().showMessage(self.tr("New query from {supervisor} on {case}: {text}").format(
                supervisor=first.supervisor, case=first.case_ref, text=first.text), 15_000)
            QApplication.alert(self)

    def show_case(self, reference: str) -> None:
        if not self.cases.select(reference):
            self.cases.search.clear()
            self.cases.status.setCurrentIndex(0)
            self.cases.officer.setCurrentIndex(0)
            self.cases.refresh(reference)

    def move_exhibit(self, mode: str) -> None:
        from casedesk.ui.dialogs.transfer import CustodyMoveDialog

        chosen = self.exhibits.selected()
        exhibit: Any = chosen if len(chosen) > 1 else self.exhibits.current()
        if not exhibit or self.case_ref is None:
            return
        dialog = CustodyMoveDialog(self.session, self.case_ref, exhibit, mode, self)

        def moved() -> None:
            self._case_changed("")
            if dialog.result_of_several is not None:
                from casedesk.ui.dialogs.move_summary import MoveSummaryDialog

                self._open(MoveSummaryDialog(mode, dialog.result_of_several, self))
            elif dialog.entry is not None:
                self.statusBar().showMessage(self.tr("Recorded as custody entry "
                                                     "{seq}").format(seq=dialog.entry.seq), 5000)

        dialog.accepted.connect(moved)
        self._open(dialog)

    def export(self) -> None:
        from casedesk.ui.dialogs.export import ExportDialog

        if self.case_ref is None:
            return
        dialog = ExportDialog(self.session, self.case_ref, self)
        dialog.accepted.connect(lambda: self._case_changed(""))
        self._open(dialog)

    def export_disclosure(self, kind: str) -> None:
        """The MG6C or MG6D schedule, or the CASE/UCO export, of the open case."""
        from casedesk.ui.dialogs.disclosure import DisclosureExportDialog

        if self.case_ref is None:
            return
        dialog = DisclosureExportDialog(self.session, self.case_ref, kind, self)
        dialog.accepted.connect(lambda: self._case_changed(""))
        self._open(dialog)

    def extract_exhibit(self) -> None:
        exhibit = self.exhibits.current() if "exhibits" in self.case_tabs else None
        if exhibit is None or self.case_ref is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Extract {ref} into "
                                                                "folder").format(ref=exhibit.reference))
        if not folder:
            return
        evidence, case_ref, reference = Evidence(self.session), self.case_ref, exhibit.reference
        self.statusBar().showMessage(self.tr("Extracting {ref}…").format(ref=reference))

        def done(path: Any) -> None:
            self.extracted = Path(path)
            self.statusBar().showMessage(self.tr("{ref} extracted to {path} (hash checked, recorded in the log)")
                                         .format(ref=reference, path=path), 10_000)
            self._case_changed("")

        def failed(exc: BaseException) -> None:
            self.statusBar().clearMessage()
            errors.show_error(self, exc, self.tr("Extract"))

        self.runner.submit("extract", lambda progress, cancel: evidence.extract(
            case_ref, reference, Path(folder), progress, cancel), on_success=done, on_failure=failed)

    def preview_exhibit(self) -> None:
        if "exhibits" not in self.case_tabs or self.exhibits.current() is None:
            return
        self.tabs.setCurrentWidget(self.exhibits)
        self.exhibits.open_preview()

    def _exhibit_dialog(self, kind: Any) -> None:
        exhibit = self.exhibits.current() if "exhibits" in self.case_tabs else None
        if exhibit is None or self.case_ref is None:
            return
        dialog = kind(self.session, self.case_ref, exhibit, self)
        dialog.accepted.connect(lambda: self._case_changed(""))
        self._open(dialog)

    def withdraw_exhibit(self) -> None:
        from casedesk.ui.dialogs.exhibit_state import WithdrawDialog

        chosen = self.exhibits.selected() if "exhibits" in self.case_tabs else []
        if len(chosen) > 1 and self.case_ref is not None:  # a mistaken batch goes in one go
            dialog = WithdrawDialog(self.session, self.case_ref, chosen, self)
            dialog.accepted.connect(lambda: self._case_changed(""))
            self._open(dialog)
            return
        self._exhibit_dialog(WithdrawDialog)

    def change_sensitivity(self) -> None:
        from casedesk.ui.dialogs.exhibit_state import SensitivityDialog

        chosen = self.exhibits.selected() if "exhibits" in self.case_tabs else []
        if len(chosen) > 1 and self.case_ref is not None:  # several at once, one reason
            dialog = SensitivityDialog(self.session, self.case_ref, chosen, self)
            dialog.accepted.connect(lambda: self._case_changed(""))
            self._open(dialog)
            return
        self._exhibit_dialog(SensitivityDialog)

    def verify(self) -> None:
        from casedesk.ui.dialogs.verify import VerifyDialog

        dialog = VerifyDialog(self.session, self.case_ref, self)
        dialog.problem_activated.connect(self.show_problem)
        dialog.accepted.connect(lambda: self._case_changed(""))
        self._open(dialog)
        dialog.start()

    def show_problem(self, seq: int | None, exhibit: str | None) -> None:
        """Take the user to what a verification problem is about."""
        if seq is not None and "custody" in self.case_tabs:
            self.tabs.setCurrentWidget(self.custody)
            self.custody.show_entry(seq)
            self.custody.mark({seq})
        elif exhibit is not None and "exhibits" in self.case_tabs:
            self.tabs.setCurrentWidget(self.exhibits)
            self.exhibits.select(exhibit)

    def acknowledge_times(self) -> None:
        from casedesk.ui.dialogs.time_anomalies import TimeAnomaliesDialog

        dialog = TimeAnomaliesDialog(self.session, self)
        dialog.acknowledged.connect(lambda _views: self._case_changed(""))
        self._open(dialog)

    def sync_with_unit(self) -> None:
        from casedesk.ui.dialogs.sync import SyncDialog

        dialog = SyncDialog(self.session, self)
        dialog.finished.connect(lambda _result: self._case_changed(""))
        self._open(dialog)

    def resolve_conflict(self) -> None:
        from casedesk.ui.dialogs.resolve_conflict import ResolveConflictDialog

        found = self._open_conflicts()
        if self.case_ref is None or not found or not self.act_resolve_conflict.isEnabled():
            return
        chosen = self.exhibits.current()
        dialog = ResolveConflictDialog(self.session, self.case_ref, found, chosen.reference if chosen else None, self)

        def resolved() -> None:
            self._case_changed("")
            if dialog.resolved is not None:
                self.statusBar().showMessage(self.tr("Custody conflict on {ref} resolved: custody entry {seq}").format(
                    ref=dialog.resolved.exhibit_ref, seq=dialog.resolved.seq), 10_000)

        dialog.accepted.connect(resolved)
        self._open(dialog)

    def hand_over(self) -> None:
        from casedesk.ui.dialogs.handover import HandOverDialog

        line = self.cases.current_summary()
        if self.case_ref is None or line is None or not self.act_hand_over.isEnabled():
            return
        dialog = HandOverDialog(self.session, self.case_ref, line.title, self)
        dialog.handed_over.connect(lambda _ref: self._case_changed(""))
        self._open(dialog)

    def receive_case(self) -> None:
        from casedesk.ui.dialogs.handover import ReceiveCaseDialog

        dialog = ReceiveCaseDialog(self.session, self)
        dialog.received.connect(lambda ref: self.cases.refresh(self.case_ref))
        dialog.open_requested.connect(self.show_case)
        self._open(dialog)

    def remote_review(self) -> None:
        from casedesk.ui.dialogs.remote_review import RemoteReviewDialog

        self._open(RemoteReviewDialog(self.session, self))

    def change_password(self) -> None:
        from casedesk.ui.dialogs.password import ChangePasswordDialog

        self._open(ChangePasswordDialog(self.session, self))

    def manage_users(self) -> None:
        from casedesk.ui.dialogs.users import UsersDialog

        self._open(UsersDialog(self.session, self))

    def edit_settings(self) -> None:
        from casedesk.ui.dialogs.settings import SettingsDialog

        dialog = SettingsDialog(self.session, self)
        dialog.accepted.connect(lambda: self.idle.set_minutes(self._lock_minutes()))
        self._open(dialog)

    def show_help(self) -> None:
        from casedesk.ui.dialogs.help import HelpDialog

        self._open(HelpDialog(self.actions(), self))

    def about(self) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("About CaseDesk"),
                          self.tr("CaseDesk {version}\nOffline evidence case management.\n\nData directory: {folder}")
                          .format(version=__version__, folder=self.session.datadir.root),
                          QMessageBox.StandardButton.Ok, self)
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.open()

    def show_error(self, exc: BaseException, action: str | None = None) -> None:
        errors.show_error(self, exc, action)

    def sign_out(self) -> None:
        self._signing_out = True
        self.close()

    def _ask_about_unsaved(self, cases: list[str]) -> None:
        """Typed work is never dropped silently: save it, discard it, or stay."""
        overview = self.case_tabs["overview"]
        assert isinstance(overview, OverviewTab)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Unsaved case summary"),
                          self.tr("The summary of {cases} has changes that are not "
                                  "saved.").format(cases=", ".join(cases)),
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("unsavedSummary")
        box.setDefaultButton(QMessageBox.StandardButton.Save)

        def answered(button: int) -> None:
            if button == QMessageBox.StandardButton.Save:
                try:
                    overview.save_all()
                except Exception as exc:
                    self._signing_out = False
                    errors.show_error(self, exc, self.tr("Summary"))
                    return
            elif button == QMessageBox.StandardButton.Discard:
                overview.discard_drafts()
            else:
                self._signing_out = False
                return
            self._drafts_settled = True
            self.close()

        box.finished.connect(answered)
        box.open()
        self.dialog = box

    def closeEvent(self, event: QCloseEvent) -> None:
        app = QApplication.instance()
        overview = self.case_tabs.get("overview")
        unsaved = overview.unsaved() if isinstance(overview, OverviewTab) and not self._drafts_settled else []
        if unsaved:
            event.ignore()
            self._ask_about_unsaved(unsaved)
            return
        if self.runner.busy:
            self.runner.cancel_all()
            self.runner.wait(10_000)
        if app is not None:
            app.removeEventFilter(self.shortcuts)
        self.watcher.stop()
        self.idle.stop()
        window_state.save_window(self, "main")
        window_state.remember_case(self.session.datadir.root, self.session.user.username, self.last_case)
        window_state.save_splitter(self.splitter, "main")
        for tab in self.case_tabs.values():
            save = getattr(tab, "save_state", None)
            if save is not None:
                save()
        event.accept()
        if self._signing_out:
            self.signed_out.emit()
        else:
            self.closed.emit()
