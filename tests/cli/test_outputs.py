"""Nothing CaseDesk writes replaces a file, lands in its own data directory, or is left half-written.

Issue 10, finding 7: ``export -o`` and ``custody export -o`` replaced any file (the installation's own
``casedesk.db`` and ``keyslots.json`` among them, and the error clean-up then deleted the key slots);
``ingest`` took ``keyslots.json`` as evidence; ``extract -o`` wrote plaintext inside ``vault/``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from sqlalchemy import select

import casedesk.custody.export as export_module
import casedesk.reports.assemble as assemble_module
from casedesk.errors import UsageError
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.store.models import CustodyEntry
from tests.helpers.cli import run
from tests.helpers.evidence import META, evidence_for, write
from tests.helpers.store import CASE, Store


def _snapshot(store: Store) -> tuple[dict[str, str], list[str]]:
    """What a refusal must leave as it was: every file (vault content by hash) and the log, sign-ins aside."""
    files = {}
    for path in sorted(store.root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = str(path.relative_to(store.root))
            files[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if rel.startswith("vault/") else ""
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            actions = [a for a in db.scalars(select(CustodyEntry.action).order_by(CustodyEntry.seq))
                       if a != "account.login"]
    finally:
        s.close()
    return files, actions


def _with_exhibit(store: Store, tmp_path: Path) -> None:
    with evidence_for(store) as ev:
        ev.ingest(CASE, [write(tmp_path / "in" / "letter.txt", b"Dear Sir, the money is in the locker.\n")], META)


@pytest.mark.parametrize("command", [
    ["export", CASE, "-o"],
    ["custody", "export", CASE, "-o"],
    ["extract", CASE, "JAS/1", "-o"],
])
@pytest.mark.parametrize("target", ["casedesk.db", "keyslots.json", "vault/new.bin", "vault", "logs/x.pdf"])
def test_no_output_goes_into_the_data_directory(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch, command: list[str],
                                                target: str) -> None:
    _with_exhibit(store, tmp_path)
    before = _snapshot(store)
    r = run(capsys, monkeypatch, store.root, *command, str(store.root / target), user="jsmith")
    assert r.code == 2, r.err
    assert "CaseDesk's data directory" in r.err or "already exists" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert _snapshot(store) == before
    # And the store still opens and verifies.
    assert run(capsys, monkeypatch, store.root, "verify", CASE, user="jsmith").code == 0


def test_a_link_into_the_data_directory_is_followed_and_refused(store: Store, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _with_exhibit(store, tmp_path)
    link = tmp_path / "innocent"
    link.symlink_to(store.root / "vault")
    before = _snapshot(store)
    for command in (["export", CASE, "-o", str(link / "b.pdf")], ["extract", CASE, "JAS/1", "-o", str(link)],
                    ["custody", "export", CASE, "-o", str(link / "log.jsonl")]):
        r = run(capsys, monkeypatch, store.root, *command, user="jsmith")
        assert r.code == 2 and "inside CaseDesk's data directory" in r.err, (command, r.err)
    assert _snapshot(store) == before


@pytest.mark.parametrize("command", [
    ["export", CASE, "-o"],
    ["custody", "export", CASE, "-o"],
    ["extract", CASE, "JAS/1", "-o"],
])
def test_an_existing_file_is_never_replaced(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    _with_exhibit(store, tmp_path)
    mine = tmp_path / "report.pdf"
    mine.write_bytes(b"the detective's own report\n")
    dangling = tmp_path / "dangling.pdf"
    dangling.symlink_to(tmp_path / "nowhere")
    for target in (mine, dangling):
        r = run(capsys, monkeypatch, store.root, *command, str(target), user="jsmith")
        assert r.code == 2 and "already exists" in r.err, r.err
    assert mine.read_bytes() == b"the detective's own report\n"
    assert not (tmp_path / "nowhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_an_existing_sidecar_stops_the_bundle_before_anything_is_written(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _with_exhibit(store, tmp_path)
    sidecar = tmp_path / "bundle.pdf.sha256"
    sidecar.write_text("someone else's checksum file\n")
    r = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "bundle.pdf"), user="jsmith")
    assert r.code == 2 and "bundle.pdf.sha256 already exists" in r.err
    assert not (tmp_path / "bundle.pdf").exists()
    assert sidecar.read_text() == "someone else's checksum file\n"


def test_a_file_that_appears_during_a_bundle_export_is_kept_and_nothing_is_named(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_exhibit(store, tmp_path)
    out = tmp_path / "bundle.pdf"
    real_build = assemble_module.build_bundle

    def build_then_race(*args: object, **kwargs: object) -> object:
        result = real_build(*args, **kwargs)  # type: ignore[arg-type]
        out.with_name("bundle.pdf.manifest.json").write_text("another program's file\n")
        return result

    monkeypatch.setattr("casedesk.services.bundles.build_bundle", build_then_race)
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="appeared while CaseDesk was writing it; nothing was replaced"):
            Bundles(s).export(CASE, out)
    finally:
        s.close()
    # The PDF and its sidecar were named in this run, then taken back; the other program's file is untouched.
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bundle")) == ["bundle.pdf.manifest.json"]
    assert out.with_name("bundle.pdf.manifest.json").read_text() == "another program's file\n"


def test_a_failed_custody_export_never_deletes_a_file_it_did_not_create(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The old clean-up unlinked the target on any failure after writing it: with -o keyslots.json, every key."""
    dest = tmp_path / "log.jsonl"
    real = export_module.write_export

    def write_then_race(*args: object, **kwargs: object) -> object:
        result = real(*args, **kwargs)  # type: ignore[arg-type]
        dest.write_text("written by someone else meanwhile\n")
        return result

    monkeypatch.setattr(export_module, "write_export", write_then_race)
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="nothing was replaced"):
            Custody(s).export_log(CASE, dest)
    finally:
        s.close()
    assert dest.read_text() == "written by someone else meanwhile\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_outputs_are_private_to_their_owner(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _with_exhibit(store, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for command in (["export", CASE, "-o", str(out / "b.pdf")], ["extract", CASE, "JAS/1", "-o", str(out)],
                    ["custody", "export", CASE, "-o", str(out / "log.jsonl")]):
        r = run(capsys, monkeypatch, store.root, *command, user="jsmith")
        assert r.code == 0, r.err
    modes = {p.name: oct(p.stat().st_mode & 0o777) for p in out.iterdir()}
    assert modes == {name: "0o600" for name in
                     ["b.pdf", "b.pdf.sha256", "b.pdf.manifest.json", "b.pdf.verify.html", "letter.txt", "log.jsonl"]}


@pytest.mark.parametrize("source", ["keyslots.json", "casedesk.db", "vault", ".", "link"])
def test_ingest_refuses_casedesk_s_own_files(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    (tmp_path / "link").symlink_to(store.root / "keyslots.json")
    path = tmp_path / "link" if source == "link" else store.root / source
    before = _snapshot(store)
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(path), "--description", "x", user="jsmith")
    assert r.code == 2 and "inside CaseDesk's data directory" in r.err, r.err
    assert _snapshot(store) == before
    assert run(capsys, monkeypatch, store.root, "evidence", "list", CASE, user="jsmith").out.count("JAS/") == 0


def test_ingest_refuses_a_folder_holding_the_data_directory(store: Store, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write(store.root.parent / "statement.txt", b"a statement\n")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(store.root.parent), "--description", "x",
            user="jsmith")
    assert r.code == 2 and "holds CaseDesk's data directory" in r.err, r.err
    assert os.path.exists(store.root / "keyslots.json")
