"""Offline custody conflicts without a unit: the fork record, what replay derives from it, every place that shows an
open conflict, the supervisor's resolution, and what an insider cannot do about either (docs/sync-protocol.md,
"Offline conflicts"). The unit's part is in tests/unit_service/test_conflicts.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from casedesk.custody import conflicts
from casedesk.custody import log as custody_log
from casedesk.services.conflicts import Conflicts
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.engine import write_session
from tests.custody.conftest import CaseStore
from tests.helpers.cli import run
from tests.helpers.conflicts import make_fork, record_fork
from tests.helpers.custody import attacker, export, last_seq, row, tool
from tests.helpers.custody import rewrite as rewrite_entry
from tests.helpers.store import CASE, Store

LAB = "Forensic lab, Lambeth, bench 3"
LOCKER = "Property store, locker 7"


def _forked(store: Store) -> None:
    """JAS/1 moved here to a locker and on the other copy to the lab; JAS/2 moved on the other copy only."""
    forked = make_fork(store, here=[("JAS/1", LOCKER)], there=[("JAS/1", LAB), ("JAS/2", "Exhibits van 2")],
                       user="sgt")
    assert record_fork(store, forked) == 1
    assert record_fork(store, forked) == 0  # the same fork served again is recorded once


def _open(store: Store, user: str = "jsmith") -> list[Any]:
    s = store.sign_in(user)
    try:
        return Conflicts(s).list(CASE)
    finally:
        s.close()


def test_a_recorded_fork_opens_a_conflict_per_exhibit_it_moved_and_every_view_says_so(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    store = cs.store
    _forked(store)
    found = {c.exhibit_ref: c for c in _open(store)}
    assert set(found) == {"JAS/1", "JAS/2"}
    assert found["JAS/1"].kind == "moved" and found["JAS/1"].other["custodian"] == LAB
    assert found["JAS/1"].here is not None and found["JAS/1"].here["custodian"] == LOCKER

    shown = run(capsys, monkeypatch, store.root, "evidence", "show", CASE, "JAS/1", user="jsmith")
    assert shown.code == 0 and f"CUSTODY CONFLICT:   {found['JAS/1'].message}" in shown.out
    listed = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, user="jsmith")
    assert [line.split()[0] for line in listed.out.splitlines() if "[CUSTODY CONFLICT]" in line] == ["JAS/1",
                                                                                                      "JAS/2"]
    home = run(capsys, monkeypatch, store.root, "home", user="jsmith")
    assert "Open custody conflicts" in home.out and home.out.count("CUSTODY CONFLICT ") == 2
    listing = run(capsys, monkeypatch, store.root, "custody", "conflicts", CASE, user="jsmith")
    assert listing.code == 0 and listing.out.splitlines() == [f"{CASE} {c.exhibit_ref}: {c.message}"
                                                              for c in found.values()]
    verified = run(capsys, monkeypatch, store.root, "verify", CASE, user="jsmith")
    assert verified.code == 7
    assert verified.out.startswith("OPEN: 2 custody conflicts with the installation's other copy await a "
                                   "supervisor's resolution; nothing else found in ")
    assert f"  exhibit {CASE} JAS/1: {found['JAS/1'].message}" in verified.out.splitlines()
    bundle = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"), user="jsmith")
    assert bundle.code == 2
    assert bundle.err.strip() == (
        f"casedesk: error: exhibit JAS/1 of case {CASE} has an open custody conflict (this log and the installation's "
        "other copy say different things): a supervisor resolves it first with `casedesk custody resolve-conflict "
        f"{CASE} JAS/1 --custodian ... --reason ...`")
    assert not (tmp_path / "b.pdf").exists()
    for args in (("export-schedule", CASE, "--schedule", "mg6c", "-o", str(tmp_path / "mg6c.pdf")),
                 ("export-case", CASE, "--format", "case-uco", "-o", str(tmp_path / "case.jsonld"))):
        other = run(capsys, monkeypatch, store.root, *args, user="jsmith")
        assert (other.code, other.err) == (bundle.code, bundle.err), args
    refused = run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/1", "--custodian", LAB,
                  "--reason", "mine", user="jsmith")
    assert refused.code == 5
    # The expert with the custody export alone: nothing tampered with, and both conflicts said.
    code, result = tool(export(capsys, monkeypatch, store, tmp_path / "log.jsonl"))
    assert code == 0 and result["problems"] == []
    assert [(c["exhibit"], c["record"]) for c in result["conflicts"]] == [
        (c.exhibit_ref, c.record_seq) for c in found.values()]


def test_a_supervisor_resolves_it_and_everything_verifies_again(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    store = cs.store
    _forked(store)
    done = run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/1", "--custodian", LAB,
               "--reason", "the lab's imaging record shows it there", user="sgt")
    assert done.code == 0, done.err
    assert done.out.startswith("Custody conflict on JAS/1 resolved (custody entry ")
    assert run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/2", "--custodian",
               "jsmith", "--reason", "the van never took it", user="sgt").code == 0
    again = run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/2", "--custodian",
                "jsmith", "--reason", "twice", user="sgt")
    assert again.code == 3 and "has no open custody conflict" in again.err
    assert _open(store) == []
    s = store.sign_in("sgt")
    try:
        assert Evidence(s).show(CASE, "JAS/1").custodian == LAB
        assert Evidence(s).show(CASE, "JAS/2").custodian == "jsmith"
        resolved = [c for c in Conflicts(s).list(CASE, include_resolved=True)]
        assert [c.resolver for c in resolved] == ["sgt", "sgt"]
    finally:
        s.close()
    verified = run(capsys, monkeypatch, store.root, "verify", CASE, user="jsmith")
    assert verified.code == 0, verified.out
    code, result = tool(export(capsys, monkeypatch, store, tmp_path / "log.jsonl"))
    assert code == 0 and result["ok"] and result["conflicts"] == [], result["problems"]
    assert run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(tmp_path / "b.pdf"),
               user="jsmith").code == 0
    # The register rebuilt from the log alone holds the resolved state.
    rebuilt = run(capsys, monkeypatch, store.root, "custody", "rebuild-register", "--into", str(tmp_path / "new"),
                  "--reason", "test", user="admin")
    assert rebuilt.code == 0, rebuilt.err
    s = Store(tmp_path / "new", store.xdg).sign_in("sgt")
    try:
        assert Evidence(s).show(CASE, "JAS/1").custodian == LAB
        assert Conflicts(s).list() == []
    finally:
        s.close()


def test_a_resolution_and_exhibit_row_an_insider_rewrites_are_caught(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    store = cs.store
    _forked(store)
    assert run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/1", "--custodian", LAB,
               "--reason", "the lab's record", user="sgt").code == 0
    # An insider with the store key points the resolution (and the exhibit's row) at a place of their choosing.
    with attacker(store, cs.key) as conn:
        seq = last_seq(conn, conflicts.RESOLVED)
        values = row(conn, seq)
        values[13] = "a car boot"
        rewrite_entry(conn, seq, values)
        conn.execute("UPDATE exhibits SET custodian = 'a car boot' WHERE reference = 'JAS/1'")
    verified = run(capsys, monkeypatch, store.root, "verify", CASE, user="jsmith")
    assert verified.code == 7
    assert (f"  entry {seq}, exhibit {CASE} JAS/1: content does not match its recorded hash: the entry was changed "
            "after it was written") in verified.out.splitlines()
    s = store.sign_in("sgt")  # sign-in alerts on the edited row before anything is shown
    try:
        assert s.integrity_alerts
    finally:
        s.close()


def test_a_resolution_signed_by_a_detective_is_named_by_verify_and_the_tool_and_moves_nothing(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    store = cs.store
    _forked(store)
    conflict = next(c for c in _open(store) if c.exhibit_ref == "JAS/1")
    data = {"record": conflict.record_seq, "other_seq": conflict.other["seq"], "other_hash": conflict.other["hash"],
            "here_seq": conflict.here["seq"] if conflict.here else None, "to_is_user": False}
    s = store.sign_in("jsmith")  # their own valid key, the service layer bypassed (it refuses a detective)
    try:
        with write_session(s.engine) as db:
            custody_log.append(db, actor="jsmith", signer=s.signer, action=conflicts.RESOLVED, case_ref=CASE,
                               exhibit_ref="JAS/1", reason="mine now", to_party="my desk", location="my desk",
                               data=data)
    finally:
        s.close()
    s = store.sign_in("jsmith")
    try:
        messages = [p.message for p in Custody(s).verify(CASE).problems]
    finally:
        s.close()
    want = ("custody.conflict_resolved by jsmith, whose role (detective) may not resolve custody conflicts at this "
            "point: ignored")
    assert want in messages
    assert [c.exhibit_ref for c in _open(store)] == ["JAS/1", "JAS/2"]
    _, result = tool(export(capsys, monkeypatch, store, tmp_path / "log.jsonl"))
    assert want in [p["message"] for p in result["problems"]]


def test_a_fork_record_that_misstates_this_logs_side_is_named_by_replay(cs: CaseStore) -> None:
    store = cs.store
    forked = make_fork(store, here=[("JAS/1", LOCKER)], there=[("JAS/1", LAB)], user="sgt")
    s = store.sign_in("jsmith")
    try:
        from casedesk.custody import projection
        from casedesk.services import sync

        with s.write() as db:
            local = sync._rows(db)
            fork, other = conflicts.find_fork(local, forked)
            items = conflicts.describe(fork, other, projection.replay(local))
            assert items[0]["here"]["custodian"] == LOCKER
            items[0]["here"]["custodian"] = LAB  # "both copies agree": no conflict worth a supervisor's time
            seq = s.record(db, conflicts.FORK_RECORDED, data={"conflicts": items}).seq
        messages = [p.describe() for p in Custody(s).verify(CASE).problems]
    finally:
        s.close()
    assert (f"entry {seq}, exhibit {CASE} JAS/1: custody.fork_recorded by jsmith says this log holds exhibit JAS/1 "
            f"of case {CASE} as {LAB} at {LOCKER}, but the log says {LOCKER}") in messages


def test_a_segment_that_does_not_fork_the_log_is_not_taken_for_one(cs: CaseStore) -> None:
    store = cs.store
    forked = make_fork(store, here=[("JAS/1", LOCKER)], there=[("JAS/1", LAB)], user="sgt")
    s = store.sign_in("jsmith")
    try:
        with s.read() as db:
            from casedesk.services import sync
            local = sync._rows(db)
    finally:
        s.close()
    changed = [list(r) for r in forked]
    changed[-1][10] = "changed after signing"
    with pytest.raises(conflicts.NotAFork, match="entry verification failed"):
        conflicts.find_fork(local, [tuple(r) for r in changed])
    with pytest.raises(conflicts.NotAFork, match="every entry of it is one the log holds"):
        conflicts.find_fork(local, local[1:5])
    unlinked = [list(r) for r in forked]
    unlinked[0][1] = "00" * 32
    with pytest.raises(conflicts.NotAFork, match=f"entry {forked[0][0]} does not link to entry"):
        conflicts.find_fork(local, [tuple(r) for r in unlinked])


def test_an_exhibit_only_the_other_copy_ingested_is_shown_and_never_added(
        cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    store = cs.store
    assert record_fork(store, make_fork(store, here=[], there=[], there_ingest={"later.txt": b"seized later\n"})) == 1
    (conflict,) = _open(store)
    assert (conflict.exhibit_ref, conflict.kind, conflict.here) == ("JAS/3", "new", None)
    assert "this log says no such exhibit, but the installation's other copy says jsmith at " in conflict.message
    listed = run(capsys, monkeypatch, store.root, "evidence", "list", CASE, user="jsmith")
    assert "JAS/3" not in listed.out  # its content is not here: shown as a conflict, not added
    refused = run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/3", "--custodian",
                  "sgt", "--reason", "x", user="sgt")
    assert refused.code == 2 and "exists only in the installation's other copy" in refused.err
    done = run(capsys, monkeypatch, store.root, "custody", "resolve-conflict", CASE, "JAS/3", "--reason",
               "the card stays with the old laptop's officer; booked in on paper", user="sgt")
    assert done.code == 0, done.err
    assert _open(store) == []
    assert run(capsys, monkeypatch, store.root, "verify", CASE, user="jsmith").code == 0


def test_a_reference_both_copies_used_for_other_content_is_a_conflict(cs: CaseStore) -> None:
    store = cs.store
    forked = make_fork(store, here=[], there=[], here_ingest={"mine.txt": b"this copy's exhibit\n"},
                       there_ingest={"theirs.txt": b"the other copy's exhibit\n"})
    assert record_fork(store, forked) == 1
    (conflict,) = _open(store)
    assert (conflict.exhibit_ref, conflict.kind) == ("JAS/3", "reference")
    assert conflict.here is not None and conflict.here["sha256"] != conflict.other["sha256"]


def test_a_kept_fork_file_changed_afterwards_is_named_by_verify(cs: CaseStore) -> None:
    store = cs.store
    _forked(store)
    (kept,) = (store.root / "forks").iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    s = store.sign_in("jsmith")
    try:
        assert Custody(s).verify(CASE).problems == []
    finally:
        s.close()
    kept.write_bytes(kept.read_bytes().replace(LAB.encode(), b"Forensic lab, Lambeth, bench 4"))
    s = store.sign_in("jsmith")
    try:
        problems = [p.describe() for p in Custody(s).verify(CASE).problems]
    finally:
        s.close()
    assert len(problems) == 1
    assert problems[0].startswith(f"entry {_open(store)[0].record_seq}: the other copy's entries kept in "
                                  f"forks/{kept.name} are not the ones entry ")
    assert problems[0].endswith("the file was changed after it was kept")
