"""Shared shape of a benchmark figure, and small measuring helpers.

Each benchmark module under ``bench/`` exposes ``run(workdir: Path, quick: bool) -> list[Row]``.
``python -m bench`` runs them all and writes one table (``bench/results.md``)
that the README quotes. Machines here are shared and noisy: ratios against a
reference measured in the same run are the figures that mean something.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass
class Row:
    benchmark: str  # what was measured, e.g. "ingest 1 GiB file"
    value: str  # the figure, e.g. "1.42 s" or "310,000 entries/s"
    reference: str  # the comparison command, e.g. "hashlib.file_digest sha256: 1.20 s"
    ratio: str  # e.g. "1.18x"
    goal: str  # from the issue, e.g. "<= 1.3x"
    met: bool | None  # None when there is no pass/fail goal


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best wall-clock time of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def timed_command(argv: Sequence[str], repeat: int = 1, **kwargs: object) -> float:
    def go() -> None:
        subprocess.run(list(argv), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]

    return timed(go, repeat)


def child_peak_rss_mib() -> float:
    """Peak resident memory of waited-for child processes (max over them), in MiB."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def own_peak_rss_mib() -> float:
    """This process's own peak resident memory (VmHWM of its address space), in MiB.

    getrusage's ru_maxrss is not used in workers: Linux carries that high-water mark across
    fork and exec, so a worker of a parent that once held 1 GiB would report 1 GiB.
    """
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def drop_caches_hint() -> None:
    """Best effort: ask the kernel to write back dirty pages so runs start alike."""
    os.sync()
