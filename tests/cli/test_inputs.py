"""Bad input gets a one-line error and exit 2, and changes nothing (issue 10, finding 12).

Before: extreme ``--seized-at`` offsets, a description that is not UTF-8 and an entry number beyond
SQLite's integers were unexpected errors (exit 70); titles and locations of 120,000 characters were
accepted.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.errors import UsageError
from casedesk.services import inputs
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.store.models import CustodyEntry
from tests.helpers.cli import run
from tests.helpers.evidence import evidence_for, write
from tests.helpers.reliability import cli_argv, cli_env
from tests.helpers.store import CASE, Store

NOT_UTF8 = os.fsdecode(b"Seized laptop \xff\xfe from the boot")  # what Python makes of such an argv


def _entries(store: Store) -> int:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            return int(db.scalar(select(func.count()).select_from(CustodyEntry).where(
                CustodyEntry.action != "account.login")) or 0)
    finally:
        s.close()


def _check(r: object, store: Store, before: int, *needles: str) -> None:
    assert r.code == 2, (r.code, r.err)  # type: ignore[attr-defined]
    err = r.err.strip()  # type: ignore[attr-defined]
    assert len(err.splitlines()) == 1 and err.startswith("casedesk: error: "), err
    assert "unexpected" not in err
    for needle in needles:
        assert needle in err, err
    assert _entries(store) == before


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                                  "1850-06-01T00:00:00Z"])
def test_seizure_times_out_of_range(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    src = write(tmp_path / "phone.bin", b"\x00" * 100)
    before = _entries(store)
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(src), "--description", "Phone",
            "--seized-at", when, user="jsmith")
    _check(r, store, before, "--seized-at", "out of range", "1900", "2999")


def test_time_filters_out_of_range(store: Store, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    before = _entries(store)
    for args in (["custody", "log", CASE, "--since", "0001-01-01T00:00:00+14:00"],
                 ["export", CASE, "-o", "x.pdf", "--at", "9999-12-31T23:59:59-12:00"]):
        r = run(capsys, monkeypatch, store.root, *args, user="jsmith")
        _check(r, store, before, "out of range")


def test_a_description_that_is_not_utf8_in_a_real_process(store: Store, tmp_path: Path) -> None:
    """Through a real argv, as a shell passes raw bytes."""
    src = write(tmp_path / "laptop.img", b"\x01" * 100)
    before = _entries(store)
    argv = [os.fsencode(a) for a in cli_argv(store.root, "jsmith", "ingest", CASE, str(src), "--description")]
    argv.append(b"Seized laptop \xff\xfe from the boot")
    done = subprocess.run(argv, env=cli_env("jsmith"), capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace").strip()
    assert done.returncode == 2, err
    assert len(err.splitlines()) == 1 and "not valid UTF-8" in err and "description" in err, err
    assert _entries(store) == before


def test_text_that_is_not_utf8_is_refused_by_the_service_layer(store: Store, tmp_path: Path) -> None:
    """The same rule holds for the desktop app, which calls the services directly."""
    src = write(tmp_path / "laptop.img", b"\x01" * 100)
    before = _entries(store)
    with evidence_for(store) as ev:
        from casedesk.services.evidence import IngestMetadata
        with pytest.raises(UsageError, match="not valid UTF-8"):
            ev.ingest(CASE, [src], IngestMetadata(description=NOT_UTF8))
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="not valid UTF-8"):
            Cases(s).add_note(CASE, NOT_UTF8)
        with pytest.raises(UsageError, match="not valid UTF-8"):
            Cases(s).create("MPS-2026-9999", NOT_UTF8)
    finally:
        s.close()
    assert _entries(store) == before


@pytest.mark.parametrize("seq", ["99999999999999999999999", "9223372036854775808", "0", "-5"])
def test_entry_numbers_out_of_range(store: Store, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch, seq: str) -> None:
    before = _entries(store)
    r = run(capsys, monkeypatch, store.root, "custody", "correct", seq, "--text", "typo", user="jsmith")
    _check(r, store, before, f"entry number {seq} does not exist")


LONG = "x" * 120_000


@pytest.mark.parametrize(("args", "what", "limit"), [
    (["case", "create", "MPS-2026-0999", "--title", LONG], "--title", inputs.TITLE),
    (["case", "create", "MPS-2026-0999", "--title", "Op", "--offence", LONG], "--offence", inputs.LINE),
    (["ingest", CASE, "{src}", "--description", LONG], "--description", inputs.DESCRIPTION),
    (["ingest", CASE, "{src}", "--description", "x", "--location", LONG], "--location", inputs.LINE),
    (["ingest", CASE, "{src}", "--description", "x", "--seized-from", LONG], "--seized-from", inputs.LINE),
    (["ingest", CASE, "{src}", "--description", "x", "--seal", LONG], "--seal", inputs.SEAL),
    (["note", "add", CASE, LONG], "a note", inputs.TEXT),
    (["case", "summary", CASE, LONG], "the case summary", inputs.TEXT),
    (["custody", "transfer", CASE, "JAS/1", "--to", "Locker 1", "--reason", LONG], "--reason", inputs.REASON),
    (["custody", "transfer", CASE, "JAS/1", "--to", LONG, "--reason", "r"], "--to", inputs.NAME),
    (["custody", "transfer", CASE, "JAS/1", "--to", "Locker 1", "--reason", "r", "--location", LONG],
     "--location", inputs.LINE),
    (["evidence", "withdraw", CASE, "JAS/1", "--reason", LONG], "--reason", inputs.REASON),
    (["custody", "correct", "1", "--text", LONG], "--text", inputs.TEXT),
])
def test_every_text_has_a_bound_that_the_error_names(store: Store, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, args: list[str], what: str,
                                                      limit: int) -> None:
    src = write(tmp_path / "a.txt", b"alpha\n")
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(src), "--description", "A", user="jsmith")
    assert r.code == 0, r.err
    before = _entries(store)
    r = run(capsys, monkeypatch, store.root, *[a.replace("{src}", str(src)) for a in args], user="jsmith")
    _check(r, store, before, what, "too long", "120,000 characters", f"at most {limit:,}")


def test_text_at_the_bound_is_accepted(store: Store, tmp_path: Path) -> None:
    s = store.sign_in("jsmith")
    try:
        detail = Cases(s).create("MPS-2026-0998", "T" * inputs.TITLE, ["o" * inputs.LINE])
        assert len(detail.title) == inputs.TITLE
        Cases(s).add_note(CASE, "n" * inputs.TEXT)
        with pytest.raises(UsageError, match="at most 200"):
            Cases(s).create("MPS-2026-0997", "T" * (inputs.TITLE + 1))
        with pytest.raises(UsageError, match="too many offences: 101, at most 100"):
            Cases(s).create("MPS-2026-0997", "Op", ["o"] * 101)
        with pytest.raises(UsageError, match="does not exist"):
            Custody(s).entry(1 << 70)
    finally:
        s.close()


@pytest.mark.parametrize(("url", "needle"), [
    ("https://[::1", "not a valid address"),  # was an unexpected error (exit 70)
    ("https://unit.example:99999", "not a valid address"),
    ("https://unit.example:port", "not a valid address"),
    ("https://", "no host name"),
    ("https://officer:pw@unit.example", "user name"),
    ("http://unit.example", "must start with https://"),
])
def test_a_malformed_unit_address_is_a_one_line_error(store: Store, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch, url: str, needle: str) -> None:
    before = _entries(store)
    r = run(capsys, monkeypatch, store.root, "sync", "--unit", url, user="jsmith")
    _check(r, store, before, needle)
