"""Time (issue 10, finding 8): a wrong clock is refused or questioned, and an anomaly already in the log is
acknowledged by a supervisor instead of blocking every bundle for ever.

Before: one entry written with the clock an hour ahead (a hardware clock kept in BST), then the clock
corrected: every later entry was "more than 300 s earlier" than it, and every bundle export of every case
failed, with no way out; a clock far ahead was never questioned.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk import timeutil
from casedesk.custody import chain
from casedesk.errors import ClockError, PermissionDenied, UsageError
from casedesk.services.bundles import Bundles
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.store.models import CustodyEntry
from tests.custody.conftest import CaseStore
from tests.helpers.bundle import searchable_pages
from tests.helpers.cli import run
from tests.helpers.custody import attacker, entry_dated_behind, row, tool
from tests.helpers.store import CASE, Store


@contextmanager
def clock(monkeypatch: pytest.MonkeyPatch, offset: timedelta) -> Iterator[None]:
    """The computer's clock, wrong by ``offset``, for every module of CaseDesk that reads it."""
    def wrong() -> datetime:
        return datetime.now(UTC) + offset

    real = timeutil.utc_now
    with monkeypatch.context() as m:
        for name, module in list(sys.modules.items()):
            if name.startswith("casedesk") and getattr(module, "utc_now", None) is real:
                m.setattr(module, "utc_now", wrong)
        yield


def _count(store: Store) -> int:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            return int(db.scalar(select(func.count()).select_from(CustodyEntry)) or 0)
    finally:
        s.close()


def _note_an_hour_ahead(store: Store, monkeypatch: pytest.MonkeyPatch) -> int:
    with clock(monkeypatch, timedelta(hours=1)):
        s = store.sign_in("jsmith")
        try:
            return Cases(s).add_note(CASE, "Exhibits booked in with the clock an hour ahead").custody_seq
        finally:
            s.close()


def test_an_entry_is_never_written_behind_the_last_one(cs: CaseStore, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    ahead = _note_an_hour_ahead(cs.store, monkeypatch)
    before = _count(cs.store)
    # The clock is put right: nothing is written with a time that goes back an hour.
    s = cs.store.sign_in("jsmith")
    try:
        assert any("behind the last custody entry" in n for n in s.notices)
        with pytest.raises(ClockError, match=rf"is 59 minutes behind the last custody entry \({ahead}, at"):
            Cases(s).add_note(CASE, "a second note")
    finally:
        s.close()
    r = run(capsys, monkeypatch, cs.store.root, "note", "add", CASE, "a third note", user="jsmith")
    warning, error = r.err.strip().splitlines()  # sign-in's notice about the clock, then the one-line error
    assert warning.startswith("casedesk: warning: ") and "nothing can be recorded until the clock is corrected" in warning
    assert r.code == 6 and error.startswith("casedesk: error: ") and "correct the clock" in error, r.err
    assert f"casedesk custody acknowledge-time {ahead - 1}-{ahead}" in error  # the sign-in, then the note
    assert _count(cs.store) == before  # not even the sign-ins were recorded
    # Within the tolerance (NTP nudging the clock back a little) writing goes on.
    with clock(monkeypatch, timedelta(hours=1) - timedelta(seconds=chain.TIME_TOLERANCE_SECONDS - 30)):
        s = cs.store.sign_in("jsmith")
        try:
            Cases(s).add_note(CASE, "clock nudged back by NTP")
        finally:
            s.close()


def test_a_clock_far_ahead_is_questioned_at_sign_in(cs: CaseStore, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # A weekend away is not questioned: a notice every Monday would soon be ignored.
    with clock(monkeypatch, timedelta(hours=64)):
        s = cs.store.sign_in("jsmith")
        try:
            assert not [n for n in s.notices if "last custody entry" in n]
        finally:
            s.close()
    with clock(monkeypatch, timedelta(days=400)):
        r = run(capsys, monkeypatch, cs.store.root, "case", "list", user="jsmith")
        assert r.code == 0 and "days after the last custody entry" in r.err, r.err
        assert "If the clock is wrong, correct it before recording anything" in r.err
    with clock(monkeypatch, timedelta(days=500)):
        s = cs.store.sign_in("jsmith")
        try:
            assert [n for n in s.notices if "100 days after the last custody entry" in n], s.notices
        finally:
            s.close()


def test_an_acknowledged_clock_error_no_longer_blocks_bundles(cs: CaseStore, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ahead = _note_an_hour_ahead(cs.store, monkeypatch)
    # Only a supervisor acknowledges, with a reason, and only an entry that is out of time.
    r = run(capsys, monkeypatch, cs.store.root, "custody", "acknowledge-time", str(ahead), "--reason", "clock",
            user="jsmith")
    assert r.code == 5, r.err
    s = cs.store.sign_in("sgt")
    try:
        assert any("behind the last custody entry" in n for n in s.notices)
        with pytest.raises(UsageError, match="is in order with the log and the clock"):
            Custody(s).acknowledge_time(1, "not this one")
        with pytest.raises(UsageError, match="say why"):
            Custody(s).acknowledge_time(ahead, "  ")
    finally:
        s.close()
    r = run(capsys, monkeypatch, cs.store.root, "custody", "acknowledge-time", f"{ahead - 1}-{ahead}", "--reason",
            "laptop hardware clock was kept in BST, an hour ahead; corrected", user="sgt")
    assert r.code == 0, r.err
    assert f"The time of entry {ahead} is acknowledged as wrong by custody entry" in r.out
    with pytest.raises(UsageError, match="already acknowledged"):
        s = cs.store.sign_in("sgt")
        try:
            Custody(s).acknowledge_time(ahead, "again")
        finally:
            s.close()
    # Writing goes on with the correct clock, verification passes and says what was acknowledged.
    s = cs.store.sign_in("jsmith")
    try:
        assert not [n for n in s.notices if "last custody entry" in n]
        Cases(s).add_note(CASE, "written with the clock put right")
        report = Custody(s).verify(CASE)
        assert report.ok, report.problems
        assert [a.split(":")[0] for a in report.acknowledged] == [f"entry {ahead - 1}", f"entry {ahead}"]
        assert "acknowledged as wrong by sgt" in report.acknowledged[1] and "kept in BST" in report.acknowledged[1]
        result = Bundles(s).export(CASE, tmp_path / "bundle.pdf")
    finally:
        s.close()
    text = " ".join(" ".join(p.split()) for p in searchable_pages(result.path))
    assert "acknowledged as wrong (a computer clock that was ahead or behind" in text
    assert f"Entry {ahead}: its time" in text and "kept in BST" in text
    r = run(capsys, monkeypatch, cs.store.root, "verify", CASE, user="jsmith")
    assert r.code == 0 and f"acknowledged: entry {ahead}: its time" in r.out, r.out


def test_a_time_anomaly_in_an_older_log_is_acknowledged_and_reported_by_both_verifiers(
        cs: CaseStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log written before this rule (by an earlier version) holds an entry two hours behind its neighbours."""
    behind, _before = entry_dated_behind(cs.store, "jsmith", cs.key, text="written with the clock two hours behind")
    with attacker(cs.store, cs.key) as db:
        dated = row(db, behind)[2]
    s = cs.store.sign_in("jsmith")
    try:
        assert [p.seq for p in Custody(s).verify(CASE).problems] == [behind]
        with pytest.raises(Exception, match="more than 300 s earlier"):
            Bundles(s).export(CASE, tmp_path / "blocked.pdf")
        with pytest.raises(PermissionDenied):
            Custody(s).acknowledge_time(behind, "my clock")
    finally:
        s.close()
    s = cs.store.sign_in("sgt")
    try:
        [ack] = Custody(s).acknowledge_time(behind, "CMOS battery replaced; clock was two hours behind")
        assert ack.case_ref is None and ack.data == {"entry": behind, "time": dated}
        report = Custody(s).verify(CASE)
        assert report.ok and [a.split(":")[0] for a in report.acknowledged] == [f"entry {behind}"]
        Bundles(s).export(CASE, tmp_path / "bundle.pdf")
    finally:
        s.close()
    dest = tmp_path / "log.jsonl"
    r = run(capsys, monkeypatch, cs.store.root, "custody", "export", CASE, "-o", str(dest), user="sgt")
    assert r.code == 0, r.err
    code, result = tool(dest)
    assert code == 0 and result["ok"], result["problems"]
    assert [(a["entry"], a["by"]) for a in result["time_acknowledged"]] == [(behind, ack.seq)]
