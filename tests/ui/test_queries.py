"""Open queries in the window: an earlier approval leaves a later query open; officers answer, supervisors resolve."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into
from tests.ui.test_custody import ingest_fixture


def test_a_later_query_survives_an_earlier_approval_until_the_officer_answers(qtbot: QtBot, store: Store,
                                                                               tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n", "b.txt": b"second\n"})
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.review)
    review = window.review
    qtbot.waitUntil(lambda: review.model.rowCount() >= 2, timeout=TIMEOUT)
    last = review.up_to.value()
    type_into(qtbot, review.comment, "Who sealed JAS/2?")
    click(qtbot, review.query_button)
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 1, timeout=TIMEOUT)
    review.up_to.setValue(last - 1)  # approve only up to the entry before the queried one
    click(qtbot, review.approve_button)
    qtbot.waitUntil(lambda: "Approved" in review.message.text(), timeout=TIMEOUT)
    assert review.queries.topLevelItemCount() == 1, "an approval of earlier entries settled a later query"
    close_all(controller)

    controller, window = sign_in(qtbot, store, "jsmith")
    window.tabs.setCurrentWidget(window.review)
    select_case(qtbot, window, CASE)
    review = window.review
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert review.reply_button.isEnabled()
    type_into(qtbot, review.reply, "Sealed by DC Smith, bag MPS-004418")
    click(qtbot, review.reply_button)
    qtbot.waitUntil(lambda: "answered" in review.reply_message.text(), timeout=TIMEOUT)
    assert review.queries.topLevelItemCount() == 0
    session = store.sign_in("sgt")
    try:
        assert Custody(session).queries(CASE) == []
    finally:
        session.close()
    close_all(controller)


def test_a_supervisor_resolves_a_query_in_place(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"first\n"})
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.review)
    review = window.review
    qtbot.waitUntil(lambda: review.model.rowCount() >= 1, timeout=TIMEOUT)
    type_into(qtbot, review.comment, "Seizure time missing")
    click(qtbot, review.query_button)
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 1, timeout=TIMEOUT)
    click(qtbot, review.reply_button)  # resolving needs a reason
    assert "needs a comment" in review.reply_message.text()
    assert "--" not in review.reply_message.text()  # no command-line syntax in the window
    type_into(qtbot, review.reply, "Time is on the seizure form")
    click(qtbot, review.reply_button)
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 0, timeout=TIMEOUT)
    assert "resolved" in review.reply_message.text()
    assert review.model.rowCount() >= 1  # resolving is not an approval
    close_all(controller)
