"""Keyboard shortcuts for sign-out, check-out, extract and preview; disabled actions say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.ui import main_window
from casedesk.ui.dialogs.login import LoginDialog
from casedesk.ui.dialogs.transfer import CustodyMoveDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in, wait_for_window
from tests.ui.test_custody import ingest_fixture, open_exhibit

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_extract_preview_check_out_and_sign_out_from_the_keyboard(qtbot: QtBot, store: Store, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names and account numbers\n"})
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(main_window.QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(out))
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    view = window.exhibits.view
    view.setFocus()

    qtbot.keyClick(view, Qt.Key.Key_P, CTRL_SHIFT)  # preview
    qtbot.waitUntil(lambda: window.exhibits.detail.preview.text.toPlainText() == "names and account numbers\n",
                    timeout=TIMEOUT)
    qtbot.keyClick(view, Qt.Key.Key_X, CTRL_SHIFT)  # extract
    qtbot.waitUntil(lambda: window.extracted is not None, timeout=TIMEOUT)
    assert window.extracted.read_bytes() == b"names and account numbers\n"
    # The extraction is recorded and the register read again: the exhibit stays chosen, so Ctrl+Shift+O works.
    qtbot.waitUntil(lambda: not window.exhibits.loading and window.exhibits.model.rowCount() == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: getattr(window.exhibits.current(), "reference", None) == "JAS/1", timeout=TIMEOUT)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_O, CTRL_SHIFT)  # check out
    dialog = wait_for_window(qtbot, CustodyMoveDialog)
    assert dialog.mode == "check_out"
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)

    session = store.sign_in("sgt")
    try:
        actions = [e.action for e in Custody(session).log(CASE, exhibit_ref="JAS/1")]
    finally:
        session.close()
    assert actions[-2:] == ["exhibit.viewed", "exhibit.extracted"]

    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Q, CTRL_SHIFT)  # sign out
    login = wait_for_window(qtbot, LoginDialog)
    assert login.user.text() == "jsmith"
    close_all(controller)


def test_a_disabled_action_says_why(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names\n", "photo.bin": b"\x00\x01"})
    session = store.sign_in("sgt")
    try:
        Cases(session).add_member(CASE, "bpatel")
    finally:
        session.close()
    session = store.sign_in("jsmith")
    try:
        Custody(session).check_out(CASE, "JAS/1", "Forensic lab", "imaging")
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "bpatel")
    assert not window.act_export.isEnabled()
    assert window.act_export.toolTip().startswith("Open a case first")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    assert not window.act_transfer.isEnabled()
    assert window.act_transfer.toolTip().startswith("Select an exhibit in the register first.")
    open_exhibit(qtbot, window, "JAS/2")
    assert not window.act_transfer.isEnabled()
    assert window.act_transfer.toolTip().startswith("Only JAS/2's custodian (jsmith) or a supervisor can move it.")
    assert window.act_transfer.statusTip() == "Only JAS/2's custodian (jsmith) or a supervisor can move it"
    assert not window.act_preview.isEnabled() and "no preview" in window.act_preview.toolTip()
    assert window.act_extract.isEnabled() and window.act_extract.toolTip().endswith("(Ctrl+Shift+X)")
    close_all(controller)

    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    assert not window.act_transfer.isEnabled()
    assert window.act_transfer.toolTip().startswith(
        "JAS/1 is checked out to Forensic lab: record its return first.")
    assert window.act_return.isEnabled()
    close_all(controller)
