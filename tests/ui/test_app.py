"""The application around the windows: `casedesk gui`, the demo at first run, sign-out, window state, palette."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casedesk.cli.main import main
from casedesk.datadir import DataDir
from casedesk.ui import app as ui_app
from casedesk.ui import theme, window_state
from casedesk.ui.app import AppController
from casedesk.ui.dialogs.first_run import FirstRunDialog
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.partials.exhibit_model import BATCH, COLUMNS, ExhibitFilterProxy, ExhibitTableModel
from tests.helpers.store import Store
from tests.helpers.ui import TIMEOUT, click, close_all, sign_in, type_into


def test_casedesk_gui_opens_the_login_window_on_the_data_dir(qtbot: QtBot, store: Store) -> None:
    seen: list[QWidget] = []

    def ready(widget: QWidget) -> None:
        seen.append(widget)
        QTimer.singleShot(0, widget.close)  # the user presses Quit once the event loop runs

    ui_app.READY_HOOKS.append(ready)
    try:
        assert main(["--data-dir", str(store.root), "gui"]) == 0
    finally:
        ui_app.READY_HOOKS.remove(ready)
    assert len(seen) == 1 and isinstance(seen[0], LoginDialog)
    assert str(store.root) in seen[0].findChild(QWidget, "dataDir").text()


def test_casedesk_without_a_command_is_the_gui(qtbot: QtBot, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path / "home"))
    seen: list[QWidget] = []
    ui_app.READY_HOOKS.append(lambda w: (seen.append(w), QTimer.singleShot(0, w.close)))
    try:
        assert main([]) == 0
    finally:
        ui_app.READY_HOOKS.clear()
    assert isinstance(seen[0], FirstRunDialog)  # CASEDESK_HOME is respected: nothing there yet
    assert seen[0].datadir.root == tmp_path / "home"


def test_first_run_opens_the_demo_and_shows_its_accounts(qtbot: QtBot, tmp_path: Path) -> None:
    controller = AppController(DataDir(tmp_path / "demo"))
    dialog = controller.start()
    assert isinstance(dialog, FirstRunDialog)
    qtbot.addWidget(dialog)
    click(qtbot, dialog.demo_button)
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog), timeout=120_000)
    login = controller.dialog
    assert isinstance(login, LoginDialog)
    qtbot.addWidget(login)
    assert login.hint.isVisible() and "Demo accounts" in login.hint.text()
    first = login.hint.text().splitlines()[1]
    user, password = (part.strip() for part in first.split(":", 1))
    type_into(qtbot, login.user, user)
    type_into(qtbot, login.password, password)
    click(qtbot, login.sign_in_button)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=TIMEOUT)
    assert controller.window is not None
    qtbot.addWidget(controller.window)
    qtbot.waitUntil(lambda: controller.window.cases.model.rowCount() >= 1 or user != "", timeout=TIMEOUT)
    close_all(controller)


def test_sign_out_returns_to_the_login_with_the_name_filled_in(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    window.act_sign_out.trigger()
    qtbot.waitUntil(lambda: isinstance(controller.dialog, LoginDialog) and controller.dialog.isVisible(),
                    timeout=TIMEOUT)
    assert controller.session is None and controller.window is None
    assert controller.dialog.user.text() == "jsmith"
    controller.dialog.close()


def test_window_geometry_and_splitters_are_restored(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    # Inside the offscreen screen (800x600): Qt moves a restored window that does not fit.
    window.resize(790, 560)
    qtbot.waitUntil(lambda: window.height() == 560, timeout=TIMEOUT)
    window.splitter.setSizes([260, 520])
    saved, size = window.splitter.sizes(), (window.width(), window.height())
    window.close()
    controller._close_session()
    assert window_state.settings().contains("main/geometry")

    controller, window = sign_in(qtbot, store, "jsmith")
    assert (window.width(), window.height()) == size
    assert window.splitter.sizes() == saved
    close_all(controller)


def _tab_chain(start: QWidget, steps: int) -> list[QWidget]:
    """Where Tab goes from ``start``: the focus chain, skipping what Tab cannot reach."""
    out, w = [start], start
    while len(out) <= steps:
        w = w.nextInFocusChain()
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            out.append(w)
    return out


def test_tab_order_of_the_login_and_first_run_windows(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    controller = AppController(store.datadir)
    dialog = controller.start()
    assert isinstance(dialog, LoginDialog)
    qtbot.addWidget(dialog)
    assert _tab_chain(dialog.user, 2) == [dialog.user, dialog.password, dialog.sign_in_button]
    first = AppController(DataDir(tmp_path / "new")).start()
    assert isinstance(first, FirstRunDialog)
    qtbot.addWidget(first)
    assert _tab_chain(first.admin, 5) == [first.admin, first.full_name, first.initials, first.password,
                                          first.repeat, first.create_button]


def test_dark_and_light_palettes_are_readable() -> None:
    for dark in (False, True):
        p = theme.palette(dark)
        window, text = p.color(theme.Role.Window), p.color(theme.Role.WindowText)
        assert (window.lightness() < 100) == dark
        assert abs(window.lightness() - text.lightness()) > 150  # strong contrast either way


@dataclass(frozen=True)
class FakeExhibit:
    reference: str
    description: str
    mime_type: str
    type_description: str
    size: int
    seized_at: datetime | None
    custodian: str
    location: str
    sha256: str
    status: str = "active"
    original_name: str = "file.txt"
    relative_path: str = "file.txt"


def _rows(n: int) -> list[FakeExhibit]:
    return [FakeExhibit(f"JAS/{i}", f"item {i}", "text/plain", "ASCII text", i * 10,
                        datetime(2026, 1, 1, tzinfo=UTC), "jsmith", "store", f"{i:064x}") for i in range(1, n + 1)]


def test_exhibit_model_fetches_lazily_sorts_naturally_and_filters_everything(qtbot: QtBot) -> None:
    model = ExhibitTableModel()
    proxy = ExhibitFilterProxy()
    proxy.setSourceModel(model)
    model.set_exhibits(list(reversed(_rows(1000))))
    assert model.rowCount() == BATCH and model.canFetchMore()
    assert [model.exhibit(i).reference for i in range(3)] == ["JAS/1", "JAS/2", "JAS/3"]  # natural order
    model.fetchMore()
    assert model.rowCount() == 2 * BATCH
    proxy.sort([c.title for c in COLUMNS].index("Size"), Qt.SortOrder.DescendingOrder)  # by size, via the proxy
    assert proxy.index(0, 0).data() == "JAS/1000"
    proxy.set_filter("item 99")  # must see rows not fetched yet
    assert sorted(proxy.index(i, 0).data() for i in range(proxy.rowCount())) == sorted(
        ["JAS/99"] + [f"JAS/{n}" for n in range(990, 1000)])
