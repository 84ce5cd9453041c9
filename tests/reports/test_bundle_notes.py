"""Case notes chosen into a bundle: typeset in any script with author, time and version, recorded, reproducible."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pikepdf
import pytest

from casedesk.errors import UsageError
from casedesk.services.bundles import Bundles
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.timeutil import utc_now
from tests.helpers.bundle import CASE, searchable_pages
from tests.helpers.cli import run
from tests.helpers.custody import ingest
from tests.helpers.store import Store

FIRST = "Spoke to the bank's fraud team.\nThey confirm 412 customers were affected."
EDITED = "Spoke to the bank's fraud team on 14 March.\nThey confirm 412 customers were affected."
CJK = "証拠の受け渡し記録 – handed over at Limehouse"
ARABIC = "تم استلام الملف من الصحفي"
PRIVATE = "Hunch: the seller may be the cousin; not yet evidenced"


def _flat(path: Path) -> str:
    return " ".join(" ".join(searchable_pages(path)).split())


@pytest.fixture
def notes(store: Store) -> tuple[Store, dict[str, int]]:
    """Notes: one edited once, one in Japanese and Arabic, one not to be disclosed, one on a sensitive exhibit."""
    ingest(store, "jsmith", {"dossier.txt": b"customer list\n", "source.txt": b"who gave it to us\n"})
    s = store.sign_in("jsmith")
    try:
        Evidence(s).set_sensitive(CASE, "JAS/2", True, "identifies a covert source")
        cases = Cases(s)
        first = cases.add_note(CASE, FIRST, exhibit="JAS/1").custody_seq
        edit = cases.edit_note(CASE, first, EDITED).custody_seq
        scripts = cases.add_note(CASE, f"{CJK}\n{ARABIC}").custody_seq
        private = cases.add_note(CASE, PRIVATE).custody_seq
        secret = cases.add_note(CASE, "Source met at the usual place", exhibit="JAS/2").custody_seq
    finally:
        s.close()
    return store, {"first": first, "edit": edit, "scripts": scripts, "private": private, "secret": secret}


def test_chosen_notes_are_printed_with_author_time_and_version_and_recorded(notes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, n = notes
    s = store.sign_in("jsmith")
    try:
        # Naming the first version of the edited note puts its latest version in.
        result = Bundles(s).export(CASE, tmp_path / "bundle.pdf", notes=[n["first"], n["scripts"]])
        entry = Custody(s).log(CASE)[-1]
        log = {e.seq: e for e in Custody(s).log(CASE)}
    finally:
        s.close()
    assert result.notes == [n["first"], n["scripts"]]
    text = _flat(result.path)
    assert "Case notes" in text
    assert f"Note {n['first']} – about exhibit JAS/1" in text
    assert "Spoke to the bank's fraud team on 14 March." in text and "412 customers" in text
    assert f"Version 2: replaces the version of custody entry {n['first']}" in text
    assert "Written by Jane A Smith (jsmith)" in text
    assert "証拠の受け渡し記録" in text  # CJK in the bundle's own fonts, found by pdftotext
    assert PRIVATE not in text and "Source met" not in text
    assert "(note text in the Case notes section)" in text
    # The bundle's custody entry records which note versions went in, with the text's hash.
    recorded = entry.data["notes"]
    assert [(r["note"], r["entry"]) for r in recorded] == [(n["first"], n["edit"]), (n["scripts"], n["scripts"])]
    assert recorded[0]["sha256"] == hashlib.sha256(EDITED.encode()).hexdigest()
    assert recorded[0]["entry_hash"] == log[n["edit"]].entry_hash
    assert recorded[0]["entry_hash"] in text and recorded[0]["sha256"] in text  # each hash printed on one line
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["pdfa"] == "PDF/A-3b", manifest["pdfa_problems"]  # the notes' fonts (CJK, Arabic) embedded
    assert [(m["note"], m["entry"], m["sha256"]) for m in manifest["notes"]] == [
        (r["note"], r["entry"], r["sha256"]) for r in recorded]
    # The bookmarks list each note under "Case notes".
    with pikepdf.open(result.path) as pdf, pdf.open_outline() as outline:
        section = next(item for item in outline.root if item.title.startswith("Case notes"))
        assert [c.title.split(" – ")[0] for c in section.children] == [f"Note {n['first']}", f"Note {n['scripts']}"]


def test_notes_about_withheld_sensitive_exhibits_stay_out(notes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, n = notes
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match=f"note {n['secret']} is about exhibit JAS/2"):
            Bundles(s).export(CASE, tmp_path / "named.pdf", notes=[n["secret"]])
        with pytest.raises(UsageError, match="entry 1 is not a note of this case"):
            Bundles(s).export(CASE, tmp_path / "wrong.pdf", notes=[1])
        every = Bundles(s).export(CASE, tmp_path / "all.pdf", all_notes=True)
        sensitive = Bundles(s).export(CASE, tmp_path / "sensitive.pdf", all_notes=True, include_sensitive=True)
    finally:
        s.close()
    assert every.notes == [n["first"], n["scripts"], n["private"]] and every.notes_left_out == [n["secret"]]
    text = _flat(every.path)
    assert PRIVATE in text and "Source met" not in text
    assert "1 note(s) about sensitive (MG6D) exhibits withheld from this bundle are not included" in text
    assert sensitive.notes == [n["first"], n["scripts"], n["private"], n["secret"]]


def test_a_bundle_with_notes_as_at_a_time_is_reproduced_after_the_notes_change(notes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, n = notes
    s = store.sign_in("jsmith")
    try:
        at = utc_now()
        first = Bundles(s).export(CASE, tmp_path / "bundle.pdf", at=at, notes=[n["edit"]], marking="OFFICIAL")
        Cases(s).edit_note(CASE, n["edit"], "A third version, written after the bundle.")
        Cases(s).add_note(CASE, "Another note, after the bundle.")
    finally:
        s.close()
    (tmp_path / "again").mkdir()
    s = store.sign_in("jsmith")
    try:
        # Named by its first entry this time: the same note, shown as it stood at that time.
        again_result = Bundles(s).export(CASE, tmp_path / "again" / "bundle.pdf", at=at, notes=[n["first"]],
                                         marking="OFFICIAL")
    finally:
        s.close()
    assert again_result.path.read_bytes() == first.path.read_bytes()
    assert "A third version" not in _flat(first.path)


def test_cli_takes_repeated_notes_and_all_notes(notes, capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, n = notes
    r = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"),
            "--note", str(n["scripts"]), "--note", str(n["private"]), user="jsmith")
    assert r.code == 0, r.err
    assert f"Case notes: {n['scripts']}, {n['private']}" in r.out
    r = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "all.pdf"), "--all-notes",
            user="jsmith")
    assert r.code == 0, r.err
    assert f"Notes left out (about withheld sensitive exhibits): {n['secret']}" in r.out
    r = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "c.pdf"), "--note", "1",
            user="jsmith")
    assert r.code != 0 and "entry 1 is not a note of this case" in r.err and len(r.err.strip().splitlines()) == 1
