"""Long work runs off the GUI thread: the event loop keeps turning during a large ingest, and Cancel works."""

from __future__ import annotations

import os
import time
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.ui.dialogs.ingest import IngestDialog
from tests.conftest import FULL
from tests.helpers.store import CASE, Store
from tests.helpers.ui import click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_exhibits import drop_files

MIB = 1 << 20
FILES = 24 if FULL else 12
TARGET_SECONDS = 4.0 if FULL else 2.0  # how long the measured ingest should take on this machine
MIN_SECONDS = 0.3  # below this the ticks say nothing about responsiveness
MAX_BYTES = 2048 * MIB  # a machine this fast needs no more to last MIN_SECONDS


def _material(root: Path, files: int, size: int, name: str = "laptop-image") -> Path:
    """``files`` distinct files of ``size`` bytes: one random MiB repeated, each file with its own first block."""
    folder = root / name
    folder.mkdir()
    block = os.urandom(MIB)
    for i in range(files):
        with (folder / f"chunk{i:03d}.bin").open("wb") as out:
            out.write(os.urandom(min(size, MIB)))
            left = size - min(size, MIB)
            while left > 0:
                out.write(block[:left])
                left -= min(left, MIB)
    return folder


def measured_rate(store: Store, root: Path) -> float:
    """Bytes per second this machine ingests now: the service on a warm-up, then on a sample shaped like the test's."""
    warm_up = _material(root, 2, MIB, "warm-up")
    sample = _material(root, FILES, 8 * MIB, "calibration")
    session = store.sign_in("jsmith")
    try:
        Evidence(session).ingest(CASE, [warm_up], IngestMetadata("warm-up sample"))
        started = time.monotonic()
        Evidence(session).ingest(CASE, [sample], IngestMetadata("calibration sample"))
        seconds = time.monotonic() - started
    finally:
        session.close()
    return FILES * 8 * MIB / max(seconds, 1e-3)


def file_size_for(rate: float, seconds: float) -> int:
    """The size of each of ``FILES`` files so that the ingest lasts about ``seconds`` at ``rate``."""
    total = min(max(rate * seconds, FILES * MIB), MAX_BYTES)
    return max(MIB, int(total // FILES) // MIB * MIB)


def test_the_workload_follows_the_measured_rate() -> None:
    slow, fast = file_size_for(20 * MIB, TARGET_SECONDS), file_size_for(800 * MIB, TARGET_SECONDS)
    assert slow * FILES >= 20 * MIB * TARGET_SECONDS * 0.9
    assert fast * FILES >= 800 * MIB * TARGET_SECONDS * 0.9
    assert file_size_for(10**12, TARGET_SECONDS) * FILES <= MAX_BYTES


@pytest.mark.slow
def test_the_window_stays_responsive_during_a_large_ingest(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    # The workload follows this machine's measured ingest rate (a fixed size was over in 0.29 s on a fast one).
    size = file_size_for(measured_rate(store, tmp_path), TARGET_SECONDS)
    folder = _material(tmp_path, FILES, size)
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    drop_files(qtbot, window.exhibits, [folder])
    dialog = wait_for_window(qtbot, IngestDialog)
    type_into(qtbot, dialog.description, "Image of the seller's laptop")

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    progress_seen: list[int] = []
    dialog.progress.valueChanged.connect(progress_seen.append)
    timer.start()
    click(qtbot, dialog.start_button)
    started = time.monotonic()
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=300_000)
    finished = time.monotonic()
    timer.stop()

    assert dialog.summary is not None and len(dialog.summary.ingested) == FILES
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in pairwise(during)]
    assert finished - started > MIN_SECONDS or size * FILES >= MAX_BYTES, (
        f"the ingest of {size * FILES // MIB} MiB took {finished - started:.2f} s, sized for {TARGET_SECONDS} s"
    )
    assert len(during) >= (finished - started) / 0.1 - 1
    # The loop keeps turning: ticks arrive at least every 100 ms on the whole (count above) and
    # typically (median), and no stall reaches a second. A design fault (work on the GUI thread,
    # a lock held across the ingest) stalls for the whole ingest, seconds. On a shared 2-core
    # machine the scheduler alone delays some ticks past 100 ms (95th percentile 102 ms, one
    # tick 668 ms, seen here under load), so the strict every-tick bound applies in full mode
    # only (make test-full, on a quiet machine).
    typical = sorted(gaps)[len(gaps) // 2]
    assert typical < 0.1, f"half of the event-loop ticks came later than {typical * 1000:.0f} ms"
    worst = 0.1 if FULL else 1.0
    assert max(gaps) < worst, f"the event loop stalled for {max(gaps) * 1000:.0f} ms"
    assert len(set(progress_seen)) > 3  # the bar moved, not just 0 then 100 %
    click(qtbot, dialog.close_button)
    close_all(controller)


def test_cancel_stops_an_ingest_and_keeps_what_was_done(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    folder = _material(tmp_path, 40, 2 << 20)
    controller, window = sign_in(qtbot, store, "jsmith")
    select_case(qtbot, window, CASE)
    window.tabs.setCurrentWidget(window.exhibits)
    drop_files(qtbot, window.exhibits, [folder])
    dialog = wait_for_window(qtbot, IngestDialog)
    type_into(qtbot, dialog.description, "Image of the seller's laptop")
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0 or dialog.summary is not None, timeout=60_000)
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: dialog.summary is not None, timeout=60_000)
    summary = dialog.summary
    assert summary is not None and summary.cancelled
    assert len(summary.ingested) < 40
    assert dialog.message.text().startswith("Cancelled")
    click(qtbot, dialog.close_button)
    tab = window.exhibits
    qtbot.waitUntil(lambda: not tab.loading and tab.model.rowCount() == len(summary.ingested), timeout=60_000)
    close_all(controller)
