"""``casedesk ingest``, ``extract`` and ``evidence ...`` from the command line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.evidence import PE as PE_BYTES
from tests.helpers.evidence import write
from tests.helpers.store import CASE, Store


def test_ingest_list_show_extract(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    letter = write(tmp_path / "in" / "letter.txt", b"To whom it may concern\n")
    write(tmp_path / "in" / "invoice.pdf", PE_BYTES)
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(tmp_path / "in"), "--description",
            "Papers from the desk", "--seized-from", "call centre", "--seized-at", "2026-07-01T09:15:00+01:00",
            "--location", "Leeds", "--seal", "BAG-77", user="jsmith")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    sha = hashlib.sha256(letter.read_bytes()).hexdigest()
    assert lines[0].split()[0] == "JAS/1" and "in/invoice.pdf" in lines[0]
    assert lines[1].split()[:2] == ["JAS/2", sha] and lines[1].endswith("in/letter.txt")
    assert "Ingested 2 exhibit(s)" in r.out and "0 skipped" in r.out
    assert "warning: JAS/1 in/invoice.pdf: content is" in r.err

    r = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, user="jsmith")
    assert r.code == 0 and "[type warning]" in r.out and "JAS/2" in r.out

    r = run(capsys, monkeypatch, store.root, "evidence", "show", CASE, "JAS/2", "--json", user="jsmith")
    shown = r.json()
    assert shown["sha256"] == sha and shown["seized_at"] == "2026-07-01T08:15:00.000000Z"
    assert shown["seized_offset"] == "+01:00" and shown["seal"] == "BAG-77"

    r = run(capsys, monkeypatch, store.root, "evidence", "show", CASE, "JAS/2", user="jsmith")
    assert "Seized at:          2026-07-01 08:15:00 UTC / 01 Jul 2026 09:15:00 BST (+01:00)" in r.out

    out = tmp_path / "copy.txt"
    r = run(capsys, monkeypatch, store.root, "extract", CASE, "JAS/2", "-o", str(out), user="jsmith")
    assert r.code == 0, r.err
    assert out.read_bytes() == letter.read_bytes() and sha in r.out
    r = run(capsys, monkeypatch, store.root, "extract", CASE, "JAS/2", "-o", str(out), user="jsmith")
    assert r.code == 2 and "already exists" in r.err


def test_ingest_json_duplicates_and_skips(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a.txt", b"same\n")
    b = write(tmp_path / "b.txt", b"same\n")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(a), str(b), str(tmp_path / "gone.txt"),
            "--description", "x", "--json", user="jsmith")
    assert r.code == 1  # something was skipped
    data = r.json()
    assert [e["reference"] for e in data["ingested"]] == ["JAS/1", "JAS/2"]
    assert data["duplicates"] == ["JAS/2"]
    assert data["skipped"] == [{"path": str(tmp_path / "gone.txt"), "reason": "does not exist"}]
    assert data["cancelled"] is False


def test_bad_input_is_refused_in_one_line(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a.txt", b"x")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(a), "--description", "x", "--seized-at",
            "2026-07-01 09:15", user="jsmith")
    assert r.code == 2 and "no time zone" in r.err and len(r.err.strip().splitlines()) == 1
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(a), "--description", "x", "--seized-at",
            "yesterday", user="jsmith")
    assert r.code == 2 and "cannot read" in r.err
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(a), "--description", "x", user="bpatel")
    assert r.code == 5 and "not a member" in r.err
    r = run(capsys, monkeypatch, store.root, "evidence", "show", CASE, "JAS/9", user="jsmith")
    assert r.code == 3


def test_withdraw_and_sensitive(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    a = write(tmp_path / "a.txt", b"x")
    assert run(capsys, monkeypatch, store.root, "ingest", CASE, str(a), "--description", "x",
               user="jsmith").code == 0
    r = run(capsys, monkeypatch, store.root, "evidence", "sensitive", CASE, "JAS/1", "--on", "--reason",
            "names an informant", user="jsmith")
    assert r.code == 0 and "marked sensitive" in r.out
    r = run(capsys, monkeypatch, store.root, "evidence", "withdraw", CASE, "JAS/1", "--reason", "duplicate",
            user="jsmith")
    assert r.code == 0 and "Withdrew JAS/1" in r.out
    r = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, user="jsmith")
    assert r.out.strip() == "No exhibits."
    r = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, "--all", "--json", user="jsmith")
    (row,) = r.json()
    assert (row["status"], row["sensitive"], row["withdrawn_reason"]) == ("withdrawn", True, "duplicate")


def test_ingest_reads_a_description_per_file_from_a_csv(store: Store, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "in" / "letter.txt", b"To whom it may concern\n")
    write(tmp_path / "in" / "note.txt", b"Meet at six\n")
    table = tmp_path / "descriptions.csv"
    # A spreadsheet's "CSV UTF-8": a byte-order mark, a header, a comma inside quotes.
    table.write_text('\ufeffpath,description\r\nin/letter.txt,"Letter to the bank, unsigned"\r\n'
                     "in/note.txt,Handwritten note\r\n", encoding="utf-8")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(tmp_path / "in"), "--descriptions", str(table),
            "--json", user="jsmith")
    assert r.code == 0, r.err
    assert {e["relative_path"]: e["description"] for e in r.json()["ingested"]} == {
        "in/letter.txt": "Letter to the bank, unsigned", "in/note.txt": "Handwritten note"}


@pytest.mark.parametrize(("content", "message"), [
    ("in/letter.txt,Letter\nin/photo.jpg,A photo\n",
     "a description is given for in/photo.jpg, which is not among the files to ingest"),
    ("in/letter.txt,Letter,extra\n", "line 1: expected two columns, path and description; found 3"),
    ('in/letter.txt,"Letter\n', "line 1: not CSV"),
    ("in/letter.txt,Letter\nin/letter.txt,Again\n", "line 2: in/letter.txt is already described on line 1"),
    ("path,description\n", "describes no file"),
])
def test_a_bad_descriptions_file_is_refused_in_one_line(store: Store, tmp_path: Path, content: str, message: str,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "in" / "letter.txt", b"To whom it may concern\n")
    table = tmp_path / "descriptions.csv"
    table.write_text(content, encoding="utf-8")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(tmp_path / "in"), "--descriptions", str(table),
            "--description", "Papers", user="jsmith")
    assert r.code == 2 and message in r.err and len(r.err.strip().splitlines()) == 1, r.err
    r = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, "--json", user="jsmith")
    assert r.json() == []  # nothing was ingested


def test_a_descriptions_file_that_is_not_utf8_or_missing_is_refused(store: Store, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "in" / "letter.txt", b"x\n")
    latin = write(tmp_path / "latin.csv", "in/letter.txt,Lettre reçue\n".encode("latin-1"))
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(tmp_path / "in"), "--descriptions", str(latin),
            user="jsmith")
    assert r.code == 2 and "is not UTF-8 text; save it as CSV UTF-8" in r.err
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(tmp_path / "in"), "--descriptions",
            str(tmp_path / "gone.csv"), user="jsmith")
    assert r.code == 2 and "gone.csv does not exist" in r.err
