"""Handing a case over and taking it in from the desktop app, against the real unit and PostgreSQL.

Before, only the command line could (`casedesk unit-handover give|receive`). Driven with the keyboard: the fields
are typed, Enter starts, the confirmation is answered with its mnemonic; the network runs on the worker.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence
from tests.unit_service.conftest import Unit
from tests.unit_service.test_handover import KESTREL, Desks, desks, engine  # noqa: F401
from tests.unit_service.test_review_statements import OFFSCREEN_NOISE, hermetic_qsettings  # noqa: F401


def _shot(widget: object, tmp_path: Path, name: str) -> None:
    """A picture of the dialog, to look at by hand (CASEDESK_TEST_SHOTS=DIR keeps them there)."""
    folder = Path(os.environ.get("CASEDESK_TEST_SHOTS") or tmp_path)
    assert widget.grab().save(str(folder / f"{name}.png"))  # type: ignore[attr-defined]


def _confirmation(qtbot: object) -> QMessageBox:
    from tests.helpers.ui import TIMEOUT

    found: list[QMessageBox] = []

    def shown() -> bool:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "confirmHandOver" and box.isVisible():
            found.append(box)
            return True
        return False

    qtbot.waitUntil(shown, timeout=TIMEOUT)  # type: ignore[attr-defined]
    return found[0]


def _answer_yes(qtbot: object, box: QMessageBox) -> None:
    """Tab to "Hand over" (Cancel has the focus first, as the default) and press Space."""
    from tests.helpers.ui import TIMEOUT

    go = box.findChild(QPushButton, "confirmHandOverYes")
    assert box.focusWidget() is not go  # the safe answer comes first
    for _ in range(4):
        if box.focusWidget() is go:
            break
        qtbot.keyClick(box.focusWidget(), Qt.Key.Key_Tab)  # type: ignore[attr-defined]
    assert box.focusWidget() is go
    qtbot.keyClick(go, Qt.Key.Key_Space)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_a_case_handed_over_and_received_from_the_desktop(unit: Unit, desks: Desks,  # noqa: F811
                                                          qtbot: object, tmp_path: Path,
                                                          hermetic_qsettings: None) -> None:  # noqa: F811
    from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in

    controller, window = sign_in(qtbot, desks.d, "jsmith")  # type: ignore[arg-type]
    try:
        select_case(qtbot, window, KESTREL)  # type: ignore[arg-type]
        assert window.act_hand_over.isEnabled(), window.act_hand_over.toolTip()
        window.act_hand_over.trigger()
        dialog = window.findChild(object, "handOverInstallation").window()  # type: ignore[attr-defined]
        qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
        assert "read-only on this installation" in dialog.warning.text()  # said before anything is typed
        dialog.unit.url.setText(unit.service.url)
        dialog.unit.ca.setText(str(unit.tls.ca))
        # Enter with no officer named: refused in one line, the focus on the field to fill.
        qtbot.keyClicks(dialog.installation, desks.e_id)  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.installation, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert dialog.message.text() == "Name the receiving officer by their user name on that installation"
        assert dialog.focusWidget() is dialog.officer
        qtbot.keyClicks(dialog.officer, "bpatel")  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reason, "transferred to the fraud team")  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        box = _confirmation(qtbot)
        assert f"Hand case {KESTREL} to bpatel of installation {desks.e_id}?" == box.text()
        assert "read-only on this installation" in box.informativeText()
        _shot(box, tmp_path, "hand-over-confirm")
        # Escape (Cancel is the default): nothing handed over.
        qtbot.keyClick(box, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not box.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.message.text() == "Not handed over: nothing was recorded."
        assert window.cases.current_status() == "open"
        qtbot.keyClick(dialog.hand_button, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        _answer_yes(qtbot, _confirmation(qtbot))
        assert dialog.job is not None  # on the worker: the window stays live
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.outcome is not None, dialog.message.text()
        assert dialog.outcome.synced is not None, dialog.outcome.sync_problem
        text = dialog.message.text()
        assert text.startswith(f"Case {KESTREL} handed over to bpatel of installation {desks.e_id} (custody entry ")
        assert f"naming this installation: {desks.d_id}." in text
        _shot(dialog, tmp_path, "hand-over-done")
        qtbot.keyClick(dialog.close_button, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]

        # The case page shows it handed over; what would write is disabled, saying why.
        qtbot.waitUntil(lambda: window.cases.current_status() == "handed_over",  # type: ignore[attr-defined]
                        timeout=TIMEOUT)
        why = f"Case {KESTREL} was handed over to bpatel of installation {desks.e_id} (custody entry "
        overview = window.case_tabs["overview"]
        window.tabs.setCurrentWidget(overview)
        qtbot.waitUntil(lambda: "handed over to bpatel" in overview.values["Status"].text(),  # type: ignore
                        timeout=TIMEOUT)
        assert overview.summary.isReadOnly() and not overview.reopen_button.isVisible()
        _shot(window, tmp_path, "handed-over-case")
        for act in (window.act_ingest, window.act_hand_over, window.act_export, window.act_mg6c):
            assert not act.isEnabled() and why in act.toolTip(), (act.text(), act.toolTip())
        notes = window.case_tabs["notes"]
        window.tabs.setCurrentWidget(notes)
        qtbot.waitUntil(lambda: not notes.add_button.isEnabled(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert notes.add_button.toolTip().startswith(why)
        exhibits = window.case_tabs["exhibits"]
        window.tabs.setCurrentWidget(exhibits)
        assert not exhibits.ingest_button.isEnabled() and exhibits.ingest_button.toolTip().startswith(why)
        assert exhibits.closed_notice.text().startswith(why)
        qtbot.waitUntil(lambda: exhibits.model.rowCount() == 2, timeout=TIMEOUT)  # type: ignore[attr-defined]
        exhibits.view.selectRow(0)
        qtbot.waitUntil(lambda: exhibits.detail.exhibit is not None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert not exhibits.detail.preview_button.isEnabled()
        assert exhibits.detail.preview_button.toolTip().startswith(why)
        for act in (window.act_transfer, window.act_extract, window.act_preview, window.act_withdraw):
            assert not act.isEnabled() and why in act.toolTip(), (act.text(), act.toolTip())
        # The home page's list of the user's cases says it too (it said "closed").
        window.go_home()
        qtbot.waitUntil(lambda: window.home.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        rows = {window.home.cases.topLevelItem(i).text(0): window.home.cases.topLevelItem(i).text(2)
                for i in range(window.home.cases.topLevelItemCount())}
        assert rows[KESTREL] == "handed over", rows
    finally:
        close_all(controller)

    # bpatel takes it in on the other installation.
    controller, window = sign_in(qtbot, desks.e, "bpatel")  # type: ignore[arg-type]
    try:
        assert window.act_receive.isEnabled()
        window.act_receive.trigger()
        dialog = window.findChild(object, "receiveInstallation").window()  # type: ignore[attr-defined]
        qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
        dialog.unit.url.setText(unit.service.url)
        dialog.unit.ca.setText(str(unit.tls.ca))
        qtbot.keyClicks(dialog.installation, desks.d_id)  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reference, KESTREL.lower())  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert dialog.job is not None  # on the worker: the window stays live
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        got = dialog.result_case
        assert got is not None, dialog.message.text()
        assert dialog.fetched == 2  # one progress report per object fetched and checked
        assert got.exhibits == 2 and got.objects == 2
        assert dialog.message.text().startswith(f"Case {KESTREL} received from installation {desks.d_id}: "
                                                "2 exhibits, 2 objects of evidence (")
        _shot(dialog, tmp_path, "receive-done")
        assert dialog.open_button.isDefault()
        qtbot.keyClick(dialog.open_button, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: window.case_ref == KESTREL, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert window.cases.current_status() == "open" and window.act_ingest.isEnabled()
    finally:
        close_all(controller)
    s = desks.e.sign_in("bpatel")
    try:
        assert sorted(x.reference for x in Evidence(s).list(KESTREL)) == sorted(desks.exhibits)
        assert Cases(s).show(KESTREL).officer_in_charge == "bpatel"
    finally:
        s.close()


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_a_refused_hand_over_or_receive_is_one_line_in_the_dialog(unit: Unit, desks: Desks,  # noqa: F811
                                                                  qtbot: object, tmp_path: Path,
                                                                  hermetic_qsettings: None) -> None:  # noqa: F811
    from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in

    # bpatel's installation: nothing was handed to bpatel, so the unit serves nothing.
    controller, window = sign_in(qtbot, desks.e, "bpatel")  # type: ignore[arg-type]
    try:
        window.act_receive.trigger()
        dialog = window.findChild(object, "receiveInstallation").window()  # type: ignore[attr-defined]
        dialog.unit.url.setText(unit.service.url)
        dialog.unit.ca.setText(str(unit.tls.ca))
        qtbot.keyClicks(dialog.installation, desks.d_id)  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reference, KESTREL)  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reference, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.result_case is None
        line = dialog.message.text()
        assert line and "\n" not in line and dialog.message.isVisible(), line
        assert dialog.receive_button.isEnabled() and dialog.installation.isEnabled()  # put right and try again
        _shot(dialog, tmp_path, "receive-refused")
        dialog.reject()
    finally:
        close_all(controller)
    s = desks.e.sign_in("bpatel")
    try:
        assert KESTREL not in [c.reference for c in Cases(s).list()]
    finally:
        s.close()

    # jsmith names an officer the unit does not know: one line, and the case stays open here.
    controller, window = sign_in(qtbot, desks.d, "jsmith")  # type: ignore[arg-type]
    try:
        select_case(qtbot, window, KESTREL)  # type: ignore[arg-type]
        window.act_hand_over.trigger()
        dialog = window.findChild(object, "handOverInstallation").window()  # type: ignore[attr-defined]
        dialog.unit.url.setText(unit.service.url)
        dialog.unit.ca.setText(str(unit.tls.ca))
        qtbot.keyClicks(dialog.installation, desks.e_id)  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.officer, "nobody")  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reason, "to the fraud team")  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        _answer_yes(qtbot, _confirmation(qtbot))
        assert dialog.job is not None
        qtbot.waitUntil(lambda: dialog.job is None, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert dialog.outcome is None
        line = dialog.message.text()
        assert line.startswith("The unit refused the hand-over") and "\n" not in line, line
        assert dialog.hand_button.isEnabled()
        _shot(dialog, tmp_path, "hand-over-refused")
        dialog.reject()
        assert window.cases.current_status() == "open" and window.act_ingest.isEnabled()
    finally:
        close_all(controller)
