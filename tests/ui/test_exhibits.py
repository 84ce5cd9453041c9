"""Exhibits through the window: drop files to ingest, the register, filter, sort, copy, preview."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from casedesk.store.models import CustodyEntry
from casedesk.ui.dialogs.ingest import IngestDialog
from casedesk.ui.main_window import MainWindow
from casedesk.ui.partials.exhibit_model import SHA_COLUMN
from casedesk.ui.tabs.exhibits import ExhibitsTab
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window


def drop_files(qtbot: QtBot, tab: ExhibitsTab, paths: list[Path]) -> None:
    """What the desktop does when files are dragged onto the register and released."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    viewport = tab.view.viewport()
    pos = viewport.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted(), "the exhibit list refused the drag"
    drop = QDropEvent(pos.toPointF(), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)


def ingest_by_drop(qtbot: QtBot, window: MainWindow, paths: list[Path], description: str) -> IngestDialog:
    window.tabs.setCurrentWidget(window.exhibits)
    drop_files(qtbot, window.exhibits, paths)
    # A dialog of an earlier ingest may still be on its way out (its close is processed by the event loop):
    # wait for the one this drop opened, which has no summary yet, never an old one showing its result.
    dialog = wait_for_window(qtbot, IngestDialog, lambda w: w.summary is None)
    assert dialog.paths() == paths
    type_into(qtbot, dialog.description, description)
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    return dialog


def make_files(root: Path) -> list[Path]:
    folder = root / "seized"
    (folder / "sub").mkdir(parents=True)
    (folder / "statement.txt").write_text("I handed the dossier to DC Smith at 10:15.\n")
    (folder / "sub" / "copy.txt").write_text("I handed the dossier to DC Smith at 10:15.\n")
    (folder / "photo.png").write_bytes(_png())
    return [folder]


def _png() -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366aa"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(data.data())


def test_drop_a_folder_to_ingest_then_preview_and_copy_the_hash(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    dialog = ingest_by_drop(qtbot, window, make_files(tmp_path), "Material handed over by the journalist")
    assert dialog.summary is not None
    assert len(dialog.summary.ingested) == 3 and len(dialog.summary.duplicates) == 1
    assert "3 exhibits ingested, 1 duplicate, 0 skipped" in dialog.message.text()
    click(qtbot, dialog.close_button)

    tab = window.exhibits
    qtbot.waitUntil(lambda: tab.model.rowCount() == 3, timeout=TIMEOUT)
    assert tab.count.text() == "3 exhibits"
    assert [tab.model.exhibit(i).reference for i in range(3)] == ["JAS/1", "JAS/2", "JAS/3"]
    # the overview's count follows
    assert window.cases.model.case_at(0).exhibits == 3

    # filter, then pick the statement
    type_into(qtbot, tab.filter, "statement")
    qtbot.waitUntil(lambda: tab.proxy.rowCount() == 1, timeout=TIMEOUT)
    assert tab.count.text() == "1 of 3 exhibits"
    rect = tab.view.visualRect(tab.proxy.index(0, 0))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: tab.detail.exhibit is not None, timeout=TIMEOUT)
    statement = tab.detail.exhibit
    assert statement.original_name == "statement.txt"
    assert tab.detail.sha256.value() == statement.sha256

    click(qtbot, tab.detail.sha256.button)
    assert QGuiApplication.clipboard().text() == statement.sha256
    tab.view.setCurrentIndex(tab.proxy.index(0, SHA_COLUMN))
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(tab.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == statement.sha256

    tab.detail.setCurrentIndex(2)
    click(qtbot, tab.detail.preview_button)
    qtbot.waitUntil(lambda: tab.detail.preview.kind == "text", timeout=TIMEOUT)
    assert "handed the dossier" in tab.detail.preview.text.toPlainText()
    with controller.session.read() as db:
        viewed = db.scalars(select(CustodyEntry).where(CustodyEntry.action == "exhibit.viewed")).all()
    assert [(v.exhibit_ref, v.actor) for v in viewed] == [(statement.reference, "jsmith")]
    close_all(controller)


def test_image_preview_and_warnings(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    fake = tmp_path / "invoice.pdf"
    fake.write_bytes(_png())  # a PNG pretending to be a PDF
    dialog = ingest_by_drop(qtbot, window, [fake], "Attachment from the seller's e-mail")
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=TIMEOUT)
    tab.view.selectRow(0)
    assert tab.detail.warnings.isVisible()
    assert "Type:" in tab.detail.warnings.text()
    tab.detail.setCurrentIndex(2)
    click(qtbot, tab.detail.preview_button)
    qtbot.waitUntil(lambda: tab.detail.preview.kind == "image", timeout=TIMEOUT)
    assert not tab.detail.preview.image.pixmap.isNull()
    close_all(controller)


def test_extract_mark_sensitive_and_withdraw(qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch) -> None:
    from PySide6.QtWidgets import QFileDialog

    from casedesk.ui.dialogs.exhibit_state import SensitivityDialog, WithdrawDialog

    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    source = tmp_path / "in"
    source.mkdir()
    (source / "sms.txt").write_text("meet at 10\n")
    dialog = ingest_by_drop(qtbot, window, [source / "sms.txt"], "Text messages from the seller's phone")
    assert dialog.location.text() == ""
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 1, timeout=TIMEOUT)
    tab.view.selectRow(0)

    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))  # the user picks a folder
    window.act_extract.trigger()
    qtbot.waitUntil(lambda: (out / "sms.txt").exists() and window.extracted is not None, timeout=TIMEOUT)
    assert (out / "sms.txt").read_text() == "meet at 10\n"

    qtbot.waitUntil(lambda: window.act_sensitive.isEnabled(), timeout=TIMEOUT)
    window.act_sensitive.trigger()
    sens = wait_for_window(qtbot, SensitivityDialog)
    type_into(qtbot, sens.reason, "names a confidential source")
    click(qtbot, sens.ok_button)
    qtbot.waitUntil(lambda: tab.current() is not None and tab.current().sensitive, timeout=TIMEOUT)

    window.act_withdraw.trigger()
    withdraw = wait_for_window(qtbot, WithdrawDialog)
    click(qtbot, withdraw.ok_button)
    assert "reason" in withdraw.message.text()
    type_into(qtbot, withdraw.reason, "produced in error")
    click(qtbot, withdraw.ok_button)
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 0, timeout=TIMEOUT)
    click(qtbot, tab.withdrawn)
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == 1, timeout=TIMEOUT)
    assert tab.model.exhibit(0).status == "withdrawn"
    close_all(controller)


def test_register_reads_its_lines_and_the_detail_pane_the_chosen_exhibit(qtbot: QtBot, store: Store,
                                                                           tmp_path: Path) -> None:
    """The register holds only what its columns show (Evidence.rows, issue 13: half the read of 20,000 exhibits);
    choosing an exhibit still shows everything about it: seal, seizure, producer, ingest, all read on choosing."""
    from casedesk.services.evidence import ExhibitRow
    from tests.helpers.evidence import ingest

    (tmp_path / "statement.txt").write_text("I handed the dossier over.\n")
    (tmp_path / "note.txt").write_text("Collected at 10:15.\n")
    ingest(store, tmp_path / "statement.txt", tmp_path / "note.txt")
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    tab = window.exhibits
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2, timeout=TIMEOUT)
    assert all(type(e) is ExhibitRow for e in tab.model.rows)  # not the 33-column ExhibitView
    tab.select("JAS/2")
    qtbot.waitUntil(lambda: tab.detail.exhibit is not None, timeout=TIMEOUT)
    shown = {name: label.text() for name, label in tab.detail.values.items()}
    assert tab.detail.title.text().count("JAS/2") == 1
    assert shown["Original name"] == "note.txt"
    assert shown["Seal"] == "MPS-SEAL-0001" and shown["Seized from"] == "journalist"
    assert "jsmith" in shown["Produced by"] and "jsmith" in shown["Ingested"]
    assert tab.detail.sha256.value() == tab.model.rows[1].sha256
    assert window.exhibits.current().reference == "JAS/2"  # the actions still act on the chosen line
    close_all(controller)
