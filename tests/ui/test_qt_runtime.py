"""The Qt binding itself: PySide6 6.12.0 on Python 3.11 lost a reference to None on every void call.

The desktop app then dies with "none_dealloc" after some tens of thousands
of calls (a few minutes of use); pyproject excludes that release.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_qt_calls_keep_the_reference_count_of_none(qtbot: QtBot) -> None:
    label = QLabel("x")
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.update()
        label.setText("y")
    assert sys.getrefcount(None) - before > -100  # tolerate unrelated noise, not one loss per call


def test_qt_pdf_is_available() -> None:
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView

    assert QPdfDocument is not None and QPdfView is not None
