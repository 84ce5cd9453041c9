"""Fault injection helpers: killing real CaseDesk processes, checking what survives, small file systems.

``Killer`` starts ``casedesk`` as a child process and sends SIGKILL after a
chosen delay; ``StoreCheck`` signs in afterwards (which runs the vault
clean-up), runs the supervisor's full verification and compares the register,
the vault and the custody log with each other and with the source files;
``small_filesystem`` mounts a tmpfs of a few MiB where the test may (root),
and skips with the reason where it may not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.custody.encoding import parse_data
from casedesk.services.custody import Custody
from casedesk.store.models import Case, CustodyEntry, Exhibit, VaultObject
from tests.conftest import FULL
from tests.helpers.store import PASSWORDS, Store


def trials(full: int, reduced: int) -> int:
    """How many fault-injection trials: ``full`` under ``make test-full``, ``reduced`` in CI."""
    return full if FULL else reduced


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_hashes(folder: Path) -> dict[str, str]:
    """``relative path as CaseDesk records it -> SHA-256`` for every file under ``folder``."""
    return {
        f"{folder.name}/{p.relative_to(folder).as_posix()}": sha256_file(p)
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- killing real processes ----------------------------------------------------------


def cli_argv(data_dir: Path, user: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "casedesk.cli.main", "--data-dir", str(data_dir), "--user", user, *args]


def cli_env(user: str) -> dict[str, str]:
    env = dict(os.environ)
    env["CASEDESK_PASSWORD"] = PASSWORDS[user]
    return env


@dataclass
class Run:
    """One run of a command: killed or not, its exit code and output."""

    delay: float | None
    killed: bool
    code: int
    out: str
    err: str
    seconds: float


def run_and_kill(data_dir: Path, user: str, args: list[str], delay: float | None, timeout: float = 300) -> Run:
    """Run ``casedesk ARGS``; with ``delay``, SIGKILL it that many seconds after the start if still running."""
    started = time.monotonic()
    proc = subprocess.Popen(cli_argv(data_dir, user, *args), env=cli_env(user), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    killed = False
    try:
        if delay is not None:
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                killed = True
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return Run(delay, killed, proc.returncode, out, err, time.monotonic() - started)


class Killer:
    """Kill times spread over the whole run of a command: sign-in, the work itself, the commit, the exit.

    The command is first run once to completion to learn how long it takes;
    each trial then draws its kill time uniformly from ``[0, 1.1 x duration]``
    (a few land after the end: the command must also survive not being
    killed). The seed makes a failure reproducible: it is in every message.
    """

    def __init__(self, seed: int, duration: float) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.duration = duration

    def delays(self, n: int) -> list[float]:
        # Stratified: one draw from each of n equal slices, so even 4 trials cover early, middle and late.
        span = self.duration * 1.1
        out = [(i + self.rng.random()) * span / n for i in range(n)]
        self.rng.shuffle(out)
        return out


# --- what a store must look like after any crash -------------------------------------


@dataclass
class Snapshot:
    """The register and custody log of a store that passed every check."""

    exhibits: dict[str, dict[str, Any]]  # "CASE JAS/1" -> columns
    entries: list[CustodyEntry]
    actions: Counter[str] = field(default_factory=Counter)

    def entries_for(self, action: str) -> list[CustodyEntry]:
        return [e for e in self.entries if e.action == action]


def check_store(store: Store, user: str = "sgt", sources: dict[str, str] | None = None) -> Snapshot:
    """Everything the issue asks of a store after a crash; returns what it holds.

    - it opens (sign-in as ``user`` also removes leftovers of interrupted ingests);
    - the supervisor's full verification passes (chain, signatures, heads, every exhibit re-hashed);
    - every vault object file is in the register and every registered object is in the vault
      (no orphan after the clean-up), and ``vault/tmp`` is empty;
    - each exhibit has exactly one ``exhibit.ingested`` entry with its hash, and every such entry
      has its exhibit (complete or absent, never half);
    - exhibit numbers per officer run 1..n without gaps;
    - with ``sources`` (relative path -> SHA-256), each exhibit's hash is its source file's hash.
    """
    s = store.sign_in(user)
    try:
        report = Custody(s).verify(None)
        assert report.ok, [p.message for p in report.problems]
        with s.read() as db:
            names = set(db.scalars(select(VaultObject.name)))
            rows = list(db.scalars(select(Exhibit)))
            entries = list(db.scalars(select(CustodyEntry).order_by(CustodyEntry.seq)))
            cases = {c.id: c.reference for c in db.scalars(select(Case))}
    finally:
        s.close()
    vault = store.root / "vault"
    on_disk = {p.parent.name + p.name for p in vault.glob("??/*") if p.is_file()}
    assert on_disk == names, f"orphans: {sorted(on_disk - names)[:3]}, missing: {sorted(names - on_disk)[:3]}"
    if (vault / "tmp").is_dir():
        assert list((vault / "tmp").iterdir()) == [], "temporary files left in vault/tmp after the clean-up"
    exhibits: dict[str, dict[str, Any]] = {}
    for ex in rows:
        key = f"{cases[ex.case_id]} {ex.reference}"
        exhibits[key] = {"sha256": ex.sha256, "size": ex.size, "relative_path": ex.relative_path,
                         "custodian": ex.custodian, "number": ex.number, "initials": ex.initials,
                         "status": ex.status, "description": ex.description}
    ingested = Counter(f"{e.case_ref} {e.exhibit_ref}" for e in entries if e.action == "exhibit.ingested")
    assert set(ingested) == set(exhibits), "register and ingest entries disagree"
    assert all(n == 1 for n in ingested.values()), [k for k, n in ingested.items() if n != 1]
    for e in entries:
        if e.action == "exhibit.ingested":
            assert exhibits[f"{e.case_ref} {e.exhibit_ref}"]["sha256"] == e.sha256
    by_officer: dict[tuple[str, str], list[int]] = {}
    for key, ex in exhibits.items():
        by_officer.setdefault((key.split()[0], ex["initials"]), []).append(ex["number"])
    for numbers in by_officer.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    if sources is not None:
        for key, ex in exhibits.items():
            if ex["relative_path"] in sources:
                assert ex["sha256"] == sources[ex["relative_path"]], f"{key} is not its source file"
    return Snapshot(exhibits, entries, Counter(e.action for e in entries))


def entry_data(entry: CustodyEntry) -> dict[str, Any]:
    return parse_data(entry.data)


def tree_digest(root: Path, skip: tuple[str, ...] = ("casedesk.log", "auth.json", ".lock")) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (except the log and the failed sign-in ledger)."""
    return {
        str(p.relative_to(root)): sha256_file(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in skip
    }


# --- a small file system ---------------------------------------------------------------


@contextlib.contextmanager
def small_filesystem(where: Path, size_kib: int) -> Iterator[Path]:
    """A tmpfs of ``size_kib`` KiB mounted at ``where``; skips the test (with the reason) where none can be made."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("disk-full test needs a small file system: mounting a tmpfs needs root "
                    "(run the suite as root, e.g. in the CI container)")
    if shutil.which("mount") is None or shutil.which("umount") is None:
        pytest.skip("disk-full test needs mount(8) and umount(8) to make a small tmpfs")
    where.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", f"casedesk-test-{uuid.uuid4().hex[:8]}",
                           str(where)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"disk-full test cannot mount a {size_kib} KiB tmpfs here: {proc.stderr.strip() or proc.returncode}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def free_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill_to(path: Path, leave: int, name: str = "filler.bin") -> Path:
    """Fill the file system holding ``path`` until about ``leave`` bytes are free; returns the filler file."""
    filler = path / name
    need = max(0, free_bytes(path) - leave)
    with filler.open("wb") as fh:
        block = b"\0" * (1 << 20)
        while need > 0:
            n = min(need, len(block))
            try:
                fh.write(block[:n])
                fh.flush()
            except OSError:
                break
            need -= n
    return filler
