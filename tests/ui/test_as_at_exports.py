"""The export dialogs make a document "as at" a past time, as the command line's --at does: the same bytes.

The disclosure exports (MG6C, CASE/UCO) and the bundle export had no such option, so a document exported before
could be produced again only from the command line. The time is typed in UK local time; the service gets UTC.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.timeutil import UK, iso_utc, utc_now
from casedesk.ui.dialogs.disclosure import CASE_UCO, MG6C, DisclosureExportDialog
from casedesk.ui.dialogs.export import ExportDialog
from tests.helpers.cli import run
from tests.helpers.custody import ingest
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, type_into

if TYPE_CHECKING:
    from casedesk.ui.forms import AsAtField


def _a_past_time(store: Store) -> datetime:
    """A time (whole seconds, as the field takes it) after JAS/1..JAS/3 were ingested and before the case grew:
    a new exhibit, a transfer and a sensitivity change come after it."""
    ingest(store, "jsmith", {"a.txt": b"first note\n", "b.txt": b"the handler's log\n", "c.txt": b"third\n"},
           description="Officer's note")
    s = store.sign_in("jsmith")
    try:
        last = Custody(s).log(CASE)[-1].timestamp
        at = last.replace(microsecond=0) + timedelta(seconds=1)
        while utc_now() <= at:  # what follows is written after the time (ordering, not a timing assertion)
            time.sleep(0.05)
    finally:
        s.close()
    ingest(store, "jsmith", {"later.txt": b"found after the time\n"}, description="Found later")
    s = store.sign_in("jsmith")
    try:
        Custody(s).transfer(CASE, "JAS/1", "Property store, Lambeth", "booked in")
        Evidence(s).set_sensitive(CASE, "JAS/2", True, "Handler's log of source ROBIN")
    finally:
        s.close()
    return at


def _as_at(qtbot: QtBot, field: AsAtField, at: datetime) -> None:
    """Tick "As at an earlier time" and set the field to ``at`` in UK local time, as the officer reads a clock."""
    box = field.earlier
    qtbot.waitUntil(lambda: box.isVisible() and not box.rect().isEmpty(), timeout=TIMEOUT)
    if not box.isChecked():
        assert not field.when.isEnabled()  # now, unless asked
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked() and field.when.isEnabled()
    uk = at.astimezone(UK)
    field.when.setDateTime(QDateTime(uk.year, uk.month, uk.day, uk.hour, uk.minute, uk.second))
    assert field.when.text() == uk.strftime("%d %b %Y %H:%M:%S")  # shown in UK time


def _export(qtbot: QtBot, dialog: DisclosureExportDialog, out: Path) -> None:
    type_into(qtbot, dialog.output, str(out))
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: dialog.export_result is not None or dialog.message.isVisible(), timeout=120_000)


def test_disclosure_exports_as_at_a_past_time_are_the_bytes_the_command_line_makes(
        qtbot: QtBot, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = _a_past_time(store)
    session = store.sign_in("jsmith")
    try:
        # A time in the future is refused in words for people (no command-line flag).
        dialog = DisclosureExportDialog(session, CASE, MG6C)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _as_at(qtbot, dialog.as_at, utc_now() + timedelta(hours=2))
        _export(qtbot, dialog, tmp_path / "future.pdf")
        assert dialog.export_result is None
        assert "is in the future" in dialog.message.text() and "--" not in dialog.message.text()
        _as_at(qtbot, dialog.as_at, at)
        _export(qtbot, dialog, tmp_path / "mg6c.pdf")
        result = dialog.export_result
        assert result is not None, dialog.message.text()
        assert result.at == at
        click(qtbot, dialog.close_button)
        assert dialog.result() == QDialog.DialogCode.Accepted

        (tmp_path / "cli").mkdir()
        cli = run(capsys, monkeypatch, store.root, "export-schedule", CASE, "--schedule", "mg6c", "-o",
                  str(tmp_path / "cli" / "mg6c.pdf"), "--at", iso_utc(at), "--marking", result.marking,
                  user="jsmith")
        assert cli.code == 0, cli.err
        assert (tmp_path / "cli" / "mg6c.pdf").read_bytes() == (tmp_path / "mg6c.pdf").read_bytes()
        assert result.items == ["JAS/1", "JAS/2", "JAS/3"]  # as it stood: JAS/2 not yet
        # sensitive, JAS/4 not yet ingested

        dialog = DisclosureExportDialog(session, CASE, CASE_UCO)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        _as_at(qtbot, dialog.as_at, at)
        _export(qtbot, dialog, tmp_path / "case.jsonld")
        assert dialog.export_result is not None, dialog.message.text()
        click(qtbot, dialog.close_button)
        cli = run(capsys, monkeypatch, store.root, "export-case", CASE, "--format", "case-uco", "-o",
                  str(tmp_path / "cli" / "case.jsonld"), "--at", iso_utc(at), user="jsmith")
        assert cli.code == 0, cli.err
        assert (tmp_path / "cli" / "case.jsonld").read_bytes() == (tmp_path / "case.jsonld").read_bytes()
        assert b"later.txt" not in (tmp_path / "case.jsonld").read_bytes()
    finally:
        session.close()


def test_a_bundle_as_at_a_past_time_is_the_bundle_the_command_line_makes(
        qtbot: QtBot, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    at = _a_past_time(store)
    session = store.sign_in("jsmith")
    try:
        dialog = ExportDialog(session, CASE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: dialog.exhibits.count() == 4, timeout=TIMEOUT)
        dialog.marking.setCurrentText("OFFICIAL")
        _as_at(qtbot, dialog.as_at, at)
        (tmp_path / "app").mkdir()
        type_into(qtbot, dialog.output, str(tmp_path / "app" / "bundle.pdf"))
        click(qtbot, dialog.export_button)
        qtbot.waitUntil(lambda: dialog.bundle is not None or dialog.message.isVisible(), timeout=180_000)
        assert dialog.bundle is not None, dialog.message.text()
        assert dialog.bundle.at == at and dialog.bundle.included == ["JAS/1", "JAS/2", "JAS/3"]
        click(qtbot, dialog.close_button)
    finally:
        session.close()
    (tmp_path / "cli").mkdir()
    cli = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "cli" / "bundle.pdf"),
              "--at", iso_utc(at), "--marking", "OFFICIAL", user="jsmith")
    assert cli.code == 0, cli.err
    assert (tmp_path / "cli" / "bundle.pdf").read_bytes() == (tmp_path / "app" / "bundle.pdf").read_bytes()


def test_an_exhibit_ticked_that_came_after_the_time_is_refused_saying_so(qtbot: QtBot, store: Store) -> None:
    """The list shows today's register; JAS/4 was ingested after the time the bundle is as at. The refusal said
    "no exhibit JAS/4 in this case" of an exhibit the officer sees in the list."""
    at = _a_past_time(store)
    session = store.sign_in("jsmith")
    try:
        dialog = ExportDialog(session, CASE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.waitUntil(lambda: dialog.exhibits.count() == 4, timeout=TIMEOUT)
        for row in (1, 2):  # JAS/1 and JAS/4 only
            dialog.exhibits.item(row).setCheckState(Qt.CheckState.Unchecked)
        _as_at(qtbot, dialog.as_at, at)
        click(qtbot, dialog.export_button)
        qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=TIMEOUT)
        assert dialog.bundle is None
        text = dialog.message.text()
        assert "JAS/4" in text and "after" in text and at.astimezone(UK).strftime("%d %b %Y %H:%M:%S") in text, text
        assert "casedesk" not in text and "--" not in text
    finally:
        session.close()
