"""Editing one's own note: a new signed version names the one it replaces; both stay in the log."""

from __future__ import annotations

import pytest

from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store


def test_the_author_edits_her_note_and_both_versions_stay_on_the_record(store: Store) -> None:
    det = store.sign_in("jsmith")
    try:
        first = Cases(det).add_note(CASE, "Spoke to the journalist on Monday.")
        second = Cases(det).edit_note(CASE, first.custody_seq, "Spoke to the journalist on Tuesday.")
        assert second.revises == first.custody_seq
        with pytest.raises(UsageError, match="edited already"):
            Cases(det).edit_note(CASE, first.custody_seq, "again")
        with pytest.raises(UsageError, match="unchanged"):
            Cases(det).edit_note(CASE, second.custody_seq, "Spoke to the journalist on Tuesday.")
        with pytest.raises(UsageError, match="not a note"):
            Cases(det).edit_note(CASE, 1, "not a note")
        notes = Cases(det).notes(CASE)
        assert [(n.text, n.revises, n.revised_by) for n in notes] == [
            ("Spoke to the journalist on Monday.", None, second.custody_seq),
            ("Spoke to the journalist on Tuesday.", first.custody_seq, None)]
        entry = Custody(det).entry(second.custody_seq)
        assert entry.action == "note.added" and entry.data == {"revises": first.custody_seq}
        assert entry.text == "Spoke to the journalist on Tuesday."  # readable to the case's key holders...
        report = Custody(det).verify(CASE)
        assert report.ok, report.problems  # the notes table agrees with the replayed log
    finally:
        det.close()
    sgt = store.sign_in("sgt")
    try:
        with pytest.raises(PermissionDenied, match="only the author"):
            Cases(sgt).edit_note(CASE, second.custody_seq, "A supervisor's rewrite")
    finally:
        sgt.close()


def test_note_edit_on_the_command_line(store: Store, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    r = run(capsys, monkeypatch, store.root, "note", "add", CASE, "Bag sealed", user="jsmith")
    seq = int(r.out.split("custody entry ")[1].rstrip(").\n"))
    r = run(capsys, monkeypatch, store.root, "note", "edit", CASE, str(seq), "Bag sealed, MPS-004418", user="jsmith")
    assert r.code == 0 and "the new version is custody entry" in r.out
    new = int(r.out.split("custody entry ")[1].rstrip(".\n"))
    r = run(capsys, monkeypatch, store.root, "note", "list", CASE, user="jsmith")
    lines = r.out.splitlines()
    assert f"entry {seq} jsmith (replaced by entry {new}): Bag sealed" in lines[0]
    assert f"(edit of entry {seq}): Bag sealed, MPS-004418" in lines[1]
