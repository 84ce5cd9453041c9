"""The supervisor's side of review from any desk, in the desktop app: read a detective's case from the unit, see
what waits for review, send a query with the keyboard; the detective's laptop records it at its next sync.

Before, only the command line could send a decision from another desk (`casedesk unit-review approve|query`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from casedesk.custody import statement
from casedesk.services.custody import Custody
from tests.helpers.store import CASE
from tests.unit_service.conftest import Unit
from tests.unit_service.test_review import Desks, _sync
from tests.unit_service.test_review_statements import OFFSCREEN_NOISE, desks, engine, hermetic_qsettings  # noqa: F401


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_a_supervisor_queries_a_detectives_case_from_their_own_desk(unit: Unit, desks: Desks,  # noqa: F811
                                                                    qtbot: object, tmp_path: Path,
                                                                    hermetic_qsettings: None) -> None:  # noqa: F811
    from tests.helpers.ui import TIMEOUT, close_all, sign_in

    controller, window = sign_in(qtbot, desks.supervisor, "sgt")  # type: ignore[arg-type]
    try:
        assert window.act_remote_review.isVisible()
        window.act_remote_review.trigger()
        dialog = window.findChild(object, "remoteInstallation").window()  # type: ignore[attr-defined]
        qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
        dialog.url.setText(unit.service.url)
        dialog.ca.setText(str(unit.tls.ca))
        qtbot.keyClicks(dialog.installation, desks.d_id)  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reference, CASE)  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)  # type: ignore[attr-defined]  # Enter fetches
        assert dialog.job is not None  # the read runs on the worker; the window stays live
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.case is not None, dialog.message.text()
        waiting = [dialog.entries.topLevelItem(i).text(3) for i in range(dialog.entries.topLevelItemCount())]
        assert "Ingested" in waiting  # the detective's ingest waits for review, named as the app names it
        assert f"Case {CASE} of installation {desks.d_id}" in dialog.standing.text()
        assert "1 entry waits for review." in dialog.standing.text() and "Not reviewed yet." in dialog.standing.text()

        # A query needs a comment: refused in one line, nothing sent.
        dialog.query_button.click()
        assert "A query needs a comment" in dialog.message.text() and dialog.sent is None
        qtbot.keyClicks(dialog.comment, "Which bag is the phone sealed in?")  # type: ignore[attr-defined]
        dialog.query_button.click()
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.sent is not None, dialog.message.text()
        assert "the detective's laptop records it at its next sync" in dialog.message.text()
        grab = dialog.grab()
        grab.save(str(tmp_path / "remote-review.png"))
    finally:
        close_all(controller)

    _sync(unit, desks.detective, "jsmith")
    s = desks.detective.sign_in("jsmith")
    try:
        queries = Custody(s).queries(CASE)
    finally:
        s.close()
    assert [(q.action, q.text) for q in queries] == [(statement.ACTION, "Which bag is the phone sealed in?")]
