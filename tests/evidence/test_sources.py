"""Every kind of input: folders, links, special files, unreadable and changing files, empty files."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

import casedesk.evidence.pipeline as pipeline
from casedesk.errors import UsageError
from tests.helpers.evidence import META, evidence_for, pattern, write
from tests.helpers.store import CASE, Store


def reasons(summary_skipped: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {Path(s.path).name: s.reason for s in summary_skipped}


def test_folder_with_every_kind_of_entry(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "seized"
    write(root / "b.txt", b"bravo\n")
    write(root / "a" / "deep" / "c.txt", b"charlie\n")
    write(root / "empty.dat", b"")
    os.symlink(root / "b.txt", root / "link-to-b")
    os.symlink(tmp_path / "nowhere", root / "dangling")
    os.symlink(root / "a", root / "link-to-folder")
    os.mkfifo(root / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "sock"))
    try:
        with evidence_for(store) as ev:
            summary = ev.ingest(CASE, [root, Path("/dev/null"), tmp_path / "missing.txt"], META)
    finally:
        sock.close()
    assert [e.relative_path for e in summary.ingested] == ["seized/a/deep/c.txt", "seized/b.txt", "seized/empty.dat"]
    empty = summary.ingested[2]
    assert empty.size == 0 and empty.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    r = reasons(summary.skipped)
    assert r["link-to-b"] == r["dangling"] == r["link-to-folder"] == "symbolic link (links are not followed)"
    assert r["pipe"] == "special file: FIFO (named pipe)"
    assert r["sock"] == "special file: socket"
    assert r["null"] == "special file: character device"
    assert r["missing.txt"] == "does not exist"
    assert not summary.cancelled


def test_unreadable_file_is_skipped_and_the_batch_goes_on(store: Store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    good = write(tmp_path / "good.txt", b"fine\n")
    bad = write(tmp_path / "locked.txt", b"secret\n")
    bad.chmod(0o000)
    real_open = os.open

    def guarded_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        # Root reads mode-000 files anyway; refuse like the kernel would for anyone else.
        if str(path) == str(bad):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.os, "open", guarded_open)
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [bad, good], META)
    assert [e.original_name for e in summary.ingested] == ["good.txt"]
    assert reasons(summary.skipped) == {"locked.txt": "cannot read: permission denied"}


def test_unreadable_folder_is_skipped(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import casedesk.evidence.sources as sources

    write(tmp_path / "top" / "ok.txt", b"ok")
    write(tmp_path / "top" / "closed" / "x.txt", b"x")
    real_scandir = os.scandir

    def guarded(path: object) -> object:
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(sources.os, "scandir", guarded)
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [tmp_path / "top"], META)
    assert [e.relative_path for e in summary.ingested] == ["top/ok.txt"]
    assert reasons(summary.skipped) == {"closed": "cannot read folder: permission denied"}


@pytest.mark.parametrize("size", [10_000, 9 << 20])  # whole-file path and streaming path
def test_file_changing_while_read_is_refused(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            size: int) -> None:
    victim = write(tmp_path / "growing.log", pattern(size))
    other = write(tmp_path / "steady.txt", b"steady\n")
    real_read_full = pipeline.read_full
    grown = []

    def read_and_grow(fd: int, view: memoryview) -> int:
        n = real_read_full(fd, view)
        if not grown and os.fstat(fd).st_ino == victim.stat().st_ino:
            grown.append(True)
            with victim.open("ab") as fh:  # someone writes to the file while CaseDesk reads it
                fh.write(b"appended later")
        return n

    monkeypatch.setattr(pipeline, "read_full", read_and_grow)
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [victim, other], META)
        assert [e.original_name for e in summary.ingested] == ["steady.txt"]
        assert "changed while being read" in reasons(summary.skipped)["growing.log"]
        assert ev.verify(CASE) == []
    assert list((store.root / "vault" / "tmp").iterdir()) == []


def test_same_file_twice_and_hard_links(store: Store, tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", b"alpha\n")
    os.link(a, tmp_path / "hard.txt")
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [a, a, tmp_path / "hard.txt"], META)
    assert len(summary.ingested) == 1
    assert [s.reason.split(" (")[0] for s in summary.skipped] == [f"same file as {a}"] * 2


def test_the_data_directory_itself_is_never_ingested(store: Store, tmp_path: Path) -> None:
    with evidence_for(store) as ev, pytest.raises(UsageError, match="inside CaseDesk's data directory"):
        ev.ingest(CASE, [store.root], META)


def test_source_files_are_not_changed(store: Store, tmp_path: Path) -> None:
    """ACPO principle 1: content, modification time and (where permitted) access time stay as they were."""
    src = write(tmp_path / "exhibit.bin", pattern(50_000))
    os.utime(src, ns=(1_600_000_000_000_000_000, 1_500_000_000_000_000_000))
    before = src.stat()
    content = src.read_bytes()
    os.utime(src, ns=(before.st_atime_ns, before.st_mtime_ns))
    before = src.stat()
    with evidence_for(store) as ev:
        view = ev.ingest(CASE, [src], META).ingested[0]
    after = src.stat()
    assert src.read_bytes() == content
    assert (after.st_mtime_ns, after.st_atime_ns, after.st_size) == (before.st_mtime_ns, before.st_atime_ns,
                                                                     before.st_size)
    assert view.fs_modified is not None and int(view.fs_modified.timestamp()) == 1_500_000_000
    assert view.fs_accessed is not None and int(view.fs_accessed.timestamp()) == 1_600_000_000
