"""Large objects are written with O_DIRECT through staging buffers, and fall back where refused."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import pytest

import casedesk.evidence.directio as directio
from casedesk.evidence.directio import O_DIRECT, StagedDirectWriter
from casedesk.evidence.objectformat import CHUNK_SIZE, iter_records
from casedesk.evidence.vault import TempObject

pytestmark = pytest.mark.skipif(not O_DIRECT, reason="no O_DIRECT on this platform")
KEY = bytes(32)


def pieces(seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [rng.randbytes(rng.choice([1, 100, 4095, 4096, 4097, 70_000, 300_000])) for _ in range(40)]


def open_direct(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_DIRECT, 0o600)
    except OSError as exc:
        if exc.errno == errno.EINVAL:
            pytest.skip("this file system refuses O_DIRECT")
        raise


def test_staged_writes_arrive_in_order(tmp_path: Path) -> None:
    data = pieces(1)
    path = tmp_path / "out.bin"
    fd = open_direct(path)
    w = StagedDirectWriter(fd, 400_000)
    for p in data:
        w.reserve(len(p))[:] = p
        w.advance(len(p))
    w.finish()
    os.close(fd)
    assert path.read_bytes() == b"".join(data)


def test_einval_on_write_falls_back_to_buffered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    refused = []

    def picky_write(fd: int, data: object) -> int:
        import fcntl

        if fcntl.fcntl(fd, fcntl.F_GETFL) & O_DIRECT:
            refused.append(True)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(directio.os, "write", picky_write)
    data = pieces(2)
    path = tmp_path / "out.bin"
    fd = open_direct(path)
    w = StagedDirectWriter(fd, 400_000)
    for p in data:
        w.reserve(len(p))[:] = p
        w.advance(len(p))
    w.finish()
    os.close(fd)
    assert refused and path.read_bytes() == b"".join(data)


@pytest.mark.parametrize("refuse_open", [False, True])
def test_temp_object_direct_and_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, refuse_open: bool) -> None:
    import casedesk.evidence.vault as vault

    if refuse_open:  # a file system such as tmpfs: open with O_DIRECT fails with EINVAL
        real_open = os.open

        def no_direct(path: object, flags: int, *args: object) -> int:
            if flags & O_DIRECT:
                raise OSError(errno.EINVAL, "Invalid argument")
            return real_open(path, flags, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(vault.os, "open", no_direct)
    data = random.Random(3).randbytes(5 * CHUNK_SIZE + 12345)
    temp = TempObject(tmp_path / "x.part", KEY, direct=True)
    view = memoryview(data)
    for off in range(0, len(data) + 1, CHUNK_SIZE):
        piece = view[off: off + CHUNK_SIZE]
        temp.write(piece, len(piece) < CHUNK_SIZE)
    temp.close(durable=True)
    fd = os.open(tmp_path / "x.part", os.O_RDONLY)
    try:
        assert b"".join(bytes(v) for v, _ in iter_records(fd, KEY)) == data
    finally:
        os.close(fd)


def test_discarded_direct_object_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "vault-tmp"
    folder.mkdir()
    temp = TempObject(folder / "y.part", KEY, direct=True)
    temp.write(bytes(CHUNK_SIZE), False)
    temp.discard()
    assert list(folder.iterdir()) == []
