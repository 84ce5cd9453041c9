"""Hostile file names in the desktop app's exhibit detail: shown as text, never obeyed.

A seized file may be named to mislead (``invoice<U+202E>fdp.exe`` reads as
``invoiceexe.pdf``) or to be interpreted (Qt labels render anything that looks
like HTML unless told otherwise). Both must be shown literally.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from casedesk.ui.partials.exhibit_detail import ExhibitDetail

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support")]

NAMES = {
    "invoice\u202efdp.exe": "invoice[U+202E]fdp.exe",
    "<h1 style='color:red'>VERIFIED</h1><img src='file:///etc/passwd'>.txt":
        "<h1 style='color:red'>VERIFIED</h1><img src='file:///etc/passwd'>.txt",
    "line\nbreak.txt": "line[U+000A]break.txt",
}


def _exhibit(name: str) -> SimpleNamespace:
    return SimpleNamespace(
        reference="JAS/1", description="<b>bold?</b> Seized laptop", mime_type="text/plain", type_description="text",
        size=12, original_name=name, relative_path=f"laptop/{name}", seized_from="", seized_at=None,
        seized_location="", seal="", producer_name="Jane A Smith", producer="jsmith", ingested_at=None,
        ingested_by="jsmith", tool="CaseDesk", custodian="jsmith", checked_out=False, location="vault",
        status="active", withdrawn_reason=None, sensitive=False, fs_modified=None, sha256="0" * 64, md5=None,
        sha1=None, duplicate_of=None, type_warning=f"extension of {name} does not match its content")


@pytest.mark.parametrize("name", list(NAMES))
def test_names_are_shown_literally(qtbot: QtBot, name: str) -> None:
    detail = ExhibitDetail()
    qtbot.addWidget(detail)
    detail.show_exhibit(_exhibit(name))
    label = detail.values["Original name"]
    assert label.text() == NAMES[name]
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert detail.values["Description"].textFormat() == Qt.TextFormat.PlainText
    assert detail.values["Path in source"].text() == f"laptop/{NAMES[name]}"
    # The warnings line is HTML (it has line breaks): the name in it arrives escaped.
    assert "<h1" not in detail.warnings.text() and "\u202e" not in detail.warnings.text()


def test_error_boxes_show_names_as_text(qtbot: QtBot) -> None:
    from casedesk.errors import UsageError
    from casedesk.ui.errors import show_error

    name = "<a href='https://example.org'>click to verify</a>.pdf"
    box = show_error(None, UsageError(f"{name} already exists; CaseDesk never overwrites: choose another path"))
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText and name in box.text()
    box.close()
