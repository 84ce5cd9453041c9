"""The home page fits the smallest window the app is made for, also after a query is answered (the 1024x640
screenshots showed the page scrolling and "Exhibits checked out to you" pushed out of the window)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from tests.helpers.store import Store
from tests.helpers.ui import TIMEOUT, click, close_all, sign_in, type_into
from tests.ui.test_custody import ingest_fixture
from tests.ui.test_home import _query


def test_the_whole_home_page_stays_in_a_1024x640_window_after_an_answer(qtbot: QtBot, store: Store,
                                                                         tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    _query(store, "Who sealed JAS/1?")
    controller, window = sign_in(qtbot, store, "jsmith")
    window.resize(1024, 640)
    home = window.home
    scroll = home.findChild(QScrollArea, "homeScroll")
    qtbot.waitUntil(lambda: home.isVisible() and home.rows(home.queries) == 1, timeout=TIMEOUT)
    assert "open queries for you to answer: 1;" in home.greeting.text()  # not "1 open quer(ies)"
    assert "(ies)" not in home.greeting.text() and "(s)" not in home.greeting.text()
    home.queries.setCurrentItem(home.queries.topLevelItem(0))
    type_into(qtbot, home.answer, "Sealed by DC Smith at 11:05, bag MPS-004418")
    click(qtbot, home.answer_button)
    qtbot.waitUntil(lambda: "answered" in home.answer_message.text(), timeout=TIMEOUT)

    def lent_box_bottom() -> int:
        return home.lent_box.mapTo(scroll.viewport(), QPoint(0, home.lent_box.height())).y()

    qtbot.waitUntil(lambda: home.rows(home.queries) == 0, timeout=TIMEOUT)
    qtbot.wait(300)  # the layout settles (not a timing assertion: the page must not scroll at any point after)
    assert scroll.verticalScrollBar().maximum() == 0, "the home page scrolls in a 1024x640 window"
    assert home.lent_box.isVisible() and lent_box_bottom() <= scroll.viewport().height()
    close_all(controller)


def test_search_results_fit_a_1024x640_window_with_their_details_readable(qtbot: QtBot, store: Store) -> None:
    """The results pushed the page into a scroll and cut their Details column ("Attachment 'invoice_0417.pdf' of
    a phishi…"): while a search is shown the results take the page, and a long description wraps."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtWidgets import QStyle

    from tests.helpers.custody import ingest

    description = ("Attachment 'invoice_0417.pdf' of a phishing e-mail sent to the finance team on 3 March, "
                   "forwarded by the head of accounts with the original headers kept")
    ingest(store, "jsmith", {"invoice_0417_forwarded_to_the_accounts_department.eml": b"From: x\n",
                             "invoice_0417.pdf": b"%PDF-1.4 invoice\n"}, description=description)
    controller, window = sign_in(qtbot, store, "jsmith")
    window.resize(1024, 640)
    home = window.home
    scroll = home.findChild(QScrollArea, "homeScroll")
    qtbot.waitUntil(lambda: home.isVisible() and home.cases.topLevelItemCount() == 1, timeout=TIMEOUT)
    type_into(qtbot, home.search, "invoice")
    qtbot.keyClick(home.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: home.results_box.isVisible() and home.rows(home.results) == 2, timeout=TIMEOUT)
    qtbot.wait(300)  # the layout settles (not a timing assertion: the page must not scroll once it has)
    assert scroll.verticalScrollBar().maximum() == 0, "the home page scrolls in a 1024x640 window"
    results = home.results
    assert results.horizontalScrollBar().maximum() == 0, "the results scroll sideways"
    box_bottom = home.results_box.mapTo(scroll.viewport(), QPoint(0, home.results_box.height())).y()
    assert box_bottom <= scroll.viewport().height()
    for row in range(2):
        index = results.model().index(row, 4)
        cell = results.visualRect(index)
        assert not cell.isEmpty() and cell.right() <= results.viewport().width()
        margin = results.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, results) + 1
        needed = results.fontMetrics().boundingRect(
            QRect(0, 0, cell.width() - 2 * margin, 10_000), int(Qt.TextFlag.TextWordWrap), index.data()).height()
        assert cell.height() >= needed, f"the details of row {row} are cut: {index.data()!r}"
    # Clearing the search (Esc) brings back the panels the results took the place of.
    assert not home.queries_box.isVisible()
    qtbot.keyClick(home.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not home.results_box.isVisible() and home.queries_box.isVisible(), timeout=TIMEOUT)
    assert home.search.text() == "" and home.lent_box.isVisible()
    close_all(controller)
