"""A progress bar on stderr for long operations."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    """``progress(done, total, message)`` callback drawing one line on a terminal."""

    def __init__(self, label: str, unit: str = "", enabled: bool | None = None) -> None:
        self.label = label
        self.unit = unit
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        pct = 100.0 * done / total if total else 100.0
        width = 30
        filled = int(width * pct / 100)
        shown = message if len(message) <= 40 else "..." + message[-37:]
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {pct:5.1f}% {shown:<40}")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()
