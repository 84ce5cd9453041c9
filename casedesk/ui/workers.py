"""Long operations off the GUI thread.

A ``Job`` wraps a plain function ``fn(progress, cancel) -> result`` from the
service layer and runs it on a ``QThreadPool``. The worker never touches a
widget: it emits signals (``progress``, ``succeeded``, ``failed``) that Qt
delivers, queued, on the GUI thread. Progress signals are throttled so a
callback per 1 MiB chunk does not flood the event loop.

``JobRunner`` owns a pool with a single thread: every long write (ingest,
export, verify) is serialised, as Anki does with its one collection executor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from casedesk.progress import CancelToken

log = logging.getLogger("casedesk.ui.workers")

JobFunction = Callable[[Callable[[int, int, str], None], CancelToken], Any]
PROGRESS_INTERVAL = 0.04  # seconds between progress signals (25 per second at most)
WORKER_NICENESS = 5  # background work yields the CPU to the GUI thread; threads it starts inherit this


def _lower_priority() -> None:
    """Linux keeps a nice value per thread, inherited by the threads it creates (ingest's hashers)."""
    if hasattr(os, "setpriority") and hasattr(threading, "get_native_id"):
        with contextlib.suppress(OSError):
            tid = threading.get_native_id()
            if os.getpriority(os.PRIO_PROCESS, tid) < WORKER_NICENESS:
                os.setpriority(os.PRIO_PROCESS, tid, WORKER_NICENESS)


class JobSignals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    done = Signal()  # after succeeded or failed


class Job(QRunnable):
    def __init__(self, name: str, fn: JobFunction) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps it until ``done``
        self.name = name
        self.fn = fn
        self.cancel_token = CancelToken()
        self.signals = JobSignals()
        self._last = 0.0
        self.finished = False

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _progress(self, done: int, total: int, message: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_INTERVAL:
            return
        self._last = now
        self.signals.progress.emit(int(done), int(total), message)

    def run(self) -> None:
        _lower_priority()
        try:
            result = self.fn(self._progress, self.cancel_token)
        except BaseException as exc:  # delivered to the GUI thread, shown there
            log.info("job %s ended with %s", self.name, type(exc).__name__)
            self.finished = True
            self.signals.failed.emit(exc)
        else:
            self.finished = True
            self.signals.succeeded.emit(result)
        self.signals.done.emit()


class JobRunner(QObject):
    """Runs jobs one at a time on a worker thread and keeps them alive until they end."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.pool.setExpiryTimeout(-1)  # one long-lived thread: one database connection
        self._jobs: list[Job] = []

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def submit(
        self,
        name: str,
        fn: JobFunction,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job:
        job = Job(name, fn)
        if on_progress is not None:
            job.signals.progress.connect(on_progress)
        if on_success is not None:
            job.signals.succeeded.connect(on_success)
        if on_failure is not None:
            job.signals.failed.connect(on_failure)
        job.signals.done.connect(lambda: self._forget(job))
        self._jobs.append(job)
        if len(self._jobs) == 1:
            self.busy_changed.emit(True)
        self.pool.start(job)
        return job

    def _forget(self, job: Job) -> None:
        # Connected through a lambda, which Qt does not disconnect when this runner goes: a job may end after its
        # window (this runner's parent) was closed and deleted, and emitting from a deleted object raises.
        if not shiboken6.isValid(self):
            return
        if job in self._jobs:
            self._jobs.remove(job)
            if not self._jobs:
                self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Cancel nothing, just wait for the pool to drain (used at sign-out and exit)."""
        return bool(self.pool.waitForDone(msecs))
