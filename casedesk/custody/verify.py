"""Verifying the custody log in the database: the whole chain, on every core.

The rules live in ``casedesk.custody.chain``. Here they run over the SQLCipher
database: one pass in this process builds the key registry from the genesis
and account entries (a few rows, read through the action index), then the
log is cut into aligned blocks of ``CHUNK`` entries that worker processes
read straight from the database and check (hashes, links, keys, signatures,
Merkle subtree roots); this process joins the blocks in order (links across
blocks, missing entries, time order, the tree root). Small logs are checked in
this process: starting workers costs more than it saves.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import chain, encoding
from casedesk.custody.chain import ChainResult, Problem, Registry
from casedesk.errors import StoreError
from casedesk.progress import CancelToken, Progress, no_progress

log = logging.getLogger("casedesk.custody.verify")

CHUNK = 1 << 13  # entries per block: a power of two, so full blocks are Merkle subtrees
PARALLEL_MIN = 100_000  # below this many entries, one process is faster than starting workers

_COLUMNS = ", ".join(encoding.ROW_COLUMNS)
_SELECT_RANGE = f"SELECT {_COLUMNS} FROM custody_entries WHERE seq >= ? AND seq < ? ORDER BY seq"
_MARKS = ", ".join("?" * len(chain.ACCOUNT_ACTIONS))
# Two indexed queries (an OR of both would scan the whole table).
_SELECT_ACCOUNTS = f"SELECT {_COLUMNS} FROM custody_entries WHERE action IN ({_MARKS}) AND seq <= ? ORDER BY seq"
_SELECT_GENESIS = (
    f"SELECT {_COLUMNS} FROM custody_entries WHERE seq <= "
    "(SELECT min(seq) FROM custody_entries WHERE action = ? AND case_ref IS NULL) ORDER BY seq"
)


def open_raw(path: Path, db_key: bytes) -> Any:
    """A plain read-only DB-API connection to the store (no ORM: a million rows are read here)."""
    conn = sqlcipher.connect(str(path), check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        conn.close()
        raise StoreError(f"{path} cannot be opened with this installation's key") from None
    return conn


def read_rows(conn: Any, lo: int, hi: int) -> list[tuple[Any, ...]]:
    """Rows with ``lo <= seq < hi``; text that is not UTF-8 comes back with lone surrogates (and fails to encode)."""
    return _query(conn, _SELECT_RANGE, (lo, hi))


def _query(conn: Any, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    try:
        return list(conn.execute(sql, args))
    except sqlcipher.OperationalError as exc:
        if "decode" not in str(exc).lower():
            raise
    old = conn.text_factory
    conn.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.text_factory = old


def registry_rows(conn: Any, last_seq: int) -> list[tuple[Any, ...]]:
    """Every entry up to the first key registration, and every account entry, in log order."""
    rows = {r[0]: r for r in _query(conn, _SELECT_GENESIS, (chain.KEY_REGISTERED,))}
    for r in _query(conn, _SELECT_ACCOUNTS, (*sorted(chain.ACCOUNT_ACTIONS), last_seq)):
        rows.setdefault(r[0], r)
    return [rows[seq] for seq in sorted(rows)]


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- worker processes ---------------------------------------------------------------------
_worker: dict[str, Any] = {}


def _init_worker(path: str, key_hex: str, registry: Registry, signatures: bool,
                 visible: frozenset[str] | None, salts: dict[str, bytes] | None) -> None:
    _worker.update(conn=open_raw(Path(path), bytes.fromhex(key_hex)), registry=registry,
                   signatures=signatures, visible=visible, salts=salts)


def _check_block(block: tuple[int, int]) -> chain.ChunkResult:
    rows = read_rows(_worker["conn"], *block)
    return chain.check_rows(rows, _worker["registry"], _worker["signatures"], _worker["visible"], block,
                            _worker["salts"])


def _blocks(first: int, last: int) -> list[tuple[int, int]]:
    start = 1 + ((first - 1) // CHUNK) * CHUNK
    return [(lo, lo + CHUNK) for lo in range(start, last + 1, CHUNK)]


def verify_chain(
    db_path: Path,
    db_key: bytes,
    *,
    signatures: bool = True,
    visible: frozenset[str] | None = None,
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    salts: dict[str, bytes] | None = None,
) -> ChainResult:
    """Check the whole log. ``visible``: cases whose entries may be named in problems (None: all).

    ``salts``: the salts of the cases whose entries' commitments are checked (``case_salts``).
    """
    conn = open_raw(db_path, db_key)
    try:
        first, last, total = conn.execute("SELECT min(seq), max(seq), count(*) FROM custody_entries").fetchone()
        if not total:
            registry, reg_problems = chain.build_registry([])
            joiner = chain.ChainJoiner(registry, reg_problems, lambda seq: (None, None))
            return joiner.finish()
        registry, reg_problems = chain.build_registry(registry_rows(conn, last))

        def locate(seq: int) -> tuple[str | None, str | None]:
            row = conn.execute("SELECT case_ref, exhibit_ref FROM custody_entries WHERE seq = ?", (seq,)).fetchone()
            if row is None:
                return None, None
            case, exhibit = row
            if visible is not None and case is not None and case not in visible:
                return None, None
            return (exhibit if isinstance(exhibit, str) else None), (case if isinstance(case, str) else None)

        acks = chain.time_acknowledgements(conn.execute(
            "SELECT seq, data FROM custody_entries WHERE action = ?", (chain.TIME_ACKNOWLEDGED,)).fetchall())
        joiner = chain.ChainJoiner(registry, reg_problems, locate, acks)
        done = 0
        progress(0, total, "checking custody entries")
        n_workers = workers if workers is not None else default_workers()
        for res in _results(conn, db_path, db_key, first, last, registry, signatures, visible,
                            n_workers if total >= parallel_min else 1, cancel, salts):
            joiner.add(res)
            done += res.count
            progress(done, total, "checking custody entries")
        result = joiner.finish()
    finally:
        conn.close()
    log.info("custody chain checked: %d entries, %d signatures, %d problems",
             result.entries, result.signatures, len(result.problems))
    return result


def _results(conn: Any, db_path: Path, db_key: bytes, first: int, last: int, registry: Registry,
             signatures: bool, visible: frozenset[str] | None, workers: int,
             cancel: CancelToken | None, salts: dict[str, bytes] | None) -> Iterator[chain.ChunkResult]:
    blocks = _blocks(first, last)
    if workers <= 1 or len(blocks) == 1:
        for block in blocks:
            if cancel is not None:
                cancel.check()
            yield chain.check_rows(read_rows(conn, *block), registry, signatures, visible, block, salts)
        return
    ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold Qt or SQLite state
    with ctx.Pool(workers, initializer=_init_worker,
                  initargs=(str(db_path), db_key.hex(), registry, signatures, visible, salts)) as pool:
        for res in pool.imap(_check_block, blocks):
            if cancel is not None and cancel.cancelled:
                pool.terminate()
                cancel.check()
            yield res


def recorded_hash(conn: Any, seq: int) -> Any:
    row = conn.execute("SELECT entry_hash FROM custody_entries WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else row[0]


@dataclass(frozen=True)
class OutsideHead:
    source: str
    seq: int
    hash: str


@dataclass
class VerifyReport:
    """The outcome of ``casedesk verify``: ok only when ``problems`` is empty."""

    ok: bool
    problems: list[Problem]
    entries_checked: int
    signatures_checked: int
    exhibits_checked: int
    head_seq: int
    head_hash: str | None
    tree_size: int
    tree_root: str
    case_ref: str | None = None
    outside_heads: list[OutsideHead] = field(default_factory=list)
    recorded_as: int | None = None  # the 'verify.run' entry, when one could be written
    # Entries whose wrong time a supervisor acknowledged (custody.time_acknowledged): not problems, but said.
    acknowledged: list[str] = field(default_factory=list)
    unit_fingerprint: str | None = None  # the unit key the log was also checked against (docs/unit-trust.md)

    def summary(self) -> str:
        scope = f"case {self.case_ref}" if self.case_ref else "the installation"
        what = (f"{self.entries_checked} custody entries ({self.signatures_checked} signatures) and "
                f"{self.exhibits_checked} exhibits of {scope}")
        if self.ok:
            noted = (f"; {len(self.acknowledged)} entry time(s) acknowledged as wrong by a supervisor"
                     if self.acknowledged else "")
            pinned = f"; every key chains to unit {self.unit_fingerprint}" if self.unit_fingerprint else ""
            return (f"OK: {what} verified; log head entry {self.head_seq} ({(self.head_hash or '')[:16]}...)"
                    + pinned + noted)
        n = len(self.problems)
        return f"FAILED: {n} problem{'s' if n != 1 else ''} in {what}"


def head_problems(conn_path: Path, db_key: bytes, heads: Sequence[OutsideHead], last_seq: int) -> list[Problem]:
    conn = open_raw(conn_path, db_key)
    try:
        return chain.head_problems([(h.source, h.seq, h.hash) for h in heads], last_seq,
                                   lambda seq: recorded_hash(conn, seq))
    finally:
        conn.close()


# --- the register against the log ------------------------------------------------------------
def register_problems(db_path: Path, db_key: bytes, visible: frozenset[str] | None = None,
                      broken: frozenset[int] = frozenset(), cancel: CancelToken | None = None) -> list[Problem]:
    return replay_register(db_path, db_key, visible, broken, cancel)[1]


MSG_REGISTER_ALERT = ("the register differs from the signed custody log ({n} difference{s}; first: {first}); "
                      "run `casedesk verify` to see them all")


def register_alerts(db_path: Path, db_key: bytes) -> tuple[Any, list[str]]:
    """The sign-in check: the register the log establishes (a ``Projection``; None if the database cannot be
    read in full) and an alert if the tables differ from it or an entry was made without authority."""
    try:
        state, problems = replay_register(db_path, db_key, changes_only=True)
    except sqlcipher.DatabaseError as exc:
        return None, [f"the database file is damaged ({str(exc).lower()}): the register cannot be checked against "
                      "the custody log; run `casedesk verify`, then restore casedesk.db from backup"]
    if not problems:
        return state, []
    n = len(problems)
    return state, [MSG_REGISTER_ALERT.format(n=n, s="" if n == 1 else "s", first=problems[0].describe())]


def replay_register(db_path: Path, db_key: bytes, visible: frozenset[str] | None = None,
                    broken: frozenset[int] = frozenset(), cancel: CancelToken | None = None,
                    changes_only: bool = False) -> tuple[Any, list[Problem]]:
    """Replay the whole log into the register it establishes; name every entry its signer had no right to
    make and every row and column of the tables that differs from the replay.

    ``visible``: the cases whose rows are compared and whose entries may be named (None: all).
    ``broken``: entries the chain check found broken (left out of the replay; what they touched is not compared).
    ``changes_only``: replay only the entries that change the register (the sign-in check: the tables against the
    log, without judging the authority of views, exports and sign-ins, which ``casedesk verify`` does).
    """
    from casedesk.custody import projection, register  # here: they import SQLAlchemy, which the workers never need

    conn = open_raw(db_path, db_key)
    try:
        # One read transaction: the log and the tables from one snapshot, whatever other processes commit.
        conn.execute("BEGIN")
        def entry_of(n: int) -> tuple[str | None, str | None] | None:  # asked only of a remote review's entry
            row = conn.execute("SELECT entry_hash, case_ref FROM custody_entries WHERE seq = ?", (n,)).fetchone()
            return None if row is None else (row[0], row[1])

        state = projection.Projection(entry_of)
        apply, skip, entry = state.apply_row, state.skip, projection.Entry.from_replay_row
        changing = sorted(projection.CHANGING_ACTIONS)
        columns = ", ".join(projection.REPLAY_COLUMNS)
        select_all = f"SELECT {columns} FROM custody_entries WHERE seq >= ? AND seq < ? ORDER BY seq"
        select_changes = (f"SELECT {columns} FROM custody_entries WHERE seq >= ? AND seq < ? AND action IN "
                          f"({', '.join(repr(a) for a in changing)}) ORDER BY seq")
        last = conn.execute("SELECT max(seq) FROM custody_entries").fetchone()[0] or 0
        for lo in range(1, last + 1, CHUNK):
            if cancel is not None:
                cancel.check()
            rows = _query(conn, select_changes if changes_only else select_all, (lo, lo + CHUNK))
            for row in rows:
                if row[0] in broken:
                    skip(entry(row))
                else:
                    apply(row)
        problems = []
        for p in state.problems:
            exhibit, case = chain.shown(p.case, p.exhibit, visible)
            if visible is not None and p.case is not None and case is None:
                problems.append(Problem(p.seq, None, "an entry of another case was made without authority"))
            else:
                problems.append(Problem(p.seq, exhibit, p.message, case))
        problems += register.compare(conn, state, visible)
    finally:
        conn.close()
    return state, problems
