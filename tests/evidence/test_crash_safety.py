"""Cancelling, crashing and concurrent ingests leave a store that verifies."""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casedesk.progress import CancelToken
from casedesk.store.models import CustodyEntry, Exhibit, VaultObject
from tests.conftest import FULL
from tests.helpers.evidence import META, case_vault, evidence_for, pattern, start_cli, vault_object_files, write
from tests.helpers.store import CASE, Store


def assert_consistent(store: Store) -> int:
    """Sign in (which cleans up), verify, and check register, custody log and vault agree."""
    with evidence_for(store) as ev:
        assert ev.verify(CASE) == []
        with ev.s.read() as db:
            names = set(db.scalars(select(VaultObject.name)))
            exhibits = list(db.scalars(select(Exhibit)))
            logged = list(db.scalars(select(CustodyEntry.exhibit_ref).where(CustodyEntry.action == "exhibit.ingested")))
    assert sorted(logged) == sorted(e.reference for e in exhibits)  # one entry per exhibit, no more
    numbers = sorted(e.number for e in exhibits if e.initials == "JAS")
    assert numbers == list(range(1, len(numbers) + 1))
    assert vault_object_files(store.root) == names  # no orphan, nothing missing
    assert list((store.root / "vault" / "tmp").glob("*")) == []
    return len(exhibits)


def test_cancel_keeps_what_finished(store: Store, tmp_path: Path) -> None:
    paths = [write(tmp_path / "src" / f"{i:02d}.bin", pattern(3 << 20, seed=i)) for i in range(12)]
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if done >= 5 << 20:
            token.cancel()

    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [tmp_path / "src"], META, progress, token)
    assert summary.cancelled
    assert 1 <= len(summary.ingested) < len(paths)
    assert assert_consistent(store) == len(summary.ingested)
    with evidence_for(store) as ev:  # the next ingest carries on numbering
        nxt = ev.ingest(CASE, [paths[-1]], META).ingested[0]
    assert nxt.reference == f"JAS/{len(summary.ingested) + 1}"


def test_sign_in_removes_leftovers_of_an_interrupted_ingest(store: Store, tmp_path: Path) -> None:
    with evidence_for(store) as ev:
        kept = ev.ingest(CASE, [write(tmp_path / "kept.txt", b"kept")], META).ingested[0]
        vault_of_case = case_vault(ev)
        kept_name = vault_of_case.name_for(bytes.fromhex(kept.sha256))
        orphan_name = vault_of_case.name_for(b"\x01" * 32)
    vault = store.root / "vault"
    orphan = vault / orphan_name[:2] / orphan_name[2:]
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"published but never committed")
    (vault / "tmp" / "123-abc.part").write_bytes(b"half written")
    (vault / "tmp" / "123-abc.batch").write_text(json.dumps([kept_name, orphan_name]))
    (vault / "tmp" / "124-def.batch").write_text('["cut short')

    lock = os.open(vault / ".ingest.lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_SH)  # another process is ingesting: hands off
    try:
        store.sign_in("jsmith").close()
        assert orphan.exists() and (vault / "tmp" / "123-abc.part").exists()
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    store.sign_in("jsmith").close()
    assert not orphan.exists()
    assert list((vault / "tmp").iterdir()) == []
    assert (vault / kept_name[:2] / kept_name[2:]).exists()
    assert assert_consistent(store) == 1


@pytest.mark.slow
def test_killed_ingests_leave_a_store_that_verifies(store: Store, tmp_path: Path) -> None:
    """SIGKILL the ingesting process at random moments, several times; each time the store verifies."""
    rng = random.Random(417)
    trials = 8 if FULL else 2
    src = tmp_path / "src"
    for i in range(700):
        write(src / f"{i:04d}.txt", f"record {i} {'x' * (i % 97)}\n".encode())
    write(src / "video.bin", pattern(16 << 20, seed=3))
    total = 0
    for trial in range(trials):
        proc = start_cli(store.root, "ingest", CASE, str(src), "--description", f"trial {trial}")
        time.sleep(rng.uniform(1.0, 5.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        total = assert_consistent(store)
    assert total >= 0
    # and a complete ingest still works afterwards
    proc = start_cli(store.root, "ingest", CASE, str(src / "video.bin"), "--description", "after the crashes")
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert assert_consistent(store) == total + 1


def test_concurrent_ingests_get_distinct_numbers(store: Store, tmp_path: Path) -> None:
    folders = []
    for k in range(3):
        for i in range(40):
            write(tmp_path / f"batch{k}" / f"{i:02d}.txt", f"batch {k} item {i}\n".encode())
        folders.append(tmp_path / f"batch{k}")
    write(tmp_path / "batch2" / "shared.txt", b"identical in two batches\n")
    write(tmp_path / "batch1" / "shared.txt", b"identical in two batches\n")
    procs = [start_cli(store.root, "ingest", CASE, str(folders[0]), "--description", "first", "--json"),
             start_cli(store.root, "ingest", CASE, str(folders[1]), "--description", "second", "--json"),
             start_cli(store.root, "ingest", CASE, str(folders[2]), "--description", "third", "--json",
                       user="sgt")]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    jas = [e["reference"] for r in results[:2] for e in r["ingested"]]
    sg = [e["reference"] for e in results[2]["ingested"]]
    assert sorted(jas, key=lambda r: int(r.split("/")[1])) == [f"JAS/{i}" for i in range(1, 82)]
    assert sorted(sg, key=lambda r: int(r.split("/")[1])) == [f"SG/{i}" for i in range(1, 42)]
    assert assert_consistent(store) == 122
    with evidence_for(store) as ev, ev.s.read() as db:
        shared = db.scalar(select(func.count(func.distinct(Exhibit.object_id))).where(
            Exhibit.original_name == "shared.txt"))
    assert shared == 1


def test_ctrl_c_cancels_the_cli_ingest_cleanly(store: Store, tmp_path: Path) -> None:
    src = tmp_path / "src"
    for i in range(400):
        write(src / f"{i:03d}.bin", pattern(256 << 10, seed=i))
    proc = start_cli(store.root, "ingest", CASE, str(src), "--description", "interrupted")
    tmp = store.root / "vault" / "tmp"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if tmp.is_dir() and any(tmp.iterdir()):  # the ingest is under way
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "CANCELLED" in out and "cancelling" in err
    kept = assert_consistent(store)
    assert 0 <= kept < 400
