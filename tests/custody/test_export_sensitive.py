"""A custody export a prosecutor is handed withholds sensitive (MG6D) exhibits by default and still verifies."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casedesk.custody.export import read_export
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.custody.conftest import CaseStore
from tests.helpers.cli import run
from tests.helpers.custody import TOOL, export, tool
from tests.helpers.store import CASE

NAME = "handler-contact-sheet.txt"
DESCRIPTION = "CHIS handler's contact sheet, source BLUEBIRD"
CONTENT = b"meeting 14:00 at the usual place\n" * 9
SHA256 = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def sensitive(cs: CaseStore) -> tuple[CaseStore, str]:
    """The custody test case plus one exhibit ingested as sensitive, then moved and viewed."""
    src = cs.store.root.parent / "sensitive-src"
    src.mkdir()
    (src / NAME).write_bytes(CONTENT)
    s = cs.store.sign_in("jsmith")
    try:
        summary = Evidence(s).ingest(CASE, [src / NAME], IngestMetadata(description=DESCRIPTION, sensitive=True))
        ref = summary.ingested[0].reference
        Custody(s).transfer(CASE, ref, "Safe, DS office, Lambeth", "kept apart as MG6D")
    finally:
        s.close()
    return cs, ref


def _secrets_in(data: bytes) -> list[str]:
    found = [s for s in (NAME, DESCRIPTION, SHA256, "BLUEBIRD", "Safe, DS office") if s.encode() in data]
    return found


def test_default_export_carries_no_name_description_or_hash_of_a_sensitive_exhibit(
        sensitive: tuple[CaseStore, str], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    cs, ref = sensitive
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    data = path.read_bytes()
    assert _secrets_in(data) == []
    lines = read_export(path.open())
    withheld = [ln for ln in lines if ln["type"] == "withheld"]
    assert withheld and {ln["exhibit"] for ln in withheld} == {ref}
    assert [ln for ln in lines if ln["type"] == "withheld_exhibit"] == [
        {"type": "withheld_exhibit", "case": CASE, "exhibit": ref, "withheld": "sensitive", "vault_problems": []}]
    assert lines[0]["sensitive"] == "withheld" and lines[-1]["withheld"] == len(withheld)
    # The stand-alone verifier still checks the whole chain and says what it did not see, and why.
    code, result = tool(path)
    assert code == 0 and result["ok"], result["problems"]
    assert result["withheld"] == {"entries": len(withheld), "exhibits": {ref: len(withheld)}}
    assert result["signatures"] == result["entries"]
    assert result["exhibits"] == 3  # JAS/1, JAS/2 and the withheld one: the count agrees with the case's
    proc = subprocess.run([sys.executable, str(TOOL), str(path)], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (f"Withheld as sensitive (MG6D): {len(withheld)} entries of exhibit {ref} ({len(withheld)})"
            in proc.stdout)
    assert "--include-sensitive" in proc.stdout
    assert "exhibits: 3 (1 withheld as sensitive)" in proc.stdout


def test_include_sensitive_shows_it_in_full_and_verifies(
        sensitive: tuple[CaseStore, str], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    cs, _ = sensitive
    out = tmp_path / "full.jsonl"
    r = run(capsys, monkeypatch, cs.store.root, "custody", "export", CASE, "-o", str(out), "--include-sensitive",
            user="jsmith")
    assert r.code == 0, r.err
    assert set(_secrets_in(out.read_bytes())) >= {NAME, DESCRIPTION, SHA256}
    lines = read_export(out.open())
    assert lines[0]["sensitive"] == "included" and lines[-1]["withheld"] == 0
    assert not [ln for ln in lines if ln["type"] in ("withheld", "withheld_exhibit")]
    code, result = tool(out)
    assert code == 0 and result["ok"] and result["withheld"] == {"entries": 0, "exhibits": {}}


def _rewrite(path: Path, change: Any) -> Path:
    """Apply ``change`` to the parsed lines, keep the trailer's line hash honest (its signature then fails)."""
    lines = read_export(path.open())
    change(lines)
    body = b"".join(json.dumps(ln, sort_keys=True, separators=(",", ":")).encode() + b"\n" for ln in lines[:-1])
    trailer = dict(lines[-1], lines_sha256=hashlib.sha256(body).hexdigest())
    out = path.with_name("changed-" + path.name)
    out.write_bytes(body + json.dumps(trailer, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    return out


def test_an_ordinary_entry_passed_off_as_sensitive_is_named(
        sensitive: tuple[CaseStore, str], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """An exporter who hides a transfer of a disclosed exhibit behind the sensitive label is caught."""
    cs, _ = sensitive
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    target = cs.seqs["transfer JAS/1"]

    def hide(lines: list[dict[str, Any]]) -> None:
        from casedesk.custody import encoding
        for i, ln in enumerate(lines):
            if ln.get("seq") == target:
                body = [ln[name] for name, _ in encoding.BODY_FIELDS] + [ln["data"]]
                text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                body_hash = hashlib.sha256(b"CASEDESK-CUSTODY-BODY-V1\x00" + text.encode()).hexdigest()
                keep = ("seq", "prev", "time", "tz", "offset", "actor", "key", "version", "commit", "hash",
                        "signature", "case", "exhibit")
                lines[i] = {**{k: ln[k] for k in keep}, "type": "withheld", "body_hash": body_hash,
                            "withheld": "sensitive"}

    code, result = tool(_rewrite(path, hide))
    msgs = [(p["seq"], p["exhibit"], p["message"]) for p in result["problems"]]
    assert code == 1
    assert (target, "JAS/1", "withheld as sensitive, but the export lists exhibit JAS/1 as not sensitive: "
            "its register line is shown in full") in msgs


def test_withheld_lines_that_contradict_the_export_are_named(
        sensitive: tuple[CaseStore, str], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """A header claiming everything is included, or a withheld exhibit's register line dropped, is caught."""
    cs, ref = sensitive
    path = export(capsys, monkeypatch, cs.store, tmp_path / "log.jsonl")
    withheld = [ln["seq"] for ln in read_export(path.open()) if ln["type"] == "withheld"]

    def claim_included(lines: list[dict[str, Any]]) -> None:
        lines[0]["sensitive"] = "included"

    _, result = tool(_rewrite(path, claim_included))
    msgs = [(p["seq"], p["exhibit"], p["message"]) for p in result["problems"]]
    for seq in withheld:
        assert (seq, ref, "withheld as sensitive in an export that says it includes sensitive material") in msgs

    def drop_register_line(lines: list[dict[str, Any]]) -> None:
        lines[:] = [ln for ln in lines if ln["type"] != "withheld_exhibit"]
        lines[-1]["exhibits"] -= 1

    _, result = tool(_rewrite(path, drop_register_line))
    msgs = [(p["seq"], p["exhibit"], p["message"]) for p in result["problems"]]
    for seq in withheld:
        assert (seq, ref, f"withheld as sensitive, but the export has no withheld register line for exhibit {ref}"
                ) in msgs


def test_a_whole_installation_export_withholds_sensitive_exhibits_too(
        sensitive: tuple[CaseStore, str], capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    cs, ref = sensitive
    path = export(capsys, monkeypatch, cs.store, tmp_path / "all.jsonl", case=None, user="sgt")
    assert _secrets_in(path.read_bytes()) == []
    code, result = tool(path)
    assert code == 0 and result["ok"], result["problems"]
    assert list(result["withheld"]["exhibits"]) == [f"{CASE} {ref}"]
