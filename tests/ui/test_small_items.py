"""The smaller items of issue 13 (defect 10): actions in words, binary sizes as in the bundle, Open PDF that says
when it cannot, no "Closed: open", multi-line notes whole, the type warning highlighted in the ingest summary,
no stale "add a file" message, an empty file that says it is empty."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casedesk.ui import formatting, theme
from casedesk.ui.dialogs.export import ExportDialog
from casedesk.ui.dialogs.ingest import IngestDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_custody import ingest_fixture, open_exhibit


def test_sizes_read_as_in_the_bundle() -> None:
    from casedesk.reports.content import human_size

    assert formatting.size(1536) == "1.5 KiB" and human_size(1536).startswith("1.5 KiB")
    assert formatting.size(5 << 20) == "5.0 MiB"
    assert formatting.size(12) == "12 bytes"


def test_the_log_shows_actions_in_words(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"one\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.custody)
    model = window.custody.model
    qtbot.waitUntil(lambda: model.rowCount() >= 2, timeout=TIMEOUT)
    shown = [model.index(r, 2).data() for r in range(model.rowCount())]
    assert "Ingested" in shown and "Case opened" in shown
    assert not any("." in s for s in shown), shown
    overview = window.case_tabs["overview"]
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.detail is not None, timeout=TIMEOUT)
    assert overview.values["Closed"].text() != "open"
    close_all(controller)


def test_open_pdf_says_when_nothing_can_open_it(qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.act_export.trigger()
    dialog = wait_for_window(qtbot, ExportDialog)
    monkeypatch.setattr("casedesk.ui.dialogs.export.QDesktopServices.openUrl", lambda _url: False)
    dialog._open(tmp_path / "bundle.pdf")
    assert dialog.message.isVisible() and "No program to open it" in dialog.message.text()
    dialog.reject()
    close_all(controller)


def test_a_note_of_several_lines_is_shown_whole(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    notes = window.case_tabs["notes"]
    window.tabs.setCurrentWidget(notes)
    notes.text.setPlainText("Called the bank.\nThey will send statements.\nFollow up on Monday.")
    click(qtbot, notes.add_button)
    qtbot.waitUntil(lambda: notes.list.topLevelItemCount() == 1, timeout=TIMEOUT)
    QApplication.processEvents()
    item = notes.list.topLevelItem(0)
    height = notes.list.visualItemRect(item).height()
    assert height >= 3 * notes.list.fontMetrics().lineSpacing(), f"a three-line note shown {height} px high"
    close_all(controller)


def test_ingest_summary_and_messages(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    window.ingest([])
    dialog = wait_for_window(qtbot, IngestDialog)
    type_into(qtbot, dialog.description, "Papers")
    click(qtbot, dialog.start_button)
    assert "Add at least one" in dialog.message.text()
    (tmp_path / "scan.pdf").write_text("not a pdf\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    dialog.add_paths([tmp_path / "scan.pdf", tmp_path / "empty.txt"])
    assert not dialog.message.isVisible(), "the 'add a file' message stays after files were added"
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    ingested = dialog.summary_tree.topLevelItem(0)
    warned = [ingested.child(i) for i in range(ingested.childCount()) if "scan.pdf" in ingested.child(i).text(0)]
    assert warned and warned[0].foreground(1).color() == theme.warning_colour()
    click(qtbot, dialog.close_button)
    reference = next(e.reference for e in dialog.summary.ingested if e.original_name == "empty.txt")
    open_exhibit(qtbot, window, reference)
    detail = window.exhibits.detail
    detail.setCurrentIndex(2)
    click(qtbot, detail.preview_button)
    qtbot.waitUntil(lambda: "empty" in detail.preview.message.text(), timeout=TIMEOUT)
    assert detail.preview.currentWidget() is detail.preview.message  # words, not a blank box
    close_all(controller)
