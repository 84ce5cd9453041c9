"""Entries dated by a wrong clock: the supervisor sees them, and acknowledges them from the desktop.

The service (``Custody.time_anomalies``, ``acknowledge_entries``) first, then the walk: verification fails on an
entry two hours behind its neighbours, the supervisor opens "Acknowledge wrong times…" from the result, ticks
the entry, gives the reason, and verification passes, saying the time was acknowledged.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.ui.dialogs.time_anomalies import TimeAnomaliesDialog
from casedesk.ui.dialogs.verify import VerifyDialog
from tests.custody.conftest import CaseStore, _case_template, cs  # noqa: F401  (fixtures)
from tests.custody.test_time import _note_an_hour_ahead
from tests.helpers.cli import run
from tests.helpers.custody import entry_dated_behind
from tests.helpers.store import CASE
from tests.helpers.ui import TIMEOUT, click, close_all, sign_in, type_into, wait_for_window


def _entry_two_hours_behind(cs: CaseStore) -> tuple[int, int]:  # noqa: F811
    """A log written before the time rule: its last entry dated two hours behind the one before it."""
    return entry_dated_behind(cs.store, "jsmith", cs.key, text="written with the clock two hours behind")


def test_the_entries_a_supervisor_may_acknowledge(cs: CaseStore, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    ahead = _note_an_hour_ahead(cs.store, monkeypatch)
    s = cs.store.sign_in("jsmith")
    try:
        with pytest.raises(PermissionDenied):
            Custody(s).time_anomalies()
    finally:
        s.close()
    s = cs.store.sign_in("sgt")
    try:
        # The sign-in and the note, both written with the clock an hour ahead.
        login, a = Custody(s).time_anomalies()
        assert (login.seq, login.action) == (ahead - 1, "account.login")
        assert (a.seq, a.kind, a.other, a.actor) == (ahead, "ahead", None, "jsmith")
        assert timedelta(minutes=55) < timedelta(microseconds=a.by_us) < timedelta(minutes=65)
        # The command line lists the same entries.
        r = run(capsys, monkeypatch, cs.store.root, "custody", "time-anomalies", user="sgt")
        assert r.code == 0, r.err
        assert f"entry {ahead} (" in r.out and "min ahead of this computer's clock" in r.out
        # An entry in order cannot be chosen with it, and the refusal writes nothing.
        with pytest.raises(UsageError, match="in order with the log and the clock"):
            Custody(s).acknowledge_entries([1, ahead], "clock an hour ahead")
        assert [x.seq for x in Custody(s).time_anomalies()] == [ahead - 1, ahead]
        views = Custody(s).acknowledge_entries([ahead, ahead - 1], "clock an hour ahead after a BIOS reset")
        assert [v.data for v in views] == [{"entry": ahead - 1, "time": login.timestamp},
                                           {"entry": ahead, "time": a.timestamp}]
    finally:
        s.close()
    # Writing goes on with the right clock; the entries written since are not anomalies (the acknowledged
    # entry is left out of the comparison, as verification leaves it out).
    s = cs.store.sign_in("jsmith")
    try:
        Cases(s).add_note(CASE, "written with the right clock")
    finally:
        s.close()
    s = cs.store.sign_in("sgt")
    try:
        assert Custody(s).time_anomalies() == []
        assert Custody(s).verify(CASE).ok
    finally:
        s.close()


def test_acknowledging_a_wrong_time_from_the_verify_result(qtbot: QtBot, cs: CaseStore,  # noqa: F811
                                                            tmp_path: Path) -> None:
    behind, before = _entry_two_hours_behind(cs)
    controller, window = sign_in(qtbot, cs.store, "sgt")
    try:
        assert window.act_times.isVisible()
        window.verify()
        verify = wait_for_window(qtbot, VerifyDialog)
        qtbot.waitUntil(lambda: verify.close_button.isVisible(), timeout=60_000)
        assert verify.outcome.text().startswith("FAILED: 1 problem")
        click(qtbot, verify.times_button)
        dialog = wait_for_window(qtbot, TimeAnomaliesDialog)
        # Verification names one entry out of order; either its clock or that of the entry before was wrong.
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=TIMEOUT)
        assert [dialog.table.item(r, 0).text() for r in (0, 1)] == [str(before), str(behind)]
        # (the entry before was written when the test's template was made: up to some minutes ago)
        assert re.fullmatch(rf"1 h \d\d min after entry {behind}, which follows it", dialog.table.item(0, 5).text())
        assert re.fullmatch(rf"1 h \d\d min before entry {before}, which precedes it", dialog.table.item(1, 5).text())
        assert not dialog.ack_button.isEnabled()  # nothing ticked, no reason
        dialog.table.item(1, 0).setCheckState(Qt.CheckState.Checked)
        type_into(qtbot, dialog.reason, "CMOS battery replaced; clock two hours behind")
        click(qtbot, dialog.ack_button)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 0 and dialog.job is None, timeout=TIMEOUT)
        assert dialog.message.text().startswith("Acknowledged as custody entry ")
        dialog.reject()
        assert "verify again" in verify.outcome.text()
    finally:
        close_all(controller)
    s = cs.store.sign_in("jsmith")
    try:
        report = Custody(s).verify(CASE)
    finally:
        s.close()
    assert report.ok and [a.split(":")[0] for a in report.acknowledged] == [f"entry {behind}"]


def test_a_detective_is_not_offered_it(qtbot: QtBot, cs: CaseStore) -> None:  # noqa: F811
    _entry_two_hours_behind(cs)
    controller, window = sign_in(qtbot, cs.store, "jsmith")
    try:
        assert not window.act_times.isVisible()
        window.verify()
        verify = wait_for_window(qtbot, VerifyDialog)
        qtbot.waitUntil(lambda: verify.close_button.isVisible(), timeout=60_000)
        assert verify.outcome.text().startswith("FAILED")
        assert not verify.times_button.isVisible()
    finally:
        close_all(controller)
