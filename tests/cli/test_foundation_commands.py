"""The foundation commands as a detective, supervisor and administrator would type them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import run, run_subprocess
from tests.helpers.store import CASE, Store


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store: Store):  # type: ignore[no-untyped-def]
    def _run(*args: str, **kw: str):  # type: ignore[no-untyped-def]
        return run(capsys, monkeypatch, store.root, *args, **kw)

    return _run


def test_init_user_case_round_trip_in_a_real_process(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    r = run_subprocess(home, "init", "--admin", "chief", "--full-name", "Chris Chief", password="chief-password-1")
    assert r.code == 0, r.err
    assert "Initialised CaseDesk" in r.out
    r = run_subprocess(home, "user", "add", "kwong", "--role", "detective", "--full-name", "Kim Wong",
                       user="chief", password="chief-password-1", env={"CASEDESK_NEW_PASSWORD": "kim-password-123"})
    assert r.code == 0, r.err
    r = run_subprocess(home, "case", "create", "MPS-2026-0500", "--title", "Operation Kite", "--offence", "Fraud",
                       user="kwong", password="kim-password-123")
    assert r.code == 0, r.err
    r = run_subprocess(home, "case", "list", "--json", user="kwong", password="kim-password-123")
    assert r.code == 0, r.err
    assert [c["reference"] for c in __import__("json").loads(r.out)] == ["MPS-2026-0500"]


def test_init_refuses_an_existing_installation(cli, store: Store) -> None:  # type: ignore[no-untyped-def]
    r = cli("init", "--admin", "other", password="another-password-1")
    assert r.code != 0 and "already holds a CaseDesk installation" in r.err
    assert r.err.count("\n") == 1


def test_short_password_is_refused_at_init(capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run(capsys, monkeypatch, tmp_path / "x", "init", "--admin", "chief", password="short")
    assert r.code == 2 and "password too short" in r.err
    assert not (tmp_path / "x" / "keyslots.json").exists()


def test_detective_cannot_add_users_or_close_cases(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("user", "add", "eve", "--role", "admin", "--full-name", "Eve Evil", user="jsmith",
            new_password="eve-password-123")
    assert r.code == 5 and "may not manage user accounts" in r.err
    r = cli("case", "close", CASE, user="jsmith")
    assert r.code == 5 and "may not close cases" in r.err


def test_supervisor_closes_a_case_with_no_exhibits(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("case", "close", CASE, user="sgt")
    assert r.code == 0, r.err
    r = cli("case", "show", CASE, "--json", user="sgt")
    assert r.json()["status"] == "closed" and r.json()["closed_by"] == "sgt"


def test_non_member_detective_cannot_see_the_case(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("case", "list", "--json", user="bpatel").json() == []
    r = cli("case", "show", CASE, user="bpatel")
    assert r.code == 5 and "not a member" in r.err
    assert cli("case", "member", "add", CASE, "bpatel", user="sgt").code == 0
    assert cli("case", "show", CASE, "--json", user="bpatel").json()["reference"] == CASE


def test_wrong_password_gives_one_line_and_non_zero_exit(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("case", "list", user="jsmith", password="definitely-wrong")
    assert r.code == 4
    assert r.err.strip().startswith("casedesk: error: wrong password for jsmith")
    assert r.err.count("\n") == 1


def test_missing_data_dir_is_explained(capsys, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = run(capsys, monkeypatch, tmp_path / "nowhere", "case", "list", user="jsmith")
    assert r.code == 6 and "no CaseDesk installation" in r.err
    assert not (tmp_path / "nowhere").exists()


def test_user_list_json_and_case_show(cli) -> None:  # type: ignore[no-untyped-def]
    users = cli("user", "list", "--json", user="admin").json()
    assert {u["username"]: u["role"] for u in users} == {
        "admin": "admin", "bpatel": "detective", "jsmith": "detective", "sgt": "supervisor"}
    r = cli("case", "show", CASE, user="jsmith")
    assert ("Operation Lantern" in r.out and "(+00:00)" in r.out) or "(+01:00)" in r.out


def test_notes_and_summary(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("case", "summary", CASE, "Dossier handed over by a journalist.", user="jsmith").code == 0
    r = cli("case", "summary", CASE, "Overwritten by someone else", user="bpatel")
    assert r.code == 5
    assert cli("note", "add", CASE, "Called the journalist back.", user="jsmith").code == 0
    notes = cli("note", "list", CASE, "--json", user="jsmith").json()
    assert [n["text"] for n in notes] == ["Called the journalist back."]
    assert cli("case", "show", CASE, "--json", user="jsmith").json()["summary"] == "Dossier handed over by a journalist."
