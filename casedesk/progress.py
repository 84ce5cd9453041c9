"""The interface every long operation (ingest, verify, export) takes.

``progress(done, total, message)`` is called from the worker; ``cancel`` is
checked between units of work and raises ``Cancelled`` through
``CancelToken.check``. The CLI wraps them in a progress bar and Ctrl+C; the
Qt UI turns them into signals and a Cancel button.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from casedesk.errors import Cancelled

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, message: str = "") -> None:
    return None


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled by the user; work completed before the cancel is kept")
