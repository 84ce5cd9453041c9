"""The desktop app's sync: the status bar says where the laptop stands with the unit; File > Sync sends the log.

Against the real unit service over TLS and a throwaway PostgreSQL cluster (the fixtures of tests/unit_service).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import Engine

from casedesk.errors import IntegrityError
from casedesk.services import sync
from casedesk.services.unit_status import status
from casedesk.ui.dialogs.sync import SyncDialog, status_text
from casedesk.unit.store import engine_for
from tests.helpers.ui import TIMEOUT, child, click, close_all, sign_in, type_into, wait_for_window
from tests.unit_service.conftest import Unit, postgres, unit  # noqa: F401  (fixtures of this module)
from tests.unit_service.helpers import ingest, new_installation, register, restore, snapshot


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Engine:  # noqa: F811
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def test_sync_from_the_desktop_and_the_status_bar(qtbot: QtBot, unit: Unit, engine: Engine,  # noqa: F811
                                                   tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    register(engine, store, "DC Smith laptop, desktop sync")
    controller, window = sign_in(qtbot, store)
    try:
        assert window.unit_status.text() == "Not synced with a unit"
        window.act_sync.trigger()
        dialog = wait_for_window(qtbot, SyncDialog)
        standing = child(dialog, type(dialog.standing), "syncStanding")
        assert "exist only here until it syncs" in standing.text()
        # An address that is not HTTPS is refused in the dialog, nothing sent.
        type_into(qtbot, dialog.url, "casedesk.unit.local:8443")
        click(qtbot, dialog.sync_button)
        assert "starting with https://" in dialog.message.text()
        assert not status(window.session).synced
        type_into(qtbot, dialog.url, unit.service.url)
        type_into(qtbot, dialog.ca, str(unit.tls.ca))
        click(qtbot, dialog.sync_button)
        qtbot.waitUntil(lambda: dialog.close_button.isVisible(), timeout=60_000)
        assert dialog.message.text().startswith("Synced: "), dialog.message.text()
        assert dialog.sync_result is not None and dialog.sync_result.pushed > 0
        assert "Unit: up to date" in standing.text()
        click(qtbot, dialog.close_button)
        qtbot.waitUntil(lambda: window.unit_status.text().startswith("Unit: up to date"), timeout=TIMEOUT)
        # Work done after the sync waits to be sent, and the status bar counts it once the store says so.
        s = store.sign_in("jsmith")
        try:
            ingest(s, tmp_path / "in", "later.txt", b"seized after the sync")
        finally:
            s.close()
        qtbot.waitUntil(lambda: "entries to send" in window.unit_status.text(), timeout=TIMEOUT)
        # The next time, the dialog remembers the unit and its CA file.
        window.act_sync.trigger()
        again = wait_for_window(qtbot, SyncDialog, lambda d: d is not dialog)
        assert again.url.text() == unit.service.url and again.ca.text() == str(unit.tls.ca)
        again.reject()
    finally:
        close_all(controller)


def test_a_roll_back_found_at_sync_shows_in_the_status(unit: Unit, engine: Engine,  # noqa: F811
                                                      tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    register(engine, store, "DC Smith laptop, rolled back")
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
        old = snapshot(store, tmp_path / "old")
        ingest(s, tmp_path / "in", "later.txt", b"seized after the copy")
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    restore(old, store)
    s = store.sign_in("jsmith")
    try:
        before = status(s)
        assert before.synced and not before.rollbacks  # the older copy knows nothing of the later sync
        with pytest.raises(IntegrityError):
            sync.sync(s, unit.service.url, unit.tls.ca)
        after = status(s)
    finally:
        s.close()
    assert len(after.rollbacks) == 1
    assert status_text(after).startswith("⚠ Roll-back found at sync (entry ")
