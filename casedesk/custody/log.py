"""Appending to the custody log: the only way an entry is ever written.

``append`` must run inside a write transaction (``BEGIN IMMEDIATE``), the
same one that makes the state change the entry records, so the two commit
or fail together and no other writer can slip an entry in between reading
the head and inserting the next one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk import tool_id
from casedesk.custody import encoding
from casedesk.custody.signing import Signer
from casedesk.errors import UsageError
from casedesk.store.models import CustodyEntry
from casedesk.timeutil import DISPLAY_ZONE_NAME, iso_utc, uk_offset, utc_now


@dataclass(frozen=True)
class Head:
    seq: int
    entry_hash: str


def current_head(db: OrmSession) -> Head | None:
    row = db.execute(
        select(CustodyEntry.seq, CustodyEntry.entry_hash).order_by(CustodyEntry.seq.desc()).limit(1)
    ).first()
    return None if row is None else Head(int(row[0]), str(row[1]))


def entry_at(db: OrmSession, seq: int) -> CustodyEntry | None:
    return db.get(CustodyEntry, seq)


def append(
    db: OrmSession,
    *,
    actor: str,
    signer: Signer,
    action: str,
    case_ref: str | None = None,
    exhibit_ref: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    from_party: str | None = None,
    to_party: str | None = None,
    sha256: str | None = None,
    text: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CustodyEntry:
    head = current_head(db)
    when = at or utc_now()
    fields: dict[str, Any] = {
        "seq": 1 if head is None else head.seq + 1,
        "prev": encoding.GENESIS_PREV if head is None else head.entry_hash,
        "time": iso_utc(when),
        "tz": DISPLAY_ZONE_NAME,
        "offset": uk_offset(when),
        "actor": actor,
        "key": signer.public_hex,
        "action": action,
        "case": case_ref,
        "exhibit": exhibit_ref,
        "reason": reason,
        "location": location,
        "from": from_party,
        "to": to_party,
        "sha256": sha256,
        "tool": tool_id(),
        "text": text,
        "data": data or {},
    }
    try:
        digest, _ = encoding.hash_fields(fields)
    except encoding.EncodingError as exc:
        raise UsageError(f"cannot record this custody entry: {exc}; use plain text") from None
    signature = signer.sign(encoding.signing_message(digest)).hex()
    row = CustodyEntry(
        seq=fields["seq"],
        prev_hash=fields["prev"],
        timestamp=fields["time"],
        time_zone=fields["tz"],
        utc_offset=fields["offset"],
        actor=actor,
        actor_key=fields["key"],
        action=action,
        case_ref=case_ref,
        exhibit_ref=exhibit_ref,
        reason=reason,
        location=location,
        from_party=from_party,
        to_party=to_party,
        sha256=sha256,
        tool=fields["tool"],
        text=text,
        data=encoding.canonical_json(fields["data"]),
        entry_hash=digest,
        signature=signature,
    )
    db.add(row)
    db.flush()
    return row
