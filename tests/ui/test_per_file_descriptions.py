"""A folder's files can each be described when they are ingested (issue 13: "every file of a folder gets the same
description ... exhibits cannot be told apart")."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from casedesk.ui.dialogs.ingest import IngestDialog
from casedesk.ui.partials.exhibit_model import COLUMNS
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_exhibits import drop_files


def _edit_cell(qtbot: QtBot, dialog: IngestDialog, row: int, text: str) -> None:
    """Click a description, F2, type over it, Enter: as a user edits a cell."""
    table = dialog.per_file
    index = table.model().index(row, 3)
    table.scrollTo(index)
    qtbot.waitUntil(lambda: not table.visualRect(index).isEmpty(), timeout=TIMEOUT)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert table.currentIndex() == index
    qtbot.keyClick(table, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: any(e.isVisible() for e in table.viewport().findChildren(QLineEdit)), timeout=TIMEOUT)
    editor = next(e for e in table.viewport().findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.per_file.item(row, 3).text() == text, timeout=TIMEOUT)
    assert dialog.summary is None and dialog.job is None  # Enter ended the edit; it did not start the ingest


def test_each_file_of_a_folder_gets_the_description_written_for_it(qtbot: QtBot, store: Store,
                                                                   tmp_path: Path) -> None:
    folder = tmp_path / "exhibits-bag"
    folder.mkdir()
    for name in ("bank-letter.txt", "diary.txt", "receipt.txt"):
        (folder / name).write_text(f"content of {name}\n", encoding="utf-8")
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    drop_files(qtbot, window.exhibits, [folder])
    dialog = wait_for_window(qtbot, IngestDialog)
    type_into(qtbot, dialog.description, "Bag 7")
    box = dialog.describe_each  # its box, at the left: a click in the middle of a wide row misses it
    qtbot.waitUntil(lambda: box.isVisible() and not box.rect().isEmpty(), timeout=TIMEOUT)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    qtbot.waitUntil(lambda: dialog.per_file.rowCount() == 3 and dialog.per_file.isVisible(), timeout=TIMEOUT)
    names = [dialog.per_file.item(r, 0).text() for r in range(3)]
    assert names == ["bank-letter.txt", "diary.txt", "receipt.txt"]
    assert dialog.per_file.item(1, 2).text().startswith("ASCII text")  # the type of each file is shown
    assert [dialog.per_file.item(r, 3).text() for r in range(3)] == [
        "Bag 7 — bank-letter.txt", "Bag 7 — diary.txt", "Bag 7 — receipt.txt"]

    _edit_cell(qtbot, dialog, 0, "Letter from the bank, 3 March")
    _edit_cell(qtbot, dialog, 1, "Suspect's diary, blue cover")
    type_into(qtbot, dialog.description, "Bag 8")  # rows still as given follow; the written ones stay
    assert dialog.per_file.item(2, 3).text() == "Bag 8 — receipt.txt"
    assert dialog.per_file.item(0, 3).text() == "Letter from the bank, 3 March"

    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    click(qtbot, dialog.close_button)

    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 3, timeout=TIMEOUT)
    titles = [c.title for c in COLUMNS]
    name_col, text_col = titles.index("File name"), titles.index("Description")
    shown = {tab.proxy.index(r, name_col).data(): tab.proxy.index(r, text_col).data() for r in range(3)}
    assert shown == {"bank-letter.txt": "Letter from the bank, 3 March", "diary.txt": "Suspect's diary, blue cover",
                     "receipt.txt": "Bag 8 — receipt.txt"}
    close_all(controller)


def test_every_mnemonic_of_the_ingest_form_is_its_own(qtbot: QtBot, store: Store) -> None:
    """Alt+F opens the file chooser (the keyboard-only walk relies on it): the per-file checkbox first took the
    same letter, and a shared mnemonic only moves the focus between its owners."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    session = store.sign_in("jsmith")
    try:
        dialog = IngestDialog(session, CASE)
        qtbot.addWidget(dialog)
        texts = [w.text() for w in dialog.findChildren(QAbstractButton)] + [
            w.text() for w in dialog.findChildren(QLabel) if w.buddy() is not None]
        letters = [m.group(1).lower() for t in texts for m in [re.search(r"&([^&\s])", t)] if m]
        assert len(letters) == len(set(letters)), sorted(letters)
        assert "f" in letters and "t" in letters
    finally:
        session.close()


def test_two_files_of_one_path_are_marked_at_once_and_the_ingest_says_why_it_cannot_start(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """report.txt added from two folders has one path in the register: its description could be either's. The
    rows say so as soon as they are listed, and Ingest is disabled with the reason, before anything is typed."""
    first, second, other = tmp_path / "bag-7" / "report.txt", tmp_path / "bag-8" / "report.txt", tmp_path / "a.txt"
    for path in (first, second, other):
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"content of {path}\n", encoding="utf-8")
    session = store.sign_in("jsmith")
    try:
        dialog = IngestDialog(session, CASE, [first, second, other])
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        box = dialog.describe_each
        qtbot.waitUntil(lambda: box.isVisible() and not box.rect().isEmpty(), timeout=TIMEOUT)
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
        qtbot.waitUntil(lambda: dialog.per_file.rowCount() == 3, timeout=TIMEOUT)
        table = dialog.per_file
        marked = [r for r in range(3) if table.item(r, 0).text().startswith("⚠")]
        assert sorted(table.item(r, 3).data(Qt.ItemDataRole.UserRole) for r in marked) == ["report.txt"] * 2
        assert str(first) in table.item(marked[0], 0).toolTip() or str(first) in table.item(marked[1], 0).toolTip()
        assert not dialog.start_button.isEnabled()
        why = "2 of the files given have the path report.txt"
        assert why in dialog.start_button.toolTip()
        assert why in dialog.message.text() and dialog.message.isVisible()
        # Taking one of them out clears the mark and the refusal.
        dialog.files.item(1).setSelected(True)
        click(qtbot, next(b for b in dialog.findChildren(QPushButton) if b.text() == "&Remove"))
        qtbot.waitUntil(lambda: table.rowCount() == 2, timeout=TIMEOUT)
        assert not any(table.item(r, 0).text().startswith("⚠") for r in range(2))
        assert dialog.start_button.isEnabled() and why not in dialog.start_button.toolTip()
        assert not dialog.message.isVisible()
    finally:
        session.close()


def test_a_seized_file_name_in_the_refusal_is_shown_as_written_never_as_markup(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """A file named "<b>x.txt" quoted in a message line was read as HTML: shown bold, its "<b>" gone."""
    from PySide6 import QtGui
    from PySide6.QtGui import QTextDocument

    name = "<b>report<img src=x>.txt"
    paths = [tmp_path / "bag-7" / name, tmp_path / "bag-8" / name]
    for path in paths:
        path.parent.mkdir()
        path.write_text("content\n", encoding="utf-8")
    session = store.sign_in("jsmith")
    try:
        dialog = IngestDialog(session, CASE, paths)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.describe_each.setChecked(True)
        qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=TIMEOUT)
        label = dialog.message
        assert name in label.text()
        shown = QTextDocument()  # what the label draws: its text as rich text unless it is told it is plain
        if label.textFormat() == Qt.TextFormat.PlainText:
            shown.setPlainText(label.text())
        else:
            shown.setHtml(label.text()) if QtGui.Qt.mightBeRichText(label.text()) else shown.setPlainText(label.text())
        assert name in shown.toPlainText(), shown.toPlainText()
    finally:
        session.close()
