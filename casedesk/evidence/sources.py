"""What an ingest reads: single files, many files, and whole folders.

Folders are walked recursively in name order, keeping each file's path
relative to the folder's parent (``emails/inbox/1.eml``). Nothing is
followed: a symbolic link is recorded as skipped, and so are FIFOs, devices
and sockets (opening a FIFO would block, and reading a device is not reading
a file). Zero-byte files are evidence too and are kept.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    path: Path
    relative_path: str
    size: int
    dev: int
    ino: int


@dataclass(frozen=True)
class SkippedItem:
    path: str
    reason: str


def _special_reason(mode: int) -> str | None:
    if stat.S_ISLNK(mode):
        return "symbolic link (links are not followed)"
    if stat.S_ISFIFO(mode):
        return "special file: FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "special file: character device"
    if stat.S_ISBLK(mode):
        return "special file: block device"
    if stat.S_ISSOCK(mode):
        return "special file: socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "not a regular file"
    return None


def _os_reason(exc: OSError) -> str:
    return exc.strerror.lower() if exc.strerror else exc.__class__.__name__


class _Collector:
    def __init__(self, exclude: Path | None, listed: Callable[[SourceFile], None] | None = None) -> None:
        self.listed = listed
        self.files: list[SourceFile] = []
        self.skipped: list[SkippedItem] = []
        self._seen: dict[tuple[int, int], str] = {}
        self._exclude: tuple[int, int] | None = None
        if exclude is not None:
            try:
                st = os.stat(exclude)
                self._exclude = (st.st_dev, st.st_ino)
            except OSError:
                self._exclude = None

    def add(self, path: Path, relative: str, st: os.stat_result) -> None:
        reason = _special_reason(st.st_mode)
        if reason is not None:
            self.skipped.append(SkippedItem(str(path), reason))
            return
        if stat.S_ISDIR(st.st_mode):
            self.walk(path, relative, st)
            return
        key = (st.st_dev, st.st_ino)
        if key in self._seen:
            self.skipped.append(SkippedItem(str(path), f"same file as {self._seen[key]} (listed twice or a hard link)"))
            return
        self._seen[key] = str(path)
        src = SourceFile(path, relative, st.st_size, st.st_dev, st.st_ino)
        self.files.append(src)
        if self.listed is not None:
            self.listed(src)

    def walk(self, folder: Path, relative: str, st: os.stat_result) -> None:
        if self._exclude == (st.st_dev, st.st_ino):
            self.skipped.append(SkippedItem(str(folder), "this is CaseDesk's own data directory"))
            return
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            self.skipped.append(SkippedItem(str(folder), f"cannot read folder: {_os_reason(exc)}"))
            return
        for entry in entries:
            child = folder / entry.name
            try:
                child_st = entry.stat(follow_symlinks=False)
            except OSError as exc:
                self.skipped.append(SkippedItem(str(child), f"cannot read: {_os_reason(exc)}"))
                continue
            self.add(child, f"{relative}/{entry.name}", child_st)


def collect(paths: list[Path], exclude: Path | None = None, listed: Callable[[SourceFile], None] | None = None
            ) -> tuple[list[SourceFile], list[SkippedItem]]:
    """Files to ingest, in order, and what was skipped with the reason; ``exclude`` is never entered.

    ``listed`` is called with each file as it is listed (the ingest starts its worker processes meanwhile)."""
    c = _Collector(exclude, listed)
    for given in paths:
        path = Path(os.path.abspath(given))  # keep a link's own name: no resolve()
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            c.skipped.append(SkippedItem(str(given), "does not exist"))
            continue
        except OSError as exc:
            c.skipped.append(SkippedItem(str(given), f"cannot read: {_os_reason(exc)}"))
            continue
        c.add(path, path.name or str(path), st)
    return c.files, c.skipped
