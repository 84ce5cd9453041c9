"""Power-loss damage: a database or a vault object cut short at a random length, a bit flipped in keyslots.json.

Each time: a clear one-line error (never a traceback), nothing else damaged,
and the supervisor's verification report says exactly what is lost.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from casedesk.errors import KeySlotError
from casedesk.security.keyslots import KeySlotFile
from tests.conftest import FULL
from tests.helpers.cli import Result, run
from tests.helpers.evidence import pattern, write
from tests.helpers.reliability import check_store, sha256_file, tree_digest, trials
from tests.helpers.store import CASE, Store


def one_line_error(r: Result) -> str:
    lines = [line for line in r.err.splitlines() if line.strip() and not line.startswith("casedesk: warning:")]
    assert len(lines) == 1 and lines[0].startswith("casedesk: error: "), r.err
    assert "unexpected error" not in r.err and "Traceback" not in r.err
    return lines[0]


def _ingest(capsys: Any, monkeypatch: Any, store: Store, folder: Path, description: str) -> list[str]:
    r = run(capsys, monkeypatch, store.root, "ingest", CASE, str(folder), "--description", description, "--json",
            user="jsmith")
    assert r.code == 0, r.err
    return [e["reference"] for e in r.json()["ingested"]]


def _head(capsys: Any, monkeypatch: Any, store: Store) -> int:
    """Verify (which passes) and return the log head afterwards: the entry recording that verification."""
    r = run(capsys, monkeypatch, store.root, "verify", "--json", user="sgt")
    assert r.code == 0, r.err
    return int(r.json()["recorded_as"])


# --- the database ------------------------------------------------------------------------


def _lengths(size: int) -> list[int]:
    rng = random.Random(9106)
    # Empty (a classic after a crash), inside the first page, exactly one page, the last pages lost.
    fixed = [0, 100, 4096, size - 4096 - 1000, size - 1]
    return fixed + sorted(rng.sample(range(4097, size), trials(30, 3)))


def test_truncated_database(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            monkeypatch: pytest.MonkeyPatch) -> None:
    _ingest(capsys, monkeypatch, store, write(tmp_path / "a" / "call-log.csv", b"time,number\n" * 500).parent,
            "Call log from the suspect's phone")
    backed_up_head = _head(capsys, monkeypatch, store)
    backup = tmp_path / "backup.db"  # last night's copy
    shutil.copy2(store.datadir.database, backup)
    _ingest(capsys, monkeypatch, store, write(tmp_path / "b" / "messages.txt", b"see you at 9\n" * 800).parent,
            "Messages from the suspect's phone")
    r = run(capsys, monkeypatch, store.root, "custody", "transfer", CASE, "JAS/1", "--to", "Property store",
            "--reason", "booked in", user="jsmith")
    assert r.code == 0, r.err
    last_head = _head(capsys, monkeypatch, store)
    pristine = tmp_path / "pristine"
    shutil.copytree(store.root, pristine)
    keyring_copy = tmp_path / "pristine-xdg"
    shutil.copytree(store.xdg, keyring_copy)
    size = store.datadir.database.stat().st_size
    outcomes: dict[int, str] = {}
    for length in _lengths(size):
        for copy, live in ((pristine, store.root), (keyring_copy, store.xdg)):
            shutil.rmtree(live)
            shutil.copytree(copy, live)
        with store.datadir.database.open("r+b") as fh:
            fh.truncate(length)
        others = {k: v for k, v in tree_digest(store.root).items() if k != "casedesk.db"}
        r = run(capsys, monkeypatch, store.root, "verify", "--json", user="sgt")
        where = f"database cut to {length} of {size} bytes"
        assert r.code in (6, 7), f"{where}: {r.err}"
        if r.code == 6:
            line = one_line_error(r)
            assert "restore casedesk.db from backup" in line, where
            outcomes[length] = "refused"
        else:  # it opened; verification names the damage
            assert r.json()["problems"], where
            outcomes[length] = "verify failed"
        # Nothing else was touched: the vault, the key slots, the backups.
        assert {k: v for k, v in tree_digest(store.root).items() if k != "casedesk.db"} == others, where
    assert outcomes[0] == "refused" and outcomes[100] == "refused"
    # Restoring last night's copy: CaseDesk opens it, blocks changes, and the report says which entries are gone.
    shutil.copy2(backup, store.datadir.database)
    r = run(capsys, monkeypatch, store.root, "verify", "--json", user="sgt")
    assert r.code == 7
    report = r.json()
    assert report["head"]["seq"] == backed_up_head
    lost = [p["message"] for p in report["problems"]]
    assert lost and all(f"records entry {last_head} but the log ends at entry {backed_up_head}" in m for m in lost)
    assert {p["message"].split(" records")[0] for p in report["problems"]} == {"the key slots file",
                                                                             "the OS keyring"}
    r = run(capsys, monkeypatch, store.root, "note", "add", CASE, "after the restore", user="jsmith")
    assert r.code == 7 and "changes are blocked" in r.err


def test_torn_page_inside_the_database(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A page written half-way when the power went: SQLCipher's page MAC fails wherever it lies."""
    _ingest(capsys, monkeypatch, store, write(tmp_path / "a" / "ledger.csv", b"date,amount\n" * 3000).parent,
            "Ledger")
    pristine = tmp_path / "pristine"
    shutil.copytree(store.root, pristine)
    keyring_copy = tmp_path / "pristine-xdg"
    shutil.copytree(store.xdg, keyring_copy)
    pages = store.datadir.database.stat().st_size // 4096
    for page in range(1, pages) if FULL else sorted({1, pages // 2, pages - 2, pages - 1}):
        for copy, live in ((pristine, store.root), (keyring_copy, store.xdg)):
            shutil.rmtree(live)
            shutil.copytree(copy, live)
        with store.datadir.database.open("r+b") as fh:
            fh.seek(page * 4096 + 2000)
            fh.write(b"\0" * 1000)
        r = run(capsys, monkeypatch, store.root, "verify", "--json", user="sgt")
        where = f"page {page + 1} of {pages} torn"
        assert r.code in (6, 7), f"{where}: {r.err}"
        if r.code == 6:
            assert "restore casedesk.db from backup" in one_line_error(r), where
        else:  # it opened: the report names the damaged part, and nothing was recorded on top of it
            report = r.json()
            assert any(p["message"].startswith("the database file is damaged: ") for p in report["problems"]), where
            assert report["recorded_as"] is None, where


# --- a vault object ----------------------------------------------------------------------


def test_truncated_vault_object(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "phone"
    write(src / "a-video.mp4", pattern((3 << 20) + 12345, seed=1))  # several chunks
    write(src / "b-photo.jpg", pattern(200_000, seed=2))
    write(src / "c-photo-copy.jpg", pattern(200_000, seed=2))  # same content: one object, two exhibits
    write(src / "d-notes.txt", b"meet at the depot\n" * 100)
    refs = _ingest(capsys, monkeypatch, store, src, "Contents of the suspect's phone")
    assert refs == ["JAS/1", "JAS/2", "JAS/3", "JAS/4"]
    rng = random.Random(1996)
    vault = sorted(p for p in (store.root / "vault").glob("??/*") if p.is_file())
    by_size = sorted(vault, key=lambda p: p.stat().st_size)
    assert len(by_size) == 3  # the notes, the photo (twice), the video
    sharing = {1: ["JAS/2", "JAS/3"], 2: ["JAS/1"]}  # position in size order -> exhibits using the object
    pristine = tmp_path / "pristine"
    shutil.copytree(store.root, pristine)
    keyring_copy = tmp_path / "pristine-xdg"
    shutil.copytree(store.xdg, keyring_copy)
    for position, victims in sharing.items():
        for _ in range(trials(15, 2)):
            for copy, live in ((pristine, store.root), (keyring_copy, store.xdg)):
                shutil.rmtree(live)
                shutil.copytree(copy, live)
            victim = store.root / by_size[position].relative_to(store.root)
            length = rng.randrange(0, victim.stat().st_size)
            with victim.open("r+b") as fh:
                fh.truncate(length)
            name = str(victim.relative_to(store.root))
            others = {k: v for k, v in tree_digest(store.root).items() if k.startswith("vault/") and k != name}
            r = run(capsys, monkeypatch, store.root, "verify", CASE, "--json", user="sgt")
            where = f"{victim.name[:12]} cut to {length} bytes"
            assert r.code == 7, where
            problems = r.json()["problems"]
            assert sorted(p["exhibit"] for p in problems) == victims, where
            assert all("authentication" in p["message"] or "truncated" in p["message"] for p in problems), where
            assert {k: v for k, v in tree_digest(store.root).items() if k.startswith("vault/") and k != name} \
                == others, where  # the other objects untouched (the verification only read them)
    # The intact exhibits still come out whole; the damaged one never does, and no bundle is made.
    out = tmp_path / "out"
    out.mkdir()
    r = run(capsys, monkeypatch, store.root, "extract", CASE, "JAS/4", "-o", str(out), user="jsmith")
    assert r.code == 0, r.err
    assert sha256_file(out / "d-notes.txt") == sha256_file(src / "d-notes.txt")
    r = run(capsys, monkeypatch, store.root, "extract", CASE, "JAS/1", "-o", str(out), user="jsmith")
    assert r.code == 7 and "nothing was written" in one_line_error(r)
    assert sorted(p.name for p in out.iterdir()) == ["d-notes.txt"]
    r = run(capsys, monkeypatch, store.root, "export", CASE, "-o", str(out / "bundle.pdf"), user="jsmith")
    assert r.code == 7 and "nothing was exported" in one_line_error(r)


# --- the key slots file ------------------------------------------------------------------


def test_every_flipped_bit_in_keyslots_reads_as_damage(store: Store, tmp_path: Path) -> None:
    raw = store.datadir.keyslots.read_bytes()
    flips = [(pos, bit) for pos in range(len(raw)) for bit in range(8)]
    if not FULL:
        flips = random.Random(5).sample(flips, 600)
    damaged = tmp_path / "keyslots.json"
    for pos, bit in flips:
        data = bytearray(raw)
        data[pos] ^= 1 << bit
        damaged.write_bytes(bytes(data))
        with pytest.raises(KeySlotError, match=r"is damaged .*restore keyslots\.json from backup"):
            KeySlotFile.load(damaged)


def test_flipped_byte_in_keyslots_at_sign_in(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    raw = store.datadir.keyslots.read_bytes()
    rng = random.Random(2026)
    for _ in range(trials(12, 3)):
        pos = rng.randrange(len(raw))
        data = bytearray(raw)
        data[pos] ^= rng.randrange(1, 256)
        store.datadir.keyslots.write_bytes(bytes(data))
        before = tree_digest(store.root, skip=("casedesk.log",))
        r = run(capsys, monkeypatch, store.root, "case", "list", user="jsmith")
        assert r.code == 6, f"byte {pos}: {r.err}"
        assert "keyslots.json is damaged" in one_line_error(r)
        assert tree_digest(store.root, skip=("casedesk.log",)) == before  # no failed sign-in counted, nothing written
    store.datadir.keyslots.write_bytes(raw)  # restored from backup: all is well again
    check_store(store)
