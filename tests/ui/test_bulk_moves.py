"""Several exhibits checked out and returned at once from the register (issue 13: multi-selection and bulk
actions): one signed entry each, each exhibit that may not move refused with its reason, and a summary."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from casedesk.ui.dialogs.move_summary import MoveSummaryDialog
from casedesk.ui.dialogs.transfer import CustodyMoveDialog
from casedesk.ui.main_window import MainWindow
from casedesk.ui.partials.exhibit_model import COLUMNS
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_custody import ingest_fixture

CUSTODIAN = [c.title for c in COLUMNS].index("Custodian")


def _register(qtbot: QtBot, window: MainWindow, count: int) -> dict[str, str]:
    """The register as shown: reference -> custodian column."""
    tab = window.exhibits
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.loading and tab.proxy.rowCount() == count, timeout=TIMEOUT)
    return {tab.proxy.index(r, 0).data(): tab.proxy.index(r, CUSTODIAN).data() for r in range(count)}


def _select_with_ctrl(qtbot: QtBot, window: MainWindow, references: list[str]) -> None:
    """Click the first exhibit, Ctrl+click the others, as a user selects several."""
    tab = window.exhibits
    for i, ref in enumerate(references):
        rect = tab.view.visualRect(tab.index_of(ref))
        modifier = Qt.KeyboardModifier.ControlModifier if i else Qt.KeyboardModifier.NoModifier
        qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    qtbot.waitUntil(lambda: [e.reference for e in tab.selected()] == references, timeout=TIMEOUT)


def _move(qtbot: QtBot, mode: str, to: str | None, reason: str) -> MoveSummaryDialog:
    dialog = wait_for_window(qtbot, CustodyMoveDialog, lambda d: d.mode == mode)
    if to is not None:
        type_into(qtbot, dialog.to.lineEdit(), to)
    type_into(qtbot, dialog.reason, reason)
    click(qtbot, dialog.ok_button)
    return wait_for_window(qtbot, MoveSummaryDialog)


def test_several_exhibits_are_checked_out_to_me_and_returned_with_each_refusal_shown(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"phone.bin": b"phone image", "sim.bin": b"sim card", "usb.bin": b"usb stick",
                                     "laptop.bin": b"laptop image"})
    session = store.sign_in("jsmith")  # set-up: two in the property store, one already at a lab
    try:
        custody = Custody(session)
        custody.transfer(CASE, "JAS/1", "Property store, Lambeth", "booked in")
        custody.transfer(CASE, "JAS/2", "Property store, Lambeth", "booked in")
        custody.check_out(CASE, "JAS/3", "Forensic lab, Lambeth", "imaging")
    finally:
        session.close()

    # The supervisor checks three out to jsmith at once: JAS/3 is at the lab, so it is refused.
    controller, window = sign_in(qtbot, store, "sgt")
    select_case(qtbot, window, CASE)
    _register(qtbot, window, 4)
    _select_with_ctrl(qtbot, window, ["JAS/1", "JAS/2", "JAS/3"])
    assert window.act_check_out.isEnabled()
    window.act_check_out.trigger()
    summary = _move(qtbot, "check_out", "jsmith", "interviews of the suspect")
    assert summary.windowTitle() == "Checked out: 2 of 3 exhibits"
    text = summary.plain_text()
    assert "JAS/1" in text and "JAS/2" in text and "to jsmith" in text
    assert "Refused (1)" in text and "JAS/3 is already checked out to Forensic lab, Lambeth" in text
    click(qtbot, summary.close_button)
    qtbot.waitUntil(lambda: _register(qtbot, window, 4) == {
        "JAS/1": "jsmith (checked out)", "JAS/2": "jsmith (checked out)",
        "JAS/3": "Forensic lab, Lambeth (checked out)", "JAS/4": "jsmith"}, timeout=TIMEOUT)
    close_all(controller)

    # jsmith sees them as checked out to her, and returns them with one she never had out.
    controller, window = sign_in(qtbot, store, "jsmith")
    window.act_home.trigger()
    lent = window.home.lent
    qtbot.waitUntil(lambda: sorted(lent.topLevelItem(i).text(1) for i in range(lent.topLevelItemCount()))
                    == ["JAS/1", "JAS/2"], timeout=TIMEOUT)
    select_case(qtbot, window, CASE)
    _register(qtbot, window, 4)
    _select_with_ctrl(qtbot, window, ["JAS/1", "JAS/2", "JAS/4"])
    assert window.act_return.isEnabled()
    window.act_return.trigger()
    summary = _move(qtbot, "return", None, "interviews over")
    assert summary.windowTitle() == "Returned: 2 of 3 exhibits"
    assert "JAS/4 is not checked out" in summary.plain_text()
    click(qtbot, summary.close_button)
    qtbot.waitUntil(lambda: _register(qtbot, window, 4)["JAS/1"] == "Property store, Lambeth", timeout=TIMEOUT)
    assert _register(qtbot, window, 4)["JAS/2"] == "Property store, Lambeth"
    session = store.sign_in("jsmith")
    try:
        returned = Custody(session).log(CASE, action="exhibit.returned")
        assert sorted(e.exhibit_ref or "" for e in returned) == ["JAS/1", "JAS/2"]  # one signed entry each
    finally:
        session.close()
    close_all(controller)


def test_return_of_several_is_greyed_out_with_the_reason_when_none_is_out(qtbot: QtBot, store: Store,
                                                                          tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.bin": b"a", "b.bin": b"b"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    _register(qtbot, window, 2)
    _select_with_ctrl(qtbot, window, ["JAS/1", "JAS/2"])
    assert not window.act_return.isEnabled()
    assert window.act_return.toolTip().startswith("None of the selected exhibits is checked out")
    assert window.act_check_out.isEnabled()
    close_all(controller)


def test_the_explanation_speaks_of_the_exhibits_when_several_are_moved(qtbot: QtBot, store: Store) -> None:
    """"Lend the exhibit …" over a list of three references reads as if one of them were meant."""
    from PySide6.QtWidgets import QLabel

    from casedesk.services.evidence import Evidence
    from tests.helpers.custody import ingest

    ingest(store, "jsmith", {"phone.bin": b"phone image", "sim.bin": b"sim card", "usb.bin": b"usb stick"})
    session = store.sign_in("jsmith")
    try:
        exhibits = Evidence(session).list(CASE)
        expected = {
            "transfer": ("Hand the exhibit to another officer", "Hand the exhibits to another officer"),
            "check_out": ("Lend the exhibit (e.g. to a forensic lab) until it is returned",
                          "Lend the exhibits (e.g. to a forensic lab) until they are returned"),
            "return": ("Record that the checked-out exhibit came back",
                       "Record that the checked-out exhibits came back"),
        }
        def intro(dialog: CustodyMoveDialog) -> str:  # the line under the title: the references, then what it does
            return next(w.text() for w in dialog.findChildren(QLabel) if w.text().startswith("<b>JAS/"))

        for mode, (one, several) in expected.items():
            single = CustodyMoveDialog(session, CASE, exhibits[0], mode)
            qtbot.addWidget(single)
            assert one in intro(single) and several not in intro(single)
            assert single.location.placeholderText() == "where the exhibit will be (optional)"
            many = CustodyMoveDialog(session, CASE, exhibits, mode)
            qtbot.addWidget(many)
            assert several in intro(many), intro(many)
            assert "JAS/1, JAS/2, JAS/3" in intro(many)
            assert many.location.placeholderText() == "where the exhibits will be (optional)"
    finally:
        session.close()
