"""The desktop app is translatable: every user-visible text goes through Qt's translation, the catalogue
(``make translations``) lists exactly the app's strings, and a compiled catalogue for the user's locale is
loaded at start, so its translations are what the windows show."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QTimer, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from casedesk.cli.main import main
from casedesk.datadir import DataDir
from casedesk.ui import app as ui_app
from casedesk.ui import translator
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.main_window import MainWindow
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in
from tests.helpers.untranslated import scan, scan_source

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "casedesk" / "ui"
CATALOGUE = ROOT / "resources" / "translations" / "casedesk_en_GB.ts"
MESSAGE = re.compile(r"<context>\s*<name>(.*?)</name>(.*?)</context>", re.S)
SOURCE = re.compile(r"<source>(.*?)</source>", re.S)


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).parent / name)
    assert Path(path).exists(), f"{name} (PySide6's tools) is missing"
    return path


def _strings(ts: Path) -> set[tuple[str, str]]:
    """(context, source text) of every message in a .ts catalogue."""
    return {(context, source) for context, body in MESSAGE.findall(ts.read_text("utf-8"))
            for source in SOURCE.findall(body)}


def test_the_catalogue_holds_exactly_the_strings_of_the_sources(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    sources = sorted(str(p) for p in UI.rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", *sources, "-ts", str(fresh)], check=True,
                   capture_output=True, timeout=120)
    wanted, have = _strings(fresh), _strings(CATALOGUE)
    assert len(wanted) > 500, "too few translatable strings found: the extraction is broken"
    missing, stale = sorted(wanted - have), sorted(have - wanted)
    assert not missing, f"run `make translations`: {len(missing)} string(s) not in the catalogue, e.g. {missing[0]!r}"
    assert not stale, f"run `make translations`: {len(stale)} string(s) no longer in the app, e.g. {stale[0]!r}"


def test_every_user_visible_literal_goes_through_translation() -> None:
    found = scan(UI)
    assert not found, f"{len(found)} untranslatable text(s); wrap them in self.tr()/translate():\n" + "\n".join(
        str(f) for f in found[:40])


def test_the_scan_finds_text_that_would_reach_the_screen_untranslated() -> None:
    """The scan above can fail: each of these is a way untranslated text has reached a window."""
    source = textwrap.dedent('''
        COLUMNS = ("Reference", QT_TRANSLATE_NOOP("M", "Size"))
        class D(QDialog):
            def __init__(self, n):
                super().__init__("New case", self.tr("&Create"))
                self.setWindowTitle(f"Verify {n}")
                QPushButton(icon("x"), "&Close")
                self.box.setToolTip("Tip " + self.tr("ok"))
                self.label.setText(self.tr(f"{n} exhibits"))
                self.list.setHeaderLabels(["User", self.tr("Role")])
                self.message.error("Enter your password.")
                errors.show_error(self, exc, "Sign in")
                raise UsageError("choose a user")
            def _why_not(self):
                return "Select an entry first"
            def data(self, index, role):
                return f"{index} custody entries"
    ''')
    found = {f.text for f in scan_source(source, Path("probe.py"))}
    assert found == {"Reference", "New case", "f'Verify {n}'", "&Close", "Tip ", "f'{n} exhibits'", "User",
                     "Enter your password.", "Sign in", "choose a user", "Select an entry first",
                     "f'{index} custody entries'"}
    clean = textwrap.dedent('''
        class D(QDialog):
            def __init__(self, n):
                self.setObjectName("reference")
                self.setWindowTitle(self.tr("Verify {case}").format(case=n))
                self.label.setText(self.tr("%n exhibits", None, n))
                self.label.setText("<b>{ref}</b> — {text}".format(ref=n, text=self.tr("x")))
                self.label.setText("")
                log.error("unexpected error: %s", n)
                self.button.setToolTip(self.tr("Ingest") + " (Ctrl+I)")
    ''')
    assert scan_source(clean, Path("clean.py")) == []


GERMAN = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context><name>LoginDialog</name>
<message><source>Sign in to CaseDesk</source><translation>Bei CaseDesk anmelden</translation></message>
<message><source>&amp;Sign in</source><translation>&amp;Anmelden</translation></message>
<message><source>Data directory: {folder}</source><translation>Datenverzeichnis: {folder}</translation></message>
</context>
</TS>
"""


def test_the_catalogue_of_the_users_locale_is_loaded_at_start(qtbot: QtBot, store: Store, tmp_path: Path,
                                                              monkeypatch) -> None:
    ts = tmp_path / "casedesk_de.ts"
    ts.write_text(GERMAN, "utf-8")
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(tmp_path / "casedesk_de.qm")], check=True,
                   capture_output=True, timeout=60)
    monkeypatch.setattr(translator, "TRANSLATIONS_DIR", tmp_path)
    seen: dict[str, str] = {}

    def ready(widget: QWidget) -> None:
        assert isinstance(widget, LoginDialog)
        seen["title"] = widget.windowTitle()
        seen["button"] = widget.sign_in_button.text()
        seen["folder"] = widget.findChild(QWidget, "dataDir").text()
        quit_button = widget.buttons.buttons()[-1]
        seen["quit"] = quit_button.text()
        QTimer.singleShot(0, widget.close)

    previous = QLocale()
    QLocale.setDefault(QLocale("de_DE"))  # the user's locale
    ui_app.READY_HOOKS.append(ready)
    try:
        assert main(["--data-dir", str(store.root), "gui"]) == 0
    finally:
        ui_app.READY_HOOKS.remove(ready)
        QLocale.setDefault(previous)
    assert seen["title"] == "Bei CaseDesk anmelden"
    assert seen["button"] == "&Anmelden"
    assert seen["folder"] == f"Datenverzeichnis: {store.root}"
    assert seen["quit"] == "&Quit"  # not in the tiny catalogue: the English source text


def test_without_a_catalogue_for_the_locale_nothing_of_the_app_is_loaded(tmp_path: Path) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = translator.install_translators(app, QLocale("cy_GB"), tmp_path)
    try:
        assert not [t.filePath() for t in installed if Path(t.filePath()).name.startswith("casedesk")]
    finally:
        translator.remove_translators(app, installed)


def _pseudo_catalogue(tmp_path: Path) -> Path:
    """Every string of the committed catalogue 'translated' as «source»: whatever shows without «» did not
    go through the catalogue."""
    text = CATALOGUE.read_text("utf-8")

    def fill(match: re.Match[str]) -> str:
        body = match.group(0)
        source = SOURCE.search(body)
        assert source is not None
        shown = f"«{source.group(1)}»"
        forms = f"<numerusform>{shown}</numerusform>" * 2 if 'numerus="yes"' in body else shown
        return re.sub(r"<translation[^>]*>.*?</translation>", f"<translation>{forms}</translation>", body, flags=re.S)

    ts = tmp_path / "casedesk_pseudo.ts"
    ts.write_text(re.sub(r"<message[^>]*>.*?</message>", fill, text, flags=re.S).replace(
        'language="en_GB"', 'language="de_DE"'), "utf-8")
    qm = tmp_path / "casedesk_pseudo.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60)
    return qm


def _app_texts(window: QWidget) -> list[tuple[str, str]]:
    """The texts of the window that are the app's own words, never data: buttons, tabs, group titles,
    placeholders, column headers, actions, accessible names."""
    out: list[tuple[str, str]] = []
    for w in [window, *window.findChildren(QWidget)]:
        if w.objectName().startswith("qt_") or isinstance(w.parentWidget(), QTabBar) or w.window() is not window:
            continue  # Qt's own parts (a tab bar's scroll buttons): Qt's catalogue translates them
        box = w.parentWidget()
        if isinstance(w, QAbstractButton) and not (isinstance(box, QDialogButtonBox)
                                                   and box.standardButton(w) != QDialogButtonBox.StandardButton.NoButton):
            out.append((f"{type(w).__name__} {w.objectName()}", w.text()))
        if isinstance(w, QGroupBox):
            out.append((f"group {w.objectName()}", w.title()))
        if isinstance(w, (QLineEdit, QPlainTextEdit)) and not w.isReadOnly():
            out.append((f"placeholder {w.objectName()}", w.placeholderText()))
        if isinstance(w, QTabWidget):
            out += [(f"tab {w.objectName()}", w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and w.model() is not None and not isinstance(w, QListWidget):
            model = w.model()
            out += [(f"header {w.objectName()}", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                    for c in range(model.columnCount())]
        if w.accessibleName():
            out.append((f"name {w.objectName()}", w.accessibleName()))
    out += [("action", a.text()) for a in window.actions()]
    return out


# The same in every language: the product, hash algorithms, the row-number column.
UNTRANSLATED_BY_DESIGN = {"CaseDesk", "SHA-256", "SHA-1", "MD5", "#", ""}


def test_with_a_catalogue_loaded_every_word_of_the_windows_comes_from_it(qtbot: QtBot, store: Store,
                                                                          tmp_path: Path) -> None:
    """The sign-in and first-run windows, the main window as a detective, a supervisor and an administrator
    (every case tab), and the dialogs its menus open (new case, ingest, bundle export, password, help, users,
    settings)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    pseudo = QTranslator()
    assert pseudo.load(str(_pseudo_catalogue(tmp_path)))
    app.installTranslator(pseudo)
    untranslated: set[tuple[str, str]] = set()

    def check(window: QWidget) -> None:
        texts = [*_app_texts(window), ("window title", window.windowTitle())]
        untranslated.update(t for t in texts if "«" not in t[1] and t[1] not in UNTRANSLATED_BY_DESIGN)

    def dialog_of(window: MainWindow, opener: Callable[[], None]) -> None:
        opener()
        qtbot.waitUntil(lambda: window.dialog is not None and window.dialog.isVisible(), timeout=TIMEOUT)
        check(window.dialog)
        window.dialog.close()
        window.dialog = None

    try:
        for root in (store.root, tmp_path / "empty"):  # the sign-in window, and the first run's
            start = AppController(DataDir(root)).start()
            qtbot.addWidget(start)
            check(start)
            start.close()
        for user in ("jsmith", "sgt", "admin"):
            controller, window = sign_in(qtbot, store, user)
            check(window)
            dialog_of(window, window.change_password)
            dialog_of(window, window.show_help)
            if user == "admin":
                dialog_of(window, window.manage_users)
                dialog_of(window, window.edit_settings)
                close_all(controller)
                continue
            dialog_of(window, window.new_case)
            select_case(qtbot, window, CASE)
            dialog_of(window, lambda: window.ingest([]))
            dialog_of(window, window.export)
            for tab in window.case_tabs.values():
                window.tabs.setCurrentWidget(tab)
                qtbot.waitUntil(lambda tab=tab: not tab._stale, timeout=TIMEOUT)
                check(window)
            close_all(controller)
    finally:
        app.removeTranslator(pseudo)
    assert not untranslated, f"shown without the catalogue: {sorted(untranslated)[:20]}"
