"""The JSON Lines export: another case's entries reduced to their headers, still fully checkable."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casedesk.custody import chain
from casedesk.custody.export import read_export
from casedesk.services.cases import Cases
from tests.custody.conftest import CaseStore
from tests.helpers.cli import run
from tests.helpers.custody import TOOL, attacker, both, export, messages, tool
from tests.helpers.store import CASE

OTHER = "MPS-2026-0999"
SECRET = "informant lives at 12 Acacia Avenue"


@pytest.fixture
def two_cases(cs: CaseStore) -> tuple[CaseStore, int]:
    b = cs.store.sign_in("bpatel")
    try:
        Cases(b).create(OTHER, "Operation Kestrel")
        note = Cases(b).add_note(OTHER, SECRET)
    finally:
        b.close()
    return cs, note.custody_seq


def test_export_of_one_case_withholds_the_others_but_proves_the_chain(
        two_cases: tuple[CaseStore, int], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    cs, note_seq = two_cases
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    text = path.read_text("ascii")
    assert SECRET not in text and OTHER not in text and "Kestrel" not in text
    lines = read_export(path.open())
    header, trailer = lines[0], lines[-1]
    assert header["format"] == "casedesk-custody-export/2" and header["scope"] == CASE
    assert [k["user"] for k in header["keys"]] == ["admin", "jsmith", "bpatel", "sgt"]
    entries = [ln for ln in lines if ln["type"] in ("entry", "redacted")]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    redacted = {e["seq"] for e in entries if e["type"] == "redacted"}
    # The other case's creation, its first key and the key's grants to bpatel and sgt, and the note.
    assert note_seq in redacted and trailer["redacted"] == len(redacted) == 5
    assert set(entries[note_seq - 1]) == {"type", "seq", "prev", "time", "tz", "offset", "actor", "key",
                                          "version", "commit", "body_hash", "hash", "signature"}
    assert [(e["case"], e["exhibit"]) for e in lines if e["type"] == "exhibit"] == [(CASE, "JAS/1"), (CASE, "JAS/2")]
    code, result = tool(path)
    assert code == 0 and result["ok"] and result["redacted"] == 5
    assert result["signatures"] == result["entries"] == trailer["entries"]


def test_tampering_with_another_cases_entry_is_found_without_naming_it(
        two_cases: tuple[CaseStore, int], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    cs, note_seq = two_cases
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET text = 'nothing to see' WHERE seq = ?", (note_seq,))
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert messages(problems) == [(note_seq, None, chain.MSG_HASH)] and problems[0]["case"] is None
    whole = both(capsys, monkeypatch, cs.store, tmp_path, case=None, user="sgt")
    assert [(p["seq"], p["case"]) for p in whole] == [(note_seq, OTHER)]


def test_only_supervisors_export_the_whole_installation(cs: CaseStore, capsys: Any, monkeypatch: Any,
                                                       tmp_path: Path) -> None:
    r = run(capsys, monkeypatch, cs.store.root, "custody", "export", "-o", str(tmp_path / "all.jsonl"),
            user="jsmith")
    assert r.code == 5 and "name the case" in r.err
    assert not (tmp_path / "all.jsonl").exists()
    r = run(capsys, monkeypatch, cs.store.root, "custody", "export", CASE, "-o", str(tmp_path / "x.jsonl"),
            user="bpatel")
    assert r.code == 5


def test_a_damaged_export_is_refused_plainly(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    lines = path.read_bytes().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"".join(lines[:-3]))
    for bad, why in ((cut, "incomplete"), (TOOL, "does not announce")):
        proc = subprocess.run([sys.executable, str(TOOL), str(bad)], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and why in proc.stderr, proc.stderr
    edited = tmp_path / "edited.jsonl"
    body = [json.loads(x) for x in lines]
    body[5]["actor"] = "bpatel"
    edited.write_text("".join(json.dumps(x) + "\n" for x in body))
    code, result = tool(edited)
    assert code == 1 and result["problems"][0]["seq"] == body[5]["seq"]


def test_the_tool_needs_only_the_standard_library_and_pynacl() -> None:
    tree = ast.parse(TOOL.read_text("utf-8"))
    top = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            top |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert top - set(sys.stdlib_module_names) == {"nacl"}


def test_an_export_that_cannot_be_logged_is_not_left_behind(cs: CaseStore, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.errors import StoreError
    from casedesk.services.custody import Custody

    s = cs.store.sign_in("jsmith")
    try:
        def full_disk(*args: Any, **kwargs: Any) -> Any:
            raise StoreError("disk full")

        monkeypatch.setattr(s, "record", full_disk)
        out = tmp_path / "out"
        out.mkdir()
        with pytest.raises(StoreError, match="disk full"):
            Custody(s).export_log(CASE, out / "log.jsonl")
        assert list(out.iterdir()) == []
        report = Custody(s).verify(CASE)  # the report stands, unrecorded
        assert report.ok and report.recorded_as is None
    finally:
        s.close()


def test_the_exhibit_lines_carry_every_column_verify_compares() -> None:
    """The export's register fields, the stand-alone verifier's and casedesk verify's compared columns agree."""
    import runpy

    from casedesk.custody import export as export_mod
    from casedesk.custody import register

    standalone = runpy.run_path(str(TOOL))
    assert export_mod.REGISTER_FIELDS == standalone["REGISTER_FIELDS"]
    assert export_mod.REGISTER_FIELDS == ("producer", "ingested_by", *register._EXHIBIT_COLUMNS)
