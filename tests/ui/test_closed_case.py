"""A closed case in the window: ingest and moves disabled with the reason shown; the close puts nothing in the
review queue; views and previews do not fill it (issue 13, defect 5)."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.ui.dialogs.close_case import CloseCaseDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, wait_for_window
from tests.ui.test_custody import ingest_fixture, open_exhibit


def test_closing_disables_ingest_and_moves_with_the_reason(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    session = store.sign_in("sgt")
    Custody(session).review(CASE, "approve", "in order")
    session.close()
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")  # a preview is recorded: not something to review
    assert window.act_ingest.isEnabled() and window.act_transfer.isEnabled()
    window.tabs.setCurrentWidget(window.case_tabs["overview"])
    click(qtbot, window.case_tabs["overview"].close_button)
    dialog = wait_for_window(qtbot, CloseCaseDialog)
    assert not dialog.reason.isVisible()  # nothing awaits review: no override needed
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.cases.current_status() == "closed", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.act_ingest.isEnabled(), timeout=TIMEOUT)
    window.tabs.setCurrentWidget(window.exhibits)
    assert not window.exhibits.ingest_button.isEnabled()
    assert window.exhibits.closed_notice.isVisible()
    assert "closed" in window.exhibits.closed_notice.text()
    assert "closed" in window.exhibits.ingest_button.toolTip()
    assert not window.act_transfer.isEnabled() and not window.act_check_out.isEnabled()
    window.review.load()
    assert window.review.queue.topLevelItemCount() == 0  # the supervisor's own close is not in the queue
    close_all(controller)
    session = store.sign_in("sgt")
    try:
        assert Custody(session).review_queue() == []
        assert Cases(session).show(CASE).unreviewed == 0
    finally:
        session.close()
