"""Previews zoom (buttons and Ctrl+plus/minus/0) and a PDF's pages can be turned (buttons, Page Down, a number)."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in
from tests.ui.test_custody import ingest_fixture, open_exhibit


def _pdf(pages: int) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(300, 400))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _png(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def _preview(qtbot: QtBot, window: object, reference: str, kind: str) -> object:
    open_exhibit(qtbot, window, reference)  # type: ignore[arg-type]
    detail = window.exhibits.detail  # type: ignore[attr-defined]
    detail.setCurrentIndex(detail.indexOf(detail.preview.parentWidget()))
    click(qtbot, detail.preview_button)
    qtbot.waitUntil(lambda: detail.preview.kind == kind, timeout=TIMEOUT)
    return detail


def test_a_pdf_preview_turns_pages_and_zooms(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"notes.txt": b"line one\n", "photo.png": _png(40, 30),
                                     "statement.pdf": _pdf(3)})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    detail = _preview(qtbot, window, "JAS/3", "pdf")
    controls, preview = detail.preview_controls, detail.preview
    qtbot.waitUntil(controls.next.isVisible, timeout=TIMEOUT)
    assert controls.pages.text() == "of 3" and controls.page.value() == 1 and not controls.previous.isEnabled()
    click(qtbot, controls.next)
    qtbot.waitUntil(lambda: preview.current_page() == 1 and controls.page.value() == 2, timeout=TIMEOUT)
    controls.page.setValue(3)  # typed page number
    qtbot.waitUntil(lambda: preview.current_page() == 2, timeout=TIMEOUT)
    assert not controls.next.isEnabled()
    assert controls.zoom_label.text() == "fit"
    click(qtbot, controls.zoom_in)
    assert controls.zoom_label.text() == "110 %"
    preview.pdf.setFocus()
    qtbot.keyClick(preview.pdf, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controls.zoom_label.text() == "fit", timeout=TIMEOUT)

    detail = _preview(qtbot, window, "JAS/2", "image")
    controls, preview = detail.preview_controls, detail.preview
    assert not controls.next.isVisible()  # pages are for PDFs
    assert controls.zoom_label.text() == "fit"
    click(qtbot, controls.zoom_in)  # a 40x30 image is shown at 100 % when fitted: one step up
    assert controls.zoom_label.text() == "110 %"
    assert preview.image.label.pixmap().width() == 44
    click(qtbot, controls.fit)
    assert controls.zoom_label.text() == "fit" and preview.image.label.pixmap().width() == 40

    detail = _preview(qtbot, window, "JAS/1", "text")
    controls, preview = detail.preview_controls, detail.preview
    size = preview.text.font().pointSizeF()
    click(qtbot, controls.zoom_in)
    assert controls.zoom_label.text() == "110 %" and preview.text.font().pointSizeF() > size
    close_all(controller)


def test_a_photographs_embedded_metadata_is_shown_beside_its_preview(qtbot: QtBot, store: Store,
                                                                     tmp_path: Path) -> None:
    from tests.evidence.test_embedded import photo_with_exif

    ingest_fixture(store, tmp_path, {"IMG_2041.jpg": photo_with_exif(), "notes.txt": b"line one\n"})
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    detail = _preview(qtbot, window, "JAS/1", "image")
    qtbot.waitUntil(detail.metadata.isVisible, timeout=TIMEOUT)
    rows = {detail.metadata.topLevelItem(i).text(0): detail.metadata.topLevelItem(i).text(1)
            for i in range(detail.metadata.topLevelItemCount())}
    assert rows["Model"] == "Canon EOS 80D" and rows["GPS position"] == "51.500000, -0.125000"
    detail = _preview(qtbot, window, "JAS/2", "text")  # another exhibit: no stale metadata beside it
    assert not detail.metadata.isVisible() and detail.metadata.topLevelItemCount() == 0
    close_all(controller)
