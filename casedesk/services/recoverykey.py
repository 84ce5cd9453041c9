"""A new recovery key for a signed-in administrator: for installations made before recovery keys
existed (nothing to show them at their ``init``), and to replace a key that was lost or seen.

The device secret comes from the administrator's session (read from the keyring at sign-in); the
new ``recovery.json`` is written next to the old one and put in its place only once the custody entry
``installation.recovery_key_created`` has committed, so the log and the file agree. The old key stops
working at that moment.
"""

from __future__ import annotations

import contextlib
import logging
import os

from casedesk.errors import PermissionDenied, UsageError
from casedesk.fsutil import file_lock, fsync_dir
from casedesk.security import recovery
from casedesk.security.roles import Role
from casedesk.services.session import Session

log = logging.getLogger("casedesk.recoverykey")

CREATED = "installation.recovery_key_created"


def new_recovery_key(session: Session, replace: bool = False) -> str:
    """The new key, formatted to be shown once; CaseDesk keeps only ``recovery.json``."""
    if session.user.role is not Role.ADMIN:
        raise PermissionDenied(f"{session.user.username} ({session.user.role.value}) may not make a recovery key: "
                               "only an administrator may")
    if not session.device_bound or session.device_secret is None:
        raise UsageError("this installation is not bound to an OS keyring (password-only key slots): "
                         "it needs no recovery key")
    path = session.datadir.recovery
    if path.exists() and not replace:
        raise UsageError("this installation has a recovery key already; `casedesk recovery-key --replace` makes a "
                         "new one, and the old one stops working")
    key = recovery.new_key()
    staged = path.with_name(f".{path.name}.new-{os.getpid()}")
    recovery.write(staged, session.installation_id, session.device_secret, key)
    try:
        with session.write() as db:
            session.record(db, CREATED, text="a new recovery key was made; any earlier one no longer works",
                           data={"replaced": path.exists()})
        with file_lock(session.datadir.lock):
            os.replace(staged, path)
            fsync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
    log.info("new recovery key made by %s", session.user.username)
    return recovery.format_key(key)
