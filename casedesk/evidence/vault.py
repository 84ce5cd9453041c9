"""The vault directory: temporary objects, crash-safe publication, reading back, clean-up.

Layout: ``vault/ab/cdef...`` (object name split after two hex digits),
``vault/tmp/`` for objects being written, ``vault/.ingest.lock``.

An object's name is known only once its content has been read, so every
object is written under a temporary name in ``tmp/`` first. A batch is
published in this order: a journal listing the batch's object names is
written to ``tmp/``; the file system is flushed (``syncfs``, one call for the
whole batch instead of one ``fsync`` per file); the temporary files are
renamed to their names (or dropped when the name already exists: identical
content); the file system is flushed again; only then does the caller commit
the exhibit rows. A crash before the commit leaves temporary files and
perhaps published objects that no row references; the journal names them,
and the next sign-in removes them.

Ingests hold a shared lock on ``.ingest.lock`` from start to commit; the
clean-up runs only when it can take the lock exclusively, so it never removes
an object that a running ingest in another process is about to commit.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from casedesk.errors import StoreError
from casedesk.evidence.directio import O_DIRECT, StagedDirectWriter
from casedesk.evidence.objectformat import (
    CHUNK_SIZE,
    TAG_SIZE,
    AddressHasher,
    ObjectFormatError,
    ObjectNamer,
    Sealer,
    address_of,
    encrypted_size,
    iter_records,
    seal_whole,
    write_all,
)
from casedesk.fsutil import fsync_dir

log = logging.getLogger("casedesk.vault")

TMP = "tmp"
LOCK = ".ingest.lock"
PART_SUFFIX = ".part"
JOURNAL_SUFFIX = ".batch"
WRITEBACK_EVERY = 32 << 20  # start write-back of a large object every 32 MiB
FSYNC_EACH_UP_TO = 16  # files and folders to flush one by one; more: one syncfs
STAGE_RECORDS = 8  # direct I/O staging buffers of about 8 MiB: large writes keep the disk busy


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


_SYNCFS = _load_syncfs()

RENAME_NOREPLACE = 1
AT_FDCWD = -100


def _load_renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _load_renameat2()


def _rename_new(src: str, dst: str) -> bool:
    """Rename ``src`` to ``dst`` only if ``dst`` does not exist (one ``renameat2(RENAME_NOREPLACE)`` where the
    system has it); False when ``dst`` exists. Raises ``FileNotFoundError`` when ``dst``'s folder is missing."""
    if _RENAMEAT2 is not None:
        if _RENAMEAT2(AT_FDCWD, os.fsencode(src), AT_FDCWD, os.fsencode(dst), RENAME_NOREPLACE) == 0:
            return True
        err = ctypes.get_errno()
        if err == errno.EEXIST:
            return False
        if err not in (errno.EINVAL, errno.ENOSYS):  # EINVAL/ENOSYS: the file system or kernel lacks it
            raise OSError(err, os.strerror(err), dst)
    if os.path.lexists(dst):
        return False
    os.link(src, dst)  # refuses an existing name too
    os.unlink(src)
    return True


def _open_flags(write: bool) -> int:
    flags = os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0)
    return flags | (os.O_WRONLY | os.O_CREAT | os.O_EXCL if write else os.O_RDONLY)


_CREATE = _open_flags(True)


class TempObject:
    """One object being written under a temporary name; ``write`` takes plaintext chunks.

    ``direct=True`` (large objects) writes with ``O_DIRECT`` through a
    staging writer thread (``directio``); otherwise writes are buffered and
    write-back is started every ``WRITEBACK_EVERY`` bytes.
    """

    def __init__(self, path: Path, encryption_key: bytes, direct: bool = False) -> None:
        self.path = path
        self._sealer = Sealer(encryption_key)
        self._address = AddressHasher()  # of the bytes written: what the ingest entry binds the object to
        self._written = 0
        self._advised = 0
        self._stage: StagedDirectWriter | None = None
        self._fd = self._open(path, direct)
        try:
            if direct and O_DIRECT and fcntl.fcntl(self._fd, fcntl.F_GETFL) & O_DIRECT:
                # The writer thread hashes what it writes (the address): a large object's second SHA-256 pass
                # runs beside the ingest's own hashing and sealing instead of after it.
                self._stage = StagedDirectWriter(self._fd, STAGE_RECORDS * (CHUNK_SIZE + TAG_SIZE), self._address)
                self._put(self._sealer.header.raw)
            else:
                self._address.update(self._sealer.header.raw)
                write_all(self._fd, self._sealer.header.raw)
        except BaseException:
            self.discard()
            raise

    @staticmethod
    def _open(path: Path, direct: bool) -> int:
        if direct and O_DIRECT:
            try:
                return os.open(path, _open_flags(True) | O_DIRECT, 0o600)
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                path.unlink(missing_ok=True)  # the file system refuses O_DIRECT: buffered it is
        return os.open(path, _open_flags(True), 0o600)

    def _put(self, data: bytes) -> None:
        assert self._stage is not None
        self._stage.reserve(len(data))[:] = data
        self._stage.advance(len(data))

    def write(self, chunk: memoryview | bytes, final: bool) -> None:
        if self._stage is not None:
            size = len(chunk) + TAG_SIZE
            room = self._stage.reserve(size)
            self._sealer.seal_into(chunk, final, room)
            self._stage.advance(size)  # hashed into the address by the writer thread, as it is written
            return
        record = self._sealer.seal(chunk, final)
        self._address.update(record)
        write_all(self._fd, record)
        self._written += len(record)
        if self._written - self._advised >= WRITEBACK_EVERY and hasattr(os, "posix_fadvise"):
            # Start write-back now (asynchronously) so the batch's flush has little left to do,
            # and keep encrypted pages from crowding the page cache.
            os.posix_fadvise(self._fd, self._advised, self._written - self._advised, os.POSIX_FADV_DONTNEED)
            self._advised = self._written

    @property
    def address(self) -> str:
        """The address of the bytes written (docs/sync-protocol.md, "Objects"); read it after ``close``."""
        if self._stage is not None:
            raise ValueError("the address of a staged object is known once it is closed")
        return self._address.hexdigest()

    def close(self, durable: bool = False) -> None:
        if self._fd < 0:
            return
        if not self._sealer.finished:
            raise ValueError("object closed before its final chunk")
        try:
            if self._stage is not None:
                self._stage.finish()
                self._stage = None
            if durable:
                os.fsync(self._fd)
        finally:
            os.close(self._fd)
            self._fd = -1

    def discard(self) -> None:
        if self._stage is not None:
            self._stage.abort()
            self._stage = None
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        with contextlib.suppress(OSError):
            self.path.unlink()


@dataclass(frozen=True)
class Pending:
    """A finished temporary object waiting to be published."""

    temp: Path
    name: str
    size: int  # plaintext bytes
    address: str | None = None  # of the object's bytes as written (None: not taken, e.g. a re-encryption)


class Vault:
    def __init__(self, root: Path, encryption_key: bytes, naming_key: bytes) -> None:
        self.root = root
        self.tmp = root / TMP
        self._tmp_text = str(self.tmp)
        self._encryption_key = encryption_key
        self._naming_key = naming_key
        self._namer = ObjectNamer(naming_key)

    @property
    def encryption_key(self) -> bytes:
        return self._encryption_key

    @property
    def naming_key(self) -> bytes:
        return self._naming_key

    # --- names and paths ---------------------------------------------------
    def name_for(self, sha256_digest: bytes) -> str:
        return self._namer(sha256_digest)

    def object_path(self, name: str) -> Path:
        if not _is_name(name):
            raise ValueError("not a vault object name")
        return self.root / name[:2] / name[2:]

    def ensure(self) -> None:
        try:
            self.root.mkdir(mode=0o700, exist_ok=True)
            self.tmp.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the vault at {self.root}: {exc.strerror}") from None

    # --- writing -----------------------------------------------------------
    @contextlib.contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Shared between concurrent ingests; the clean-up needs it exclusively."""
        self.ensure()
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def new_temp(self, large: bool = False) -> TempObject:
        """A temporary object; ``large`` ones are written with direct I/O."""
        return TempObject(self.tmp / f"{os.getpid()}-{uuid.uuid4().hex}{PART_SUFFIX}", self._encryption_key,
                          direct=large)

    def write_small(self, data: memoryview | bytes, prefix: str | None = None) -> tuple[str, str]:
        """A whole object of fewer than ``CHUNK_SIZE`` bytes (header and its one, final record) written to a new
        temporary name in one call, and returns its path; ``new_temp`` and ``TempObject`` write the same bytes
        in several. Returns the path and the object's address.

        ``prefix``: the start of the temporary name (default ``PID-``)."""
        header, record = seal_whole(self._encryption_key, data)
        path = f"{self._tmp_text}/{prefix or f'{os.getpid()}-'}{os.urandom(16).hex()}{PART_SUFFIX}"
        fd = os.open(path, _CREATE, 0o600)
        try:
            written = os.writev(fd, [header, record])
            if written < len(header) + len(record):  # a short write: the rest, as write_all does
                write_all(fd, (header + record)[written:])
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(path)
            raise
        os.close(fd)
        return path, address_of(header, record)

    def _flush(self, files: list[Path], dirs: set[Path]) -> None:
        """Make ``files`` and the entries of ``dirs`` durable.

        Many at once: one ``syncfs`` of the vault's file system (a batch of
        10,000 small files would otherwise cost 10,000 ``fsync`` calls). A
        few: ``fsync`` each, which does not wait for unrelated dirty data of
        other programs.
        """
        if _SYNCFS is not None and len(files) + len(dirs) > FSYNC_EACH_UP_TO:
            fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            try:
                if _SYNCFS(fd) != 0:
                    err = ctypes.get_errno()
                    raise OSError(err, os.strerror(err))
            finally:
                os.close(fd)
            return
        for path in files:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        for d in dirs:
            fsync_dir(d)

    def publish(self, batch: list[Pending], kept: set[Path] | None = None) -> Path:
        """Move ``batch`` to its final names, durably; returns the journal to drop after the commit.

        A name that exists already is never replaced when it holds an object of the right size (the same
        content, stored before); one of the wrong size (damaged) is replaced with this fresh copy and logged.
        ``kept`` gets the temporary path of each object not published for that reason (its bytes, and so its
        address, are not the ones in the vault).
        """
        journal = self.tmp / f"{os.getpid()}-{uuid.uuid4().hex}{JOURNAL_SUFFIX}"
        fd = os.open(journal, _open_flags(True), 0o600)
        try:
            write_all(fd, json.dumps(sorted({p.name for p in batch})).encode())
        finally:
            os.close(fd)
        self._flush([journal, *(p.temp for p in batch)], {self.tmp})
        dirs: set[str] = set()
        root = str(self.root)
        for p in batch:
            name = p.name
            if not _is_name(name):
                raise ValueError("not a vault object name")
            folder = f"{root}/{name[:2]}"
            final = f"{folder}/{name[2:]}"
            temp = str(p.temp)
            try:
                renamed = _rename_new(temp, final)
            except FileNotFoundError:
                if os.path.isdir(folder):
                    raise  # the temporary object itself is gone
                os.mkdir(folder, 0o700)
                dirs.add(root)  # the new folder's own entry must last too
                renamed = _rename_new(temp, final)
            dirs.add(folder)
            if renamed:
                continue
            if os.stat(final).st_size == encrypted_size(p.size):
                os.unlink(temp)  # the same content is stored already
                if kept is not None:
                    kept.add(p.temp)
                continue
            log.warning("vault object %s had the wrong size; replaced with a fresh copy", name[:12])
            os.replace(temp, final)
        # The renamed objects' folders; the temporary names' removal from tmp/ needs no flush
        # (a temporary name that reappears after a crash is removed at the next sign-in).
        self._flush([], {Path(d) for d in dirs})
        return journal

    def exists(self, name: str) -> bool:
        return self.object_path(name).exists()

    # --- reading -----------------------------------------------------------
    @contextlib.contextmanager
    def open_records(
        self, name: str, next_buffer: Callable[[], bytearray] | None = None
    ) -> Iterator[Iterator[tuple[memoryview, int]]]:
        """Authenticated plaintext chunks of object ``name`` (see ``iter_records``)."""
        fd = os.open(self.object_path(name), _open_flags(False))
        try:
            if hasattr(os, "posix_fadvise"):
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)
            yield iter_records(fd, self._encryption_key, next_buffer)
        finally:
            os.close(fd)


_NAME = re.compile(r"[0-9a-f]{64}")


def _is_name(value: object) -> bool:
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


@dataclass(frozen=True)
class CleanupReport:
    temporary_files: int
    orphan_objects: int


def clean_up(root: Path, referenced: Callable[[list[str]], set[str]]) -> CleanupReport | None:
    """Remove leftovers of interrupted ingests; None when another ingest is running.

    ``referenced(names)`` returns which of ``names`` the register knows.
    """
    tmp = root / TMP
    if not tmp.is_dir():
        return CleanupReport(0, 0)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return None
            raise
        temporary = orphans = 0
        entries = sorted(tmp.iterdir(), key=lambda p: p.suffix != JOURNAL_SUFFIX)  # journals first
        for entry in entries:
            if entry.suffix == JOURNAL_SUFFIX:
                try:
                    names = [n for n in json.loads(entry.read_text("utf-8")) if _is_name(n)]
                except (OSError, ValueError):
                    names = []  # a journal cut short by the crash: its temp files never got renamed
                known = referenced(names)
                for name in names:
                    if name in known:
                        continue
                    with contextlib.suppress(FileNotFoundError):
                        (root / name[:2] / name[2:]).unlink()
                        orphans += 1
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                temporary += 1
        return CleanupReport(temporary, orphans)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


__all__ = [
    "CHUNK_SIZE",
    "CleanupReport",
    "ObjectFormatError",
    "Pending",
    "TempObject",
    "Vault",
    "clean_up",
]
