"""The encrypted vault object format (``docs/vault-format.md`` is the specification).

An object is a 48-byte header followed by AES-256-GCM records, one per
plaintext chunk of ``chunk_size`` bytes (1 MiB). The last record always holds
a short chunk (0 to ``chunk_size - 1`` bytes) and is flagged final, so a file
that ends after a full record has been truncated. Each object has its own
random 32-byte salt; the object key is HKDF-SHA256 of the vault encryption key
with that salt. The nonce of record ``i`` is 4 zero bytes and ``i`` as a
64-bit big-endian number (unique per key because the key is per object). The
associated data of each record is the header, the record index and the final
flag, so reordered, dropped, repeated or appended records and a header moved
onto another object all fail authentication.

The object *name* is HMAC-SHA256 under the vault naming key of the content's
SHA-256 digest: a keyed hash of the content that reveals nothing without the
key and costs no second pass over the bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CDVAULT\x00"
VERSION = 1
CHUNK_SIZE = 1 << 20
TAG_SIZE = 16
SALT_SIZE = 32
_HEADER = struct.Struct(">8sHHI32s")
HEADER_SIZE = _HEADER.size  # 48
MAX_CHUNK_SIZE = 64 << 20
KEY_INFO = b"casedesk/v1/vault-object-key"
NAME_DOMAIN = b"casedesk/v1/vault-object-name\x00"


class ObjectFormatError(Exception):
    """The object cannot be decrypted as it is; ``kind`` is the verify report's wording."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def _hmac_block(key: bytes) -> bytes:
    """HMAC's key block (RFC 2104): a key longer than SHA-256's 64-byte block is hashed first."""
    return (key if len(key) <= 64 else hashlib.sha256(key).digest()).ljust(64, b"\x00")


def _hmac_sha256(key: bytes, message: bytes) -> bytes:
    """HMAC-SHA256 written out with hashlib: the same bytes as ``hmac.digest(key, message, "sha256")`` for a
    third of its cost (an ingest computes three a file)."""
    padded = _hmac_block(key)
    inner = hashlib.sha256(padded.translate(_IPAD) + message).digest()
    return hashlib.sha256(padded.translate(_OPAD) + inner).digest()


class ObjectNamer:
    """``object_name`` under one naming key, with the key's HMAC blocks hashed once instead of once a name."""

    def __init__(self, naming_key: bytes) -> None:
        padded = _hmac_block(naming_key)
        self._inner = hashlib.sha256(padded.translate(_IPAD) + NAME_DOMAIN)
        self._outer = hashlib.sha256(padded.translate(_OPAD))

    def __call__(self, sha256_digest: bytes) -> str:
        inner = self._inner.copy()
        inner.update(sha256_digest)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


def object_name(naming_key: bytes, sha256_digest: bytes) -> str:
    """Vault file name of content whose SHA-256 is ``sha256_digest`` (32 raw bytes)."""
    return hmac.new(naming_key, NAME_DOMAIN + sha256_digest, hashlib.sha256).hexdigest()


def encrypted_size(plain_size: int, chunk_size: int = CHUNK_SIZE) -> int:
    return HEADER_SIZE + plain_size + TAG_SIZE * (plain_size // chunk_size + 1)


def _nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + index.to_bytes(8, "big")


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _object_key(encryption_key: bytes, salt: bytes) -> AESGCM:
    # HKDF-SHA256 (RFC 5869) for one 32-byte block, written out: the same key as
    # ``hkdf(encryption_key, KEY_INFO, salt=salt)`` for a fraction of the cost, paid once per object.
    prk = _hmac_sha256(salt, encryption_key)
    return AESGCM(_hmac_sha256(prk, KEY_INFO + b"\x01"))


@dataclass(frozen=True)
class Header:
    chunk_size: int
    salt: bytes
    raw: bytes

    @classmethod
    def new(cls, chunk_size: int = CHUNK_SIZE) -> Header:
        salt = os.urandom(SALT_SIZE)
        return cls(chunk_size, salt, _HEADER.pack(MAGIC, VERSION, 0, chunk_size, salt))

    @classmethod
    def parse(cls, raw: bytes) -> Header:
        if len(raw) < HEADER_SIZE:
            raise ObjectFormatError("failed authentication", "object is shorter than its header")
        magic, version, flags, chunk_size, salt = _HEADER.unpack(raw[:HEADER_SIZE])
        if magic != MAGIC:
            raise ObjectFormatError("failed authentication", "not a CaseDesk vault object (bad magic)")
        if version != VERSION or flags != 0:
            raise ObjectFormatError("failed authentication", f"unknown vault object version {version}")
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise ObjectFormatError("failed authentication", "implausible chunk size in object header")
        return cls(chunk_size, salt, bytes(raw[:HEADER_SIZE]))


class Sealer:
    """Encrypts one object's chunks in order; the output buffer is reused between calls."""

    def __init__(self, encryption_key: bytes, header: Header | None = None) -> None:
        self.header = header or Header.new()
        self._aead = _object_key(encryption_key, self.header.salt)
        self._index = 0
        self._finished = False
        self._out = bytearray(0)  # grown on first use: small objects need only a small buffer

    @property
    def finished(self) -> bool:
        return self._finished

    def seal(self, chunk: memoryview | bytes, final: bool) -> memoryview:
        """The record for ``chunk``; valid until the next call. Full chunks only, until the final one."""
        size = len(chunk)
        if len(self._out) < size + TAG_SIZE:
            self._out = bytearray(size + TAG_SIZE if final else self.header.chunk_size + TAG_SIZE)
        out = memoryview(self._out)[: size + TAG_SIZE]
        self.seal_into(chunk, final, out)
        return out

    def seal_into(self, chunk: memoryview | bytes, final: bool, out: memoryview) -> None:
        """Encrypt ``chunk`` into ``out`` (exactly ``len(chunk) + 16`` bytes)."""
        size = len(chunk)
        cs = self.header.chunk_size
        if self._finished:
            raise ValueError("object already finished")
        if (final and size >= cs) or (not final and size != cs):
            raise ValueError("chunks must be full except the final one, which must be short")
        self._aead.encrypt_into(_nonce(self._index), chunk, _aad(self.header.raw, self._index, final), out)
        self._index += 1
        self._finished = final


def seal_whole(encryption_key: bytes, data: memoryview | bytes, chunk_size: int = CHUNK_SIZE) -> tuple[bytes, bytes]:
    """A whole object of fewer than ``chunk_size`` bytes: its header and its one, final record (what ``Sealer``
    writes for it, without the object a longer one needs)."""
    if len(data) >= chunk_size:
        raise ValueError("chunks must be full except the final one, which must be short")
    header = Header.new(chunk_size)
    record = _object_key(encryption_key, header.salt).encrypt(_nonce(0), data, _aad(header.raw, 0, True))
    return header.raw, record


class Opener:
    """Decrypts one object's records in order, checking index, order and the end."""

    def __init__(self, encryption_key: bytes, header: Header) -> None:
        self.header = header
        self._aead = _object_key(encryption_key, header.salt)
        self._index = 0

    @property
    def record_size(self) -> int:
        return self.header.chunk_size + TAG_SIZE

    def open(self, record: memoryview | bytes, final: bool, out: memoryview) -> None:
        """Decrypt ``record`` into ``out`` (exactly ``len(record) - 16`` bytes)."""
        try:
            self._aead.decrypt_into(_nonce(self._index), record, _aad(self.header.raw, self._index, final), out)
        except InvalidTag:
            raise ObjectFormatError(
                "failed authentication", f"chunk {self._index} fails authentication (altered, moved or cut)"
            ) from None
        self._index += 1


def read_full(fd: int, buf: memoryview) -> int:
    """Fill ``buf`` from ``fd`` until it is full or the file ends; return the byte count."""
    got = 0
    size = len(buf)
    while got < size:
        n = os.readv(fd, [buf[got:]])
        if n == 0:
            break
        got += n
    return got


def write_all(fd: int, data: memoryview | bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def iter_records(
    fd: int, encryption_key: bytes, next_buffer: Callable[[], bytearray] | None = None
) -> Iterator[tuple[memoryview, int]]:
    """Decrypted chunks of the object open at ``fd`` (positioned at 0), with their plaintext offset.

    Without ``next_buffer`` each yielded view is valid until the next
    iteration; with it, every chunk is decrypted into a buffer it supplies (of
    at least the chunk size) that the caller owns. Raises
    ``ObjectFormatError`` on any authentication failure, truncation or
    trailing data; the caller sees only authenticated bytes.
    """
    raw = os.read(fd, HEADER_SIZE)
    header = Header.parse(raw)
    opener = Opener(encryption_key, header)
    rec_size = opener.record_size
    # Buffers no larger than the object needs: most exhibits are far smaller than a chunk.
    body = max(0, os.fstat(fd).st_size - HEADER_SIZE)
    record = bytearray(min(rec_size, body + 1))  # one byte more: a long record is not taken for a final one
    rview = memoryview(record)
    own = bytearray(min(header.chunk_size, body)) if next_buffer is None else None
    offset = 0
    while True:
        got = read_full(fd, rview)
        if got < TAG_SIZE:
            raise ObjectFormatError("failed authentication", "object is truncated (no final chunk)")
        final = got < rec_size
        n = got - TAG_SIZE
        buf = own if own is not None else next_buffer()  # type: ignore[misc]
        if len(buf) < n:
            raise ObjectFormatError("failed authentication", "object header names an unexpected chunk size")
        pview = memoryview(buf)[:n]
        opener.open(rview[:got], final, pview)
        if final and os.read(fd, 1):
            raise ObjectFormatError("failed authentication", "object has data after its final chunk")
        yield pview, offset
        offset += n
        if final:
            return


# An object's address (docs/sync-protocol.md, "Objects"): SHA-256 of a domain line and of the SHA-256 of each
# 8 MiB part of the object's bytes (the last part shorter, or full). The same as ``custody.wire.object_address``;
# taken here as the object is written, so its exhibit.ingested entry binds the unit to these very bytes.
ADDRESS_DOMAIN = b"casedesk-object/1\n"
ADDRESS_PART_BYTES = 8 << 20


class AddressHasher:
    """The address of the bytes given to ``update``, in order (one SHA-256 pass over them)."""

    __slots__ = ("_left", "_part", "_parts")

    def __init__(self) -> None:
        self._parts = hashlib.sha256(ADDRESS_DOMAIN)
        self._part = hashlib.sha256()
        self._left = ADDRESS_PART_BYTES

    def update(self, data: memoryview | bytes) -> None:
        view = memoryview(data)
        while len(view) >= self._left:
            self._part.update(view[: self._left])
            self._parts.update(self._part.digest())
            view = view[self._left:]
            self._part, self._left = hashlib.sha256(), ADDRESS_PART_BYTES
        if len(view):
            self._part.update(view)
            self._left -= len(view)

    def hexdigest(self) -> str:
        parts = self._parts.copy()
        if self._left < ADDRESS_PART_BYTES:  # the last part, shorter than the others
            parts.update(self._part.digest())
        return parts.hexdigest()


def address_of(*pieces: memoryview | bytes) -> str:
    h = AddressHasher()
    for piece in pieces:
        h.update(piece)
    return h.hexdigest()
