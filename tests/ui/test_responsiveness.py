"""Long work runs off the GUI thread: the event loop keeps turning during a large ingest, and Cancel works."""

from __future__ import annotations

import os
import time
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from casedesk.ui.dialogs.ingest import IngestDialog
from tests.conftest import FULL
from tests.helpers.store import CASE, Store
from tests.helpers.ui import click, close_all, select_case, sign_in, type_into, wait_for_window
from tests.ui.test_exhibits import drop_files


def _material(root: Path, files: int, size: int) -> Path:
    folder = root / "laptop-image"
    folder.mkdir()
    for i in range(files):
        (folder / f"chunk{i:03d}.bin").write_bytes(os.urandom(size))
    return folder


@pytest.mark.slow
def test_the_window_stays_responsive_during_a_large_ingest(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    mib = 1 << 20
    folder = _material(tmp_path, 24 if FULL else 12, (16 if FULL else 8) * mib)  # 384 MiB full, 96 MiB reduced
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

    assert dialog.summary is not None and len(dialog.summary.ingested) == (24 if FULL else 12)
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in pairwise(during)]
    assert finished - started > 0.3, "the ingest was too quick to say anything about responsiveness"
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
