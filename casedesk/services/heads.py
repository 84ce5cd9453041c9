"""Clearing a stuck custody head copy: an administrator's signed, logged action.

The copies of the log head kept outside the store (``keyslots.json`` and the
OS keyring) only ever move forward onto a log that extends them. When one is
missing, unreadable, fails its MAC or is ahead of the log, changes are
blocked. If the database really is the latest copy there is (a lost disk, a
restored backup, a damaged keyring), an administrator accepts it with
``casedesk custody reset-head --reason ...``: one ``custody.head_reset`` entry,
signed by the administrator, records what each copy said and the log head it
is replaced with; both copies are then set to that entry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from casedesk.custody import headcheck
from casedesk.custody.log import current_head
from casedesk.errors import KeyringUnavailable, KeySlotError, PermissionDenied, UsageError
from casedesk.fsutil import file_lock
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile
from casedesk.security.roles import Role
from casedesk.services.session import Session

log = logging.getLogger("casedesk.heads")

HEAD_RESET = "custody.head_reset"
MAX_REASON = 2000


@dataclass(frozen=True)
class HeadReset:
    seq: int  # the custody.head_reset entry, which both copies now record
    old: dict[str, Any]  # what each copy said before
    alerts_cleared: list[str]


def _describe_slots(slots: KeySlotFile) -> Any:
    head = slots.custody_head
    if not head:
        return None
    return {"seq": head.get("seq"), "hash": head.get("hash")}


def reset_head(session: Session, reason: str) -> HeadReset:
    """Record the reset, then set both outside copies to the log head it makes."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise UsageError("give the reason for the reset with --reason (it is recorded in the custody log)")
    if len(reason) > MAX_REASON:
        raise UsageError(f"the reason is too long: at most {MAX_REASON} characters")
    if session.user.role is not Role.ADMIN:
        raise PermissionDenied(f"{session.user.username} ({session.user.role.value}) may not reset the custody head: "
                               "only an administrator may")
    with file_lock(session.datadir.lock):
        slots = KeySlotFile.load(session.datadir.keyslots)
        keyring_value, keyring_error = headcheck.load_keyring_head(slots)
    outside = headcheck.read_outside(slots, session.keys.head_mac, keyring_value, keyring_error)
    old: dict[str, Any] = {headcheck.SLOTS: _describe_slots(slots)}
    if slots.device_bound:
        old[headcheck.KEYRING] = keyring_value if keyring_error is None else f"unreadable: {keyring_error}"
    alerts = list(session.integrity_alerts)
    with session.write(despite_alerts=True) as db:
        before = current_head(db)
        problems = [p.message for p in headcheck.check_heads(db, outside)]
        entry = session.record(
            db, HEAD_RESET, reason=reason,
            text="custody head copies outside the store reset to this entry by an administrator",
            data={"old_heads": old, "log_head_before": None if before is None else
                  {"seq": before.seq, "hash": before.entry_hash}, "problems": problems},
        )
        seq, digest = entry.seq, entry.entry_hash
    with file_lock(session.datadir.lock):
        slots = KeySlotFile.load(session.datadir.keyslots)
        slots.set_head(seq, digest, session.keys.head_mac)
        slots.save(session.datadir.keyslots)
        if slots.device_bound:
            try:
                device_secret.store_head(slots.installation_id,
                                         headcheck.keyring_text(seq, digest, session.keys.head_mac))
            except KeyringUnavailable as exc:
                raise KeySlotError(
                    f"the reset is recorded (entry {seq}) and keyslots.json updated, but the OS keyring "
                    f"refused its copy: {exc}"
                ) from None
    session.integrity_alerts.clear()
    log.warning("custody head copies reset by %s at entry %d", session.user.username, seq)
    return HeadReset(seq, old, alerts)
