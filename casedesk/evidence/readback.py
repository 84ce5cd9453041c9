"""Reading vault objects back: re-hashing (verify), writing out (extract), streaming (view).

Every byte handed out has passed AES-GCM authentication chunk by chunk; the
SHA-256 (and MD5/SHA-1 where the register holds them) of the whole content
is compared with the register at the end, so an object swapped with another
exhibit's, which authenticates, still fails.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casedesk.errors import IntegrityError
from casedesk.evidence.digests import PRIMARY, BufferPool, Digests, ThreadedDigests, Ticket
from casedesk.evidence.objectformat import CHUNK_SIZE, ObjectFormatError
from casedesk.evidence.vault import Vault
from casedesk.progress import CancelToken

THREADED_ABOVE = 4 << 20  # objects larger than this are hashed on separate threads
POOL_BUFFERS = 8


@dataclass(frozen=True)
class ReadResult:
    size: int
    digests: dict[str, str]


class SinkError(Exception):
    """Writing the decrypted bytes out failed (the destination, not the vault)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


def _feed(sink: Callable[[memoryview], None], view: memoryview) -> None:
    try:
        sink(view)
    except OSError as exc:
        raise SinkError(exc) from exc


class ObjectProblem(Exception):
    """An object that cannot be read back as registered; ``kind`` as in the verify report."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


def read_object(
    vault: Vault,
    name: str,
    expected_size: int,
    algorithms: Sequence[str],
    sink: Callable[[memoryview], None] | None = None,
    cancel: CancelToken | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> ReadResult:
    """Decrypt object ``name`` completely, hashing it and passing each chunk to ``sink``.

    Raises ``ObjectProblem`` (missing object, failed authentication,
    unreadable object), ``SinkError`` (``sink`` failed) and ``Cancelled``; size and digests are compared by
    the caller (``mismatches``).
    """
    algorithms = [PRIMARY, *[a for a in algorithms if a != PRIMARY]]
    threaded = expected_size > THREADED_ABOVE
    pool = BufferPool(POOL_BUFFERS, CHUNK_SIZE) if threaded else None
    hashers: ThreadedDigests | Digests = ThreadedDigests(algorithms) if threaded else Digests(algorithms)
    size = 0
    try:
        with vault.open_records(name, pool.get if pool is not None else None) as records:
            for view, _offset in records:
                if cancel is not None:
                    cancel.check()
                if isinstance(hashers, ThreadedDigests):
                    assert pool is not None
                    ticket = Ticket(pool, view.obj, hashers.holders + 1)  # type: ignore[arg-type]
                    hashers.submit(view, ticket)
                    try:
                        if sink is not None:
                            _feed(sink, view)
                    finally:
                        ticket.release()
                else:
                    hashers.update(view)
                    if sink is not None:
                        _feed(sink, view)
                size += len(view)
                if on_bytes is not None:
                    on_bytes(len(view))
    except FileNotFoundError:
        raise ObjectProblem("missing object", "the encrypted object is missing from the vault") from None
    except ObjectFormatError as exc:
        raise ObjectProblem(exc.kind, exc.detail) from None
    except OSError as exc:
        raise ObjectProblem("unreadable object", f"the object cannot be read: {exc.strerror}") from None
    finally:
        if isinstance(hashers, ThreadedDigests):
            hashers.close()
    return ReadResult(size, {a: d.hex() for a, d in hashers.result().items()})


def mismatches(result: ReadResult, size: int, expected: dict[str, str | None]) -> list[str]:
    """What differs from the register: "size" and the algorithms whose digest differs (None: not checked)."""
    wrong = ["size"] if result.size != size else []
    return wrong + [a for a, want in expected.items() if want is not None and result.digests.get(a) != want.lower()]


class VerifiedReader(io.RawIOBase):
    """A read-only stream of an object's plaintext; fails loudly at the end if the content is wrong.

    Each chunk is authenticated before any of its bytes are returned; the
    SHA-256 of everything read is compared with the register when the end is
    reached, and a mismatch raises ``IntegrityError`` naming the exhibit.
    """

    def __init__(self, vault: Vault, name: str, size: int, sha256: str, label: str) -> None:
        super().__init__()
        self._label = label
        self._size = size
        self._sha256 = sha256
        self._hash = Digests([PRIMARY])
        self._stack = contextlib.ExitStack()
        try:
            self._records = self._stack.enter_context(vault.open_records(name))
        except FileNotFoundError:
            raise IntegrityError(f"exhibit {label}: the encrypted object is missing from the vault") from None
        self._buf = memoryview(b"")
        self._seen = 0
        self._eof = False

    def readable(self) -> bool:
        return True

    def _next(self) -> bool:
        try:
            view, _ = next(self._records)
        except StopIteration:
            self._finish()
            return False
        except ObjectFormatError as exc:
            raise IntegrityError(f"exhibit {self._label}: {exc.kind}: {exc.detail}") from None
        self._hash.update(view)
        self._seen += len(view)
        self._buf = view
        if len(view) < CHUNK_SIZE:  # the final chunk: check the whole before handing it out
            self._finish()
        return True

    def _finish(self) -> None:
        if self._eof:
            return
        self._eof = True
        digest = self._hash.result()[PRIMARY].hex()
        if self._seen != self._size or digest != self._sha256:
            raise IntegrityError(
                f"exhibit {self._label}: wrong hash: the content does not match the SHA-256 in the register"
            )

    def readinto(self, b: memoryview) -> int:  # type: ignore[override]
        while not self._buf:
            if self._eof or not self._next():
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._stack.close()
        super().close()


def open_verified(vault: Vault, name: str, size: int, sha256: str, label: str,
                  whole_up_to: int = 32 << 20) -> io.BufferedIOBase:
    """A stream of the exhibit's bytes. Up to ``whole_up_to`` bytes the whole object is
    decrypted and checked before the first byte is returned; larger objects stream, each
    chunk authenticated, the hash checked when the end is reached."""
    raw = VerifiedReader(vault, name, size, sha256, label)
    if size <= whole_up_to:
        with raw:
            data = raw.readall()  # reaches the end, so the hash is checked here
        return io.BytesIO(data)
    return io.BufferedReader(raw, buffer_size=CHUNK_SIZE)


__all__ = [
    "ObjectProblem", "ReadResult", "SinkError", "VerifiedReader", "mismatches", "open_verified", "read_object",
]

