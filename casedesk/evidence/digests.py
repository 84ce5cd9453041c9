"""Content digests: SHA-256 always, MD5 and SHA-1 when the installation asks for them.

Large inputs are hashed on one thread per algorithm, fed with memoryviews of
shared read buffers, so hashing overlaps with reading, encryption and
writing (hashlib releases the GIL for buffers over 2 KiB). A small pool of
fixed buffers keeps memory flat whatever the input size.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Sequence
from typing import Any

PRIMARY = "sha256"
EXTRA = ("md5", "sha1")


def _new(algorithm: str) -> Any:
    if algorithm == "md5":  # exchange with older tools only, never a security decision
        return hashlib.md5(usedforsecurity=False)
    if algorithm == "sha1":
        return hashlib.sha1(usedforsecurity=False)
    return hashlib.new(algorithm)


class Digests:
    """Hashes fed in the calling thread (small inputs)."""

    def __init__(self, algorithms: Sequence[str]) -> None:
        self._hashes = {a: _new(a) for a in algorithms}

    def update(self, data: memoryview | bytes) -> None:
        for h in self._hashes.values():
            h.update(data)

    def result(self) -> dict[str, bytes]:
        return {a: h.digest() for a, h in self._hashes.items()}


class BufferPool:
    """A fixed set of equal buffers; ``get`` blocks until one is free."""

    def __init__(self, count: int, size: int) -> None:
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        for _ in range(count):
            self._free.put(bytearray(size))

    def get(self) -> bytearray:
        return self._free.get()

    def put(self, buf: bytearray) -> None:
        self._free.put(buf)


class Ticket:
    """Returns ``buf`` to ``pool`` once every holder has released it."""

    __slots__ = ("_buf", "_count", "_lock", "_pool")

    def __init__(self, pool: BufferPool, buf: bytearray, holders: int) -> None:
        self._pool = pool
        self._buf = buf
        self._count = holders
        self._lock = threading.Lock()

    def release(self) -> None:
        with self._lock:
            self._count -= 1
            done = self._count == 0
        if done:
            self._pool.put(self._buf)


_STOP = None


class ThreadedDigests:
    """One thread per algorithm; ``submit`` hands over a view and the ticket to release after."""

    def __init__(self, algorithms: Sequence[str]) -> None:
        self._hashes = {a: _new(a) for a in algorithms}
        self._queues: list[queue.SimpleQueue[tuple[memoryview, Ticket] | None]] = []
        self._threads: list[threading.Thread] = []
        for algorithm, h in self._hashes.items():
            q: queue.SimpleQueue[tuple[memoryview, Ticket] | None] = queue.SimpleQueue()
            t = threading.Thread(target=self._run, args=(h, q), name=f"casedesk-{algorithm}", daemon=True)
            self._queues.append(q)
            self._threads.append(t)
            t.start()

    @property
    def holders(self) -> int:
        return len(self._queues)

    @staticmethod
    def _run(h: Any, q: queue.SimpleQueue[tuple[memoryview, Ticket] | None]) -> None:
        while True:
            item = q.get()
            if item is _STOP or item is None:
                return
            view, ticket = item
            try:
                h.update(view)
            finally:
                ticket.release()

    def submit(self, view: memoryview, ticket: Ticket) -> None:
        for q in self._queues:
            q.put((view, ticket))

    def close(self) -> None:
        for q in self._queues:
            q.put(_STOP)
        for t in self._threads:
            t.join()

    def result(self) -> dict[str, bytes]:
        """Digests after ``close``."""
        return {a: h.digest() for a, h in self._hashes.items()}
