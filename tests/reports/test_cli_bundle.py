"""``casedesk export`` and ``casedesk verify-bundle`` from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.reports.sample import make_evidence
from casedesk.timeutil import iso_utc, utc_now
from tests.helpers.bundle import CASE, ingest_evidence
from tests.helpers.cli import run, run_subprocess
from tests.helpers.store import Store


@pytest.fixture
def exported(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:3])
    finally:
        session.close()
    out = tmp_path / "bundle.pdf"
    result = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(out), "--exhibits",
                 f"{refs[0]},{refs[2]}", "--marking", "official", "--at", _now(),
                 "--json", user="jsmith")
    return store, out, refs, result


def _now() -> str:
    return iso_utc(utc_now())


def test_export_prints_the_result(exported) -> None:  # type: ignore[no-untyped-def]
    _, out, refs, result = exported
    assert result.code == 0, result.err
    data = result.json()
    assert data["included"] == [refs[0], refs[2]]
    assert data["marking"] == "OFFICIAL"
    assert {"reference": refs[1], "reason": "not selected"} in data["excluded"]
    assert out.exists() and data["sha256"] in (out.parent / "bundle.pdf.sha256").read_text()


def test_verify_bundle_file_only_and_against_the_store(exported, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store, out, _, _ = exported
    plain = run(capsys, monkeypatch, store.root, "verify-bundle", str(out))
    assert plain.code == 0, plain.out + plain.err
    assert "NO PROBLEM FOUND" in plain.out and "add --custody" in plain.out
    full = run(capsys, monkeypatch, store.root, "verify-bundle", str(out), "--json", user="jsmith")
    assert full.code == 0, full.out + full.err
    names = {c["name"]: c["status"] for c in full.json()["checks"]}
    assert names["custody head in the store"] == names["export entry in the store"] == "pass"
    data = bytearray(out.read_bytes())
    data[-100] ^= 0x20
    out.write_bytes(bytes(data))
    broken = run_subprocess(store.root, "verify-bundle", str(out))
    assert broken.code == 7
    assert "FAIL  bundle hash" in broken.out and "NOT VERIFIED" in broken.out


def test_export_refuses_bad_input(store: Store, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bad_time = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"), "--at",
                   "2026-11-20 10:00", user="jsmith")
    assert bad_time.code == 2 and "time zone" in bad_time.err
    no_folder = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "missing" / "b.pdf"),
                    user="jsmith")
    assert no_folder.code == 2 and "does not exist" in no_folder.err
    outsider = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"), user="bpatel")
    assert outsider.code == 5


def test_a_bundle_over_the_size_limit_is_flagged_with_a_way_to_split_it(store: Store, tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import re

    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:4])
    finally:
        session.close()
    small = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "a.pdf"), user="jsmith")
    assert small.code == 0 and "Warning" not in small.out
    big = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"), "--size-limit", "0.06",
              user="jsmith")
    assert big.code == 0, big.err
    warning = next(line for line in big.out.splitlines() if line.startswith("Warning: the bundle is"))
    assert "over the 0 MiB" not in warning and "MiB" in warning
    groups = [g.split(",") for g in re.findall(r"--exhibits ([^;\s]+)", warning)]
    assert len(groups) >= 2 and [r for g in groups for r in g] == refs  # every exhibit once, in order
    bad = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "c.pdf"), "--size-limit", "0",
              user="jsmith")
    assert bad.code == 2 and "--size-limit" in bad.err
