"""The pinned-fingerprint check over the store's custody log (``casedesk verify --unit-fingerprint``).

Reads the enrolment entries through the action index, then every entry's
header columns in blocks (one pass, no signatures: the chain check has made
those), feeding ``pinning.UnitCheck``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casedesk.custody import encoding
from casedesk.custody.chain import Problem
from casedesk.custody.verify import CHUNK, _query, open_raw
from casedesk.progress import CancelToken
from casedesk.trust import pinning

_SELECT_ENROLMENTS = ("SELECT seq, action, data FROM custody_entries WHERE action IN (?, ?) AND case_ref IS NULL "
                      "ORDER BY seq")
_SELECT_HEADERS = ("SELECT seq, timestamp, actor, actor_key, entry_hash, case_ref, exhibit_ref FROM custody_entries "
                   "WHERE seq >= ? AND seq < ? ORDER BY seq")


def data_of(text: Any) -> Any:
    try:
        return encoding.parse_data(text) if isinstance(text, str) else None
    except ValueError:
        return None


def leaf(value: Any) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    return raw if len(raw) == 32 else bytes(32)


def enrolment_rows(conn: Any) -> list[tuple[int, str, Any]]:
    return [(seq, action, data_of(data))
            for seq, action, data in _query(conn, _SELECT_ENROLMENTS, (pinning.INITIALISED, pinning.ENROLLED))]


def unit_problems(db_path: Path, db_key: bytes, fingerprint: str, visible: frozenset[str] | None = None,
                  broken: frozenset[int] = frozenset(), cancel: CancelToken | None = None,
                  given_revocations: Sequence[Any] = ()) -> list[Problem]:
    conn = open_raw(db_path, db_key)
    try:
        conn.execute("BEGIN")  # one snapshot for both reads
        rows = enrolment_rows(conn)
        check = pinning.UnitCheck(fingerprint, rows, pinning.installation_id_of(rows), broken, visible,
                                  given_revocations)
        last = conn.execute("SELECT max(seq) FROM custody_entries").fetchone()[0] or 0
        feed = check.feed
        for lo in range(1, last + 1, CHUNK):
            if cancel is not None:
                cancel.check()
            for seq, time, actor, key, digest, case, exhibit in _query(conn, _SELECT_HEADERS, (lo, lo + CHUNK)):
                feed(seq, time, actor, key, leaf(digest), case, exhibit)
    finally:
        conn.close()
    return check.finish()
