"""Folders make a usable register (issue 13, defect 4): a file-name column in the register and the export
picker; ingesting a folder again adds only what is new; several exhibits selected and withdrawn at once;
progress counted in files, never 100 % after a cancel."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from casedesk.services.evidence import Evidence
from casedesk.ui.dialogs.exhibit_state import WithdrawDialog
from casedesk.ui.dialogs.export import ExportDialog
from casedesk.ui.dialogs.ingest import IngestDialog
from casedesk.ui.partials.exhibit_model import COLUMNS
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window, wait_hidden
from tests.ui.test_exhibits import ingest_by_drop


def _folder(root: Path, names: list[str]) -> Path:
    folder = root / "phone-dump"
    folder.mkdir(exist_ok=True)
    for name in names:
        (folder / name).write_text(f"content of {name}\n", encoding="utf-8")
    return folder


def test_a_folder_can_be_told_apart_and_ingested_again_without_duplicates(qtbot: QtBot, store: Store,
                                                                          tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["sms.txt", "calls.txt", "contacts.txt"])
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    dialog = ingest_by_drop(qtbot, window, [folder], "Extraction of the seller's phone")
    assert dialog.summary is not None and len(dialog.summary.ingested) == 3
    assert dialog.progress.format() == "3 of 3 files"
    click(qtbot, dialog.close_button)
    wait_hidden(qtbot, dialog)  # else the next drop joins this dialog

    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 3, timeout=TIMEOUT)
    names = [c.title for c in COLUMNS]
    assert "File name" in names
    col = names.index("File name")
    shown = {tab.proxy.index(r, col).data() for r in range(3)}
    assert shown == {"sms.txt", "calls.txt", "contacts.txt"}

    # The folder again, with one new file: only the new file becomes an exhibit; the rest are counted.
    (folder / "photos.txt").write_text("list of photos\n", encoding="utf-8")
    again = ingest_by_drop(qtbot, window, [folder], "Extraction of the seller's phone")
    assert again.summary is not None
    assert [e.original_name for e in again.summary.ingested] == ["photos.txt"]
    assert len(again.summary.already) == 3
    assert "3 already in the case" in again.message.text()
    click(qtbot, again.close_button)
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 4, timeout=TIMEOUT)

    window.act_export.trigger()
    export = wait_for_window(qtbot, ExportDialog)
    labels = [export.exhibits.item(i).text() for i in range(export.exhibits.count())]
    assert labels and all(any(n in label for n in ("sms.txt", "calls.txt", "contacts.txt", "photos.txt"))
                          for label in labels)
    export.reject()
    close_all(controller)


def test_several_exhibits_are_withdrawn_at_once(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path, ["a.txt", "b.txt", "c.txt"])
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    dialog = ingest_by_drop(qtbot, window, [folder], "Wrong folder")
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 3, timeout=TIMEOUT)
    selection = tab.view.selectionModel()
    for row in range(3):
        selection.select(tab.proxy.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert len(tab.selected()) == 3
    assert window.act_withdraw.isEnabled() and window.act_check_out.isEnabled()  # several can go out at once too
    window.act_withdraw.trigger()
    withdraw = wait_for_window(qtbot, WithdrawDialog)
    assert "3 exhibits" in withdraw.windowTitle()
    type_into(qtbot, withdraw.reason, "wrong folder ingested")
    click(qtbot, withdraw.ok_button)
    qtbot.waitUntil(lambda: not withdraw.isVisible(), timeout=TIMEOUT)
    session = store.sign_in("jsmith")
    try:
        assert Evidence(session).list(CASE) == []
    finally:
        session.close()
    close_all(controller)


def test_progress_counts_files_and_a_cancel_is_not_100_percent(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(40):
        (folder / f"part{i:02d}.bin").write_bytes(os.urandom(2 << 20))
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    window.ingest([folder])
    dialog = wait_for_window(qtbot, IngestDialog)
    totals: list[int] = []
    original = dialog._progress

    def seen(done: int, total: int, message: str) -> None:
        totals.append(total)
        original(done, total, message)

    dialog._progress = seen  # type: ignore[method-assign]
    type_into(qtbot, dialog.description, "Many parts")
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0 or dialog.summary is not None, timeout=60_000)
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    assert dialog.summary is not None and dialog.summary.cancelled
    assert totals and set(totals) == {40}, f"progress totals {set(totals)} are not the file count"
    assert dialog.progress.value() < dialog.progress.maximum(), "the bar says 100 % after a cancel"
    assert "files" in dialog.progress.format()
    click(qtbot, dialog.close_button)
    close_all(controller)


def test_the_cli_skips_what_is_already_in_the_case(store: Store, tmp_path: Path, capsys, monkeypatch) -> None:
    folder = _folder(tmp_path, ["sms.txt", "calls.txt"])
    args = ("ingest", CASE, str(folder), "--description", "Phone extraction", "--skip-existing")
    first = run(capsys, monkeypatch, store.root, *args, user="jsmith")
    assert first.code == 0, first.err
    second = run(capsys, monkeypatch, store.root, *args, user="jsmith")
    assert second.code == 0, second.err
    assert "Ingested 0 exhibit(s)" in second.out and "2 already in the case" in second.out


def test_several_exhibits_are_marked_sensitive_at_once(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    from casedesk.ui.dialogs.exhibit_state import SensitivityDialog

    folder = _folder(tmp_path, ["a.txt", "b.txt", "c.txt"])
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    dialog = ingest_by_drop(qtbot, window, [folder], "Informant's papers")
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 3, timeout=TIMEOUT)
    selection = tab.view.selectionModel()
    for row in (0, 2):
        selection.select(tab.proxy.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert window.act_sensitive.isEnabled()
    window.act_sensitive.trigger()
    mark = wait_for_window(qtbot, SensitivityDialog)
    assert "2 exhibits" in mark.windowTitle() and mark.make_sensitive
    type_into(qtbot, mark.reason, "identifies a confidential source")
    click(qtbot, mark.ok_button)
    qtbot.waitUntil(lambda: not mark.isVisible(), timeout=TIMEOUT)
    session = store.sign_in("jsmith")
    try:
        assert [e.sensitive for e in Evidence(session).list(CASE)] == [True, False, True]
    finally:
        session.close()
    close_all(controller)


def test_several_exhibits_are_transferred_at_once(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    from casedesk.services.custody import Custody
    from casedesk.ui.dialogs.transfer import CustodyMoveDialog

    folder = _folder(tmp_path, ["a.txt", "b.txt", "c.txt"])
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    dialog = ingest_by_drop(qtbot, window, [folder], "Bag MPS-004418")
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 3, timeout=TIMEOUT)
    selection = tab.view.selectionModel()
    for row in range(3):
        selection.select(tab.proxy.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert window.act_transfer.isEnabled()
    assert window.act_check_out.isEnabled() and not window.act_extract.isEnabled()  # extract: one at a time
    window.act_transfer.trigger()
    move = wait_for_window(qtbot, CustodyMoveDialog)
    assert "3 exhibits" in move.windowTitle()
    type_into(qtbot, move.to.lineEdit(), "Property store, Lambeth")
    type_into(qtbot, move.reason, "bag lodged in the property store")
    click(qtbot, move.ok_button)
    qtbot.waitUntil(lambda: not move.isVisible(), timeout=TIMEOUT)
    session = store.sign_in("jsmith")
    try:
        assert {e.custodian for e in Evidence(session).list(CASE)} == {"Property store, Lambeth"}
        assert len(Custody(session).log(CASE, action="exhibit.transferred")) == 3  # one signed entry each
    finally:
        session.close()
    close_all(controller)
