"""Tampered vault objects are caught by verify and by extract, naming the exhibit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from casedesk.errors import IntegrityError
from casedesk.evidence.objectformat import CHUNK_SIZE, HEADER_SIZE, TAG_SIZE
from tests.helpers.evidence import META, evidence_for, object_path, pattern, write
from tests.helpers.store import CASE, Store

RECORD = CHUNK_SIZE + TAG_SIZE


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.chmod(0o600)
    path.write_bytes(bytes(data))


def truncate_at(path: Path, size: int) -> None:
    with path.open("r+b") as fh:
        fh.truncate(size)


def swap_records(path: Path) -> None:
    data = bytearray(path.read_bytes())
    first = data[HEADER_SIZE: HEADER_SIZE + RECORD]
    second = data[HEADER_SIZE + RECORD: HEADER_SIZE + 2 * RECORD]
    data[HEADER_SIZE: HEADER_SIZE + 2 * RECORD] = second + first
    path.write_bytes(bytes(data))


def append_bytes(path: Path) -> None:
    with path.open("ab") as fh:
        fh.write(b"\x00" * 16)


TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "flipped byte in the first chunk": (lambda p: flip_byte(p, HEADER_SIZE + 100), "failed authentication"),
    "flipped byte in the last chunk": (lambda p: flip_byte(p, p.stat().st_size - 1), "failed authentication"),
    "flipped byte in the header salt": (lambda p: flip_byte(p, 20), "failed authentication"),
    "truncated mid-chunk": (lambda p: truncate_at(p, p.stat().st_size - 5), "failed authentication"),
    "truncated at a chunk boundary": (lambda p: truncate_at(p, HEADER_SIZE + 2 * RECORD), "failed authentication"),
    "cut to the header": (lambda p: truncate_at(p, HEADER_SIZE), "failed authentication"),
    "emptied": (lambda p: truncate_at(p, 0), "failed authentication"),
    "chunks swapped": (swap_records, "failed authentication"),
    "data appended": (append_bytes, "failed authentication"),
    "object deleted": (lambda p: p.unlink(), "missing object"),
}


@pytest.fixture
def three_exhibits(store: Store, tmp_path: Path) -> list[str]:
    paths = [write(tmp_path / "src" / f"{i}.bin", pattern(2 * CHUNK_SIZE + 1000 * (i + 1), seed=i)) for i in range(3)]
    with evidence_for(store) as ev:
        return [v.reference for v in ev.ingest(CASE, paths, META).ingested]


@pytest.mark.parametrize("how", list(TAMPERS))
def test_tampering_is_detected(store: Store, tmp_path: Path, three_exhibits: list[str], how: str) -> None:
    tamper, kind = TAMPERS[how]
    out = tmp_path / "out.bin"
    with evidence_for(store) as ev:
        victim = ev.show(CASE, three_exhibits[1])
        tamper(object_path(ev, victim))
        problems = ev.verify(CASE)
        assert [(p.reference, p.kind) for p in problems] == [(victim.reference, kind)]
        assert problems[0].case_ref == CASE and problems[0].message
        with pytest.raises(IntegrityError, match=victim.reference.replace("/", "/")):
            ev.extract(CASE, victim.reference, out)
        assert not out.exists()
        assert list(tmp_path.glob(".out.bin*")) == []  # the temporary file is gone too
        with pytest.raises(IntegrityError, match=victim.reference):
            with ev.open_content(CASE, victim.reference) as stream:
                stream.read()
        # the others are untouched
        ev.extract(CASE, three_exhibits[0], tmp_path / "ok.bin")


def test_object_swapped_with_another_exhibits(store: Store, tmp_path: Path, three_exhibits: list[str]) -> None:
    """A whole valid object put in place of another authenticates, but its hash gives it away."""
    with evidence_for(store) as ev:
        a, b = ev.show(CASE, three_exhibits[0]), ev.show(CASE, three_exhibits[2])
        shutil.copyfile(object_path(ev, b), object_path(ev, a))
        problems = ev.verify(CASE)
        assert [(p.reference, p.kind) for p in problems] == [(a.reference, "wrong hash")]
        with pytest.raises(IntegrityError, match=f"{a.reference}.*wrong hash"):
            ev.extract(CASE, a.reference, tmp_path / "a.bin")
        assert not (tmp_path / "a.bin").exists()


def test_swapped_object_of_the_same_size_is_caught_when_streaming(store: Store, tmp_path: Path) -> None:
    """Same size, different content: the streaming reader fails at the end, naming the exhibit."""
    paths = [write(tmp_path / f"{i}.bin", pattern(1000, seed=50 + i)) for i in range(2)]
    with evidence_for(store) as ev:
        a, b = ev.ingest(CASE, paths, META).ingested
        shutil.copyfile(object_path(ev, b), object_path(ev, a))
        with pytest.raises(IntegrityError, match=f"{a.reference} in {CASE}: wrong hash"):
            with ev.read_original(CASE, a.reference) as stream:
                stream.read()


def test_verify_of_all_cases_and_permissions(store: Store, tmp_path: Path, three_exhibits: list[str]) -> None:
    with evidence_for(store, "admin") as ev:
        assert ev.verify(None) == []  # admins may verify (no content is shown)
    with evidence_for(store, "bpatel") as ev:
        assert ev.verify(None) == []  # bpatel sees no case: nothing to check
