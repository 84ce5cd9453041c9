"""Roll-back and truncation detection against the copies of the log head kept outside the store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session as OrmSession

from casedesk.custody.log import current_head
from casedesk.errors import KeySlotError
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile
from casedesk.store.models import CustodyEntry


@dataclass(frozen=True)
class HeadProblem:
    source: str
    seq: int
    message: str


def recorded_heads(
    slots: KeySlotFile, head_mac_key: bytes, installation_id: str
) -> tuple[list[tuple[str, int, str]], list[HeadProblem]]:
    heads: list[tuple[str, int, str]] = []
    problems: list[HeadProblem] = []
    try:
        rec = slots.head(head_mac_key)
        if rec is not None:
            heads.append(("key slots file", rec[0], rec[1]))
    except KeySlotError as exc:
        problems.append(HeadProblem("key slots file", 0, str(exc)))
    text = device_secret.load_head(installation_id)
    if text:
        try:
            seq_text, digest = text.split(":", 1)
            heads.append(("OS keyring", int(seq_text), digest))
        except ValueError:
            problems.append(HeadProblem("OS keyring", 0, "the custody head kept in the OS keyring is unreadable"))
    return heads, problems


def check_heads(
    db: OrmSession, slots: KeySlotFile, head_mac_key: bytes, installation_id: str
) -> list[HeadProblem]:
    """Every way the database's log falls short of a head recorded outside it."""
    heads, problems = recorded_heads(slots, head_mac_key, installation_id)
    db_head = current_head(db)
    db_seq = 0 if db_head is None else db_head.seq
    for source, seq, digest in heads:
        if seq > db_seq:
            problems.append(
                HeadProblem(
                    source,
                    seq,
                    f"custody log truncated or rolled back: the {source} records entry {seq} "
                    f"but the database log ends at entry {db_seq}",
                )
            )
            continue
        row = db.get(CustodyEntry, seq)
        if row is None or row.entry_hash != digest:
            problems.append(
                HeadProblem(
                    source,
                    seq,
                    f"custody log replaced: entry {seq} in the database does not match the hash "
                    f"the {source} recorded for it",
                )
            )
    return problems
