"""Verifying the custody log in the database: the whole chain and the register's replay, in one pass, on every core.

The rules live in ``casedesk.custody.chain``. Here they run over the SQLCipher
database: one pass in this process builds the key registry from the genesis
and account entries (a few rows, read through the action index), then the
log is cut into aligned blocks of ``CHUNK`` entries that worker processes
read straight from the database and check (hashes, links, keys, signatures,
Merkle subtree roots); this process joins the blocks in order (links across
blocks, missing entries, time order, the tree root). Small logs are checked in
this process: starting workers costs more than it saves.

``casedesk verify`` also replays the log into the register it establishes
(``casedesk.custody.projection``). Each row is read once: the worker that
checks a block also sends what the replay needs of it (the whole entry where
the replay may need it, action, actor and case for the rest), and this
process replays the blocks in order as they arrive, while the workers check
the next ones. A worker that dies ends the verify with ``VerifyIncomplete``:
never a wait for a block that will not come, never an OK for a log not read.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.custody import chain, encoding
from casedesk.custody.chain import ChainResult, Problem, Registry
from casedesk.errors import StoreError, VerifyIncomplete
from casedesk.progress import CancelToken, Progress, no_progress

log = logging.getLogger("casedesk.custody.verify")

CHUNK = 1 << 13  # entries per block: a power of two, so full blocks are Merkle subtrees
PARALLEL_MIN = 100_000  # below this many entries, one process is faster than starting workers

_COLUMNS = ", ".join(encoding.ROW_COLUMNS)
_SELECT_RANGE = f"SELECT {_COLUMNS} FROM custody_entries WHERE seq >= ? AND seq < ? ORDER BY seq"
_BODY = ("action", "case_ref", "exhibit_ref", "reason", "location", "from_party", "to_party", "sha256", "tool", "text")
_HEAD = "seq, prev_hash, timestamp, time_zone, utc_offset, actor, actor_key"
# chain.check_clean's columns: the JSON arrays only where every field is of a type the canonical encoding takes
# (json_array would render a number as a number and read a blob as JSONB, where the encoding refuses both).
_TEXT_OR_NULL = " AND ".join(f"typeof({c}) IN ('text', 'null')" for c in _BODY)
_TEXT = " AND ".join(f"typeof({c}) = 'text'" for c in _HEAD.split(", ")[1:])
_SELECT_CLEAN = (
    "SELECT seq, prev_hash, timestamp, actor, actor_key, case_ref, action, version, case_commit, entry_hash, "
    f"{{signature}}, data, CASE WHEN {_TEXT_OR_NULL} THEN json_array({', '.join(_BODY)}) END, "
    f"CASE WHEN typeof(seq) = 'integer' AND typeof(version) = 'integer' AND {_TEXT} THEN CASE "
    f"WHEN version = 2 AND typeof(case_commit) IN ('text', 'null') THEN json_array(2, {_HEAD}, case_commit) "
    f"WHEN version = 1 AND case_commit IS NULL THEN json_array(1, {_HEAD}) END END "
    "FROM custody_entries WHERE seq >= ? AND seq < ? ORDER BY seq"
)
_MARKS = ", ".join("?" * len(chain.REGISTRY_ACTIONS))
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
    """Every entry up to the first key registration, and every entry the keys follow (``chain.REGISTRY_ACTIONS``),
    in log order."""
    rows = {r[0]: r for r in _query(conn, _SELECT_GENESIS, (chain.KEY_REGISTERED,))}
    for r in _query(conn, _SELECT_ACCOUNTS, (*sorted(chain.REGISTRY_ACTIONS), last_seq)):
        rows.setdefault(r[0], r)
    return [rows[seq] for seq in sorted(rows)]


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# --- worker processes ---------------------------------------------------------------------
_worker: dict[str, Any] = {}

# What the replay of one block needs, row by row: (action, actor, case), and the whole entry
# (``projection.REPLAY_COLUMNS`` order) of the rows the replay may need in full (None for the others).
ReplayFeed = tuple[list[tuple[Any, Any, Any]], list[tuple[Any, ...] | None]]
MSG_WORKER_DIED = ("the check stopped: one of its worker processes ended unexpectedly (killed, or out of memory), so "
                   "the log was not checked in full; nothing is concluded")


@dataclass(frozen=True)
class _Plan:
    """What every block's check needs: sent once to each worker."""

    path: str
    key_hex: str
    registry: Registry
    signatures: bool
    visible: frozenset[str] | None
    salts: dict[str, bytes] | None
    last: int  # the last entry of this verify's snapshot: entries appended since are not read
    known_by_key: frozenset[str] | None  # None: no replay; else the actions it can replay by key alone


def _init_worker(plan: _Plan) -> None:
    _worker.update(conn=open_raw(Path(plan.path), bytes.fromhex(plan.key_hex)), plan=plan)


def _check_block(block: tuple[int, int]) -> tuple[chain.ChunkResult, ReplayFeed | None]:
    return _check(_worker["conn"], _worker["plan"], block)


def _check(conn: Any, plan: _Plan, block: tuple[int, int]) -> tuple[chain.ChunkResult, ReplayFeed | None]:
    """One block: the fast path (``chain.check_clean``) if it finds every entry plainly right, else ``check_rows``."""
    lo, hi = block[0], min(block[1], plan.last + 1)
    try:
        clean = conn.execute(_SELECT_CLEAN.format(signature="signature" if plan.signatures else "NULL"),
                             (lo, hi)).fetchall()
    except sqlcipher.OperationalError:  # text that is not UTF-8: check_rows reads it as it can, and reports it
        clean = None
    res = None if clean is None else chain.check_clean(clean, plan.registry, plan.signatures, block, plan.salts)
    if res is not None:
        feed = None if plan.known_by_key is None else replay_feed(clean, plan.known_by_key, _CLEAN_KEY, _clean_entry)
        return res, feed
    rows = read_rows(conn, lo, hi)
    res = chain.check_rows(rows, plan.registry, plan.signatures, plan.visible, block, plan.salts)
    return res, (None if plan.known_by_key is None else replay_feed(rows, plan.known_by_key, _ROW_KEY, _row_entry))


_ROW_KEY = (7, 5, 8)  # action, actor, case in encoding.ROW_COLUMNS
_CLEAN_KEY = (chain.CLEAN_ACTION, chain.CLEAN_ACTOR, chain.CLEAN_CASE)


def _row_entry(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row in ``encoding.ROW_COLUMNS`` order as ``projection.REPLAY_COLUMNS``."""
    return (row[0], row[2], row[5], *row[7:18])


def _clean_entry(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row of ``chain.check_clean``'s columns that it found right, as ``projection.REPLAY_COLUMNS``: the body
    fields from their JSON array (which gives back exactly the strings it was made of)."""
    return (row[chain.CLEAN_SEQ], row[chain.CLEAN_TIME], row[chain.CLEAN_ACTOR],
            *json.loads(row[chain.CLEAN_BODY]), row[chain.CLEAN_DATA])


def replay_feed(rows: Sequence[Sequence[Any]], known_by_key: frozenset[str], at: tuple[int, int, int],
                entry: Callable[[Sequence[Any]], tuple[Any, ...]]) -> ReplayFeed:
    """What the replay needs of ``rows`` (``at``: where action, actor and case are; ``entry``: a row as
    ``projection.REPLAY_COLUMNS``).

    The whole entry of every row whose action is not in ``known_by_key`` and of the first row of each (action,
    actor, case) since the block began or since the last row that may change the register: the replay answers
    the rest by that key alone (``Projection.apply_known``) and asks the database for any other it needs.
    Keys are shared objects, so a block's feed pickles small.
    """
    keys: list[tuple[Any, Any, Any]] = []
    full: list[tuple[Any, ...] | None] = []
    seen: dict[tuple[Any, Any, Any], tuple[Any, Any, Any]] = {}
    a, b, c = at
    for row in rows:
        action = row[a]
        key = (action, row[b], row[c])
        shared = seen.get(key)
        if shared is not None and action in known_by_key:
            keys.append(shared)
            full.append(None)
            continue
        if action in known_by_key:
            seen[key] = key
        else:
            seen.clear()  # an entry that may change the register: the answers known so far may not hold after it
        keys.append(key)
        full.append(entry(row))
    return keys, full


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
    replay: bool = False,
) -> ChainResult:
    """Check the whole log. ``visible``: cases whose entries may be named in problems (None: all).

    ``salts``: the salts of the cases whose entries' commitments are checked (``case_salts``).
    ``replay``: also replay the log into the register and compare the tables with it (``replay_register``, with
    the entries this check finds broken left out), from the same reading of the log: the result's ``register``
    (or ``register_error`` if the tables cannot be read).
    """
    conn = open_raw(db_path, db_key)
    try:
        # One read transaction: the tables the replay is compared with, and the end of the log read, from one
        # snapshot whatever other processes commit meanwhile (the log is append-only: entries up to ``last`` are
        # the same for the workers).
        conn.execute("BEGIN")
        first, last, total = conn.execute("SELECT min(seq), max(seq), count(*) FROM custody_entries").fetchone()
        register = _Replay(conn, visible, cancel) if replay else None
        from casedesk.custody.keybook import build_registry  # here: the workers never need it (nor its replay)

        if not total:
            registry, reg_problems = build_registry([])
            joiner = chain.ChainJoiner(registry, reg_problems, lambda seq: (None, None))
            result = joiner.finish()
            if register is not None:
                register.finish(result)
            return result
        registry, reg_problems = build_registry(registry_rows(conn, last))

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
        plan = _Plan(str(db_path), db_key.hex(), registry, signatures, visible, salts, last,
                     None if register is None else register.known_by_key)

        if register is not None:
            register.broken.update(p.seq for _, p in reg_problems if p.seq is not None)

        def take(res: chain.ChunkResult, feed: ReplayFeed | None) -> None:
            nonlocal done
            known = len(joiner.ranked)
            joiner.add(res)
            if register is not None and feed is not None:
                register.add(res, feed, joiner.ranked[known:])
            done += res.count
            progress(done, total, "checking custody entries")

        _run(conn, plan, _blocks(first, last), n_workers if total >= parallel_min else 1, cancel, take)
        result = joiner.finish()
        if register is not None:
            register.finish(result)
    finally:
        conn.close()
    log.info("custody chain checked: %d entries, %d signatures, %d problems",
             result.entries, result.signatures, len(result.problems))
    return result


def _run(conn: Any, plan: _Plan, blocks: list[tuple[int, int]], workers: int, cancel: CancelToken | None,
         take: Callable[[chain.ChunkResult, ReplayFeed | None], None]) -> None:
    """Check ``blocks`` and hand each result to ``take`` in log order, in this process or on ``workers`` others."""
    if workers <= 1 or len(blocks) == 1:
        for block in blocks:
            if cancel is not None:
                cancel.check()
            take(*_check(conn, plan, block))
        return
    ctx = multiprocessing.get_context("spawn")  # never fork a process that may hold Qt or SQLite state
    pool = ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(plan,))
    try:
        ahead: deque[Future[tuple[chain.ChunkResult, ReplayFeed | None]]] = deque()
        todo = iter(blocks)
        for block in todo:  # a few blocks queued per worker: results wait here for their turn, not all at once
            ahead.append(pool.submit(_check_block, block))
            if len(ahead) >= 3 * workers:
                break
        while ahead:
            if cancel is not None:
                cancel.check()
            res = ahead.popleft().result()
            following = next(todo, None)
            if following is not None:
                ahead.append(pool.submit(_check_block, following))
            take(*res)
    except BrokenProcessPool:  # a worker died: its block will never come, and the others are not waited for
        raise VerifyIncomplete(MSG_WORKER_DIED, cli_hint="run `casedesk verify` again") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class _Replay:
    """The register replayed block by block as the chain check hands the blocks over (``verify_chain(replay=True)``)."""

    def __init__(self, conn: Any, visible: frozenset[str] | None, cancel: CancelToken | None) -> None:
        from casedesk.custody import projection  # here: the workers never need it

        self.conn, self.visible, self.cancel = conn, visible, cancel
        self.state = projection.Projection(self._entry_of)
        self.entry = projection.Entry.from_replay_row
        self.known_by_key = frozenset(projection.KNOWN_BY_KEY)
        self.broken: set[int] = set()
        self.error: str | None = None
        self._select = (f"SELECT {', '.join(projection.REPLAY_COLUMNS)} FROM custody_entries WHERE seq = ?")

    def _entry_of(self, n: int) -> tuple[str | None, str | None] | None:  # asked only of a remote review's entry
        row = self.conn.execute("SELECT entry_hash, case_ref FROM custody_entries WHERE seq = ?", (n,)).fetchone()
        return None if row is None else (row[0], row[1])

    def _row(self, seq: int) -> tuple[Any, ...]:
        return tuple(_query(self.conn, self._select, (seq,))[0])

    def add(self, res: chain.ChunkResult, feed: ReplayFeed,
            found: Sequence[tuple[int, int, int, Problem]]) -> None:
        """Replay one block's entries; ``found``: the problems the chain check added with it (broken entries)."""
        if self.error is not None:
            return
        self.broken.update(p.seq for *_, p in found if p.seq is not None)
        keys, full = feed
        state, broken = self.state, self.broken
        apply_row, apply_known = state.apply_row, state.apply_known
        any_broken = any(res.first_seq <= seq <= res.last_seq for seq in broken)
        try:
            for seq, key, row in zip(res.seqs, keys, full, strict=True):
                if any_broken and seq in broken:
                    state.skip(self.entry(row if row is not None else self._row(seq)))
                elif row is not None:
                    apply_row(row)
                elif not apply_known(seq, *key):
                    apply_row(self._row(seq))
        except sqlcipher.DatabaseError as exc:
            self.error = str(exc).lower()

    def finish(self, result: ChainResult) -> None:
        result.register, result.register_error = None, self.error
        if self.error is not None:
            return
        try:
            result.register = _register_result(self.conn, self.state, self.visible)
        except sqlcipher.DatabaseError as exc:
            result.register_error = str(exc).lower()


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
    # Open custody conflicts between this log and the installation's other copy (docs/sync-protocol.md, "Offline
    # conflicts"): not tampering, but findings a supervisor must resolve; ``ok`` is False while any is open.
    conflicts: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        scope = f"case {self.case_ref}" if self.case_ref else "the installation"
        what = (f"{self.entries_checked} custody entries ({self.signatures_checked} signatures) and "
                f"{self.exhibits_checked} exhibits of {scope}")
        if not self.problems and self.conflicts:
            n = len(self.conflicts)
            return (f"OPEN: {n} custody conflict{'s' if n != 1 else ''} with the installation's other copy await a "
                    f"supervisor's resolution; nothing else found in {what}")
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
    from casedesk.custody import projection  # here: the workers never need it

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
        problems = _register_result(conn, state, visible)
    finally:
        conn.close()
    return state, problems


def _register_result(conn: Any, state: Any, visible: frozenset[str] | None) -> list[Problem]:
    """The replay's problems (entries made without authority), then every difference of the tables from it."""
    from casedesk.custody import register

    problems = []
    for p in state.problems:
        exhibit, case = chain.shown(p.case, p.exhibit, visible)
        if visible is not None and p.case is not None and case is None:
            problems.append(Problem(p.seq, None, "an entry of another case was made without authority"))
        else:
            problems.append(Problem(p.seq, exhibit, p.message, case))
    problems += register.compare(conn, state, visible)
    return problems
