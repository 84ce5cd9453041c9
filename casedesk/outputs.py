"""Files CaseDesk writes where the user says: never over an existing file, never into the data directory, never half.

Every output (a bundle and its sidecars, a custody export, an extracted
original) goes through here:

- ``check_target`` refuses, before anything is written, a target that exists
  (a file, a folder, a link, even a dangling one) and any path that is, or
  lies inside, the installation's data directory (symbolic links resolved, so
  ``~/link-to-data/casedesk.db`` is refused as well);
- a ``NewFile`` is written as an anonymous file in the target's folder
  (``O_TMPFILE``): until ``publish`` links it to its name it has none, so a
  kill, a crash or an error leaves nothing behind, and clean-up never needs to
  delete a name (so it can never delete a file CaseDesk did not create);
- ``publish`` links the file to its name with ``link(2)``, which fails if the
  name exists: nothing is ever replaced, even if something appeared since the
  check.

``Scratch`` gives the bundle builder work files the same way: anonymous files
that libraries can still open by name (``/proc/self/fd/N``), gone when the
process ends however it ends. Decrypted originals never lie on disk under a
name.

Where the file system cannot make anonymous files, a named temporary file
(mode 0600, in a private 0700 folder for scratch work) is used instead and
removed by the clean-up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from casedesk.errors import UsageError
from casedesk.fsutil import fsync_dir

_PROC_FD = Path("/proc/self/fd")
_NO_TMPFILE = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT})


def inside(path: Path | str, root: Path | str) -> bool:
    """True when ``path`` is ``root`` or lies under it, comparing real paths (links resolved)."""
    real = os.path.realpath(path)
    base = os.path.realpath(root)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def refuse_data_dir(path: Path, data_root: Path, what: str) -> None:
    if inside(path, data_root):
        raise UsageError(
            f"{path} is inside CaseDesk's data directory {os.path.realpath(data_root)}; "
            f"{what} must go elsewhere: choose another folder"
        )


def check_target(path: Path | str, data_root: Path, what: str = "an output") -> Path:
    """The absolute target path, or ``UsageError`` if CaseDesk must not write there. Writes nothing."""
    target = Path(path).expanduser().absolute()
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist")
    refuse_data_dir(target, data_root, what)
    if os.path.lexists(target):
        raise UsageError(f"{target} already exists; CaseDesk never replaces a file: choose a new name")
    return target


def _anonymous(folder: Path, mode: int) -> int | None:
    """An unnamed file in ``folder`` (its descriptor), or None where the file system cannot make one."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not _PROC_FD.is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno in _NO_TMPFILE:
            return None
        raise


class NewFile:
    """A file for ``target`` that has no name until ``publish``; closing it unpublished leaves nothing."""

    def __init__(self, target: Path, mode: int = 0o600) -> None:
        self.target = target
        self.published = False
        self._temp: Path | None = None
        fd = _anonymous(target.parent, mode)
        if fd is None:
            self._temp = target.parent / f".casedesk-{uuid.uuid4().hex[:12]}.partial"
            fd = os.open(self._temp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
        self.fd = fd
        self._identity = os.fstat(fd)

    @property
    def path(self) -> Path:
        """A name for libraries that insist on one; valid while this file is open."""
        return self._temp if self._temp is not None else _PROC_FD / str(self.fd)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def publish(self) -> None:
        """Make the file durable and give it its name; ``UsageError`` (nothing replaced) if the name is taken."""
        os.fsync(self.fd)
        try:
            if self._temp is not None:
                os.link(self._temp, self.target)
            else:
                # linkat(AT_SYMLINK_FOLLOW) on the magic link names the anonymous file; Python calls plain
                # link(2), which does not follow it, unless a directory descriptor is given.
                folder = os.open(self.target.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
                try:
                    os.link(_PROC_FD / str(self.fd), self.target.name, dst_dir_fd=folder, follow_symlinks=True)
                finally:
                    os.close(folder)
        except FileExistsError:
            raise UsageError(f"{self.target} appeared while CaseDesk was writing it; nothing was replaced: "
                             "choose a new name") from None
        self.published = True

    def unpublish(self) -> None:
        """Take back the name ``publish`` gave, but only while it still names this very file."""
        if not self.published:
            return
        with contextlib.suppress(OSError):
            st = os.lstat(self.target)
            if (st.st_dev, st.st_ino) == (self._identity.st_dev, self._identity.st_ino):
                os.unlink(self.target)
        self.published = False

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self._temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._temp)
            self._temp = None

    def __enter__(self) -> NewFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def publish_all(files: Sequence[NewFile]) -> None:
    """Name every file, or none: if one name is taken, the ones already named in this call are taken back."""
    done: list[NewFile] = []
    try:
        for f in files:
            f.publish()
            done.append(f)
    except BaseException:
        for f in done:
            f.unpublish()
        raise
    for folder in {f.target.parent for f in files}:
        fsync_dir(folder)


class Scratch:
    """Work files for one build, in ``folder``: anonymous where possible, so nothing outlives the process."""

    def __init__(self, folder: Path, prefix: str) -> None:
        self.folder = folder
        self._fds: dict[Path, int] = {}
        self._private: Path | None = None
        probe = _anonymous(folder, 0o600)
        if probe is None:
            # The name carries the process id so that a later build can remove what a killed one left.
            self._private = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=folder))
        else:
            os.close(probe)

    def new(self, name: str) -> Path:
        """A fresh, empty work file; ``name`` only matters where anonymous files are not available."""
        if self._private is not None:
            path = self._private / name
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
            return path
        fd = _anonymous(self.folder, 0o600)
        if fd is None:  # pragma: no cover - the folder stopped taking anonymous files mid-build
            raise OSError(errno.EOPNOTSUPP, f"cannot create work files in {self.folder}")
        path = _PROC_FD / str(fd)
        self._fds[path] = fd
        return path

    def drop(self, path: Path) -> None:
        """Free a work file as soon as it is no longer needed."""
        fd = self._fds.pop(path, None)
        if fd is not None:
            os.close(fd)
        elif self._private is not None:
            path.unlink(missing_ok=True)

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None
