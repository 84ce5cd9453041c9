"""Key slots in escrow, and what a restore reads: the unit's side of "Restore" (docs/sync-protocol.md).

At each sync a device-bound installation sends its key slots file (``keyslots.json`` without its head copy) and
its recovery file (``recovery.json``) as it holds them, with a token: the HMAC of its device secret. The unit
cannot open either: each slot is wrapped under its user's password and the device secret, and the device secret
under the recovery key (256 random bits) that the installation showed once at ``casedesk init`` and keeps
nowhere. A replacement laptop reads the recovery file (anyone may: it opens only with the recovery key), opens
it with the recovery key, proves it did with the token, reads the key slots, opens its officer's slot with the
officer's password, and from then on signs its requests with the officer's key like any sync.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any

from sqlalchemy import Connection, insert, select

from casedesk.unit.store import escrows

HEX64 = re.compile(r"[0-9a-f]{64}\Z")
MAX_ESCROW = 1 << 20
KEEP_TRYING = 20  # escrowed copies a restore is offered, newest first

MSG_SHAPE = "the request is not a key slots escrow: {detail}"
MSG_NONE = ("the unit holds no key slots of installation {id}: it was never synced by a device-bound installation "
            "of this version, so it cannot be restored from the unit")
MSG_WRONG_RECOVERY = ("the recovery key does not open the recovery file the unit holds for installation {id}: "
                      "check the recovery key")


class EscrowRefusal(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def parse(body: bytes, installation: str) -> tuple[str, str, str]:
    """(token, key slots text, recovery text) of an escrow request, each checked for its form."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EscrowRefusal(MSG_SHAPE.format(detail="the body is not JSON in UTF-8"), 400) from None
    if not isinstance(doc, dict) or set(doc) != {"token", "keyslots", "recovery"}:
        raise EscrowRefusal(MSG_SHAPE.format(detail="it needs exactly token, keyslots and recovery"), 400)
    token, slots, recovery = doc["token"], doc["keyslots"], doc["recovery"]
    if not isinstance(token, str) or not HEX64.match(token):
        raise EscrowRefusal(MSG_SHAPE.format(detail="the token is not 64 hexadecimal digits"), 400)
    for what, value in (("keyslots", slots), ("recovery", recovery)):
        if not isinstance(value, dict) or value.get("installation_id") != installation:
            raise EscrowRefusal(MSG_SHAPE.format(detail=f"{what} is not an object of installation {installation}"),
                                400)
    if slots.get("device_bound") is not True or not isinstance(slots.get("slots"), dict) \
            or "custody_head" in slots or "checksum" in slots:
        raise EscrowRefusal(MSG_SHAPE.format(detail="keyslots is not a device-bound key slots file without its "
                                                    "head copy and checksum"), 400)
    return token, _canonical(slots), _canonical(recovery)


def store(conn: Connection, installation: str, user: str, token: str, slots: str, recovery: str) -> bool:
    """Keep the escrow unless the latest one is the same; True when a new one was kept."""
    digest = hashlib.sha256(f"{token}\n{slots}\n{recovery}".encode()).hexdigest()
    last = conn.execute(select(escrows.c.sha256).where(escrows.c.installation_id == installation)
                        .order_by(escrows.c.id.desc()).limit(1)).scalar()
    if last == digest:
        return False
    conn.execute(insert(escrows).values(installation_id=installation, pushed_by=user, token=token, keyslots=slots,
                                        recovery=recovery, sha256=digest))
    return True


def latest_digest(conn: Connection, installation: str) -> str | None:
    return conn.execute(select(escrows.c.sha256).where(escrows.c.installation_id == installation)
                        .order_by(escrows.c.id.desc()).limit(1)).scalar()


def recovery_files(conn: Connection, installation: str) -> list[Any]:
    """The recovery files escrowed for the installation, newest first, each once (at most ``KEEP_TRYING``).

    More than the latest: an account of the installation could send a recovery file that does not open (an
    insider denying a restore); the restore tries each until one opens with the recovery key it was given."""
    texts = conn.execute(select(escrows.c.recovery).where(escrows.c.installation_id == installation)
                         .order_by(escrows.c.id.desc())).scalars()
    found = list(dict.fromkeys(texts))[:KEEP_TRYING]
    if not found:
        raise EscrowRefusal(MSG_NONE.format(id=installation), 404)
    return [json.loads(t) for t in found]


def key_slots(conn: Connection, installation: str, token: str | None) -> list[Any]:
    """The key slots files escrowed with this token (so by the installation that holds that device secret), newest
    first, each once: the restore tries each until the officer's slot opens with their password."""
    rows = conn.execute(select(escrows.c.token, escrows.c.keyslots).where(escrows.c.installation_id == installation)
                        .order_by(escrows.c.id.desc())).all()
    if not rows:
        raise EscrowRefusal(MSG_NONE.format(id=installation), 404)
    matching = [str(r.keyslots) for r in rows if token is not None and hmac.compare_digest(str(r.token), token)]
    if not matching:
        raise EscrowRefusal(MSG_WRONG_RECOVERY.format(id=installation), 403)
    return [json.loads(t) for t in list(dict.fromkeys(matching))[:KEEP_TRYING]]
