"""Background jobs outlive their window: a job that ends after its window was closed and deleted is harmless."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from casedesk.ui.workers import JobRunner


def test_a_job_ending_after_its_runner_was_deleted_raises_nothing(qtbot: QtBot) -> None:
    """A full UI run once failed in teardown with 'Signal source has been deleted': the job's end reached a runner
    whose window had been closed and deleted (pytest-qt fails the test on any exception raised in a slot)."""
    window = QWidget()
    runner = JobRunner(window)
    release = threading.Event()
    results: list[int] = []
    job = runner.submit("slow", lambda _progress, _cancel: release.wait(1) and 1, on_success=results.append)
    window.deleteLater()  # the window closes while its job still runs (its pool waits for the job: 1 s at most)
    qtbot.waitUntil(lambda: not _alive(runner), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    qtbot.wait(200)  # the job's queued signals are delivered (or dropped) now


def _alive(obj: object) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(obj))
