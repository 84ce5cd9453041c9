"""Putting things right from the window: correct a custody entry, edit a note, reopen a closed case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.ui.dialogs.close_case import ReopenCaseDialog
from casedesk.ui.dialogs.correct_entry import CorrectEntryDialog
from casedesk.ui.dialogs.edit_note import EditNoteDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_custody import ingest_fixture


def _select_entry(qtbot: QtBot, window: object, seq: int) -> None:
    custody = window.custody  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: custody.model.row_of(seq) >= 0, timeout=TIMEOUT)
    assert custody.show_entry(seq)


def test_the_author_corrects_her_entry_from_the_log_and_the_original_stays(qtbot: QtBot, store: Store,
                                                                           tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    session = store.sign_in("jsmith")
    try:
        ingested = Custody(session).log(CASE, action="exhibit.ingested")[0]
        note = Cases(session).add_note(CASE, "Bag resealed")
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.custody)
    custody = window.custody
    qtbot.waitUntil(custody.correct_button.isVisible, timeout=TIMEOUT)
    custody.view.clearSelection()
    assert not custody.correct_button.isEnabled()
    assert custody.correct_button.toolTip() == "Select an entry in the log to correct it"
    _select_entry(qtbot, window, note.custody_seq)
    assert not custody.correct_button.isEnabled() and "Edit note" in custody.correct_button.toolTip()
    _select_entry(qtbot, window, ingested.seq)
    click(qtbot, custody.correct_button)
    dialog = wait_for_window(qtbot, CorrectEntryDialog)
    click(qtbot, dialog.ok_button)  # no text: the dialog says so and stays open
    assert "correction text is required" in dialog.message.text() and dialog.isVisible()
    type_into(qtbot, dialog.text, "The seal number is MPS-004418, not MPS-004481")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: custody.selected_entry() is not None
                    and custody.selected_entry().action == "entry.corrected", timeout=TIMEOUT)
    correction = custody.selected_entry()
    assert correction.data["corrects"] == ingested.seq
    session = store.sign_in("sgt")
    try:
        entry = Custody(session).entry(ingested.seq)
        assert entry.corrected_by == (correction.seq,) and entry.reason == ingested.reason
    finally:
        session.close()
    close_all(controller)

    session = store.sign_in("sgt")
    try:
        Cases(session).add_member(CASE, "bpatel")
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "bpatel")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.custody)
    _select_entry(qtbot, window, ingested.seq)
    assert not window.custody.correct_button.isEnabled()
    assert window.custody.correct_button.toolTip() == (
        f"Only jsmith, who wrote entry {ingested.seq}, or a supervisor can correct it")
    close_all(controller)


def test_a_supervisor_reopens_a_closed_case_from_the_overview(qtbot: QtBot, store: Store) -> None:
    session = store.sign_in("sgt")
    try:
        Cases(session).close(CASE)
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.reopen_button.isVisible(), timeout=TIMEOUT)
    assert not overview.close_button.isVisible()
    assert not overview.add_member_button.isEnabled()
    assert overview.add_member_button.toolTip() == "The case is closed: reopen it to change its members"
    click(qtbot, overview.reopen_button)
    dialog = wait_for_window(qtbot, ReopenCaseDialog)
    qtbot.waitUntil(dialog.reason.hasFocus, timeout=TIMEOUT)  # typing goes to the reason at once
    click(qtbot, dialog.ok_button)
    assert "Say why the case is reopened" in dialog.message.text() and "--" not in dialog.message.text()
    type_into(qtbot, dialog.reason, "New statements from the bank")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter records it
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: overview.values["Status"].text() == "open", timeout=TIMEOUT)
    assert overview.close_button.isVisible() and not overview.reopen_button.isVisible()
    assert overview.add_member_button.isEnabled()
    assert overview.values["Closed"].text() == "not closed"
    close_all(controller)


def test_the_author_edits_her_note_and_the_list_shows_the_latest_version(qtbot: QtBot, store: Store) -> None:
    session = store.sign_in("jsmith")
    try:
        Cases(session).add_note(CASE, "Spoke to the journalist on Monday.")
    finally:
        session.close()
    session = store.sign_in("sgt")
    try:
        Cases(session).add_note(CASE, "Supervisor's note.")
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    notes = window.case_tabs["notes"]
    window.tabs.setCurrentWidget(notes)
    qtbot.waitUntil(lambda: notes.list.topLevelItemCount() == 2, timeout=TIMEOUT)
    assert not notes.edit_button.isEnabled() and notes.edit_button.toolTip() == "Select one of your notes to edit it"
    notes.list.setCurrentItem(notes.list.topLevelItem(1))
    assert not notes.edit_button.isEnabled()
    assert notes.edit_button.toolTip() == "Only sgt, who wrote this note, can edit it"
    notes.list.setCurrentItem(notes.list.topLevelItem(0))
    click(qtbot, notes.edit_button)
    dialog = wait_for_window(qtbot, EditNoteDialog)
    assert dialog.text.toPlainText() == "Spoke to the journalist on Monday."  # the text to change, not a blank box
    qtbot.waitUntil(dialog.text.hasFocus, timeout=TIMEOUT)
    dialog.text.selectAll()
    qtbot.keyClicks(dialog.text, "Spoke to the journalist on Tuesday.")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "new version" in notes.message.text(), timeout=TIMEOUT)
    assert notes.list.topLevelItemCount() == 2  # the latest version of each note, not both versions
    texts = {notes.list.topLevelItem(i).text(3): notes.list.topLevelItem(i) for i in range(2)}
    edited = texts["Spoke to the journalist on Tuesday."]
    assert edited.text(1) == "jsmith (edited)" and "Monday" in edited.toolTip(3)
    close_all(controller)


def test_the_timeline_tab_tells_the_case_day_by_day_and_leads_to_the_entry(qtbot: QtBot, store: Store,
                                                                          tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    timeline = window.timeline
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is timeline and len(timeline.events()) >= 2,
                    timeout=TIMEOUT)
    texts = [item.text(2) for item in timeline.events()]
    assert texts[0].startswith("Case opened") and any(t.startswith("Exhibit ingested JAS/1") for t in texts)
    assert timeline.tree.topLevelItem(0).childCount() >= 2  # events under their day
    ingested = next(i for i in timeline.events() if i.text(2).startswith("Exhibit ingested"))
    timeline.tree.setCurrentItem(ingested)
    timeline.tree.setFocus()
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Return)  # to the custody entry it came from
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.custody
                    and window.custody.selected_entry() is not None
                    and window.custody.selected_entry().action == "exhibit.ingested", timeout=TIMEOUT)
    close_all(controller)
