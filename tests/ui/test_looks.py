"""What the screenshots showed: sizes line up on the right, and the dark palette can be chosen."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from casedesk.ui import theme
from casedesk.ui.partials.exhibit_model import COLUMNS, ExhibitTableModel


def test_sizes_are_right_aligned_and_types_are_not(qtbot: QtBot) -> None:
    model = ExhibitTableModel()
    model.set_exhibits([SimpleNamespace(
        reference="JAS/1", description="Dossier", original_name="dossier.pdf", relative_path="dossier.pdf",
        mime_type="application/pdf", type_description="PDF document", size=6277,
        seized_at=datetime(2026, 11, 3, 10, 40, tzinfo=UTC), custodian="jsmith", checked_out=False,
        location="New Scotland Yard", sha256="ab" * 32, status="active", type_warning=None, duplicate_of=None)])
    titles = [c.title for c in COLUMNS]

    def right_aligned(title: str) -> bool:
        flags = model.data(model.index(0, titles.index(title)), Qt.ItemDataRole.TextAlignmentRole)
        return bool(flags) and bool(int(flags) & int(Qt.AlignmentFlag.AlignRight))

    assert right_aligned("Size")
    assert not right_aligned("Type")  # a text column cut on the right showed only its end ("...ASCII text")


def test_the_dark_palette_can_be_chosen_where_the_system_has_no_scheme(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        theme.use_scheme(True)
        assert theme.is_dark()
        window, text = app.palette().color(theme.Role.Window), app.palette().color(theme.Role.WindowText)
        assert window.lightness() < 100 < text.lightness()
        theme.use_scheme(False)
        assert not theme.is_dark() and app.palette().color(theme.Role.Window).lightness() > 200
    finally:
        theme.use_scheme(None)
    assert app.palette().color(theme.Role.Window) == theme.palette(theme.is_dark()).color(theme.Role.Window)


def test_an_unchecked_box_in_a_list_can_be_seen_in_the_dark(qtbot: QtBot) -> None:
    """The export picker's unchecked exhibits showed no box at all in the dark screenshots."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    try:
        theme.use_scheme(True)
        box = QListWidget()
        qtbot.addWidget(box)
        item = QListWidgetItem("DO/2  source_contact_log.txt")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        box.addItem(item)
        box.resize(300, 60)
        box.show()
        qtbot.waitExposed(box)
        image = box.viewport().grab().toImage()
        row = box.visualItemRect(item)
        base = app.palette().color(theme.Role.Base)
        # the indicator sits before the text, at the left of the row
        contrast = max(abs(QColor(image.pixel(x, y)).lightness() - base.lightness())
                       for x in range(row.left(), row.left() + row.height()) for y in range(row.top(), row.bottom()))
        assert contrast >= 40
    finally:
        theme.use_scheme(None)
