"""Named loggers per area, one rotating file per data directory.

The log never holds secrets or exhibit content: modules log identifiers
(case reference, exhibit reference, counts), never passwords, keys, file
bytes or free-text descriptions. ``tests/security/test_logs.py`` greps for them.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_installed: dict[str, logging.Handler] = {}


class _LogFile(logging.handlers.RotatingFileHandler):
    """A log file that fails quietly: on a full or read-only disk the one-line error the user needs
    must not be buried under logging's own tracebacks on stderr."""

    def handleError(self, record: logging.LogRecord) -> None:
        return None


def log_file(log_dir: Path) -> Path:
    return log_dir / "casedesk.log"


def install_file_log(log_dir: Path) -> Path:
    """Attach the rotating file handler for this data directory (idempotent)."""
    path = log_file(log_dir)
    key = str(path)
    if key in _installed:
        return path
    try:
        log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler: logging.Handler = _LogFile(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return path
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger("casedesk")
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _installed[key] = handler
    return path


def remove_file_logs() -> None:
    root = logging.getLogger("casedesk")
    for handler in _installed.values():
        root.removeHandler(handler)
        handler.close()
    _installed.clear()
