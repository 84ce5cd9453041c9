"""Small files stored by worker processes: read, hashed, typed, encrypted and written to ``vault/tmp/`` off the
ingesting process.

An ingest of thousands of small files is bound by CPU, not by the disk: libmagic alone costs about 0.3 ms a
file (what ``file --mime-type`` spends too), and the Python steps around it (opening, checking, naming,
writing) hold the interpreter's lock, as do the register inserts and the signature of each custody entry in
the ingesting process. Threads therefore wait for one another; processes do not. Files smaller than one
chunk go to one worker process per core, in chunks of ``CHUNK_FILES`` in input order, and come back as
compact tuples (``SmallResult``); each worker does exactly what the in-process path does
(``pipeline.store_small``), so an exhibit is the same whichever path stored it.

The workers are started with ``spawn`` (never ``fork``: the ingesting process may hold Qt or SQLite state) and
receive the case's vault keys through the pool's pipe, never through a file. Every temporary object a worker
writes is named with this ingest's own prefix, so the objects of work that is abandoned (a cancel, an error)
can be found and removed at once instead of waiting for the next sign-in's clean-up.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casedesk.evidence.filetype import TypeDetector
from casedesk.evidence.sources import SourceFile
from casedesk.evidence.vault import PART_SUFFIX, Vault

CHUNK_FILES = 32  # files a worker stores per task: one pipe round trip for about 10 ms of work
PARENT_CHECK = 0.5  # seconds between a worker's checks that the ingesting process still lives
PROCESS_MIN = 400  # fewer small files than this: threads (starting the workers costs more than they save)

# What a worker sends back for one file: the refusal reason (str) or a tuple
# (temp path, object name, {algorithm: hex digest}, mime, description, type warning, bytes read,
#  mtime ns, ctime ns, atime ns).
SmallResult = str | tuple[str, str, dict[str, str], str, str, str | None, int, int, int, int, str]

_worker: dict[str, Any] = {}


def _init(root: str, encryption_key: bytes, naming_key: bytes, algorithms: list[str], prefix: str,
          parent: int) -> None:
    from casedesk.evidence.pipeline import store_small_at  # the pipeline imports this module

    # Ctrl+C in a terminal reaches the whole process group: the ingesting process cancels (and stops the
    # workers); a worker that took it as KeyboardInterrupt would print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if os.getppid() != parent:  # the ingesting process died while this one started
        os._exit(1)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="casedesk-ingest-parent", daemon=True).start()
    _worker.update(vault=Vault(Path(root), encryption_key, naming_key), detector=TypeDetector(),
                   algorithms=algorithms, prefix=prefix, store=store_small_at)


def _exit_with_parent(parent: int) -> None:
    """A worker whose ingesting process died (killed) leaves at once instead of waiting for work for ever."""
    while True:
        time.sleep(PARENT_CHECK)
        if os.getppid() != parent:
            os._exit(1)


def _store_chunk(jobs: list[tuple[str, int, int]]) -> list[SmallResult | None]:
    w = _worker
    store, vault, detector, algorithms, prefix = w["store"], w["vault"], w["detector"], w["algorithms"], w["prefix"]
    return [store(vault, detector, algorithms, path, dev, ino, prefix) for path, dev, ino in jobs]


def _ready() -> None:
    """Submitted once per worker to start the worker processes ahead of the files: loads libmagic's database."""
    _worker["detector"].detect(b"", "")


def worker_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SmallFilePool:
    """Worker processes storing small files into one vault (one ingest's keys).

    A ``ProcessPoolExecutor``: a worker that dies (killed, out of memory) fails the chunks in flight with
    ``BrokenProcessPool`` instead of leaving them unanswered for ever, as ``multiprocessing.Pool`` would.
    """

    def __init__(self, vault: Vault, algorithms: Sequence[str], processes: int | None = None) -> None:
        self.vault = vault
        # This ingest's temporary names: PID-TOKEN-... (the vault's own are PID-...).
        self.prefix = f"{os.getpid()}-{uuid.uuid4().hex[:12]}-"
        ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold Qt or SQLite state
        self._workers = processes or worker_count()
        self._pool = cf.ProcessPoolExecutor(self._workers, mp_context=ctx, initializer=_init,
                                            initargs=(str(vault.root), vault.encryption_key, vault.naming_key,
                                                      list(algorithms), self.prefix, os.getpid()))
        self._closed = False

    def start(self) -> None:
        """Start every worker process now (they start one per task submitted while none is idle), so that they
        import and load libmagic while this process still lists the files."""
        for _ in range(self._workers):
            self._pool.submit(_ready)

    def submit(self, files: Sequence[SourceFile]) -> cf.Future[list[SmallResult | None]]:
        """The results of ``files``, in their order."""
        return self._pool.submit(_store_chunk, [(str(f.path), f.dev, f.ino) for f in files])

    def close(self) -> None:
        """Wait for the workers to finish (every submitted chunk must have been collected)."""
        if not self._closed:
            self._closed = True
            self._pool.shutdown(wait=True)

    def abandon(self, kept: set[str]) -> None:
        """Drop the chunks not started, wait for the ones being stored (a chunk takes milliseconds), then remove
        every temporary object of this ingest not in ``kept``."""
        if not self._closed:
            self._closed = True
            self._pool.shutdown(wait=True, cancel_futures=True)
        try:
            names = os.listdir(self.vault.tmp)
        except OSError:
            return
        for name in names:
            if name.startswith(self.prefix) and name.endswith(PART_SUFFIX):
                path = str(self.vault.tmp / name)
                if path not in kept:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass  # the next sign-in's clean-up removes it
