"""The window follows changes another process makes to the store, without losing what the user is typing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in
from tests.ui.test_custody import open_exhibit


def test_a_query_written_elsewhere_reaches_the_detective_inside_a_case(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    qtbot.waitUntil(lambda: window.home.view is not None, timeout=TIMEOUT)
    select_case(qtbot, window, CASE)
    notes = window.case_tabs["notes"]
    window.tabs.setCurrentWidget(notes)
    notes.text.setPlainText("Half-written note about the bank")
    assert not window.query_notice.isVisible()
    sgt = store.sign_in("sgt")  # another process: its own engine on the same files
    try:
        seq = Custody(sgt).review(CASE, "query", "Where is the seizure record?").seq
    finally:
        sgt.close()
    qtbot.waitUntil(window.query_notice.isVisible, timeout=TIMEOUT)
    assert window.query_notice.text() == "1 open query for you"
    assert window.statusBar().currentMessage() == f"New query from sgt on {CASE}: Where is the seizure record?"
    assert window.watcher.seen >= seq
    assert notes.text.toPlainText() == "Half-written note about the bank"  # typed input survives the refresh
    close_all(controller)


def test_exhibits_ingested_elsewhere_appear_in_the_open_register(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    qtbot.waitUntil(lambda: not window.exhibits.loading, timeout=TIMEOUT)
    assert window.exhibits.model.rowCount() == 0
    (tmp_path / "statement.txt").write_bytes(b"I saw him at the call centre.\n")
    other = store.sign_in("jsmith")  # the same officer at the command line
    try:
        Evidence(other).ingest(CASE, [tmp_path / "statement.txt"], IngestMetadata("Witness statement"))
    finally:
        other.close()
    qtbot.waitUntil(lambda: window.exhibits.model.row_of("JAS/1") >= 0, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.cases.model.case_at(window.cases.model.row_of(CASE)).exhibits == 1,
                    timeout=TIMEOUT)
    close_all(controller)


def test_the_windows_own_entries_do_not_reload_it_and_an_open_preview_stays(qtbot: QtBot, store: Store,
                                                                             tmp_path: Path) -> None:
    (tmp_path / "statement.txt").write_bytes(b"I saw him at the call centre.\n")
    session = store.sign_in("jsmith")
    try:
        Evidence(session).ingest(CASE, [tmp_path / "statement.txt"], IngestMetadata("Witness statement"))
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    detail = window.exhibits.detail
    detail.setCurrentIndex(detail.indexOf(detail.preview.parentWidget()))
    click(qtbot, detail.preview_button)  # records exhibit.viewed: this window's own entry
    qtbot.waitUntil(lambda: detail.preview.kind == "text", timeout=TIMEOUT)
    with qtbot.assertNotEmitted(window.watcher.changed):
        window.watcher.check()
    window.exhibits.mark_stale()  # the register read again (e.g. after another window's change)
    qtbot.waitUntil(lambda: not window.exhibits.loading, timeout=TIMEOUT)
    assert detail.exhibit is not None and detail.exhibit.reference == "JAS/1"
    assert detail.preview.kind == "text", "a reload of the register closed the open preview"
    close_all(controller)
