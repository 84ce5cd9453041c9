"""Writing large vault objects with ``O_DIRECT``, overlapped on a writer thread.

Buffered writes of a 1 GiB object cost about half a second of CPU in the
kernel (page-cache allocation and copying) and push the user's own files out
of the page cache; the object must reach the disk before its exhibit is
committed anyway. With ``O_DIRECT`` the disk reads straight from our buffers.
Records are encrypted directly into one of two page-aligned staging buffers;
when a buffer is full its whole 4 KiB blocks go to a writer thread (which
waits for the disk with the GIL released) while the other buffer fills, and
the unaligned rest moves to the front of the next buffer. The last partial
block is written after ``O_DIRECT`` has been switched off.

Where the file system refuses ``O_DIRECT`` (tmpfs, some network file
systems), the writer switches it off and carries on with buffered writes.
"""

from __future__ import annotations

import errno
import fcntl
import mmap
import os
import queue
import threading
from typing import Protocol

ALIGN = 4096
O_DIRECT = getattr(os, "O_DIRECT", 0)


def _write_all(fd: int, view: memoryview) -> None:
    while view:
        n = os.write(fd, view)
        view = view[n:]


def direct_off(fd: int) -> None:
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    if flags & O_DIRECT:
        fcntl.fcntl(fd, fcntl.F_SETFL, flags & ~O_DIRECT)


class Hasher(Protocol):
    def update(self, data: memoryview, /) -> None: ...


class StagedDirectWriter:
    """Sequential writes to an ``O_DIRECT`` file descriptor through two aligned buffers."""

    def __init__(self, fd: int, capacity: int, hasher: Hasher | None = None) -> None:
        self._fd = fd
        # Fed every byte written, in order, on the writer thread: hashing what is written costs the ingesting
        # thread nothing (hashlib lets go of the interpreter for large updates).
        self._hasher = hasher
        self._capacity = (capacity + ALIGN - 1) // ALIGN * ALIGN + ALIGN
        self._free: queue.SimpleQueue[mmap.mmap] = queue.SimpleQueue()
        for _ in range(2):
            self._free.put(mmap.mmap(-1, self._capacity))
        self._full: queue.SimpleQueue[tuple[mmap.mmap, int] | None] = queue.SimpleQueue()
        self._error: OSError | None = None
        self._cur = self._free.get()
        self._pos = 0
        self._thread = threading.Thread(target=self._run, name="casedesk-vault-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._full.get()
            if item is None:
                return
            buf, length = item
            if self._error is None:
                try:
                    if self._hasher is not None:
                        self._hasher.update(memoryview(buf)[:length])
                    self._write(memoryview(buf)[:length])
                except OSError as exc:
                    self._error = exc
            self._free.put(buf)

    def _write(self, view: memoryview) -> None:
        try:
            _write_all(self._fd, view)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
            direct_off(self._fd)  # the file system does not do direct I/O: write through the cache
            _write_all(self._fd, view)

    def reserve(self, size: int) -> memoryview:
        """Space for the next ``size`` bytes (at most the capacity minus one block); ``advance`` after filling."""
        if self._pos + size > self._capacity:
            self._hand_off()
            if self._pos + size > self._capacity:
                raise ValueError("record larger than the staging buffer")
        return memoryview(self._cur)[self._pos: self._pos + size]

    def advance(self, size: int) -> None:
        self._pos += size

    def _hand_off(self) -> None:
        aligned = self._pos // ALIGN * ALIGN
        if aligned == 0:
            return
        nxt = self._free.get()
        self._raise()
        rest = self._pos - aligned
        nxt[:rest] = self._cur[aligned: self._pos]
        self._full.put((self._cur, aligned))
        self._cur, self._pos = nxt, rest

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def finish(self) -> None:
        """Write everything (the tail without ``O_DIRECT``) and stop the writer thread."""
        self._hand_off()
        self._full.put(None)
        self._thread.join()
        self._raise()
        if self._pos:
            if self._hasher is not None:  # after every full buffer: the writer thread has ended
                self._hasher.update(memoryview(self._cur)[: self._pos])
            direct_off(self._fd)
            _write_all(self._fd, memoryview(self._cur)[: self._pos])
            self._pos = 0

    def abort(self) -> None:
        self._full.put(None)
        self._thread.join()
