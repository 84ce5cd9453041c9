"""The vault object format: any content round-trips, and ANY change to a stored object fails authentication.

Objects are sealed with small chunk sizes here so that a few hundred bytes
already span many records; the format is the same at 1 MiB.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import assume, given
from hypothesis import strategies as st

from casedesk.evidence.objectformat import HEADER_SIZE, TAG_SIZE, Header, ObjectFormatError, Sealer, iter_records

KEY = os.urandom(32)
CHUNKS = st.sampled_from([1, 16, 64, 257])
CONTENT = st.binary(max_size=1500)


def seal(data: bytes, chunk: int, key: bytes = KEY) -> bytes:
    sealer = Sealer(key, Header.new(chunk))
    out = bytearray(sealer.header.raw)
    offset = 0
    while True:
        piece = data[offset: offset + chunk]
        final = len(piece) < chunk
        out += sealer.seal(piece, final)
        offset += len(piece)
        if final:
            return bytes(out)


def open_object(blob: bytes, key: bytes = KEY) -> bytes:
    """What a reader would get from the object: only authenticated bytes, or ``ObjectFormatError``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "object"
        path.write_bytes(blob)
        fd = os.open(path, os.O_RDONLY)
        try:
            return b"".join(bytes(view) for view, _ in iter_records(fd, key))
        finally:
            os.close(fd)


def rejected(blob: bytes, key: bytes = KEY) -> bool:
    try:
        open_object(blob, key)
    except ObjectFormatError as exc:
        assert exc.kind == "failed authentication"
        return True
    return False


@given(CONTENT, CHUNKS)
def test_any_content_round_trips(data: bytes, chunk: int) -> None:
    blob = seal(data, chunk)
    assert len(blob) == HEADER_SIZE + len(data) + TAG_SIZE * (len(data) // chunk + 1)
    assert open_object(blob) == data


@st.composite
def mutations(draw: st.DrawFn, blob: bytes) -> bytes:
    """One change a disk, a power cut or an attacker could make to the object's bytes."""
    kind = draw(st.sampled_from(["flip", "set", "truncate", "append", "delete", "insert", "duplicate", "swap"]))
    n = len(blob)
    if kind == "flip":
        i = draw(st.integers(0, n - 1))
        return blob[:i] + bytes([blob[i] ^ (1 << draw(st.integers(0, 7)))]) + blob[i + 1:]
    if kind == "set":
        i = draw(st.integers(0, n - 1))
        j = draw(st.integers(i + 1, min(n, i + 64)))
        return blob[:i] + draw(st.binary(min_size=j - i, max_size=j - i)) + blob[j:]
    if kind == "truncate":
        return blob[: draw(st.integers(0, n - 1))]
    if kind == "append":
        return blob + draw(st.binary(min_size=1, max_size=64))
    if kind == "delete":
        i = draw(st.integers(0, n - 1))
        return blob[:i] + blob[draw(st.integers(i + 1, n)):]
    if kind == "insert":
        i = draw(st.integers(0, n))
        return blob[:i] + draw(st.binary(min_size=1, max_size=64)) + blob[i:]
    # Whole slices moved about: a record repeated, or two slices exchanged.
    i = draw(st.integers(HEADER_SIZE, n - 1))
    j = draw(st.integers(i + 1, n))
    if kind == "duplicate":
        return blob[:j] + blob[i:j] + blob[j:]
    k = draw(st.integers(j, n))
    m = draw(st.integers(k, n))
    return blob[:i] + blob[k:m] + blob[j:k] + blob[i:j] + blob[m:]


@given(CONTENT, CHUNKS, st.data())
def test_any_change_to_an_object_fails_authentication(data: bytes, chunk: int, draw: st.DataObject) -> None:
    blob = seal(data, chunk)
    changed = draw.draw(mutations(blob))
    assume(changed != blob)
    assert rejected(changed), "a changed object was read back without an error"


@given(CONTENT, CONTENT, CHUNKS)
def test_a_header_moved_onto_another_object_fails(first: bytes, second: bytes, chunk: int) -> None:
    a, b = seal(first, chunk), seal(second, chunk)
    assert rejected(a[:HEADER_SIZE] + b[HEADER_SIZE:])


@given(CONTENT, CONTENT, CHUNKS, st.integers(0, 20), st.integers(0, 20))
def test_records_of_two_objects_do_not_mix(first: bytes, second: bytes, chunk: int, i: int, j: int) -> None:
    """Splicing a record of one object (same key, same chunk size, same position) into another fails."""
    a, b = seal(first, chunk), seal(second, chunk)
    rec = chunk + TAG_SIZE
    ra = [a[HEADER_SIZE + k * rec: HEADER_SIZE + (k + 1) * rec] for k in range((len(a) - HEADER_SIZE + rec - 1) // rec)]
    rb = [b[HEADER_SIZE + k * rec: HEADER_SIZE + (k + 1) * rec] for k in range((len(b) - HEADER_SIZE + rec - 1) // rec)]
    i, j = i % len(ra), j % len(rb)
    assume(ra[i] != rb[j])
    spliced = a[:HEADER_SIZE] + b"".join(ra[:i]) + rb[j] + b"".join(ra[i + 1:])
    assert rejected(spliced)


@given(CONTENT, CHUNKS)
def test_another_installation_key_opens_nothing(data: bytes, chunk: int) -> None:
    assert rejected(seal(data, chunk), key=os.urandom(32))
