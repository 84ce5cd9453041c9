"""What waits for a user after sign-in (``Home``, ``casedesk home``), and reopening a closed case."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.errors import PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.home import Home
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store


def _ingest(store: Store, tmp_path: Path, names: dict[str, bytes]) -> None:
    folder = tmp_path / "material"
    folder.mkdir(exist_ok=True)
    for name, data in names.items():
        (folder / name).write_bytes(data)
    session = store.sign_in("jsmith")
    try:
        Evidence(session).ingest(CASE, sorted(folder.iterdir()), IngestMetadata("Papers from the call centre"))
    finally:
        session.close()


def test_the_detective_sees_her_cases_the_query_to_answer_and_what_she_holds_on_loan(
        store: Store, tmp_path: Path) -> None:
    _ingest(store, tmp_path, {"a.txt": b"first\n", "b.txt": b"second\n"})
    sgt = store.sign_in("sgt")
    try:
        query = Custody(sgt).review(CASE, "query", "Who sealed JAS/2?")
        Cases(sgt).create("MPS-2026-0999", "Operation Other", officer_in_charge="bpatel")
        Cases(sgt).add_member(CASE, "bpatel")
    finally:
        sgt.close()
    det = store.sign_in("jsmith")
    try:
        Custody(det).check_out(CASE, "JAS/1", "bpatel", "second opinion on the letter")
        home = Home(det).view()
    finally:
        det.close()
    assert [c.reference for c in home.cases] == [CASE]  # not bpatel's other case
    assert [(q.case_ref, q.seq, q.supervisor, q.text) for q in home.queries] == [
        (CASE, query.seq, "sgt", "Who sealed JAS/2?")]
    assert home.review_queue == [] and home.checked_out_to_me == []

    other = store.sign_in("bpatel")
    try:
        lent = Home(other).view()
    finally:
        other.close()
    assert [c.reference for c in lent.cases] == [CASE, "MPS-2026-0999"]
    assert [(e.case_ref, e.reference, e.original_name) for e in lent.checked_out_to_me] == [(CASE, "JAS/1", "a.txt")]
    assert [q.seq for q in lent.queries] == [query.seq]  # a member answers too

    det = store.sign_in("jsmith")
    try:
        Cases(det).add_note(CASE, "Sealed by DC Smith, bag MPS-004418", answers=query.seq)
        assert Home(det).view().queries == []  # answered: it no longer waits
    finally:
        det.close()


def test_the_supervisor_sees_the_review_queue_and_her_unanswered_queries(store: Store, tmp_path: Path) -> None:
    _ingest(store, tmp_path, {"a.txt": b"first\n"})
    sgt = store.sign_in("sgt")
    try:
        before = Home(sgt).view()
        query = Custody(sgt).review(CASE, "query", "Seizure time missing")
        after = Home(sgt).view()
    finally:
        sgt.close()
    assert before.review_queue == [(CASE, 1)] and before.queries == []
    assert after.review_queue == [(CASE, 1)]  # a query is not an approval
    assert [q.seq for q in after.queries] == [query.seq]  # waiting for the officer's answer
    assert after.waiting == 2


def test_a_supervisor_reopens_a_closed_case_with_a_reason_on_the_record(store: Store) -> None:
    sgt = store.sign_in("sgt")
    try:
        Cases(sgt).close(CASE)
        with pytest.raises(UsageError, match="say why the case is reopened"):
            Cases(sgt).reopen(CASE, "  ")
        detail = Cases(sgt).reopen(CASE, "New statements from the bank")
        assert detail.status == "open" and detail.closed_at is None and detail.closed_by is None
        entry = Custody(sgt).log(CASE, action="reopened")[-1]
        assert entry.actor == "sgt" and entry.reason == "New statements from the bank"
        with pytest.raises(UsageError, match="is open already"):
            Cases(sgt).reopen(CASE, "again")
        report = Custody(sgt).verify(CASE)
        assert report.ok, report.problems  # the register (open again) agrees with the replayed log
    finally:
        sgt.close()
    det = store.sign_in("jsmith")
    try:
        with pytest.raises(PermissionDenied):
            Cases(det).reopen(CASE, "I want it back")
    finally:
        det.close()


def test_home_and_reopen_on_the_command_line(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(store, tmp_path, {"a.txt": b"first\n"})
    r = run(capsys, monkeypatch, store.root, "review", CASE, "--query", "--comment", "Who sealed it?", user="sgt")
    assert r.code == 0, r.err
    r = run(capsys, monkeypatch, store.root, "home", user="jsmith")
    assert r.code == 0, r.err
    assert CASE in r.out and "Open queries:" in r.out and "Who sealed it?" in r.out
    r = run(capsys, monkeypatch, store.root, "home", "--json", user="sgt")
    assert r.json()["review_queue"] == [[CASE, 1]]
    r = run(capsys, monkeypatch, store.root, "case", "close", CASE, "--override", "test", user="sgt")
    assert r.code == 0, r.err
    r = run(capsys, monkeypatch, store.root, "case", "reopen", CASE, "--reason", "new evidence", user="sgt")
    assert r.code == 0 and f"Reopened case {CASE}." in r.out
    r = run(capsys, monkeypatch, store.root, "case", "reopen", CASE, "--reason", "again", user="sgt")
    assert r.code != 0 and "open already" in r.err


def test_the_case_timeline_tells_the_story_in_time_order(store: Store, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    (tmp_path / "ledger.csv").write_bytes(b"a,b\n")
    det = store.sign_in("jsmith")
    try:
        Evidence(det).ingest(CASE, [tmp_path / "ledger.csv"], IngestMetadata(
            "Ledger", seized_from="call centre", seized_at=datetime(2026, 7, 1, 8, 15, tzinfo=UTC),
            location="Leeds"))
        Custody(det).check_out(CASE, "JAS/1", "Forensic lab", "imaging")
        Cases(det).add_note(CASE, "Lab says two days.")
        events = Cases(det).timeline(CASE)
    finally:
        det.close()
    texts = [e.text for e in events]
    assert texts[0] == "JAS/1 seized from call centre at Leeds"  # July, before anything was logged
    assert texts[1].startswith("Case opened")
    assert any(t.startswith("Exhibit ingested JAS/1") for t in texts)
    assert "Checked out JAS/1 to Forensic lab (imaging)" in texts
    assert texts[-1] == "Note added: Lab says two days."  # the note in the clear, for the case's members
    assert not any(t.startswith(("Signed in", "Exhibit viewed")) for t in texts)
    assert [e.when for e in events] == sorted(e.when for e in events)
    r = run(capsys, monkeypatch, store.root, "case", "timeline", CASE, user="jsmith")
    assert r.code == 0 and "Checked out JAS/1 to Forensic lab (imaging)" in r.out
