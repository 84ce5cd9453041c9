"""A long line of the case timeline (a review comment, a note) wraps instead of ending in "..." (the timeline
screenshot cut the supervisor's review mid-sentence)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in
from tests.ui.test_custody import ingest_fixture

COMMENT = ("Continuity of the reporter's material and the bank's statement checked against the seal numbers on "
           "every bag; the executable is with the lab and comes back sealed once the analysis is complete")


def test_a_long_review_comment_is_shown_whole_in_the_timeline(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    sgt = store.sign_in("sgt")
    try:
        Custody(sgt).review(CASE, "approve", COMMENT)
    finally:
        sgt.close()
    controller, window = sign_in(qtbot, store, "jsmith")
    window.resize(1024, 640)
    select_case(qtbot, window, CASE)
    tab = window.timeline
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: any(COMMENT in item.text(2) for item in tab.events()), timeout=TIMEOUT)
    item = next(item for item in tab.events() if COMMENT in item.text(2))
    tree = tab.tree
    line = tree.fontMetrics().height()
    needed = tree.fontMetrics().horizontalAdvance(item.text(2))
    assert needed > tree.columnWidth(2)  # the comment is wider than its column: it must wrap to be read
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() >= 2 * line, timeout=TIMEOUT)
    close_all(controller)


def test_a_long_metadata_value_is_shown_whole(qtbot: QtBot) -> None:
    """The EXIF panel cut 'Metropolitan Police evidence photography' to '...' at 1024x640."""
    from casedesk.ui.partials.exhibit_detail import ExhibitDetail

    detail = ExhibitDetail()
    qtbot.addWidget(detail)
    detail.resize(420, 600)
    detail.show()
    detail.setCurrentIndex(2)
    value = "Metropolitan Police evidence photography, scene camera 4, lens 18-55 mm, firmware 1.0.2"
    detail.show_metadata([("Format", "JPEG"), ("Software", value)])
    tree = detail.metadata
    qtbot.waitUntil(lambda: tree.isVisible() and tree.columnWidth(1) > 0, timeout=TIMEOUT)
    item = tree.topLevelItem(1)
    assert tree.fontMetrics().horizontalAdvance(value) > tree.columnWidth(1)
    qtbot.waitUntil(lambda: tree.visualItemRect(item).height() >= 2 * tree.fontMetrics().height(), timeout=TIMEOUT)
