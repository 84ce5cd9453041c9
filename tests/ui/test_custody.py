"""Custody through the window: transfer, check out and return, review as a supervisor, queries,
verification after tampering, and exporting a bundle."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.ui.dialogs.export import ExportDialog
from casedesk.ui.dialogs.transfer import CustodyMoveDialog
from casedesk.ui.dialogs.verify import VerifyDialog
from casedesk.ui.main_window import MainWindow
from casedesk.ui.tabs.review import ReviewTab
from tests.helpers.bundle import searchable_pages
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window


def ingest_fixture(store: Store, tmp_path: Path, names: dict[str, bytes], sensitive: bool = False) -> None:
    """Set-up through the service (not the workflow under test)."""
    folder = tmp_path / "material"
    folder.mkdir(exist_ok=True)
    paths = []
    for name, data in names.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    session = store.sign_in("jsmith")
    try:
        Evidence(session).ingest(CASE, paths, IngestMetadata("Material from the journalist", sensitive=sensitive))
    finally:
        session.close()


def open_exhibit(qtbot: QtBot, window: MainWindow, reference: str) -> None:
    window.tabs.setCurrentWidget(window.exhibits)
    qtbot.waitUntil(lambda: not window.exhibits.loading and window.exhibits.model.row_of(reference) >= 0,
                    timeout=TIMEOUT)
    index = window.exhibits.index_of(reference)
    rect = window.exhibits.view.visualRect(index)
    qtbot.mouseClick(window.exhibits.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.exhibits.detail.exhibit is not None, timeout=TIMEOUT)
    assert window.exhibits.detail.exhibit.reference == reference


def test_transfer_check_out_and_return(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"dossier.txt": b"names and account numbers\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    open_exhibit(qtbot, window, "JAS/1")
    assert window.act_transfer.isEnabled() and not window.act_return.isEnabled()

    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # nothing bound: no dialog
    window.act_check_out.trigger()
    dialog = wait_for_window(qtbot, CustodyMoveDialog)
    type_into(qtbot, dialog.to.lineEdit(), "Digital Forensics Lab, Lambeth")
    click(qtbot, dialog.ok_button)
    assert "reason" in dialog.message.text() and dialog.isVisible()  # the reason is required
    type_into(qtbot, dialog.reason, "imaging of the USB stick")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.exhibits.detail.exhibit is not None
                    and window.exhibits.detail.exhibit.checked_out, timeout=TIMEOUT)
    assert window.act_return.isEnabled() and not window.act_transfer.isEnabled()

    window.act_return.trigger()
    dialog = wait_for_window(qtbot, CustodyMoveDialog, lambda d: d.mode == "return")
    type_into(qtbot, dialog.reason, "imaging complete, seal intact")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.exhibits.detail.exhibit is not None
                    and not window.exhibits.detail.exhibit.checked_out, timeout=TIMEOUT)

    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_window(qtbot, CustodyMoveDialog, lambda d: d.mode == "transfer")
    type_into(qtbot, dialog.to.lineEdit(), "Property store, Lambeth")
    type_into(qtbot, dialog.reason, "lodged for safe keeping")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: window.exhibits.detail.exhibit is not None
                    and window.exhibits.detail.exhibit.custodian == "Property store, Lambeth", timeout=TIMEOUT)
    # jsmith no longer holds it: the moves are greyed out for her
    assert not window.act_transfer.isEnabled() and not window.act_check_out.isEnabled()

    # the exhibit's timeline and the case log show the moves
    window.exhibits.detail.setCurrentIndex(1)
    qtbot.waitUntil(lambda: window.exhibits.detail.timeline.topLevelItemCount() >= 4, timeout=TIMEOUT)
    actions = [window.exhibits.detail.timeline.topLevelItem(i).text(2)
               for i in range(window.exhibits.detail.timeline.topLevelItemCount())]
    assert actions[-3:] == ["Checked out", "Returned", "Transferred"]  # in words, not identifiers
    window.tabs.setCurrentWidget(window.custody)
    type_into(qtbot, window.custody.action.lineEdit(), "exhibit.transferred")
    click(qtbot, window.custody.apply_button)
    qtbot.waitUntil(lambda: window.custody.model.rowCount() == 1, timeout=TIMEOUT)
    entry = window.custody.model.entries[0]
    assert (entry.from_party, entry.to_party, entry.reason) == ("jsmith", "Property store, Lambeth",
                                                               "lodged for safe keeping")
    close_all(controller)


def test_supervisor_queries_then_approves_and_the_detective_sees_the_query(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"a.txt": b"a\n", "b.txt": b"b\n"})
    controller, window = sign_in(qtbot, store, "sgt")
    window.tabs.setCurrentWidget(window.review)
    select_case(qtbot, window, CASE)
    review = window.review
    assert isinstance(review, ReviewTab)
    qtbot.waitUntil(lambda: review.queue.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert review.queue.topLevelItem(0).text(0) == CASE
    assert review.model.rowCount() >= 2

    click(qtbot, review.query_button)  # a query needs text
    assert "needs a comment" in review.message.text()
    type_into(qtbot, review.comment, "Where was JAS/2 between seizure and ingest?")
    click(qtbot, review.query_button)
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 1, timeout=TIMEOUT)
    close_all(controller)

    controller, window = sign_in(qtbot, store, "jsmith")
    window.tabs.setCurrentWidget(window.review)
    select_case(qtbot, window, CASE)
    review = window.review
    qtbot.waitUntil(lambda: review.queries.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert review.queries.topLevelItem(0).text(3) == "Where was JAS/2 between seizure and ingest?"
    assert not review.approve_button.isVisible() and not review.queue.isVisible()
    close_all(controller)

    controller, window = sign_in(qtbot, store, "sgt")
    window.tabs.setCurrentWidget(window.review)
    select_case(qtbot, window, CASE)
    review = window.review
    qtbot.waitUntil(lambda: review.model.rowCount() > 0, timeout=TIMEOUT)
    click(qtbot, review.approve_button)
    qtbot.waitUntil(lambda: "Approved" in review.message.text(), timeout=TIMEOUT)
    assert review.model.rowCount() == 0
    assert review.queue.topLevelItemCount() == 0
    assert review.queries.topLevelItemCount() == 0  # the approval settles the open query
    close_all(controller)


def test_verify_after_tampering_points_at_the_exhibit(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"ledger.csv": b"account,amount\n1234,100\n" * 50})
    objects = [p for p in (store.root / "vault").rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(objects) == 1
    raw = bytearray(objects[0].read_bytes())
    raw[len(raw) // 2] ^= 0x01  # one flipped bit in the encrypted object
    objects[0].write_bytes(bytes(raw))

    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.custody)
    click(qtbot, window.custody.verify_button)
    dialog = wait_for_window(qtbot, VerifyDialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.report is not None and not dialog.report.ok
    assert dialog.outcome.text().startswith("FAILED")
    rows = [dialog.problems.topLevelItem(i) for i in range(dialog.problems.topLevelItemCount())]
    assert any("JAS/1" in item.text(0) for item in rows)
    item = next(item for item in rows if "JAS/1" in item.text(0))
    dialog.problems.itemActivated.emit(item, 0)  # what a double-click or Enter does
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.exhibits, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.exhibits.current() is not None, timeout=TIMEOUT)
    assert window.exhibits.current().reference == "JAS/1"
    click(qtbot, dialog.close_button)
    close_all(controller)


def test_verify_passes_on_an_untouched_case(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"ledger.csv": b"account,amount\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    qtbot.keyClick(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = wait_for_window(qtbot, VerifyDialog)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    assert dialog.report is not None and dialog.report.ok
    assert dialog.outcome.text().startswith("OK")
    assert not dialog.problems.isVisible()
    close_all(controller)


def test_export_a_bundle_leaves_out_sensitive_exhibits_and_shows_its_hash(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"statement.txt": b"I saw the seller hand over the disk.\n"})
    ingest_fixture(store, tmp_path, {"informant.txt": b"Source details.\n"}, sensitive=True)
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = wait_for_window(qtbot, ExportDialog)
    assert dialog.chosen() == ["JAS/1"]  # the sensitive JAS/2 is left out by default
    out = tmp_path / "bundle.pdf"
    type_into(qtbot, dialog.output, str(out))
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: dialog.bundle is not None, timeout=120_000)
    result = dialog.bundle
    assert result is not None and result.path == out and out.exists()
    assert dialog.sha256.value() == hashlib.sha256(out.read_bytes()).hexdigest() == result.sha256
    assert [e.reference for e in result.excluded] == ["JAS/2"]
    assert result.pages >= 1
    qtbot.waitUntil(lambda: dialog.pdf_document.pageCount() == result.pages, timeout=TIMEOUT)
    assert out.read_bytes().startswith(b"%PDF")
    assert b"Source details" not in out.read_bytes()
    # The detective is told to send the browser check with the bundle, and it is there.
    assert "Send bundle.pdf.verify.html with it" in dialog.details.text()
    assert (tmp_path / "bundle.pdf.verify.html").is_file()
    click(qtbot, dialog.close_button)
    close_all(controller)


def test_export_dialog_leaves_out_a_duplicate_of_a_sensitive_exhibit_by_default(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"informant.txt": b"Source details.\n"}, sensitive=True)
    ingest_fixture(store, tmp_path, {"statement.txt": b"I saw the seller hand over the disk.\n"})
    ingest_fixture(store, tmp_path, {"copy.txt": b"Source details.\n"})  # JAS/3: the content of the sensitive JAS/1
    session = store.sign_in("jsmith")
    try:
        dialog = ExportDialog(session, CASE)
        qtbot.addWidget(dialog)
        assert dialog.chosen() == ["JAS/2"]
        copy = dialog.exhibits.item(2)
        assert "same content as sensitive JAS/1" in copy.text()
        assert not copy.flags() & Qt.ItemFlag.ItemIsEnabled
        dialog.include_sensitive.setChecked(True)
        assert copy.flags() & Qt.ItemFlag.ItemIsEnabled
    finally:
        session.close()


def test_export_dialog_puts_the_ticked_notes_in_the_bundle(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"statement.txt": b"I saw the seller hand over the disk.\n"})
    ingest_fixture(store, tmp_path, {"informant.txt": b"Source details.\n"}, sensitive=True)
    session = store.sign_in("jsmith")
    try:
        cases = Cases(session)
        chosen = cases.add_note(CASE, "Bank confirms 412 customers affected.").custody_seq
        cases.add_note(CASE, "Not for the bundle: a hunch.")
        cases.add_note(CASE, "Met the source.", exhibit="JAS/2")
        dialog = ExportDialog(session, CASE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        labels = [dialog.notes.item(i).text() for i in range(dialog.notes.count())]
        assert [label.split(" — ")[0] for label in labels] == [f"Note {chosen}", f"Note {chosen + 1}",
                                                               f"Note {chosen + 2} on JAS/2"]
        assert dialog.chosen_notes() == []  # none by default
        assert not dialog.notes.item(2).flags() & Qt.ItemFlag.ItemIsEnabled  # about the sensitive JAS/2
        item = dialog.notes.item(0)
        rect = dialog.notes.visualItemRect(item)
        qtbot.mouseClick(dialog.notes.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Space)
        assert dialog.chosen_notes() == [chosen]
        type_into(qtbot, dialog.output, str(tmp_path / "bundle.pdf"))
        click(qtbot, dialog.export_button)
        qtbot.waitUntil(lambda: dialog.bundle is not None, timeout=120_000)
        assert dialog.bundle is not None and dialog.bundle.notes == [chosen]
        assert f"Case notes: {chosen}." in dialog.details.text()
        text = " ".join(searchable_pages(dialog.bundle.path))
        assert "Bank confirms 412 customers affected." in text and "a hunch" not in text
    finally:
        session.close()
