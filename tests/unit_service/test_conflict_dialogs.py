"""An open custody conflict in the desktop app: highlighted in the exhibit register with a status text, both sides
named in the detail pane, and closed by a supervisor's resolution from the window (Custody › Resolve custody
conflict…), driven with the keyboard. The conflict is a real one: a laptop restored from the real unit while the
old one moved the same exhibits offline (tests/unit_service/test_conflicts.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from casedesk.errors import IntegrityError
from casedesk.services.conflicts import Conflicts
from casedesk.services.evidence import Evidence
from casedesk.ui.partials.exhibit_model import CUSTODIAN_COLUMN
from tests.helpers.store import CASE
from tests.unit_service.conftest import Unit
from tests.unit_service.helpers import ingest
from tests.unit_service.test_conflicts import (  # noqa: F401
    Laptops,
    _move,
    _offline_moves,
    _sync,
    engine,
    laptops,
    use,
)
from tests.unit_service.test_review_statements import OFFSCREEN_NOISE, hermetic_qsettings  # noqa: F401


def _shot(widget: object, tmp_path: Path, name: str) -> None:
    """A picture to look at by hand (CASEDESK_TEST_SHOTS=DIR keeps them there)."""
    folder = Path(os.environ.get("CASEDESK_TEST_SHOTS") or tmp_path)
    assert widget.grab().save(str(folder / f"{name}.png"))  # type: ignore[attr-defined]


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_a_supervisor_sees_both_sides_of_a_custody_conflict_and_resolves_it(
        unit: Unit, laptops: Laptops, qtbot: object, tmp_path: Path,  # noqa: F811
        hermetic_qsettings: None) -> None:  # noqa: F811
    from tests.helpers.ui import TIMEOUT, close_all, sign_in, wait_hidden

    x1, x2, x3 = laptops.exhibits
    _offline_moves(unit, laptops)
    _sync(unit, laptops.new)  # the replacement records the old laptop's entries as a fork: two conflicts
    use(laptops.new)
    controller, window = sign_in(qtbot, laptops.new, "sgt")  # type: ignore[arg-type]
    try:
        # The home page lists them; Enter on one opens its exhibit in the register.
        home = window.home.conflicts
        qtbot.waitUntil(lambda: window.home.conflicts_box.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        listed = [(home.topLevelItem(i).text(1), home.topLevelItem(i).text(2), home.topLevelItem(i).text(3))
                  for i in range(home.topLevelItemCount())]
        assert listed == [(x1, "Property store locker 7", "Digital forensics lab bench 3"),
                          (x2, "jsmith at CaseDesk vault", "Exhibits van 2")], listed
        _shot(window, tmp_path, "conflict-home")
        home.setCurrentItem(home.topLevelItem(0))
        qtbot.keyClick(home, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: window.case_ref == CASE, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert window.tabs.currentWidget() is window.exhibits
        window.tabs.setCurrentWidget(window.case_tabs["overview"])
        # On the case's first page already: the resolution is offered, and a bundle is not (it would show one
        # copy's word as the whole history; the service refuses it).
        assert window.act_resolve_conflict.isVisible() and window.act_resolve_conflict.isEnabled()
        assert not window.act_export.isEnabled()
        assert window.act_export.toolTip().startswith(f"{x1} has an open custody conflict: "), window.act_export.toolTip()
        exhibits = window.exhibits
        window.tabs.setCurrentWidget(exhibits)
        qtbot.waitUntil(lambda: exhibits.model.rowCount() == 3 and len(exhibits.conflicts) == 2,  # type: ignore
                        timeout=TIMEOUT)
        notice = exhibits.conflict_notice.text()
        assert notice.startswith(f"⚠ 2 open custody conflicts in this case ({x1}, {x2})"), notice
        model = exhibits.model

        def cell(ref: str, role: Qt.ItemDataRole, column: int = CUSTODIAN_COLUMN) -> object:
            return model.data(model.index(model.row_of(ref), column), role)

        assert cell(x1, Qt.ItemDataRole.DisplayRole) == "Property store locker 7 · ⚠ custody conflict"
        assert cell(x2, Qt.ItemDataRole.DisplayRole) == "jsmith · ⚠ custody conflict"
        assert cell(x3, Qt.ItemDataRole.DisplayRole) == "jsmith"  # moved by neither copy
        assert cell(x1, Qt.ItemDataRole.BackgroundRole, 0) is not None
        assert cell(x3, Qt.ItemDataRole.BackgroundRole, 0) is None
        assert "Digital forensics lab bench 3" in str(cell(x1, Qt.ItemDataRole.ToolTipRole, 1))

        exhibits.select(x1)
        qtbot.waitUntil(lambda: exhibits.detail.conflict.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        sides = exhibits.detail.conflict.text()
        conflict = next(c for c in exhibits.conflicts if c.exhibit_ref == x1)
        assert f"This log (entry {conflict.here['seq']}): Property store locker 7." in sides
        assert (f"The installation's other copy (its entry {conflict.other['seq']}, transferred, hash "
                f"{conflict.other['hash'][:16]}…): Digital forensics lab bench 3."
                in sides), sides
        _shot(window, tmp_path, "conflict-register")
        exhibits.select(x3)
        qtbot.waitUntil(lambda: not exhibits.detail.conflict.isVisible(), timeout=TIMEOUT)  # type: ignore
        exhibits.select(x1)
        qtbot.waitUntil(lambda: exhibits.detail.conflict.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]

        assert window.act_resolve_conflict.isVisible() and window.act_resolve_conflict.isEnabled()
        window.act_resolve_conflict.trigger()
        dialog = window.dialog  # the dialog the window opened last
        qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
        assert dialog.exhibit.currentText() == x1  # the selected exhibit's conflict
        assert dialog.sides.text().startswith(f"Open custody conflict on {x1} (recorded by entry ")
        assert dialog.use_here.isChecked()  # this log's state is offered first
        # No reason: refused in one line, nothing recorded.
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        assert dialog.isVisible() and dialog.message.text().startswith("Say why this state holds")
        assert dialog.focusWidget() is dialog.reason
        dialog.use_other.setFocus()
        qtbot.keyClick(dialog.use_other, Qt.Key.Key_Space)  # type: ignore[attr-defined]
        assert dialog.use_other.isChecked()
        qtbot.keyClicks(dialog.reason, "the lab's imaging log shows it arrived at 14:10")  # type: ignore
        _shot(dialog, tmp_path, "conflict-resolve")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        wait_hidden(qtbot, dialog)  # type: ignore[arg-type]
        assert dialog.resolved is not None
        qtbot.waitUntil(lambda: [c.exhibit_ref for c in exhibits.conflicts] == [x2],  # type: ignore[attr-defined]
                        timeout=TIMEOUT)
        assert cell(x1, Qt.ItemDataRole.DisplayRole) == "Digital forensics lab bench 3"
        assert exhibits.conflict_notice.text().startswith(f"⚠ 1 open custody conflict in this case ({x2})")
    finally:
        close_all(controller)
    s = use(laptops.new).sign_in("sgt")
    try:
        assert [c.exhibit_ref for c in Conflicts(s).list()] == [x2]
        assert {e.reference: e.custodian for e in Evidence(s).list(CASE)}[x1] == "Digital forensics lab bench 3"
    finally:
        s.close()


@pytest.mark.qt_log_ignore(*OFFSCREEN_NOISE)
def test_an_exhibit_only_the_other_copy_holds_and_another_state_are_resolved_from_the_dialog(
        unit: Unit, laptops: Laptops, qtbot: object, tmp_path: Path,  # noqa: F811
        hermetic_qsettings: None) -> None:  # noqa: F811
    from tests.helpers.ui import TIMEOUT, close_all, select_case, sign_in, wait_hidden

    x1 = laptops.exhibits[0]
    _move(laptops.new, x1, "Property store locker 7", "booked into the property store")
    _move(laptops.old, x1, "Digital forensics lab bench 3", "taken for imaging")
    s = use(laptops.old).sign_in("jsmith")
    try:  # found later, ingested on the old laptop only
        ingest(s, tmp_path / "late", "diary.txt", b"a diary found in the car")
        late = next(e.reference for e in Evidence(s).list(CASE) if e.reference not in laptops.exhibits)
    finally:
        s.close()
    _sync(unit, laptops.new)
    with pytest.raises(IntegrityError):
        _sync(unit, laptops.old)
    _sync(unit, laptops.new)

    # The detective sees the conflicts; only a supervisor is offered the resolution.
    use(laptops.new)
    controller, window = sign_in(qtbot, laptops.new, "jsmith")  # type: ignore[arg-type]
    try:
        select_case(qtbot, window, CASE)  # type: ignore[arg-type]
        window.tabs.setCurrentWidget(window.exhibits)
        qtbot.waitUntil(lambda: len(window.exhibits.conflicts) == 2, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert f"({x1}, {late})" in window.exhibits.conflict_notice.text()
        assert not window.act_resolve_conflict.isVisible()
        assert window.findChild(object, "resolveConflictButton") is None
    finally:
        close_all(controller)

    controller, window = sign_in(qtbot, laptops.new, "sgt")  # type: ignore[arg-type]
    try:
        select_case(qtbot, window, CASE)  # type: ignore[arg-type]
        exhibits = window.exhibits
        window.tabs.setCurrentWidget(exhibits)
        qtbot.waitUntil(lambda: len(exhibits.conflicts) == 2, timeout=TIMEOUT)  # type: ignore[attr-defined]
        assert exhibits.model.row_of(late) < 0  # not in this register: named in the line above it
        window.act_resolve_conflict.trigger()  # no exhibit selected: the dialog offers each conflict
        dialog = window.dialog  # the dialog the window opened last
        qtbot.waitExposed(dialog)  # type: ignore[attr-defined]
        dialog.exhibit.setFocus()
        qtbot.keyClicks(dialog.exhibit, late)  # type: ignore[attr-defined]  # a combo box takes its item by typing
        assert dialog.exhibit.currentText() == late
        assert dialog.new_note.isVisibleTo(dialog) and not dialog.use_here.isVisibleTo(dialog)
        assert "exists only in the installation's other copy" in dialog.new_note.text()
        assert "This log: no such exhibit" in dialog.sides.text()
        _shot(dialog, tmp_path, "conflict-resolve-new")
        qtbot.keyClicks(dialog.reason, "the diary is booked in on the old laptop's record")  # type: ignore
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        wait_hidden(qtbot, dialog)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: [c.exhibit_ref for c in exhibits.conflicts] == [x1],  # type: ignore[attr-defined]
                        timeout=TIMEOUT)

        exhibits.select(x1)
        qtbot.waitUntil(lambda: exhibits.detail.conflict.isVisible(), timeout=TIMEOUT)  # type: ignore[attr-defined]
        window.act_resolve_conflict.trigger()
        dialog = window.dialog  # the dialog the window opened last
        qtbot.waitUntil(lambda: dialog.isVisible() and dialog.exhibit.currentText() == x1,  # type: ignore
                        timeout=TIMEOUT)
        assert not dialog.custodian.isEnabled()  # only for another state
        dialog.use_new.setFocus()
        qtbot.keyClick(dialog.use_new, Qt.Key.Key_Space)  # type: ignore[attr-defined]
        assert dialog.custodian.isEnabled()
        qtbot.keyClicks(dialog.custodian, "Exhibits officer desk")  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.reason, "neither: it is with the exhibits officer now")  # type: ignore
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # type: ignore[attr-defined]
        wait_hidden(qtbot, dialog)  # type: ignore[arg-type]
        qtbot.waitUntil(lambda: not exhibits.conflicts and not exhibits.conflict_notice.isVisible(),  # type: ignore
                        timeout=TIMEOUT)
        assert exhibits.model.data(exhibits.model.index(exhibits.model.row_of(x1), CUSTODIAN_COLUMN)) == \
            "Exhibits officer desk"
        assert not window.act_resolve_conflict.isEnabled()
        assert window.act_resolve_conflict.toolTip().startswith("No open custody conflict in this case. ")
        assert window.act_export.isEnabled()
    finally:
        close_all(controller)
