"""Dialogs keep QDialog.result(): what they produced lives in attributes of their own, never in ``result``.

A dialog that set ``self.result = ...`` replaced the method every caller of ``exec()``/``result()`` relies on
(``dialog.result()`` raised "object is not callable" or returned the export instead of Accepted/Rejected).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from casedesk.services.custody import MoveResult, Refusal
from casedesk.ui.dialogs.disclosure import MG6C, DisclosureExportDialog
from casedesk.ui.dialogs.move_summary import MoveSummaryDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import click


def test_the_move_summary_answers_result_with_how_it_was_closed(qtbot: QtBot) -> None:
    moved = MoveResult(refused=[Refusal("JAS/3", "JAS/3 is checked out to Forensic lab, Lambeth", 2)])
    dialog = MoveSummaryDialog("check_out", moved)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "JAS/3 is checked out to Forensic lab, Lambeth" in dialog.plain_text()
    click(qtbot, dialog.close_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.move_result is moved


def test_the_disclosure_export_answers_result_with_how_it_was_closed(qtbot: QtBot, store: Store) -> None:
    session = store.sign_in("jsmith")
    try:
        dialog = DisclosureExportDialog(session, CASE, MG6C)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        click(qtbot, dialog.cancel_button)
        assert dialog.result() == QDialog.DialogCode.Rejected
        assert dialog.export_result is None  # nothing was exported
    finally:
        session.close()
