"""The custody commands as officers type them: each lands in the log under the right name."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.custody.conftest import CaseStore
from tests.helpers.cli import Result, run
from tests.helpers.custody import attacker
from tests.helpers.store import CASE


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, cs: CaseStore) -> Any:
    def _run(*args: str, user: str = "jsmith") -> Result:
        return run(capsys, monkeypatch, cs.store.root, *args, user=user)

    return _run


def last_entry(cli: Any, user: str = "sgt") -> dict[str, Any]:
    """The latest entry other than the sign-in of the officer asking."""
    entries = cli("custody", "log", "-", "--json", user=user).json()
    return dict([e for e in entries if e["action"] != "account.login"][-1])


def test_each_custody_command_is_recorded_with_its_actor(cli: Any, tmp_path: Path) -> None:
    steps: list[tuple[tuple[str, ...], str, str]] = [
        (("custody", "checkout", CASE, "JAS/2", "--to", "Forensic lab, Lambeth", "--reason", "re-image"),
         "jsmith", "exhibit.checked_out"),
        (("custody", "return", CASE, "JAS/2", "--reason", "seal intact", "--location", "Desk drawer 3"),
         "jsmith", "exhibit.returned"),
        (("custody", "transfer", CASE, "JAS/2", "--to", "sgt", "--reason", "file review"), "jsmith",
         "exhibit.transferred"),
        (("custody", "correct", "1", "--text", "installation note"), "admin", "entry.corrected"),
        (("review", CASE, "--query", "--comment", "Who sealed JAS/1?"), "sgt", "case.reviewed"),
        (("review", CASE, "--comment", "Lab report on file"), "sgt", "case.reviewed"),
        (("review", CASE, "--approve"), "sgt", "case.reviewed"),
        (("verify", CASE), "jsmith", "verify.run"),
        (("custody", "export", CASE, "-o", str(tmp_path / "log.jsonl")), "jsmith", "custody.exported"),
    ]
    start = last_entry(cli)["seq"]
    for args, user, _ in steps:
        r = cli(*args, user=user)
        assert r.code == 0, (args, r.err)
    entries = [e for e in cli("custody", "log", "-", "--json", user="sgt").json()
               if e["seq"] > start and e["action"] != "account.login"]
    assert [(e["actor"], e["action"]) for e in entries] == [(user, action) for _, user, action in steps]
    entry = entries[-1]
    assert entry["sha256"] == hashlib.sha256((tmp_path / "log.jsonl").read_bytes()).hexdigest()
    reviews = cli("custody", "log", CASE, "--action", "reviewed", "--json", user="jsmith").json()
    assert [r["data"]["decision"] for r in reviews] == ["query", "comment", "approve"]
    moved = cli("custody", "log", CASE, "JAS/2", "--by", "jsmith", "--json", user="jsmith").json()
    assert moved[-1]["location"] is None or moved[-1]["to_party"] == "sgt"


def test_detective_cannot_review_or_override_closing(cli: Any) -> None:
    r = cli("review", CASE, "--approve", user="jsmith")
    assert r.code == 5 and "may not review custody logs" in r.err
    r = cli("review", "queue", user="jsmith")
    assert r.code == 5
    r = cli("case", "close", CASE, "--override", "in a hurry", user="jsmith")
    assert r.code == 5
    r = cli("case", "close", CASE, user="sgt")
    assert r.code == 2 and "unreviewed custody entries" in r.err
    r = cli("case", "close", CASE, "--override", "CPS asked for the file today", user="sgt")
    assert r.code == 0, r.err
    actions = [e["action"] for e in cli("custody", "log", CASE, "--json", user="sgt").json()[-2:]]
    assert actions == ["case.close_override", "case.closed"]


def test_non_custodian_cannot_transfer(cli: Any) -> None:
    assert cli("case", "member", "add", CASE, "bpatel", user="sgt").code == 0
    r = cli("custody", "transfer", CASE, "JAS/2", "--to", "bpatel", "--reason", "mine now", user="bpatel")
    assert r.code == 5 and "is not the custodian of JAS/2" in r.err
    assert r.err.count("\n") == 1


def test_review_queue_and_queries(cli: Any) -> None:
    r = cli("review", "queue", user="sgt")
    assert r.code == 0 and r.out.split()[0] == CASE
    assert cli("review", CASE, "--query", "--comment", "Time of seizure?", user="sgt").code == 0
    r = cli("custody", "queries", CASE, user="jsmith")
    assert "Time of seizure?" in r.out
    assert cli("review", CASE, "--query", user="sgt").code == 2
    assert cli("review", CASE, user="sgt").code == 2
    assert cli("review", CASE, "--approve", "--up-to", "3", user="sgt").code == 0
    pending = cli("custody", "unreviewed", CASE, "--json", user="jsmith").json()
    assert pending and min(e["seq"] for e in pending) > 3


def test_log_text_shows_uk_time_with_offset_and_parties(cli: Any) -> None:
    r = cli("custody", "log", CASE, "JAS/1", user="jsmith")
    assert r.code == 0
    line = next(li for li in r.out.splitlines() if "exhibit.transferred" in li)
    assert "jsmith -> Property store, Charing Cross, locker 14" in line
    assert "(+00:00)" in line or "(+01:00)" in line
    assert cli("custody", "log", CASE, "--since", "2000-01-01", "--until", "yesterday", user="jsmith").code == 2


def test_verify_exit_code_and_report(cli: Any, cs: CaseStore) -> None:
    r = cli("verify", CASE, user="jsmith")
    assert r.code == 0 and r.out.startswith("OK: ")
    n = cs.seqs["return JAS/2"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET location = 'a skip' WHERE seq = ?", (n,))
    r = cli("verify", user="admin")
    assert r.code == 7
    assert r.out.startswith("FAILED: 1 problem")
    assert f"entry {n}, exhibit {CASE} JAS/2: content does not match its recorded hash" in r.out


def test_several_exhibits_checked_out_in_one_command_with_each_refusal_on_its_line(cli: Any) -> None:
    r = cli("custody", "checkout", CASE, "JAS/2", "JAS/1", "--to", "Forensic lab, Lambeth", "--reason", "imaging")
    assert r.code == 5  # JAS/1 is in the property store: jsmith may not move it
    assert "JAS/2 checked out to Forensic lab, Lambeth" in r.out and "1 moved, 1 refused." in r.out
    assert r.err.strip().splitlines() == [
        "casedesk: JAS/1 not moved: jsmith is not the custodian of JAS/1 (at Property store, Charing Cross, "
        "locker 14); only its custodian or a supervisor can move it"]
    r = cli("custody", "return", CASE, "JAS/2", "JAS/1", "--reason", "done", "--json")
    assert r.code == 2
    data = r.json()
    assert [e["exhibit_ref"] for e in data["done"]] == ["JAS/2"]
    assert data["refused"] == [{"exhibit_ref": "JAS/1", "reason": "JAS/1 is not checked out", "exit_code": 2}]
