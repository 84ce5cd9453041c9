"""Offline custody conflicts: two copies of one installation's log that both moved an exhibit (docs/sync-protocol.md,
"Offline conflicts").

A case's entries are in one installation's log at a time, but an installation restored from the unit onto a
replacement laptop (``casedesk restore``) while the old laptop still writes offline leaves two copies of that log
that both go on from the same entry. The copy that syncs first continues the unit's log; the other one's next push
**forks** it: the unit refuses the push (row 4) and keeps it as evidence (``rejected_segments``). This module is
what both sides agree on:

- ``find_fork``: is a kept segment a real fork of the log the unit holds (it links to a held entry, its chain and
  signatures hold with the keys the log registered up to there, and no entry of it was made without authority)?
  The unit asks it before it serves a segment as a fork, and the laptop asks it again of what the unit served.
- ``describe``: what the forked entries did to exhibits (the other copy's state of each), and what this log says
  of the same exhibits: the items of a ``custody.fork_recorded`` entry.
- ``ConflictBook``: the open conflicts a log's fork records and resolutions make; used by replay
  (``casedesk.custody.projection``) and by the services that show them.

Nothing is merged: the other copy's entries stay in the kept file beside the store and are named by the record
(number and hash); each exhibit they changed has a conflict that only a supervisor's signed
``custody.conflict_resolved`` closes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from casedesk.custody import chain, encoding, wire

FORK_RECORDED = "custody.fork_recorded"
RESOLVED = "custody.conflict_resolved"
MAX_FORK_ENTRIES = 5_000  # a kept segment is one push: at most this many entries

# The entries whose effect on an exhibit a conflict is about.
EXHIBIT_ACTIONS = frozenset({"exhibit.ingested", "exhibit.received", "exhibit.transferred", "exhibit.checked_out",
                             "exhibit.returned", "exhibit.withdrawn", "exhibit.sensitivity_changed", RESOLVED})
KINDS = ("moved", "reference", "new")  # the exhibit here and there / a reference both used / only in the other copy
STATE_KEYS = ("custodian", "custodian_is_user", "location", "status", "sensitive", "checked_out", "sha256")

# Exact words (docs/custody-encoding.md, "Offline conflicts").
NOT_FORK_EMPTY = "it holds no entry"
NOT_FORK_NUMBERING = "its entries are not numbered consecutively"
NOT_FORK_START = "it does not start within the log held (entries 2 to {held})"
NOT_FORK_SAME = "every entry of it is one the log holds"
NOT_FORK_LINK = "entry {seq} does not link to entry {prev} of the log held"
NOT_FORK_LONG = "it holds more than {n} forked entries"
NOT_FORK_CHAIN = "entry verification failed ({n} problem(s)); the first: {first}"
NOT_FORK_AUTHORITY = "authority replay failed ({n} problem(s)); the first: {first}"
MSG_RECORD_HERE = ("{action} by {actor} says this log holds exhibit {exhibit} of case {case} as {claimed}, but the "
                   "log says {actual}")
MSG_RECORD_SHAPE = "{action} by {actor}: its conflicts are not well formed ({detail})"
MSG_NO_CONFLICT = ("{action} by {actor} names no open custody conflict on exhibit {exhibit} of case {case} with "
                   "entry {other} of the other copy (recorded by entry {record}): ignored")
MSG_OPEN = ("open custody conflict (recorded by entry {record}): this log says {here}, but the installation's other "
            "copy says {other} (its entry {other_seq}, hash {other_hash}...); a supervisor resolves it with "
            "`casedesk custody resolve-conflict {case} {exhibit} --custodian ... --reason ...`")


class NotAFork(Exception):
    """A kept segment that is not a fork of the log held; the message says why."""


@dataclass(frozen=True)
class Fork:
    point: int  # the number of the first forked entry: the log held and the fork share every entry before it
    rows: tuple[tuple[Any, ...], ...]  # the forked entries (``encoding.ROW_COLUMNS`` order), from ``point`` on

    def segment(self) -> bytes:
        """The forked entries as kept beside the store: one canonical JSON object (``wire.row_to_json``) a line."""
        return b"".join(json.dumps(wire.row_to_json(r), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                        .encode("utf-8") + b"\n" for r in self.rows)

    def sha256(self) -> str:
        return hashlib.sha256(self.segment()).hexdigest()


def parse_segment(text: bytes) -> list[tuple[Any, ...]]:
    """The rows of a kept segment file (``Fork.segment``); raises ``NotAFork`` for anything else."""
    rows = []
    try:
        for line in text.decode("utf-8").splitlines():
            rows.append(row_from_json(json.loads(line)))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotAFork("it is not one JSON entry a line") from None
    return rows


def row_from_json(item: Any) -> tuple[Any, ...]:
    """An entry as pushed (``wire.ENTRY_KEYS``) as a row; raises ``NotAFork`` when it is not one."""
    if not isinstance(item, dict) or set(item) != set(wire.ENTRY_KEYS):
        raise NotAFork("an entry is not an object with exactly the keys of a pushed entry")
    seq, version, data = item["seq"], item["version"], item["data"]
    if type(seq) is not int or type(version) is not int or not isinstance(data, str) or seq < 1:
        raise NotAFork("an entry's seq, version or data is not of its form")
    for key in wire.ENTRY_KEYS:
        value = item[key]
        if key not in ("seq", "version") and value is not None and not isinstance(value, str):
            raise NotAFork(f"entry {seq}: {key} is not text or null")
    return tuple(item[k] for k in wire.ENTRY_KEYS)


def find_fork(held: Sequence[Sequence[Any]], pushed: Sequence[Sequence[Any]]) -> tuple[Fork, Any]:
    """(the fork, the other copy's replayed state) when ``pushed`` forks ``held`` (both rows from entry 1 on of one
    installation's log, ``encoding.ROW_COLUMNS`` order); else ``NotAFork``.

    A fork goes on from an entry the log holds (its first differing entry links to the held entry before it), and its
    entries are ones the installation's own accounts made: chain, keys and signatures as ``casedesk verify`` checks
    them with the keys the log registered up to the fork and within it, and the authority replay of the log up to
    the fork followed by the fork."""
    from casedesk.custody import keybook, projection  # replay imports this module (and the key book replay)

    if not pushed:
        raise NotAFork(NOT_FORK_EMPTY)
    if any(b[0] != a[0] + 1 for a, b in itertools.pairwise(pushed)):
        raise NotAFork(NOT_FORK_NUMBERING)
    n = len(held)
    if not 2 <= pushed[0][0] <= n:
        raise NotAFork(NOT_FORK_START.format(held=n))
    point = next((r[0] for r in pushed if r[0] <= n and tuple(held[r[0] - 1]) != tuple(r)), None)
    if point is None:
        raise NotAFork(NOT_FORK_SAME)
    rows = [tuple(r) for r in pushed if r[0] >= point]
    if len(rows) > MAX_FORK_ENTRIES:
        raise NotAFork(NOT_FORK_LONG.format(n=MAX_FORK_ENTRIES))
    prefix = [tuple(r) for r in held[: point - 1]]
    if rows[0][1] != prefix[-1][18]:
        raise NotAFork(NOT_FORK_LINK.format(seq=point, prev=point - 1))
    whole = [*prefix, *rows]
    registry, reg_problems = keybook.build_registry(whole)
    problems = [p for _, p in reg_problems if p.seq is None or p.seq >= point]
    state = projection.replay(whole)
    salts = {ref: bytes.fromhex(f.salt) for ref, f in state.cases.items()
             if isinstance(f.salt, str) and chain.HEX64_RE.match(f.salt)}
    acknowledged = chain.time_acknowledgements(
        (r[0], r[17]) for r in whole if r[7] == chain.TIME_ACKNOWLEDGED and r[8] is None)
    joiner = chain.ChainJoiner(registry, [], lambda seq: (None, None), acknowledged)
    _seed(joiner, prefix, acknowledged)
    joiner.add(chain.check_rows(rows, registry, True, None, None, salts))
    problems += joiner.finish().problems
    if problems:
        raise NotAFork(NOT_FORK_CHAIN.format(n=len(problems), first=problems[0].describe()))
    flagged = [p for p in state.problems if p.seq is not None and p.seq >= point]
    if flagged:
        raise NotAFork(NOT_FORK_AUTHORITY.format(n=len(flagged), first=flagged[0].describe()))
    return Fork(point, tuple(rows)), state


def _seed(joiner: chain.ChainJoiner, prefix: Sequence[Sequence[Any]], acknowledged: dict[int, int]) -> None:
    """The joiner as if it had read ``prefix`` (the entries before the fork, checked when they were taken)."""
    latest, latest_seq = "", 0
    for row in prefix:
        if row[0] not in acknowledged and row[2] > latest:
            latest, latest_seq = row[2], row[0]
    last = prefix[-1]
    joiner.first_seq, joiner.last_seq, joiner.last_hash, joiner.last_version = 1, last[0], last[18], last[20]
    joiner.latest, joiner.latest_seq = latest, latest_seq


def state_of(fact: Any) -> dict[str, Any]:
    """An exhibit's state as a conflict records it (``STATE_KEYS``), from a ``projection.ExhibitFact``."""
    return {"custodian": fact.custodian, "custodian_is_user": fact.custodian_is_user, "location": fact.location,
            "status": fact.status, "sensitive": fact.sensitive, "checked_out": fact.checked_out,
            "sha256": fact.sha256}


def describe(fork: Fork, other: Any, here: Any) -> list[dict[str, Any]]:
    """The conflict items of a ``custody.fork_recorded`` entry: for each exhibit a forked entry changed, in the order
    of its last such entry, the other copy's state (``other``: its replayed ``Projection``) and this log's
    (``here``: this log's ``Projection`` now), each naming its entry."""
    last: dict[tuple[str, str], tuple[int, str, str]] = {}
    for r in fork.rows:
        if r[7] in EXHIBIT_ACTIONS and isinstance(r[8], str) and isinstance(r[9], str):
            last[(r[8], r[9])] = (r[0], r[18], r[7])
    items = []
    for (case, exhibit), (seq, digest, action) in sorted(last.items(), key=lambda t: t[1][0]):
        theirs = other.exhibits.get((case, exhibit))
        if theirs is None:
            continue  # an entry about an exhibit the other copy never held changed nothing there
        mine = here.exhibits.get((case, exhibit))
        kind = "new" if mine is None else "moved" if mine.sha256 == theirs.sha256 else "reference"
        items.append({
            "case": case, "exhibit": exhibit, "kind": kind,
            "other": {"seq": seq, "hash": digest, "action": action, **state_of(theirs)},
            "here": None if mine is None else {"seq": here.changed.get((case, exhibit)), **state_of(mine)},
        })
    return items


def shown(state: dict[str, Any] | None) -> str:
    """A state as the messages show it: ``custodian at location`` (the custodian alone when the location is the
    custodian, a place), then withdrawn, checked out, sensitive."""
    if state is None:
        return "no such exhibit"
    where = state.get("location") or "no location"
    text = str(state.get("custodian")) + ("" if where == state.get("custodian") else f" at {where}")
    if state.get("status") == "withdrawn":
        text += ", withdrawn"
    if state.get("checked_out"):
        text += ", checked out"
    if state.get("sensitive"):
        text += ", sensitive"
    return text


@dataclass
class Conflict:
    case: str
    exhibit: str
    kind: str
    record: int  # the custody.fork_recorded entry
    recorded_at: str
    other: dict[str, Any]  # the other copy's entry (seq, hash, action) and state
    here: dict[str, Any] | None  # this log's entry and state when the fork was recorded (None: no such exhibit)
    resolved_by: int | None = None  # the custody.conflict_resolved entry
    resolver: str | None = None
    resolution: dict[str, Any] = field(default_factory=dict)

    @property
    def open(self) -> bool:
        return self.resolved_by is None

    def message(self) -> str:
        return MSG_OPEN.format(exhibit=self.exhibit, case=self.case, record=self.record, here=shown(self.here),
                               other=shown(self.other), other_seq=self.other.get("seq"),
                               other_hash=str(self.other.get("hash"))[:16])


def _item_problem(item: Any) -> str | None:
    if not isinstance(item, dict):
        return "an item is not an object"
    if not isinstance(item.get("case"), str) or not isinstance(item.get("exhibit"), str):
        return "an item names no case and exhibit"
    if item.get("kind") not in KINDS:
        return "an item's kind is not one of " + ", ".join(KINDS)
    other = item.get("other")
    if (not isinstance(other, dict) or type(other.get("seq")) is not int or not isinstance(other.get("hash"), str)
            or not chain.HEX64_RE.match(other["hash"])):
        return "an item names no entry of the other copy"
    here = item.get("here")
    if here is not None and not isinstance(here, dict):
        return "an item's state here is not an object"
    return None


class ConflictBook:
    """The conflicts the fork records of a log open and its resolutions close, in log order.

    ``record`` returns the problems of a fork record (a malformed item); ``resolve`` returns why a resolution
    resolves nothing (None: it closed the conflict it names). A forked entry recorded again (the old laptop pushed a
    longer fork later) opens nothing new."""

    def __init__(self) -> None:
        self.conflicts: dict[tuple[str, str], Conflict] = {}
        self.history: list[Conflict] = []  # every conflict ever opened, in order
        self.seen: set[tuple[str, str, int, str]] = set()  # (case, exhibit, other seq, other hash) recorded

    def record(self, seq: int, time: str, action: str, actor: str, data: dict[str, Any]) -> list[str]:
        items = data.get("conflicts")
        if not isinstance(items, list):
            return [MSG_RECORD_SHAPE.format(action=action, actor=actor, detail="no list of conflicts")]
        problems = []
        for item in items:
            why = _item_problem(item)
            if why is not None:
                problems.append(MSG_RECORD_SHAPE.format(action=action, actor=actor, detail=why))
                continue
            other = item["other"]
            tag = (item["case"], item["exhibit"], other["seq"], other["hash"])
            if tag in self.seen:
                continue
            self.seen.add(tag)
            conflict = Conflict(item["case"], item["exhibit"], item["kind"], seq, time, dict(other),
                                None if item.get("here") is None else dict(item["here"]))
            self.conflicts[(conflict.case, conflict.exhibit)] = conflict
            self.history.append(conflict)
        return problems

    def resolve(self, seq: int, action: str, actor: str, case: Any, exhibit: Any, data: dict[str, Any]) -> str | None:
        conflict = self.conflicts.get((case, exhibit)) if isinstance(case, str) and isinstance(exhibit, str) else None
        if (conflict is None or not conflict.open or data.get("record") != conflict.record
                or data.get("other_seq") != conflict.other.get("seq")
                or data.get("other_hash") != conflict.other.get("hash")):
            return MSG_NO_CONFLICT.format(action=action, actor=actor, exhibit=exhibit, case=case,
                                          other=data.get("other_seq"), record=data.get("record"))
        conflict.resolved_by, conflict.resolver, conflict.resolution = seq, actor, dict(data)
        return None

    def open(self) -> list[Conflict]:
        return [c for c in self.history if c.open and self.conflicts.get((c.case, c.exhibit)) is c]

    def open_on(self, case: str, exhibit: str) -> Conflict | None:
        c = self.conflicts.get((case, exhibit))
        return c if c is not None and c.open else None


def data_of(text: Any) -> dict[str, Any]:
    try:
        found = encoding.parse_data(text) if isinstance(text, str) else {}
    except encoding.EncodingError:
        return {}
    return found if isinstance(found, dict) else {}
