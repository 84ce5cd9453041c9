"""The three altered bundles of issue 12 are each rejected, and the genuine one accepted, with or without a store.

Each alteration comes with its ``.sha256`` and ``.manifest.json`` files
rewritten to match (tests/helpers/altered.py): before this, every one of them
passed ``casedesk verify-bundle`` and each step of the README's checks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedesk.reports.verify_bundle import verify_bundle
from tests.helpers.altered import Case, make_case
from tests.helpers.cli import run


@pytest.fixture(scope="module")
def case(_template: tuple[Path, Path, str], tmp_path_factory: pytest.TempPathFactory) -> Case:
    return make_case(_template, tmp_path_factory.mktemp("altered"))


def _statuses(path: Path, log: Path | None) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.detail) for c in verify_bundle(path, custody=log).checks}


def test_the_genuine_bundle_passes_every_check(case: Case) -> None:
    check = verify_bundle(case.genuine, custody=case.log)
    assert check.verdict == "VERIFIED", check.checks
    assert [c.name for c in check.checks] == [
        "end of file", "bundle hash", "manifest", "attachments", "custody log", "export entry",
        "exhibits in the log", "custody head", "merkle root"]
    assert all(c.status == "pass" for c in check.checks)
    found = {c.name: c.detail for c in check.checks}
    assert "--earlier" in found["merkle root"]
    assert check.recorded_as is not None and f"entry {check.recorded_as} records the export" in found["export entry"]
    assert ", by jsmith at 20" in found["export entry"]  # who recorded it, and when: the lawyer can judge that
    # The sensitive exhibit's entries are withheld lines of the export, checked like any other line.
    lines = [json.loads(line) for line in case.log.read_text().splitlines()]
    assert any(line["type"] == "withheld" for line in lines)
    assert found["custody log"].startswith(f"{len(lines) - 2 - sum(1 for x in lines if 'exhibit' in x['type'])} entries")


def test_without_the_custody_export_the_log_checks_are_not_made_and_said_so(case: Case) -> None:
    check = verify_bundle(case.genuine)
    assert check.ok and check.verdict == "NO PROBLEM FOUND, NOT EVERYTHING CHECKED"
    assert [c.name for c in check.checks if c.status == "not checked"] == [
        "custody log", "export entry", "exhibits in the log", "custody head", "merkle root"]


def test_edited_pages_with_rewritten_sidecar_and_manifest_are_rejected_by_the_log(case: Case) -> None:
    path = case.altered["pages"]
    # The files agree with each other: only the custody log shows this is not the file CaseDesk exported.
    assert verify_bundle(path).ok
    check = verify_bundle(path, custody=case.log)
    assert check.verdict == "NOT VERIFIED"
    found = _statuses(path, case.log)
    assert found["export entry"][0] == "fail"
    assert "this is not the file CaseDesk exported" in found["export entry"][1]


def test_an_appended_incremental_update_is_rejected_even_without_the_log(case: Case) -> None:
    path = case.altered["update"]
    for log in (None, case.log):
        found = _statuses(path, log)
        assert found["end of file"][0] == "fail"
        assert "an incremental update was appended after the end of the file CaseDesk wrote" in found["end of file"][1]
        assert not verify_bundle(path, custody=log).ok
    genuine_size = case.genuine.stat().st_size
    assert f"at byte {genuine_size}" in _statuses(path, None)["end of file"][1]


def test_a_swapped_paperclip_attachment_is_rejected_even_without_the_log(case: Case) -> None:
    path = case.altered["paperclip"]
    found = _statuses(path, None)
    assert found["attachments"][0] == "fail"
    assert "is not an original the manifest lists" in found["attachments"][1]
    assert _statuses(path, case.log)["export entry"][0] == "fail"


def test_bytes_appended_after_the_end_are_rejected(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(case.genuine.read_bytes() + b"\n% a comment\n")
    found = _statuses(path, None)
    assert found["end of file"] == ("fail", "13 byte(s) follow the %%EOF that ends the bundle at byte "
                                    f"{case.genuine.stat().st_size}: something was appended to the file")


def test_a_replaced_original_with_a_rewritten_manifest_is_rejected_by_the_log(case: Case) -> None:
    path = case.altered["original"]
    assert verify_bundle(path).ok  # every file agrees with every other
    found = _statuses(path, case.log)
    assert found["attachments"][0] == found["manifest"][0] == "pass"
    assert found["export entry"][0] == "fail"
    assert found["exhibits in the log"][0] == "fail"
    assert "the custody log recorded" in found["exhibits in the log"][1] and "at ingest" in found["exhibits in the log"][1]


def test_the_command_line_says_the_same_and_exits_7_on_an_altered_bundle(
        case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "no-installation"  # a prosecutor's expert: no store, no account
    good = run(capsys, monkeypatch, data_dir, "verify-bundle", str(case.genuine), "--custody", str(case.log))
    assert good.code == 0, good.err
    assert good.out.splitlines()[-1] == "Bundle bundle.pdf: VERIFIED"
    assert "ok    merkle root: the custody log's first" in good.out
    bad = run(capsys, monkeypatch, data_dir, "verify-bundle", str(case.altered["update"]), "--custody",
              str(case.log), "--json")
    assert bad.code == 7
    data = bad.json()
    assert data["verdict"] == "NOT VERIFIED"
    assert [c["name"] for c in data["checks"] if c["status"] == "fail"] == ["end of file", "export entry"]
    missing = run(capsys, monkeypatch, data_dir, "verify-bundle", str(case.genuine), "--custody",
                  str(tmp_path / "none.jsonl"))
    assert missing.code != 0 and "no custody export at" in missing.err
