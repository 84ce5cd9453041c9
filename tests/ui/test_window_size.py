"""Size and clipping (issue 13, defect 8): the main window goes down to 1024x640 and below, the case list shows
"To review" without a scrollbar, the exhibit buttons are whole, and a dialog grows to show its error."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QToolButton
from pytestqt.qtbot import QtBot

from casedesk.ui.dialogs.new_case import NewCaseDialog
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_custody import ingest_fixture, open_exhibit


def test_the_main_window_fits_small_screens(qtbot: QtBot, store: Store) -> None:
    for user in ("jsmith", "sgt"):
        controller, window = sign_in(qtbot, store, user)
        select_case(qtbot, window, CASE)
        for tab in window.case_tabs.values():  # the widest tab decides
            window.tabs.setCurrentWidget(tab)
            QApplication.processEvents()
            hint = window.minimumSizeHint()
            assert hint.width() <= 1024 and hint.height() <= 640, f"{user}: minimum {hint.width()}x{hint.height()}"
            assert hint.width() < 1187 and hint.height() < 510
        window.resize(1024, 640)
        QApplication.processEvents()
        assert (window.width(), window.height()) == (1024, 640)
        close_all(controller)


def test_no_clipping_at_1280x800(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    ingest_fixture(store, tmp_path, {"statement.pdf": b"plain text, not a PDF\n" * 3})  # a type warning
    controller, window = sign_in(qtbot, store, "sgt")
    window.resize(1280, 800)
    window.splitter.setSizes([340, 940])
    select_case(qtbot, window, CASE)
    view = window.cases.view
    QApplication.processEvents()
    to_review = 5
    assert not view.isColumnHidden(to_review)
    assert not view.horizontalScrollBar().isVisible(), "a scrollbar hides the case list's columns"
    right = view.columnViewportPosition(to_review) + view.columnWidth(to_review)
    assert right <= view.viewport().width(), "the To review column runs off the case list"
    open_exhibit(qtbot, window, "JAS/1")
    QApplication.processEvents()
    detail = window.exhibits.detail
    assert detail.warnings.isVisible()
    # The warning wraps inside the pane: its text fits the label's width and height.
    label = detail.warnings
    assert label.heightForWidth(label.width()) <= label.height() + 1
    assert label.mapTo(detail, label.rect().topRight()).x() <= detail.width()
    acts = (window.act_transfer, window.act_check_out, window.act_return, window.act_extract)
    buttons = [b for b in detail.findChildren(QToolButton) if b.defaultAction() in acts]
    assert len(buttons) == 4
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), f"{button.text()} is cut"
        assert button.mapTo(detail, button.rect().topRight()).x() <= detail.width(), f"{button.text()} is cut"
    close_all(controller)


def test_a_dialog_grows_to_show_its_error(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    window.act_new_case.trigger()
    dialog = wait_for_window(qtbot, NewCaseDialog)
    type_into(qtbot, dialog.reference, "not a valid reference at all, far too long and with spaces")
    type_into(qtbot, dialog.title_edit, "Operation Beacon")
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=TIMEOUT)
    QApplication.processEvents()
    message = dialog.message
    assert message.height() >= message.heightForWidth(message.width()), "the dialog cuts its own message"
    assert dialog.height() >= dialog.layout().minimumSize().height()
    dialog.reject()
    close_all(controller)
