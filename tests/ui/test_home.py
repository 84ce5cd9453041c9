"""The home page after sign-in: what waits for the user; a query reaches the detective and is answered in place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into
from tests.ui.test_custody import ingest_fixture


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
    close_all(controller)
