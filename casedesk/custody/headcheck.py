"""Roll-back and truncation detection against the copies of the log head kept outside the store.

Two copies: ``custody_head`` in ``keyslots.json`` and ``custody-head:<id>`` in
the OS keyring (device-bound installations only). Both carry an HMAC-SHA256
under the head key, a subkey of the store key: only someone who can sign in
can write a copy that passes, so removing a copy, or replacing it without a
password, is an integrity alert rather than an acceptance.

Read the outside copies first (under the data-directory lock), the database
after: a writer commits, then moves the copies forward, so a database read
after the copies is never behind them because of a concurrent writer. Reading
in the other order (finding 11 of issue 10) reported another process's commit
as a roll-back.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from sqlalchemy.orm import Session as OrmSession

from casedesk.custody.log import current_head
from casedesk.errors import KeyringUnavailable, KeySlotError
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile, head_mac
from casedesk.store.models import CustodyEntry

SLOTS = "key slots file"
KEYRING = "OS keyring"

RESET_HINT = (
    "if the database is the latest copy there is, an administrator can accept it with "
    "`casedesk custody reset-head --reason ...` (a signed custody entry records the old and new heads)"
)
MSG_MISSING = ("the {source} holds no custody head although the log has {n} entries: the copy was removed "
               "or replaced by an older file")
MSG_KEYRING_GARBAGE = "the custody head kept in the OS keyring is unreadable"
MSG_KEYRING_MAC = "the custody head kept in the OS keyring fails its integrity check"
MSG_KEYRING_UNAVAILABLE = "the OS keyring cannot be read, so its custody head cannot be checked"


@dataclass(frozen=True)
class HeadProblem:
    source: str
    seq: int
    message: str


@dataclass
class OutsideHeads:
    """The copies as read (under the lock), before any database read."""

    heads: list[tuple[str, int, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[HeadProblem] = field(default_factory=list)


def keyring_text(seq: int, entry_hash: str, mac_key: bytes) -> str:
    """The keyring copy of a head: ``<seq>:<hash>:<HMAC-SHA256(head key, '<seq>:<hash>')>``."""
    return f"{seq}:{entry_hash}:{head_mac(mac_key, seq, entry_hash)}"


def parse_keyring(text: str, mac_key: bytes, legacy: bool) -> tuple[int, str]:
    """``(seq, hash)`` of a keyring copy; ``ValueError`` when unreadable, ``KeySlotError`` when its MAC fails.

    ``legacy``: accept a two-part ``<seq>:<hash>`` copy, as CaseDesk wrote it before the copy carried a
    MAC: only while keyslots.json is still version 1 (before the first sign-in after the upgrade, which
    writes both in the new form). Anyone can write a two-part copy, so after that it is an alert.
    """
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError("parts")
    seq = int(parts[0])
    digest = parts[1]
    if seq < 1 or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("value")
    if len(parts) == 2 and not legacy:
        raise KeySlotError(MSG_KEYRING_MAC)
    if len(parts) == 3 and not hmac.compare_digest(parts[2], head_mac(mac_key, seq, digest)):
        raise KeySlotError(MSG_KEYRING_MAC)
    return seq, digest


def read_outside(slots: KeySlotFile, head_mac_key: bytes, keyring_value: str | None,
                 keyring_error: str | None = None) -> OutsideHeads:
    """The copies, from ``slots`` and the keyring value already read (both under the data-dir lock).

    ``keyring_error``: why the keyring could not be read (device-bound installations only).
    """
    out = OutsideHeads()
    try:
        rec = slots.head(head_mac_key)
        if rec is None:
            out.missing.append(SLOTS)
        else:
            out.heads.append((SLOTS, rec[0], rec[1]))
    except KeySlotError as exc:
        out.problems.append(HeadProblem(SLOTS, 0, str(exc)))
    except (ValueError, TypeError, KeyError):
        out.problems.append(HeadProblem(SLOTS, 0, "the custody head recorded in keyslots.json is unreadable"))
    if not slots.device_bound:
        return out
    if keyring_error is not None:
        out.problems.append(HeadProblem(KEYRING, 0, f"{MSG_KEYRING_UNAVAILABLE} ({keyring_error})"))
    elif keyring_value is None:
        out.missing.append(KEYRING)
    else:
        try:
            seq, digest = parse_keyring(keyring_value, head_mac_key, legacy=slots.version == 1)
            out.heads.append((KEYRING, seq, digest))
        except KeySlotError as exc:
            out.problems.append(HeadProblem(KEYRING, 0, str(exc)))
        except ValueError:
            out.problems.append(HeadProblem(KEYRING, 0, MSG_KEYRING_GARBAGE))
    return out


def load_keyring_head(slots: KeySlotFile) -> tuple[str | None, str | None]:
    """``(value, error)`` of the keyring copy. The caller holds the data-dir lock."""
    if not slots.device_bound:
        return None, None
    try:
        return device_secret.load_head(slots.installation_id), None
    except KeyringUnavailable as exc:
        return None, str(exc)


def recorded_heads(slots: KeySlotFile, head_mac_key: bytes, installation_id: str
                   ) -> tuple[list[tuple[str, int, str]], list[HeadProblem]]:
    """The copies and the problems reading them. The caller holds the data-dir lock."""
    del installation_id  # the slots file names it
    value, error = load_keyring_head(slots)
    out = read_outside(slots, head_mac_key, value, error)
    return out.heads, out.problems


def missing_problems(outside: OutsideHeads, entries: int) -> list[HeadProblem]:
    """A copy missing while the log has entries is an alert, never an acceptance."""
    if entries == 0:
        return []
    return [HeadProblem(src, 0, MSG_MISSING.format(source=src, n=entries)) for src in outside.missing]


def check_heads(db: OrmSession, outside: OutsideHeads) -> list[HeadProblem]:
    """Every way the database's log falls short of the copies ``outside`` (read before ``db``)."""
    problems = list(outside.problems)
    db_head = current_head(db)
    db_seq = 0 if db_head is None else db_head.seq
    problems += missing_problems(outside, db_seq)
    for source, seq, digest in outside.heads:
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
