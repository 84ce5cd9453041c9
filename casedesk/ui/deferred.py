"""The service layer, imported while the sign-in window is already up.

Importing it (SQLAlchemy, Alembic, the custody, crypto and store modules)
takes longer than Qt itself takes to show the sign-in window, which needs none
of it. ``preload`` imports it on a background thread once the window is shown,
while the user types; signing in waits for that import only when the user is
quicker than it, so the sign-in is never slower than with the import up front.

``Installation`` stands in for ``services.installation.Installation`` in the
GUI until then: it knows its data directory and whether it holds an
installation, and hands every other call to the real service object.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from casedesk.datadir import DataDir

if TYPE_CHECKING:
    from casedesk.services.installation import InitResult
    from casedesk.services.installation import Installation as ServiceInstallation
    from casedesk.services.session import Session

log = logging.getLogger("casedesk.ui")

# What signing in and the main window import first: everything below them comes along.
SERVICE_MODULES = ("casedesk.services.installation", "casedesk.services.evidence", "casedesk.services.cases")

_lock = threading.Lock()
_loader: threading.Thread | None = None


def _load() -> None:
    import importlib

    for name in SERVICE_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the real import, on the thread that needs it, reports the problem
            log.exception("preloading %s failed", name)
            return


def preload() -> None:
    """Start importing the service layer in the background (once per process)."""
    global _loader
    with _lock:
        if _loader is None:
            _loader = threading.Thread(target=_load, name="casedesk-preload", daemon=True)
            _loader.start()


def loaded() -> None:
    """Wait until the preload (if started) is done: no thread then imports the same modules as another."""
    with _lock:
        loader = _loader
    if loader is not None and loader is not threading.current_thread():
        loader.join()


class Installation:
    """The installation in ``datadir``; the service object behind it is made on first use."""

    def __init__(self, datadir: DataDir) -> None:
        self.datadir = datadir
        self._service: ServiceInstallation | None = None

    def is_initialised(self) -> bool:
        return self.datadir.keyslots.exists()  # as services.installation decides it, without importing it

    @property
    def service(self) -> ServiceInstallation:
        if self._service is None:
            loaded()
            from casedesk.services.installation import Installation as ServiceInstallation

            self._service = ServiceInstallation(self.datadir)
        return self._service

    def sign_in(self, username: str, password: str) -> Session:
        return self.service.sign_in(username, password)

    def initialise(self, admin: str, password: str, full_name: str = "", initials: str = "") -> InitResult:
        return self.service.initialise(admin, password, full_name, initials)

    def __getattr__(self, name: str) -> Any:  # recover, load_slots, ledger, ...: whatever the dialogs use
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.service, name)
