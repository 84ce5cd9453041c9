"""The vault object format on its own: what a third party needs to decrypt, and what it rejects."""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casedesk.evidence.objectformat import (
    HEADER_SIZE,
    ObjectFormatError,
    ObjectNamer,
    Sealer,
    encrypted_size,
    iter_records,
    object_name,
    seal_whole,
)

KEY = bytes(range(32))


def seal(data: bytes, chunk: int) -> bytes:
    from casedesk.evidence.objectformat import Header

    sealer = Sealer(KEY, Header.new(chunk))
    out = bytearray(sealer.header.raw)
    offset = 0
    while True:
        piece = data[offset: offset + chunk]
        final = len(piece) < chunk
        out += sealer.seal(piece, final)
        offset += len(piece)
        if final:
            return bytes(out)


def open_all(blob: bytes, tmp_path: Path) -> bytes:
    path = tmp_path / "obj"
    path.write_bytes(blob)
    fd = os.open(path, os.O_RDONLY)
    try:
        return b"".join(bytes(v) for v, _ in iter_records(fd, KEY))
    finally:
        os.close(fd)


def independent_decrypt(blob: bytes, key: bytes) -> bytes:
    """docs/vault-format.md, implemented from the text alone."""
    magic, version, flags, chunk, salt = struct.unpack(">8sHHI32s", blob[:48])
    assert magic == b"CDVAULT\x00" and version == 1 and flags == 0
    header = blob[:48]
    aead = AESGCM(HKDF(SHA256(), 32, salt, b"casedesk/v1/vault-object-key").derive(key))
    body = blob[48:]
    plain = b""
    index = 0
    while True:
        record = body[: chunk + 16]
        body = body[chunk + 16:]
        final = len(record) < chunk + 16
        aad = header + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")
        plain += aead.decrypt(b"\x00" * 4 + index.to_bytes(8, "big"), record, aad)
        index += 1
        if final:
            assert body == b""
            return plain


@pytest.mark.parametrize("size", [0, 1, 15, 16, 17, 63, 64, 65, 200])
def test_round_trip_and_independent_decryption(size: int, tmp_path: Path) -> None:
    data = os.urandom(size)
    blob = seal(data, 16)
    assert len(blob) == encrypted_size(size, 16)
    assert open_all(blob, tmp_path) == data
    assert independent_decrypt(blob, KEY) == data


def test_object_name_is_keyed() -> None:
    digest = hashlib.sha256(b"content").digest()
    expected = hmac.new(KEY, b"casedesk/v1/vault-object-name\x00" + digest, hashlib.sha256).hexdigest()
    assert object_name(KEY, digest) == expected
    assert object_name(bytes(32), digest) != expected
    assert expected != digest.hex()


@pytest.mark.parametrize("key_size", [0, 16, 32, 64, 65, 100])
def test_the_ingest_namer_gives_the_documented_name_for_any_key(key_size: int) -> None:
    key = os.urandom(key_size)
    for content in (b"", b"content", os.urandom(5000)):
        digest = hashlib.sha256(content).digest()
        expected = hmac.new(key, b"casedesk/v1/vault-object-name\x00" + digest, hashlib.sha256).hexdigest()
        assert ObjectNamer(key)(digest) == expected


@pytest.mark.parametrize("size", [0, 1, 15, 10240])
def test_a_small_object_sealed_in_one_call_decrypts_by_the_specification(size: int, tmp_path: Path) -> None:
    data = os.urandom(size)
    header, record = seal_whole(KEY, data, 16 if size < 16 else 1 << 20)
    blob = header + record
    assert len(blob) == encrypted_size(size, 16 if size < 16 else 1 << 20)
    assert open_all(blob, tmp_path) == data
    assert independent_decrypt(blob, KEY) == data
    with pytest.raises(ValueError):
        seal_whole(KEY, bytes(16), 16)  # one full chunk needs a final record after it


def test_two_encryptions_of_the_same_content_differ() -> None:
    assert seal(b"same", 16) != seal(b"same", 16)


@pytest.mark.parametrize("damage", ["drop last record", "duplicate a record", "wrong key", "header only",
                                    "extra byte", "records reordered"])
def test_rejections(damage: str, tmp_path: Path) -> None:
    data = os.urandom(40)
    blob = seal(data, 16)  # records: 16, 16, 8 (final)
    rec = 16 + 16
    if damage == "drop last record":
        blob = blob[: HEADER_SIZE + 2 * rec]
    elif damage == "duplicate a record":
        blob = blob[: HEADER_SIZE + rec] + blob[HEADER_SIZE: HEADER_SIZE + rec] + blob[HEADER_SIZE + rec:]
    elif damage == "header only":
        blob = blob[:HEADER_SIZE]
    elif damage == "extra byte":
        blob = blob + b"\x00"
    elif damage == "records reordered":
        first, second = blob[HEADER_SIZE: HEADER_SIZE + rec], blob[HEADER_SIZE + rec: HEADER_SIZE + 2 * rec]
        blob = blob[:HEADER_SIZE] + second + first + blob[HEADER_SIZE + 2 * rec:]
    if damage == "wrong key":
        path = tmp_path / "obj"
        path.write_bytes(blob)
        fd = os.open(path, os.O_RDONLY)
        try:
            with pytest.raises(ObjectFormatError):
                b"".join(bytes(v) for v, _ in iter_records(fd, bytes(32)))
        finally:
            os.close(fd)
        return
    with pytest.raises(ObjectFormatError) as info:
        open_all(blob, tmp_path)
    assert info.value.kind == "failed authentication"


def test_sealer_refuses_misuse() -> None:
    sealer = Sealer(KEY)
    with pytest.raises(ValueError):
        sealer.seal(b"short but not final", final=False)
    sealer.seal(b"", final=True)
    with pytest.raises(ValueError):
        sealer.seal(b"", final=True)
