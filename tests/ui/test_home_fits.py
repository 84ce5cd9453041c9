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
