"""Appending to the custody log: the only way an entry is ever written.

``append`` must run inside a write transaction (``BEGIN IMMEDIATE``), the
same one that makes the state change the entry records, so the two commit
or fail together and no other writer can slip an entry in between reading
the head and inserting the next one.

Time: an entry is never written more than ``TIME_TOLERANCE_SECONDS`` earlier
than the head's time (``ClockError``, nothing written): a clock that has gone
back would otherwise sign entries that verification then reports as out of
order. The one exception is a supervisor's ``custody.time_acknowledged``
entry, which is how a head whose own time is wrong (written by a clock that
was ahead) is set aside; verification leaves the acknowledged entry's time out
of its order check. ``clock_notice`` is what sign-in tells the user about the
clock: behind the head (nothing can be recorded), or far ahead of it.

The head is read from the table once per transaction; each append then
leaves the head it made in ``db.info`` for the next one, and its row is added
to the session without a flush of its own: the rows of a transaction go to
the database together (one ``executemany``) at its next query or at the
commit. A batch of 500 ingested exhibits costs one head read and one insert,
not 500 of each.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk import tool_id
from casedesk.custody import encoding
from casedesk.custody.chain import TIME_ACKNOWLEDGED, TIME_TOLERANCE_SECONDS
from casedesk.custody.signing import Signer
from casedesk.errors import ClockError, IntegrityError, UsageError
from casedesk.store.bulk import insert_rows
from casedesk.store.models import Case, CustodyEntry
from casedesk.timeutil import DISPLAY_ZONE_NAME, iso_utc, uk_display, uk_offset, utc_now

# A clock more than this far ahead of the last entry is questioned at sign-in. Three days: a laptop left
# over a weekend (Friday evening to Monday morning, about 64 hours) is not questioned every Monday, which
# would teach users to ignore the notice; a clock set a month or a year ahead (a mistyped date, a
# wrong year after a battery change) is caught before it signs anything.
CLOCK_AHEAD_NOTICE = timedelta(hours=72)

CASE_CREATED = "case.created"
# A case handed over from another installation begins here (docs/sync-protocol.md): its salt is disclosed as a
# case.created entry's is.
CASE_RECEIVED = "case.received"
CASE_BEGINNINGS = (CASE_CREATED, CASE_RECEIVED)
ENCODING_UPGRADED = "custody.encoding_upgraded"
SALT_DOMAIN = b"CASEDESK-CUSTODY-CASE-SALT-V2\x00"


@dataclass(frozen=True)
class Head:
    seq: int
    entry_hash: str
    version: int = encoding.VERSION


def current_head(db: OrmSession) -> Head | None:
    row = db.execute(
        select(CustodyEntry.seq, CustodyEntry.entry_hash, CustodyEntry.version)
        .order_by(CustodyEntry.seq.desc()).limit(1)
    ).first()
    return None if row is None else Head(int(row[0]), str(row[1]), int(row[2]))


def salt_commitment(salt_hex: str, case_ref: str) -> str:
    """How a case created before encoding version 2 is named in the upgrade entry: SHA-256 of salt and reference.

    The reference binds the salt to its case (one old case's salt cannot be passed off as another's); the
    salt keeps the reference from being guessed by anyone who does not hold it.
    """
    return hashlib.sha256(SALT_DOMAIN + bytes.fromhex(salt_hex) + case_ref.encode("utf-8")).hexdigest()


def _new_salt() -> str:
    return secrets.token_bytes(encoding.SALT_BYTES).hex()


def _upgrade(db: OrmSession, *, actor: str, signer: Signer, at: datetime | None) -> None:
    """The first entry after the log's version-1 entries: salts for the cases created before it.

    Each such case gets its salt here; the entry (without a case, so shown in
    full in every export) records, per case, the SHA-256 of its salt and how
    many version-1 entries the case has, so that an export of that case can
    prove it shows all of them (docs/custody-export.md).
    """
    legacy: dict[str, int] = {}
    counts: dict[str, int] = {str(ref): int(n) for ref, n in db.execute(
        select(CustodyEntry.case_ref, func.count()).where(CustodyEntry.case_ref.is_not(None))
        .group_by(CustodyEntry.case_ref))}
    for case in db.scalars(select(Case).where(Case.case_salt.is_(None)).order_by(Case.reference)):
        case.case_salt = _new_salt()
        legacy[salt_commitment(case.case_salt, case.reference)] = int(counts.get(case.reference, 0))
    db.flush()
    append(db, actor=actor, signer=signer, action=ENCODING_UPGRADED, at=at,
           data={"from_version": encoding.LEGACY_VERSION, "to_version": encoding.VERSION, "legacy_cases": legacy})


def _commit_for(db: OrmSession, case_ref: str, seq: int, action: str, data: dict[str, Any]) -> str:
    """The header commitment of entry ``seq`` of ``case_ref``; a new case's salt goes into its ``case.created``."""
    cache: dict[str, bytes] = db.info.setdefault("casedesk_case_salts", {})  # one transaction's appends
    salt = cache.get(case_ref) if action not in CASE_BEGINNINGS else None
    if salt is None:
        case = db.scalar(select(Case).where(Case.reference == case_ref))
        if case is None:
            raise IntegrityError(f"case {case_ref} is not in the case register; run `casedesk verify`")
        if case.case_salt is None:
            if action not in CASE_BEGINNINGS:
                raise IntegrityError(f"case {case_ref} has no commitment salt; run `casedesk verify`")
            case.case_salt = _new_salt()
        if action in CASE_BEGINNINGS:
            data["case_salt"] = case.case_salt
        try:
            salt = bytes.fromhex(case.case_salt)
        except ValueError:
            raise IntegrityError(f"case {case_ref}'s commitment salt is damaged; run `casedesk verify`") from None
        cache[case_ref] = salt
    return encoding.case_commit(salt, seq)


_HEAD = "casedesk_custody_head"  # db.info: (seq, entry hash, time, version) of this transaction's last append


def _transaction_head(db: OrmSession) -> tuple[int, str, str, int] | None:
    """Sequence number, hash, time and encoding version of the entry the next one extends: this
    transaction's last append's, else the table's."""
    cached: tuple[int, str, str, int] | None = db.info.get(_HEAD)
    if cached is not None:
        return cached
    row = db.execute(
        select(CustodyEntry.seq, CustodyEntry.entry_hash, CustodyEntry.timestamp, CustodyEntry.version)
        .order_by(CustodyEntry.seq.desc()).limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]), int(row[3]))


def entry_at(db: OrmSession, seq: int) -> CustodyEntry | None:
    return db.get(CustodyEntry, seq)


def _stamp(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _span(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"


def clock_behind(db: OrmSession, seq: int, head_stamp: str, now: datetime) -> str | None:
    """The message when ``now`` is more than the tolerance earlier than the head's time, else None."""
    head_time = _stamp(head_stamp)
    tolerance = timedelta(seconds=TIME_TOLERANCE_SECONDS)
    if head_time is None or now >= head_time - tolerance:
        return None
    # The run of entries at the end of the log that are later than this clock: the ones to acknowledge if it
    # is their time that is wrong (written while the clock was ahead).
    first = db.scalar(select(func.min(CustodyEntry.seq)).where(
        CustodyEntry.seq > db.scalar(select(func.coalesce(func.max(CustodyEntry.seq), 0)).where(
            CustodyEntry.timestamp <= iso_utc(now + tolerance)))))
    run = f"{first}-{seq}" if first is not None and first < seq else str(seq)
    return (f"the computer's clock ({uk_display(now)}) is {_span(head_time - now)} behind the last custody "
            f"entry ({seq}, at {uk_display(head_time)}); correct the clock, then try again. Nothing was recorded. "
            f"If it is the entries' times that are wrong, a supervisor can acknowledge them: "
            f"casedesk custody acknowledge-time {run} --reason ...")


@dataclass(frozen=True)
class ClockNotice:
    text: str
    behind: bool  # True: nothing can be recorded until the clock is corrected


def clock_notice(db: OrmSession, now: datetime | None = None) -> ClockNotice | None:
    """What sign-in says about the clock: behind the last entry, or far ahead of it; None when plausible."""
    row = db.execute(
        select(CustodyEntry.seq, CustodyEntry.timestamp).order_by(CustodyEntry.seq.desc()).limit(1)
    ).first()
    if row is None:
        return None
    now = now or utc_now()
    behind = clock_behind(db, int(row[0]), str(row[1]), now)
    if behind is not None:
        return ClockNotice(behind.replace("; correct the clock, then try again. Nothing was recorded.",
                                          ": nothing can be recorded until the clock is corrected."), True)
    head_time = _stamp(str(row[1]))
    if head_time is not None and now - head_time > CLOCK_AHEAD_NOTICE:
        return ClockNotice(
            f"the computer's clock says {uk_display(now)}, {_span(now - head_time)} after the last custody entry "
            f"({row[0]}, at {uk_display(head_time)}). If the clock is wrong, correct it before recording "
            "anything: every entry is signed with this time", False)
    return None


_FIELD_NAMES = ("reason", "location", "from_party", "to_party", "sha256", "text")


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
    """One entry, added to the session (written at its next flush or at the commit)."""
    fields = {"case_ref": case_ref, "exhibit_ref": exhibit_ref, "reason": reason, "location": location,
              "from_party": from_party, "to_party": to_party, "sha256": sha256, "text": text, "data": data, "at": at}
    row = CustodyEntry(**_rows(db, actor, signer, action, [fields])[0])
    db.add(row)
    return row


def append_many(db: OrmSession, *, actor: str, signer: Signer, action: str,
                entries: Sequence[dict[str, Any]]) -> list[int]:
    """Several entries of one actor and action (e.g. a batch of ingested exhibits), in the order given, written
    at once (one ``executemany``); returns their sequence numbers.

    Each entry is a dict of ``append``'s keyword arguments (``case_ref``, ``exhibit_ref``, ..., ``data``, ``at``).
    Each entry is hashed and signed on its own exactly as ``append`` would; what a batch saves is the ORM
    object, the per-entry clock check (one per distinct time) and the per-entry flush.
    """
    if not entries:
        return []
    rows = _rows(db, actor, signer, action, entries)
    db.flush()  # entries appended one by one earlier in this transaction come first
    insert_rows(db, CustodyEntry, rows)
    return [int(r["seq"]) for r in rows]


def _rows(db: OrmSession, actor: str, signer: Signer, action: str,
          entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The column values of the entries that extend this transaction's head, hashed and signed."""
    head_row = _transaction_head(db)
    if head_row is not None and head_row[3] == encoding.LEGACY_VERSION and action != ENCODING_UPGRADED:
        _upgrade(db, actor=actor, signer=signer, at=entries[0].get("at"))
        head_row = _transaction_head(db)
    tool = tool_id()
    key = signer.public_hex
    times: dict[datetime | None, tuple[str, str]] = {}
    rows: list[dict[str, Any]] = []
    seq, prev = (0, encoding.GENESIS_PREV) if head_row is None else (head_row[0], head_row[1])
    head_time = None if head_row is None else head_row[2]
    for entry in entries:
        at = entry.get("at")
        stamp = times.get(at)
        if stamp is None:
            when = at or utc_now()
            # The clock check: once per distinct time (a batch shares one), against the head before the batch.
            if head_time is not None and action != TIME_ACKNOWLEDGED:
                behind = clock_behind(db, seq, head_time, when)
                if behind is not None:
                    raise ClockError(behind)
            stamp = (iso_utc(when), uk_offset(when))
            if at is not None:
                times[at] = stamp
        seq += 1
        case_ref = entry.get("case_ref")
        exhibit_ref = entry.get("exhibit_ref")
        data = dict(entry.get("data") or {})
        commit = None if case_ref is None else _commit_for(db, case_ref, seq, action, data)
        reason, location, from_party, to_party, sha256, text = (entry.get(name) for name in _FIELD_NAMES)
        try:
            data_text = encoding.canonical_data(data)
            body = encoding.body_text(action, case_ref, exhibit_ref, reason, location, from_party, to_party, sha256,
                                      tool, text, data_text)
            bh = encoding.body_hash(body)
            digest = encoding.entry_hash(encoding.header_bytes(seq, prev, stamp[0], DISPLAY_ZONE_NAME, stamp[1],
                                                               actor, key, bh, encoding.VERSION, commit))
        except encoding.EncodingError as exc:
            raise UsageError(f"cannot record this custody entry: {exc}; use plain text") from None
        rows.append({
            "seq": seq, "prev_hash": prev, "timestamp": stamp[0], "time_zone": DISPLAY_ZONE_NAME,
            "utc_offset": stamp[1], "actor": actor, "actor_key": key, "action": action, "case_ref": case_ref,
            "exhibit_ref": exhibit_ref, "reason": reason, "location": location, "from_party": from_party,
            "to_party": to_party, "sha256": sha256, "tool": tool, "text": text, "data": data_text,
            "entry_hash": digest, "signature": signer.sign(encoding.signing_message(digest)).hex(),
            "version": encoding.VERSION, "case_commit": commit,
        })
        prev, head_time = digest, stamp[0]
    db.info[_HEAD] = (seq, prev, head_time, encoding.VERSION)
    return rows
