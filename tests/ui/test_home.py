"""The home page after sign-in: what waits for the user; a query reaches the detective and is answered in place;
search across every case."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into
from tests.ui.test_custody import ingest_fixture

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _query(store: Store, text: str) -> int:
    sgt = store.sign_in("sgt")
    try:
        return Custody(sgt).review(CASE, "query", text).seq
    finally:
        sgt.close()


def test_the_detective_is_told_of_a_query_and_answers_it_on_the_home_page(qtbot: QtBot, store: Store,
                                                                           tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    seq = _query(store, "Who sealed JAS/1?")
    controller, window = sign_in(qtbot, store, "jsmith")
    home = window.home
    qtbot.waitUntil(lambda: home.isVisible() and home.rows(home.queries) == 1, timeout=TIMEOUT)
    assert window.workspace.currentWidget() is home  # no case open: the home page, not an empty pane
    assert home.cases.topLevelItem(0).text(0) == CASE
    item = home.queries.topLevelItem(0)
    assert (item.text(0), item.text(1), item.text(4)) == (CASE, str(seq), "Who sealed JAS/1?")
    qtbot.waitUntil(window.query_notice.isVisible, timeout=TIMEOUT)
    assert window.query_notice.text() == "1 open query for you"

    select_case(qtbot, window, CASE)  # away from home; the notice takes the user back to the query
    assert window.workspace.currentWidget() is window.tabs
    click(qtbot, window.query_notice)
    qtbot.waitUntil(lambda: window.workspace.currentWidget() is home and home.answer.hasFocus(), timeout=TIMEOUT)
    assert window.case_ref is None

    click(qtbot, home.answer_button)  # an empty answer is refused in the page, not in a command-line voice
    assert "needs some text" in home.answer_message.text() and "--" not in home.answer_message.text()
    type_into(qtbot, home.answer, "Sealed by DC Smith, bag MPS-004418")
    click(qtbot, home.answer_button)
    qtbot.waitUntil(lambda: "answered" in home.answer_message.text(), timeout=TIMEOUT)
    assert home.rows(home.queries) == 0
    assert home.queries.topLevelItem(0).text(0) == "No query waits for your answer."
    assert not window.query_notice.isVisible()
    assert not home.answer_button.isEnabled() and "No query is selected" in home.answer_button.toolTip()
    sgt = store.sign_in("sgt")
    try:
        assert Custody(sgt).queries(CASE) == []
        answer = Custody(sgt).log(CASE, action="note.added")[-1]
        assert answer.data == {"answers": seq} and answer.text == "Sealed by DC Smith, bag MPS-004418"
    finally:
        sgt.close()
    close_all(controller)


def test_the_supervisor_home_lists_the_review_queue_and_opens_the_case_for_review(qtbot: QtBot, store: Store,
                                                                                   tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n", "b.txt": b"second\n"})
    controller, window = sign_in(qtbot, store, "sgt")
    home = window.home
    qtbot.waitUntil(lambda: home.rows(home.review) == 1, timeout=TIMEOUT)
    item = home.review.topLevelItem(0)
    assert (item.text(0), item.text(1)) == (CASE, "2")
    assert home.review_box.isVisible() and not home.answer_button.isVisible()
    home.review.setFocus()
    home.review.setCurrentItem(item)
    qtbot.keyClick(home.review, Qt.Key.Key_Return)  # Enter opens the case on its Review tab
    qtbot.waitUntil(lambda: window.case_ref == CASE and window.tabs.currentWidget() is window.review,
                    timeout=TIMEOUT)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.workspace.currentWidget() is home and window.case_ref is None, timeout=TIMEOUT)
    assert window.cases.view.selectionModel().selectedRows() == []  # the list shows no case as open
    close_all(controller)


def test_search_all_cases_from_the_home_page_opens_what_it_finds(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"IMG_2041.jpg.txt": b"first\n", "ledger.csv": b"a,b\n"})
    session = store.sign_in("jsmith")
    try:
        Cases(session).add_note(CASE, "The ledger came from the call centre's shared drive.")
    finally:
        session.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    home = window.home
    qtbot.waitUntil(lambda: home.view is not None, timeout=TIMEOUT)
    select_case(qtbot, window, CASE)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F, CTRL_SHIFT)  # from anywhere: home, search box
    qtbot.waitUntil(lambda: window.workspace.currentWidget() is home and home.search.hasFocus(), timeout=TIMEOUT)
    qtbot.keyClicks(home.search, "ledger")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: home.results_box.isVisible() and home.rows(home.results) == 2, timeout=TIMEOUT)
    found = {home.results.topLevelItem(i).text(1): home.results.topLevelItem(i) for i in range(2)}
    assert set(found) == {"file name", "note by jsmith"}
    assert found["file name"].text(3) == "ledger.csv"
    home.results.setFocus()
    home.results.setCurrentItem(found["file name"])
    qtbot.keyClick(home.results, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.case_ref == CASE and window.tabs.currentWidget() is window.exhibits,
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.exhibits.current() is not None
                    and window.exhibits.current().original_name == "ledger.csv", timeout=TIMEOUT)

    window.search_all_cases()
    type_into(qtbot, home.search, "no such thing anywhere")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: home.results.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert home.rows(home.results) == 0
    assert home.results.topLevelItem(0).text(0) == "Nothing found for “no such thing anywhere”."
    close_all(controller)
