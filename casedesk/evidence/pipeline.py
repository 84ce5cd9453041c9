"""The ingest pipeline: each source file read once, hashed, typed, encrypted into the vault.

Files are processed by a small pool of worker threads (one per core), results
handed back in input order. A file up to ``SMALL_FILE`` bytes is read whole
and handled by its worker alone; a larger file is streamed through a fixed
pool of 1 MiB buffers: the worker reads and encrypts and writes, while one
thread per digest algorithm hashes the same buffers. Every heavy step
(``read``, hashlib, AES-GCM ``encrypt_into``, ``write``, libmagic) releases
the GIL, so the steps overlap on the available cores and memory stays flat.

A source is opened read-only without following links (``O_NOFOLLOW``),
without blocking on a FIFO swapped in (``O_NONBLOCK``) and, where the
operating system allows, without updating its access time (``O_NOATIME``):
ACPO principle 1. Its size, modification and change times are compared
before and after reading; a file that changed while being read is refused,
so no hash is ever recorded for bytes other than those stored.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import hashlib
import logging
import os
import stat
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casedesk.errors import Cancelled, StoreError
from casedesk.evidence.digests import PRIMARY, BufferPool, Digests, ThreadedDigests, Ticket
from casedesk.evidence.filetype import HEAD_BYTES, FileType, TypeDetector
from casedesk.evidence.ingest_pool import CHUNK_FILES, PROCESS_MIN, SmallFilePool, SmallResult
from casedesk.evidence.objectformat import CHUNK_SIZE, read_full
from casedesk.evidence.sources import SourceFile
from casedesk.evidence.vault import Pending, TempObject, Vault
from casedesk.progress import CancelToken, Progress, no_progress

log = logging.getLogger("casedesk.ingest")

SMALL_FILE = 4 << 20  # read whole; above this, stream through the buffer pool
POOL_BUFFERS = 8
POOL_BUFFERS_MANY_DIGESTS = 32
WINDOW = 2048  # files submitted ahead of the one being handed back (metadata only once done): more than a
# batch (BATCH_FILES in services.evidence), so the workers keep working while a batch is committed
POLL = 0.1  # seconds between progress reports while waiting


@dataclass(frozen=True)
class StoredFile:
    """A source read, hashed, typed and encrypted to a temporary vault object."""

    source: SourceFile
    pending: Pending
    digests: dict[str, str]  # algorithm -> hex, always with "sha256"
    file_type: FileType
    modified: datetime | None
    changed: datetime | None
    accessed: datetime | None

    @property
    def sha256(self) -> str:
        return self.digests[PRIMARY]


@dataclass(frozen=True)
class Refused:
    source: SourceFile
    reason: str


class _SourceError(Exception):
    """Reading the source failed: the file is skipped, the batch goes on."""


def _stamp(ns: int) -> datetime:
    return datetime.fromtimestamp(ns / 1e9, UTC)


def _reason(exc: OSError) -> str:
    return (exc.strerror or exc.__class__.__name__).lower()


_READ = os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_NOATIME = getattr(os, "O_NOATIME", 0)


def open_source(src: SourceFile) -> tuple[int, os.stat_result]:
    """Open ``src`` read-only, no links, no blocking, no access-time update where permitted."""
    return _open_at(src.path, src.dev, src.ino)


def _open_at(path: str | Path, dev: int, ino: int) -> tuple[int, os.stat_result]:
    """``open_source`` for the file listed at ``path`` as device ``dev``, inode ``ino``."""
    try:
        try:
            fd = os.open(path, _READ | _NOATIME)
        except PermissionError:
            if not _NOATIME:
                raise
            fd = os.open(path, _READ)  # O_NOATIME needs ownership; read without it
    except FileNotFoundError:
        raise _SourceError("disappeared before it could be read") from None
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: a link was swapped in
            raise _SourceError("became a symbolic link (links are not followed)") from None
        raise _SourceError(f"cannot read: {_reason(exc)}") from None
    st = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(st.st_mode):
        problem = "is no longer a regular file"
    elif st.st_ino != ino or st.st_dev != dev:
        problem = "was replaced by another file while the ingest ran"
    if problem:
        os.close(fd)
        raise _SourceError(problem)
    if st.st_size >= CHUNK_SIZE and hasattr(os, "posix_fadvise"):  # a smaller file is read in one call
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
    return fd, st


def _changed(before: os.stat_result, after: os.stat_result, read: int) -> bool:
    return (
        read != before.st_size
        or after.st_size != before.st_size
        or after.st_mtime_ns != before.st_mtime_ns
        or after.st_ctime_ns != before.st_ctime_ns
    )


class _Counter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, n: int) -> None:
        with self._lock:
            self.value += n


class _Stop(CancelToken):
    """Set by the user's token or by the pipeline itself when its consumer stops."""

    def __init__(self, user: CancelToken) -> None:
        super().__init__()
        self._user = user

    @property
    def cancelled(self) -> bool:
        return super().cancelled or self._user.cancelled

    def check(self) -> None:
        if self._user.cancelled:
            self._user.check()
        super().check()


def _store_open(vault: Vault, detector: TypeDetector, algorithms: Sequence[str], name: str, fd: int,
                before: os.stat_result, prefix: str | None) -> SmallResult:
    """Read the open file ``fd`` (smaller than one chunk) whole, hash and type it, check it did not change, and
    write it as one temporary object; closes ``fd``. The refusal reason, or what ``stored_file`` turns into a
    ``StoredFile``."""
    try:
        size = before.st_size
        buf = bytearray(size + 1)  # one byte more: a file that grew shows up here
        try:
            read = read_full(fd, memoryview(buf))
        except OSError as exc:
            return f"read error: {_reason(exc)}"
        data = memoryview(buf)[: min(read, size)]
        if len(algorithms) == 1:
            raw = {PRIMARY: hashlib.sha256(data).digest()}
        else:
            h = Digests(algorithms)
            h.update(data)
            raw = h.result()
        ftype = detector.detect(data[:HEAD_BYTES], name)
        if _changed(before, os.fstat(fd), read):
            return "changed while being read (size or modification time differs); ingest it again"
    finally:
        os.close(fd)
    temp, address = vault.write_small(data, prefix)
    return (temp, vault.name_for(raw[PRIMARY]), {a: d.hex() for a, d in raw.items()}, ftype.mime,
            ftype.description, ftype.warning, read, before.st_mtime_ns, before.st_ctime_ns, before.st_atime_ns,
            address)


def store_small(vault: Vault, detector: TypeDetector, algorithms: Sequence[str], src: SourceFile,
                prefix: str | None = None) -> SmallResult | None:
    """One file smaller than one chunk, opened, read whole, hashed, typed and written as a temporary object:
    the refusal reason, or the stored object (``SmallResult``); None when the file has grown past one chunk
    since it was listed (the general path stores it). ``prefix`` starts the temporary name."""
    return store_small_at(vault, detector, algorithms, str(src.path), src.dev, src.ino, prefix)


def store_small_at(vault: Vault, detector: TypeDetector, algorithms: Sequence[str], path: str, dev: int, ino: int,
                   prefix: str | None = None) -> SmallResult | None:
    """``store_small`` for the file listed at ``path`` as device ``dev``, inode ``ino`` (what a worker process
    receives)."""
    try:
        fd, before = _open_at(path, dev, ino)
    except _SourceError as exc:
        return str(exc)
    if before.st_size >= CHUNK_SIZE:  # grew past one chunk since it was listed: the general path reads it
        os.close(fd)
        return None
    return _store_open(vault, detector, algorithms, os.path.basename(path), fd, before, prefix)


def stored_file(src: SourceFile, r: tuple[str, str, dict[str, str], str, str, str | None, int, int, int, int, str]
                ) -> StoredFile:
    temp, name, digests, mime, description, warning, read, mtime, ctime, atime, address = r
    return StoredFile(source=src, pending=Pending(Path(temp), name, read, address), digests=digests,
                      file_type=FileType(mime, description, warning), modified=_stamp(mtime),
                      changed=_stamp(ctime), accessed=_stamp(atime))


class Ingester:
    """Turns source files into temporary vault objects with their digests and type."""

    def __init__(self, vault: Vault, algorithms: Sequence[str], workers: int | None = None,
                 processes: int | None = None) -> None:
        self.vault = vault
        self.algorithms = [PRIMARY, *[a for a in algorithms if a != PRIMARY]]
        self.detector = TypeDetector()
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
        self.workers = workers or max(2, min(4, cpus))
        self.processes = processes  # worker processes for small files; None: one per core, 0: none
        self._current = ""  # the file a worker started last, for progress messages
        self._listed_small = 0
        self._pool: SmallFilePool | None = None  # started while the files were listed, until ``run`` takes it

    # --- worker processes started early --------------------------------------
    def listed(self, src: SourceFile) -> None:
        """Told of each file as the ingest lists it (``sources.collect``): once ``PROCESS_MIN`` files smaller than
        one chunk are listed, the worker processes start while the rest are listed, instead of after."""
        if src.size < CHUNK_SIZE:
            self._listed_small += 1
            if self._listed_small == PROCESS_MIN and self.processes != 0 and self._pool is None:
                self._pool = SmallFilePool(self.vault, self.algorithms, self.processes)
                self._pool.start()

    def close(self) -> None:
        """Stop worker processes started early that ``run`` did not take (the ingest stopped before it ran)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.abandon(set())

    def __enter__(self) -> Ingester:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one file ----------------------------------------------------------
    def store(self, src: SourceFile, cancel: CancelToken, done: _Counter) -> StoredFile | Refused:
        cancel.check()
        self._current = src.relative_path
        try:
            fd, before = open_source(src)
        except _SourceError as exc:
            return Refused(src, str(exc))
        if before.st_size < CHUNK_SIZE:
            return self._one_record(src, fd, before, done)
        temp: TempObject | None = None
        try:
            temp = self.vault.new_temp(large=before.st_size > SMALL_FILE)
            if before.st_size <= SMALL_FILE:
                digests, ftype, read = self._small(fd, before.st_size, src, temp, done)
            else:
                digests, ftype, read = self._large(fd, src, temp, cancel, done)
            after = os.fstat(fd)
            if _changed(before, after, read):
                raise _SourceError("changed while being read (size or modification time differs); ingest it again")
            temp.close()
        except _SourceError as exc:
            if temp is not None:
                temp.discard()
            return Refused(src, str(exc))
        except BaseException:
            if temp is not None:
                temp.discard()
            raise
        finally:
            os.close(fd)
        sha = digests[PRIMARY]
        return StoredFile(
            source=src,
            pending=Pending(temp.path, self.vault.name_for(sha), read, temp.address),
            digests={a: d.hex() for a, d in digests.items()},
            file_type=ftype,
            modified=_stamp(before.st_mtime_ns),
            changed=_stamp(before.st_ctime_ns),
            accessed=_stamp(before.st_atime_ns),
        )

    def _one_record(self, src: SourceFile, fd: int, before: os.stat_result, done: _Counter) -> StoredFile | Refused:
        """A file smaller than one chunk (most evidence files): read whole, checked, then stored in one write.

        Closes ``fd``. The same steps as ``store_small`` (which worker processes run), in this process.
        """
        result = _store_open(self.vault, self.detector, self.algorithms, src.path.name, fd, before, None)
        if isinstance(result, str):
            return Refused(src, result)
        done.add(result[6])
        return stored_file(src, result)

    def _read(self, fd: int, view: memoryview) -> int:
        try:
            return read_full(fd, view)
        except OSError as exc:
            raise _SourceError(f"read error: {_reason(exc)}") from None

    def _small(self, fd: int, size: int, src: SourceFile, temp: TempObject,
               done: _Counter) -> tuple[dict[str, bytes], FileType, int]:
        buf = bytearray(size + 1)  # one byte more: a file that grew shows up here
        view = memoryview(buf)
        read = self._read(fd, view)
        data = view[: min(read, size)]
        h = Digests(self.algorithms)
        h.update(data)
        ftype = self.detector.detect(data[:HEAD_BYTES], src.path.name)
        offset = 0
        while True:
            piece = data[offset: offset + CHUNK_SIZE]
            final = len(piece) < CHUNK_SIZE
            temp.write(piece, final)
            offset += len(piece)
            if final:
                break
        done.add(len(data))
        return h.result(), ftype, read

    def _large(self, fd: int, src: SourceFile, temp: TempObject, cancel: CancelToken,
               done: _Counter) -> tuple[dict[str, bytes], FileType, int]:
        # With MD5 and SHA-1 the digest threads run at different speeds (MD5 is the slowest):
        # more buffers in flight let the faster ones run ahead instead of waiting in step.
        pool = BufferPool(POOL_BUFFERS if len(self.algorithms) == 1 else POOL_BUFFERS_MANY_DIGESTS, CHUNK_SIZE)
        hashers = ThreadedDigests(self.algorithms)
        ftype: FileType | None = None
        read = 0
        try:
            while True:
                cancel.check()
                buf = pool.get()
                view = memoryview(buf)
                try:
                    n = self._read(fd, view)
                except BaseException:
                    pool.put(buf)
                    raise
                chunk = view[:n]
                ticket = Ticket(pool, buf, hashers.holders + 1)
                hashers.submit(chunk, ticket)
                try:
                    if ftype is None:
                        ftype = self.detector.detect(chunk[:HEAD_BYTES], src.path.name)
                    temp.write(chunk, n < CHUNK_SIZE)
                finally:
                    ticket.release()
                read += n
                done.add(n)
                if n < CHUNK_SIZE:
                    break
        finally:
            hashers.close()
        assert ftype is not None
        return hashers.result(), ftype, read

    # --- many files --------------------------------------------------------
    def run(self, files: Sequence[SourceFile], progress: Progress = no_progress,
            cancel: CancelToken | None = None, idle_marks: bool = False) -> Iterator[StoredFile | Refused | None]:
        """Results in input order. Stops early, discarding unfinished work, when ``cancel`` is set.

        ``idle_marks``: ``None`` is handed back, once, whenever the next result is not ready yet after at least
        one result was handed back, so the caller can use the wait (the ingest commits the files it holds
        instead of waiting for a full batch). Without it, only results.

        Files that finished before the cancel are still handed back. A closed
        generator (the caller stopped) discards every temporary object it has
        not handed back. With at least ``PROCESS_MIN`` files smaller than one
        chunk (and ``processes`` not 0), those go to worker processes
        (``ingest_pool``; started by ``listed`` if it was told of the files),
        the rest to this process's threads.
        """
        user_cancel = cancel or CancelToken()
        stop = _Stop(user_cancel)
        total = sum(f.size for f in files)
        done = _Counter()
        small = sum(1 for f in files if f.size < CHUNK_SIZE)
        pool, self._pool = self._pool, None  # this run stops the workers started while the files were listed
        if pool is None and self.processes != 0 and small >= PROCESS_MIN:
            pool = SmallFilePool(self.vault, self.algorithms, self.processes)
        # Work in input order: (None, future) for a file of this process, (files, async result) for a chunk.
        window: collections.deque[tuple[list[SourceFile] | None, Any]] = collections.deque()
        in_flight = 0
        handed: set[str] = set()  # temporary objects of the workers handed back to the caller
        executor = cf.ThreadPoolExecutor(self.workers, thread_name_prefix="casedesk-ingest")
        finished = False
        handed_back = False  # a result was handed back since the last idle mark
        i = 0
        try:
            while True:
                while in_flight < WINDOW and i < len(files) and not stop.cancelled:
                    if pool is not None and files[i].size < CHUNK_SIZE:
                        chunk = [files[i]]
                        i += 1
                        while len(chunk) < CHUNK_FILES and i < len(files) and files[i].size < CHUNK_SIZE:
                            chunk.append(files[i])
                            i += 1
                        window.append((chunk, pool.submit(chunk)))
                        in_flight += len(chunk)
                    else:
                        window.append((None, executor.submit(self.store, files[i], stop, done)))
                        i += 1
                        in_flight += 1
                if stop.cancelled:
                    for _, fut in window:
                        fut.cancel()
                if not window:
                    break
                chunk_files, fut = window.popleft()
                if chunk_files is not None:
                    in_flight -= len(chunk_files)
                    if idle_marks and handed_back and not fut.done():
                        handed_back = False
                        yield None
                    yield from self._chunk_results(chunk_files, fut, stop, done, handed, progress, total)
                    handed_back = True
                    continue
                in_flight -= 1
                if idle_marks and handed_back and not fut.done():
                    handed_back = False
                    yield None
                while not fut.done():
                    cf.wait([fut], timeout=POLL)
                    progress(done.value, total, self._current)
                if fut.cancelled():
                    continue
                try:
                    result = fut.result()
                except Cancelled:
                    continue
                except OSError as exc:
                    raise self._vault_error(exc) from None
                progress(done.value, total, result.source.relative_path)
                handed_back = True
                yield result
            progress(done.value, total, "")
            finished = not stop.cancelled
        finally:
            stop.cancel()
            for _, fut in window:
                fut.cancel()
            executor.shutdown(wait=True)
            for chunk_files, fut in window:
                if chunk_files is None and fut.done() and not fut.cancelled() and fut.exception() is None:
                    res = fut.result()
                    if isinstance(res, StoredFile):
                        res.pending.temp.unlink(missing_ok=True)
            if pool is not None:
                if finished:
                    pool.close()
                else:
                    pool.abandon(handed)

    def _vault_error(self, exc: OSError) -> StoreError:
        return StoreError(f"cannot write to the vault at {self.vault.root}: {_reason(exc)}")

    def _chunk_results(self, chunk: list[SourceFile], fut: Any, stop: _Stop, done: _Counter, handed: set[str],
                       progress: Progress, total: int) -> Iterator[StoredFile | Refused]:
        """A worker's chunk, in order; nothing once cancelled before it was ready (``abandon`` removes it)."""
        self._current = chunk[0].relative_path
        while not fut.done():
            if stop.cancelled:
                return
            cf.wait([fut], timeout=POLL)
            progress(done.value, total, self._current)
        if fut.cancelled():
            return
        try:
            results: list[SmallResult | None] = fut.result()
        except BrokenProcessPool:
            raise StoreError("an ingest worker process stopped unexpectedly (killed, or out of memory); the files "
                             "not yet added can be ingested again with --skip-existing") from None
        except OSError as exc:
            raise self._vault_error(exc) from None
        for src, r in zip(chunk, results, strict=True):
            if r is None:  # grew past one chunk since it was listed: stored here
                if stop.cancelled:
                    return
                item = self.store(src, stop, done)
            elif isinstance(r, str):
                item = Refused(src, r)
            else:
                handed.add(r[0])
                done.add(r[6])
                item = stored_file(src, r)
            progress(done.value, total, src.relative_path)
            yield item
