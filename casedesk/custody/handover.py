"""Handing a case to an officer of another installation: the encodings both sides and the unit share.

docs/sync-protocol.md, "Handing a case over". A case's identity across installations is the triple
(installation id, entry number of its ``case.created``, that entry's ``case_salt``): two installations may
both hold a case ``OP/HERON/7``, but never two cases with the same identity, since the salt is 32 random bytes
disclosed only in that entry and the installation and entry number name the one entry that disclosed it.

- ``case.handed_over`` (in the giving installation's log, case REF): the case leaves that installation; ``data``
  names the receiving installation and officer, their keys as the unit vouched for them (``officer statement``),
  the case's identity and every epoch of the case key sealed to the receiver's box key.
- ``case.received`` (in the receiving installation's log): the case begins there, held by the receiver; ``data``
  names the identity, the giving installation's hand-over entry (number and hash), the cosigned checkpoint the
  case was served under and the SHA-256 of the export served, and carries the case keys sealed to the receiver.
- ``exhibit.received``: one per exhibit, its hash as the giving installation's ingest recorded it, and where that
  ingest was (``data.origin``).

The unit vouches for an officer of another installation with its cosigner key: ``officer_message`` below.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import encoding
from casedesk.security import roles
from casedesk.store.models import CustodyEntry

HANDED_OVER = "case.handed_over"
RECEIVED = "case.received"
EXHIBIT_RECEIVED = "exhibit.received"
OFFICER_FORMAT = "casedesk-unit-officer/1"
OFFICER_DOMAIN = b"CASEDESK-UNIT-OFFICER-V1\x00"
# What the giving installation may still record in a case it handed over: reading its log, nothing that changes it.
AFTER_HANDOVER = roles.AFTER_HANDOVER


@dataclass(frozen=True)
class CaseIdentity:
    installation: str
    seq: int
    salt: str

    def as_data(self) -> dict[str, Any]:
        return {"installation": self.installation, "seq": self.seq, "salt": self.salt}

    @classmethod
    def from_data(cls, value: Any) -> CaseIdentity | None:
        if not isinstance(value, dict):
            return None
        inst, seq, salt = value.get("installation"), value.get("seq"), value.get("salt")
        if not isinstance(inst, str) or not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(salt, str):
            return None
        return cls(inst, seq, salt)

    def text(self) -> str:
        return f"{self.installation} entry {self.seq}"


def officer_message(statement: dict[str, Any]) -> bytes:
    """What the unit's cosigner key signs to vouch for an officer of another installation."""
    return OFFICER_DOMAIN + hashlib.sha256(encoding.canonical_json(statement).encode("utf-8")).digest()


MSG_HANDED_OVER = ("case {case} was handed over to {user} of installation {id} (entry {seq}): it is held there now, "
                   "and nothing more is recorded in it here")


def handed_over_message(db: OrmSession, case_ref: str) -> str:
    """The one line that refuses a write to a case this installation handed over."""
    row = db.execute(select(CustodyEntry.seq, CustodyEntry.data).where(
        CustodyEntry.action == HANDED_OVER, CustodyEntry.case_ref == case_ref)
        .order_by(CustodyEntry.seq.desc()).limit(1)).first()
    try:
        data = encoding.parse_data(str(row[1])) if row is not None else {}
    except encoding.EncodingError:
        data = {}
    return MSG_HANDED_OVER.format(case=case_ref, user=data.get("to_user", "?"), id=data.get("to_installation", "?"),
                                  seq=row[0] if row is not None else "?")
