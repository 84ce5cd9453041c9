"""Noticing that another process changed the store (a colleague's CLI, a second window, a sync).

The database's files (``casedesk.db``, its ``-wal``) and ``keyslots.json`` (its log-head copy is rewritten after
every write) are watched with ``QFileSystemWatcher``: an event starts a short debounce, then one indexed read of
the custody log's head says whether anything was written. A slow timer does the same read in case file events
are not delivered (some network file systems); nothing polls in a loop.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from casedesk.errors import CaseDeskError
from casedesk.services.session import Session

log = logging.getLogger("casedesk.ui")

DEBOUNCE_MS = 400
FALLBACK_MS = 20_000


class StoreWatcher(QObject):
    changed = Signal(int)  # the new head entry number

    def __init__(self, session: Session, parent: QObject | None = None, fallback_ms: int = FALLBACK_MS) -> None:
        super().__init__(parent)
        self.session = session
        self.seen = self._head()
        root = session.datadir.root
        self._files = [str(session.datadir.database), f"{session.datadir.database}-wal",
                       str(session.datadir.keyslots)]
        self._watcher = QFileSystemWatcher(self)
        self._watcher.addPath(str(root))  # the -wal file comes and goes: its creation is a directory event
        self._watch_files()
        self._watcher.fileChanged.connect(self._poke)
        self._watcher.directoryChanged.connect(self._poke)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.check)
        self._fallback = QTimer(self)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self.check)
        self._fallback.start()

    def _watch_files(self) -> None:
        """(Re-)watch the files: one replaced by a rename is no longer the file being watched."""
        watched = set(self._watcher.files())
        for path in self._files:
            if path not in watched and Path(path).exists():
                self._watcher.addPath(path)

    def _poke(self, _path: str) -> None:
        self._watch_files()
        self._debounce.start()

    def _head(self) -> int:
        try:
            return self.session.head_seq()
        except CaseDeskError as exc:  # e.g. the account was disabled meanwhile: the next action says so
            log.info("store watch: head not read (%s)", type(exc).__name__)
            return getattr(self, "seen", 0)

    def catch_up(self) -> None:
        """This window wrote (and refreshed what it changed): no need to announce its own entries."""
        self.seen = max(self.seen, self._head())

    def check(self) -> None:
        head = self._head()
        if head <= self.seen:
            return
        own = {s for s in self.session.own_entries if s <= head}
        others = (head - self.seen) - sum(1 for s in own if s > self.seen)
        self.session.own_entries.difference_update(own)
        self.seen = head
        if others > 0:  # not only this window's own entries (a preview's "viewed", a note it added)
            self.changed.emit(head)

    def stop(self) -> None:
        self._debounce.stop()
        self._fallback.stop()
        for paths in (self._watcher.files(), self._watcher.directories()):
            if paths:
                self._watcher.removePaths(paths)
