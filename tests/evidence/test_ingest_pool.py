"""Small files stored by worker processes (``ingest_pool``): the same exhibits as the in-process path, in the same
order, and nothing left behind by a cancel."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.errors import StoreError, UsageError
from casedesk.evidence import pipeline
from casedesk.evidence.filetype import TypeDetector
from casedesk.evidence.pipeline import Ingester, Refused, StoredFile, store_small
from casedesk.evidence.sources import collect
from casedesk.evidence.vault import Vault
from casedesk.progress import CancelToken
from casedesk.store.models import Exhibit
from tests.evidence.test_crash_safety import assert_consistent
from tests.helpers.evidence import META, PE, evidence_for, pattern, start_cli, write
from tests.helpers.store import CASE, Store

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def _mixed(folder: Path) -> list[Path]:
    """Small files of several types (one named against its content), an empty one and one of over a chunk."""
    out = []
    for i in range(24):
        kind = i % 6
        if kind == 0:
            out.append(write(folder / f"{i:02d}-note.txt", f"interview notes {i}\n".encode() * (i + 1)))
        elif kind == 1:
            out.append(write(folder / f"{i:02d}-photo.png", PNG + pattern(300 + i, i)))
        elif kind == 2:
            out.append(write(folder / f"{i:02d}-report.pdf", PE + pattern(100, i)))  # not a PDF: a warning
        elif kind == 3:
            out.append(write(folder / f"{i:02d}-blob.bin", pattern(10 * 1024 + i, i)))
        elif kind == 4:
            out.append(write(folder / f"{i:02d}-empty.dat", b""))
        else:
            out.append(write(folder / f"{i:02d}-page.html", b"<!DOCTYPE html><html><body>%d</body></html>" % i))
    out.append(write(folder / "12a-large.bin", pattern((1 << 20) + 5, 99)))  # between the small ones
    return out


def _run(tmp: Path, folder: Path, processes: int) -> list[StoredFile | Refused]:
    vault = Vault(tmp / f"vault-{processes}", b"\x01" * 32, b"\x02" * 32)
    vault.ensure()
    files, _ = collect([folder])
    return list(Ingester(vault, ["md5"], processes=processes).run(files))


def test_worker_processes_store_what_this_process_would_in_input_order(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "seized"
    _mixed(folder)
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 1)
    monkeypatch.setattr(pipeline, "CHUNK_FILES", 4)
    here = _run(tmp_path, folder, 0)
    pooled = _run(tmp_path, folder, 2)

    def seen(items: list[StoredFile | Refused]) -> list[tuple[object, ...]]:
        assert all(isinstance(i, StoredFile) for i in items)
        return [(i.source.relative_path, i.digests, i.file_type, i.pending.name, i.pending.size, i.modified,
                 i.changed) for i in items if isinstance(i, StoredFile)]

    assert seen(pooled) == seen(here)
    assert [i.source.relative_path for i in pooled] == sorted(i.source.relative_path for i in pooled)
    warned = [i for i in pooled if isinstance(i, StoredFile) and i.file_type.warning]
    assert [i.source.path.name for i in warned] == [f"{n:02d}-report.pdf" for n in (2, 8, 14, 20)]
    # Each temporary object decrypts to its source's bytes.
    for item in pooled:
        assert isinstance(item, StoredFile)
        vault = Vault(tmp_path / "vault-2", b"\x01" * 32, b"\x02" * 32)
        vault.publish([item.pending])
        with vault.open_records(item.pending.name) as records:
            content = b"".join(bytes(chunk) for chunk, _ in records)
        assert content == item.source.path.read_bytes()


def test_the_workers_start_while_the_files_are_listed_and_store_them(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "seized"
    paths = [write(folder / f"{i}.txt", f"statement {i}\n".encode()) for i in range(6)]
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 3)
    vault = Vault(tmp_path / "vault", b"\x01" * 32, b"\x02" * 32)
    vault.ensure()
    ingester = Ingester(vault, ["sha256"], processes=2)
    files, _ = collect([folder], listed=ingester.listed)
    assert len(multiprocessing.active_children()) == 2  # started by the third small file listed
    with ingester:
        items = list(ingester.run(files))
    assert multiprocessing.active_children() == []
    assert [i.source.path for i in items] == sorted(paths)
    assert all(isinstance(i, StoredFile) and i.pending.temp.exists() for i in items)


def test_an_ingest_refused_after_its_files_are_listed_leaves_no_worker_running(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(8):
        write(tmp_path / "seized" / f"{i}.txt", f"statement {i}\n".encode())
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 2)
    with evidence_for(store) as ev:
        with pytest.raises(UsageError, match="not among the files"):
            ev.ingest(CASE, [tmp_path / "seized"], META, descriptions={"seized/9.txt": "a file not there"})
        assert multiprocessing.active_children() == []
        assert ev.list(CASE) == []
    tmp = store.root / "vault" / "tmp"
    assert not tmp.exists() or list(tmp.iterdir()) == []


def test_a_file_replaced_after_listing_is_refused_by_the_worker_path(tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "a.txt", b"original statement")
    files, _ = collect([tmp_path / "in"])
    vault = Vault(tmp_path / "vault", b"\x01" * 32, b"\x02" * 32)
    vault.ensure()
    os.replace(write(tmp_path / "other.txt", b"another file under the same name"), src)  # a new inode
    assert store_small(vault, TypeDetector(), ["sha256"], files[0]) == \
        "was replaced by another file while the ingest ran"
    src.unlink()
    assert store_small(vault, TypeDetector(), ["sha256"], files[0]) == "disappeared before it could be read"
    assert os.listdir(vault.tmp) == []


def test_an_ingest_through_worker_processes_registers_every_file(store: Store, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _mixed(tmp_path / "seized")
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 1)
    monkeypatch.setattr(pipeline, "CHUNK_FILES", 3)
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [tmp_path / "seized"], META)
        with ev.s.read() as db:
            stored = {r: (n, s) for r, n, s in db.execute(select(Exhibit.reference, Exhibit.original_name,
                                                                 Exhibit.sha256))}
    assert not summary.skipped
    assert [v.original_name for v in summary.ingested] == sorted(p.name for p in paths)
    assert [v.reference for v in summary.ingested] == [f"JAS/{i}" for i in range(1, len(paths) + 1)]
    for view in summary.ingested:
        assert stored[view.reference] == (view.original_name, view.sha256)
    assert assert_consistent(store) == len(paths)


def test_a_cancelled_ingest_through_worker_processes_leaves_no_temporary_object(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(240):
        write(tmp_path / "seized" / f"{i:03d}.bin", pattern(2048, i))
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 1)
    monkeypatch.setattr(pipeline, "CHUNK_FILES", 2)
    token = CancelToken()

    def progress(done: int, total: int, message: str) -> None:
        if done > 0:
            token.cancel()

    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [tmp_path / "seized"], META, progress, token)
        # Before any sign-in's clean-up: the workers' unfinished objects are gone already.
        assert list((store.root / "vault" / "tmp").iterdir()) == []
    assert len(summary.ingested) >= 1
    assert assert_consistent(store) == len(summary.ingested)



def test_a_worker_process_killed_mid_ingest_stops_it_with_a_clear_error(store: Store, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(400):
        write(tmp_path / "seized" / f"{i:03d}.bin", pattern(4096, i))
    monkeypatch.setattr(pipeline, "PROCESS_MIN", 1)
    monkeypatch.setattr(pipeline, "CHUNK_FILES", 1)
    killed: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if done > 0 and not killed:
            for child in multiprocessing.active_children():
                if child.name.startswith("Spawn"):  # a worker of the ingest
                    os.kill(child.pid or 0, signal.SIGKILL)
                    killed.append(child.pid or 0)
                    break

    with evidence_for(store) as ev, pytest.raises(StoreError, match="worker process stopped unexpectedly"):
        ev.ingest(CASE, [tmp_path / "seized"], META, progress)
    assert killed
    assert assert_consistent(store) >= 0  # what was committed before verifies; the leftovers are cleaned up


def _workers_of(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` and that run multiprocessing's spawned main (the ingest's workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
            found.append(int(entry))
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def test_the_workers_leave_when_the_ingesting_process_is_killed(store: Store, tmp_path: Path) -> None:
    for i in range(3000):
        write(tmp_path / "seized" / f"{i:04d}.bin", pattern(2048, i))
    proc = start_cli(store.root, "ingest", CASE, str(tmp_path / "seized"), "--description", "killed mid-way")
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = _workers_of(proc.pid)
        time.sleep(0.02)
    proc.kill()
    proc.communicate(timeout=60)
    assert workers, "the ingest ended before its worker processes were seen"
    deadline = time.monotonic() + 60
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)
    assert assert_consistent(store) >= 0


def test_idle_marks_tell_the_caller_when_the_next_file_is_not_stored_yet(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The ingest commits the files it holds while a slow file is still being read (``idle_marks``): a mark comes
    only after a result and before one that is not ready, never twice in a row, and the results are the same."""
    import itertools
    import threading

    folder = tmp_path / "seized"
    paths = [write(folder / f"{i}.txt", f"statement {i}\n".encode()) for i in range(4)]
    vault = Vault(tmp_path / "vault", b"\x01" * 32, b"\x02" * 32)
    vault.ensure()
    files, _ = collect([folder])
    slow = threading.Event()
    store = Ingester.store

    def held_back(self: Ingester, src: object, *args: object) -> object:
        if str(src.path).endswith("2.txt"):  # type: ignore[attr-defined]
            assert slow.wait(30)
        return store(self, src, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Ingester, "store", held_back)
    seen: list[str | None] = []
    for item in Ingester(vault, [], workers=2, processes=0).run(files, idle_marks=True):
        if item is None:
            seen.append(None)
            if "1.txt" in seen:
                slow.set()  # the caller did its own work; the slow file finishes
        else:
            assert isinstance(item, StoredFile)
            seen.append(item.source.path.name)
    at = seen.index("2.txt")
    assert seen[at - 2: at] == ["1.txt", None]  # told while the held-back file was not ready
    assert [s for s in seen if s is not None] == [p.name for p in paths]
    assert all(a is not None or b is not None for a, b in itertools.pairwise(seen))
    plain = [i.source.path.name for i in Ingester(vault, [], workers=2, processes=0).run(files)
             if isinstance(i, StoredFile)]
    assert plain == [p.name for p in paths]
