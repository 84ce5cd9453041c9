"""The desktop app exports the MG6C and MG6D schedules and the CASE/UCO file from the case's export actions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.ui.dialogs.disclosure import DisclosureExportDialog
from tests.helpers.bundle import searchable_pages
from tests.helpers.custody import ingest
from tests.helpers.store import CASE, Store
from tests.helpers.ui import TIMEOUT, click, close_all, select_case, sign_in, type_into, wait_for_window

INFORMANT = "Handler's log of source ROBIN"


def _case(store: Store) -> None:
    """JAS/1..JAS/3 unused, JAS/2 sensitive."""
    ingest(store, "jsmith", {"a.txt": b"first note\n", "b.txt": b"the handler's log\n", "c.txt": b"third\n"},
           description="Officer's note")
    s = store.sign_in("jsmith")
    try:
        Evidence(s).set_sensitive(CASE, "JAS/2", True, INFORMANT)
    finally:
        s.close()


def _export(qtbot: QtBot, window, action, out: Path) -> DisclosureExportDialog:  # type: ignore[no-untyped-def]
    action.trigger()
    dialog = wait_for_window(qtbot, DisclosureExportDialog)
    type_into(qtbot, dialog.output, str(out))
    click(qtbot, dialog.export_button)
    qtbot.waitUntil(lambda: dialog.export_result is not None or dialog.message.isVisible(), timeout=120_000)
    return dialog


def _last_entry(store: Store):  # type: ignore[no-untyped-def]
    s = store.sign_in("jsmith")
    try:
        return Custody(s).log(CASE)[-1]
    finally:
        s.close()


def test_the_schedules_and_the_case_uco_file_are_exported_from_the_file_menu(
        qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    _case(store)
    controller, window = sign_in(qtbot, store, "jsmith")
    try:
        select_case(qtbot, window, CASE)
        assert window.act_mg6c in window.file_menu.actions() and window.act_case_uco in window.file_menu.actions()
        # MG6C: the non-sensitive unused material, numbered; nothing sensitive.
        dialog = _export(qtbot, window, window.act_mg6c, tmp_path / "mg6c.pdf")
        assert dialog.export_result is not None, dialog.message.text()
        data = (tmp_path / "mg6c.pdf").read_bytes()
        assert dialog.sha256.value() == hashlib.sha256(data).hexdigest()
        entry = _last_entry(store)
        assert entry.action == "schedule.exported" and entry.sha256 == dialog.sha256.value()
        assert "MG6C: 1 page(s), 2 items, numbered 1 to 2" in dialog.details.text()
        assert f"Recorded as custody entry {entry.seq}." in dialog.details.text()
        text = "\n".join(searchable_pages(tmp_path / "mg6c.pdf"))
        assert "JAS/1" in text and "JAS/3" in text and "JAS/2" not in text and "ROBIN" not in text
        click(qtbot, dialog.close_button)
        # MG6D: the sensitive material, for the prosecutor only.
        dialog = _export(qtbot, window, window.act_mg6d, tmp_path / "mg6d.pdf")
        assert dialog.export_result is not None, dialog.message.text()
        assert "MG6D: 1 page(s), 1 items, numbered 1 to 1, marking OFFICIAL-SENSITIVE" in dialog.details.text()
        assert "ROBIN" in "\n".join(searchable_pages(tmp_path / "mg6d.pdf"))
        click(qtbot, dialog.close_button)
        # CASE/UCO: the sensitive exhibit left out unless asked for, and the dialog says which.
        dialog = _export(qtbot, window, window.act_case_uco, tmp_path / "case.jsonld")
        assert dialog.export_result is not None, dialog.message.text()
        assert "CASE/UCO: 2 exhibit(s)" in dialog.details.text()
        assert "Withheld as sensitive (MG6D): JAS/2." in dialog.details.text()
        doc = json.loads((tmp_path / "case.jsonld").read_text())
        assert "@graph" in doc and _last_entry(store).action == "case.exported"
        click(qtbot, dialog.close_button)
    finally:
        close_all(controller)


def test_an_existing_file_is_refused_and_left_alone(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    _case(store)
    existing = tmp_path / "mg6c.pdf"
    existing.write_bytes(b"the officer's own file")
    before = _last_entry(store).seq
    controller, window = sign_in(qtbot, store, "jsmith")
    try:
        select_case(qtbot, window, CASE)
        dialog = _export(qtbot, window, window.act_mg6c, existing)
        assert dialog.export_result is None
        assert "A file named mg6c.pdf exists already: CaseDesk never replaces a file" in dialog.message.text()
        assert existing.read_bytes() == b"the officer's own file"
        assert _last_entry(store).seq == before  # nothing recorded
        # Another name goes through.
        type_into(qtbot, dialog.output, str(tmp_path / "mg6c-2.pdf"))
        click(qtbot, dialog.export_button)
        qtbot.waitUntil(lambda: dialog.export_result is not None, timeout=120_000)
        assert (tmp_path / "mg6c-2.pdf").read_bytes().startswith(b"%PDF")
        click(qtbot, dialog.close_button)
    finally:
        close_all(controller)


def test_the_actions_say_why_they_are_disabled_without_a_case(qtbot: QtBot, store: Store) -> None:
    controller, window = sign_in(qtbot, store, "jsmith")
    try:
        qtbot.waitUntil(lambda: window.cases.model.row_of(CASE) >= 0, timeout=TIMEOUT)
        for action in (window.act_mg6c, window.act_mg6d, window.act_case_uco):
            assert not action.isEnabled()
            assert action.toolTip().startswith("Open a case first")
    finally:
        close_all(controller)
