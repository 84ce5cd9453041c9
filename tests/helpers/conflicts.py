"""A fork of an installation's log made without a unit, for tests of custody conflicts.

What a unit would serve: a copy of the installation (its data directory and its OS keyring) writes entries of its
own while the installation writes others, from the same entry on. The installation then records the copy's entries
after the fork exactly as a sync records the kept segment the unit serves (``services/sync.py``, ``_record_fork``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casedesk.services import sync
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.conftest import use_file_keyring
from tests.helpers.store import CASE, Store, copy_store

UNIT_NAME = "casedesk.unit.test"
UNIT_KEY = "ab" * 32


def _rows(store: Store, user: str) -> list[tuple[Any, ...]]:
    s = store.sign_in(user)
    try:
        with s.read() as db:
            return sync._rows(db)
    finally:
        s.close()


def _ingest(s: Any, folder: Path, files: dict[str, bytes]) -> None:
    if not files:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    Evidence(s).ingest(CASE, [folder / name for name in files], IngestMetadata(description="seized later"))


def make_fork(store: Store, here: Sequence[tuple[str, str]], there: Sequence[tuple[str, str]],
              user: str = "jsmith", here_ingest: dict[str, bytes] | None = None,
              there_ingest: dict[str, bytes] | None = None) -> list[tuple[Any, ...]]:
    """Exhibits moved ``(exhibit, to)`` (and files ingested) on ``store`` (``here``) and on a copy of it
    (``there``), from the same entry on; returns the copy's entries after that entry (the fork, as the unit would
    keep and serve it)."""
    base = Path(tempfile.mkdtemp(prefix="casedesk-fork-"))
    own = os.environ.get("XDG_DATA_HOME")
    try:
        other = copy_store(store.root, store.xdg, base / "data", base / "xdg")
        use_file_keyring(other.xdg)  # the copy's own keyring: its head copy moves on without the original's
        s = other.sign_in(user)
        try:
            _ingest(s, base / "there", there_ingest or {})
            for exhibit, to in there:
                Custody(s).transfer(CASE, exhibit, to, "moved on the other copy")
        finally:
            s.close()
        theirs = _rows(other, user)
    finally:
        use_file_keyring(store.xdg if own is None else Path(own))
        shutil.rmtree(base, ignore_errors=True)
    s = store.sign_in(user)
    try:
        _ingest(s, store.root.parent / "fork-here", here_ingest or {})
        for exhibit, to in here:
            Custody(s).transfer(CASE, exhibit, to, "moved on this copy")
    finally:
        s.close()
    mine = _rows(store, user)
    common = next(i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b)
    return theirs[common:]


def record_fork(store: Store, forked: Sequence[tuple[Any, ...]], user: str = "jsmith", kept: int = 1) -> int:
    """The fork recorded in ``store``'s log as a sync records one the unit served; returns 1, or 0 if recorded."""
    s = store.sign_in(user)
    try:
        return sync._record_fork(s, UNIT_NAME, UNIT_KEY, kept, list(forked))
    finally:
        s.close()
