"""A custody log against a pinned unit fingerprint: do its keys chain to the unit? (docs/unit-trust.md)

Given the fingerprint of the unit key (from the README of the force, the
bundle's cover page checked by phone, a letter), a log is accepted only when:

- it holds an ``installation.enrolled`` entry carrying a certificate of this
  installation signed by that unit key; the certificate's checkpoint (tree size
  *N*, Merkle root) must be the root of the log's first *N* entries: the unit
  saw those entries when it enrolled the installation, so they are vouched for
  as they stand, and nobody can make up or change a log before the enrolment
  afterwards;
- every later entry is signed by a key the unit certified for that user, at a
  time within the certificate's validity (from ``valid_from``, less the log's
  300-second tolerance), and not revoked (a revocation counts from its
  ``revoked_at``, and for every entry after the entry that imported it, whatever
  that entry's time says).

The check streams: ``feed`` every entry in log order, then ``finish``.
Entries the chain check found broken are not judged again (already named).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from casedesk.custody.chain import Problem, shown
from casedesk.trust import certs

ENROLLED = "installation.enrolled"
INITIALISED = "installation.initialised"
TOLERANCE = timedelta(seconds=300)  # as the log's own time order (docs/custody-export.md, "Time")

# The exact words (docs/unit-trust.md, "Verifying against a fingerprint").
M_NOT_ENROLLED = ("the log holds no installation.enrolled entry with a certificate of this installation from "
                  "unit {fp}: nothing shows that this installation or its keys belong to the unit")
M_CERT = "certificate {i} ({who}) {problem}"
M_REVOCATION = "revocation {i} {problem}"
M_GIVEN_REVOCATION = "revocation {i} given to the verifier {problem}"
GIVEN = 1 << 62  # "carried" after every entry: a revocation given to the verifier counts by its time alone
M_NOT_A_LIST = "the enrolment's {what} are not a list"
M_OTHER_INSTALLATION = "is for installation {theirs}, but this log is installation {ours}'s"
M_CHECKPOINT_AHEAD = "vouches for {n} entries, but the log had only {m} before the enrolment that carries it"
M_CHECKPOINT_ROOT = ("vouches for the first {n} entries with Merkle root {root}, but those entries have root "
                     "{actual}: entries written before the enrolment were changed or made up afterwards")
M_UNCERTIFIED = "signed with a key of {actor} that unit {fp} has not certified"
M_NOT_YET_VALID = ("signed at {time}, before unit {fp}'s certificate of {actor}'s key (serial {serial}) became "
                   "valid at {valid_from}")
M_REVOKED = "signed with a key of {actor} whose certificate (serial {serial}) unit {fp} revoked at {at}: {reason}"


def short(fp: str) -> str:
    return fp[:16]


def _us(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1])


class MerkleStack:
    """RFC 6962 root of a growing list of leaves, at any size, in O(log n) memory (a compact range)."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # perfect subtrees, largest first: (leaf count, hash)

    def add(self, leaf_input: bytes) -> None:
        node, count = hashlib.sha256(b"\x00" + leaf_input).digest(), 1
        while self._stack and self._stack[-1][0] == count:
            left = self._stack.pop()[1]
            node, count = hashlib.sha256(b"\x01" + left + node).digest(), count * 2
        self._stack.append((count, node))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return hashlib.sha256(b"").digest()
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = hashlib.sha256(b"\x01" + left + node).digest()
        return node


@dataclass(frozen=True)
class Certified:
    cert: certs.Certificate
    carried_at: int  # the installation.enrolled entry that carries it


@dataclass(frozen=True)
class Revoked:
    rev: certs.Revocation
    carried_at: int


class UnitCheck:
    """Every entry's key against the certificates the log carries, for one pinned fingerprint."""

    def __init__(self, fingerprint: str, enrolments: Iterable[tuple[int, str, Any]], installation_id: Any,
                 broken: frozenset[int] = frozenset(), visible: frozenset[str] | None = None,
                 given_revocations: Sequence[Any] = ()) -> None:
        """``enrolments``: (seq, action, data) of the intact installation.initialised and installation.enrolled
        entries without a case, in log order; ``broken``: entries the chain check named; ``given_revocations``:
        revocations from the unit given to the verifier (a log need not have imported them), which count by
        their time alone."""
        self.fp = fingerprint
        self.broken = broken
        self.visible = visible
        self.problems: list[Problem] = []  # about the certificates and revocations the enrolments carry
        self.entry_problems: list[Problem] = []  # about entries' keys
        self.installation_id = installation_id
        self.keys: dict[tuple[str, str], list[certs.Certificate]] = {}  # (user, key) -> certificates
        self.revoked: dict[str, list[Revoked]] = {}  # public key -> revocations
        self.checkpoints: list[tuple[int, int, str, str]] = []  # (enrolment seq, size, root, certificate label)
        self.vouched = 0  # entries 1..vouched are vouched for by the first installation certificate
        self.enrolled = False
        self._merkle = MerkleStack()
        self._roots: dict[int, str] = {0: hashlib.sha256(b"").hexdigest()}
        for seq, action, data in enrolments:
            if action == ENROLLED and seq not in broken and isinstance(data, dict):
                self._read_enrolment(seq, data)
        self._wanted = {size for _, size, _, _ in self.checkpoints}
        self._rules: dict[tuple[Any, Any], Any] = {}
        self._last_wanted = max(self._wanted, default=0)
        self._read_revocations(given_revocations, None, GIVEN, M_GIVEN_REVOCATION)

    def _read_enrolment(self, seq: int, data: dict[str, Any]) -> None:
        found = data.get("certificates")
        if not isinstance(found, list):
            self.problems.append(Problem(seq, None, M_NOT_A_LIST.format(what="certificates")))
            found = []
        for i, obj in enumerate(found, 1):
            who = "?"
            try:
                cert = certs.Certificate.decode(obj)
                who = cert.describe()
                problem = certs.signature_problem(cert, self.fp)
            except certs.MalformedError as exc:
                problem = certs.M_MALFORMED.format(what="certificate", why=exc)
            if problem is None and cert.installation_id != self.installation_id:
                problem = M_OTHER_INSTALLATION.format(theirs=cert.installation_id, ours=self.installation_id)
            if problem is None and cert.kind == certs.KIND_INSTALLATION and cert.checkpoint is not None:
                if cert.checkpoint.size >= seq:
                    problem = M_CHECKPOINT_AHEAD.format(n=cert.checkpoint.size, m=seq - 1)
                else:
                    self.checkpoints.append((seq, cert.checkpoint.size, cert.checkpoint.root,
                                             f"certificate {i} ({who})"))
                    if not self.enrolled:
                        self.enrolled, self.vouched = True, cert.checkpoint.size
            if problem is not None:
                self.problems.append(Problem(seq, None, M_CERT.format(i=i, who=who, problem=problem)))
            elif cert.kind == certs.KIND_OFFICER:
                self.keys.setdefault((cert.subject, cert.public_key), []).append(cert)
        revocations = data.get("revocations", [])
        if not isinstance(revocations, list):
            self.problems.append(Problem(seq, None, M_NOT_A_LIST.format(what="revocations")))
            revocations = []
        self._read_revocations(revocations, seq, seq, M_REVOCATION)

    def _read_revocations(self, revocations: Any, seq: int | None, source: Any, message: str) -> None:
        """Each revocation that decodes and carries the unit's signature counts from ``source`` (an entry, or
        GIVEN from outside the log); any other is a problem worded by ``message`` (at entry ``seq``)."""
        for i, obj in enumerate(revocations, 1):
            try:
                rev = certs.Revocation.decode(obj)
                problem = certs.signature_problem(rev, self.fp)
            except certs.MalformedError as exc:
                problem = certs.M_MALFORMED.format(what="revocation", why=exc)
            if problem is not None:
                self.problems.append(Problem(seq, None, message.format(i=i, problem=problem)))
            else:
                self.revoked.setdefault(rev.public_key, []).append(Revoked(rev, source))

    def feed(self, seq: int, time: Any, actor: Any, key: Any, leaf_input: bytes, case: Any, exhibit: Any) -> None:
        """One entry, in log order. ``leaf_input``: its entry hash (32 raw bytes), for the checkpoint roots."""
        if self._merkle.size < self._last_wanted:  # the tree is needed only up to the largest checkpoint
            self._merkle.add(leaf_input)
            if self._merkle.size in self._wanted:
                self._roots[self._merkle.size] = self._merkle.root().hex()
        if not self.enrolled or seq <= self.vouched or seq in self.broken:
            return
        message = self._entry_problem(seq, time, actor, key)
        if message is not None:
            ex, cs = shown(case, exhibit, self.visible)
            self.entry_problems.append(Problem(seq, ex, message, cs))

    def _entry_problem(self, seq: int, time: Any, actor: Any, key: Any) -> str | None:
        rule = self._rules.get((actor, key))
        if rule is None:
            rule = self._rule(actor, key)
        if rule is False:
            return M_UNCERTIFIED.format(actor=actor, fp=short(self.fp))
        if time.__class__ is not str or len(time) != 27:
            return None  # the chain check names a malformed time
        earliest, first, revocations = rule
        # Times in the one fixed-width form (…ffffffZ) sort as text in time order: no parsing per entry.
        if time < earliest:
            return M_NOT_YET_VALID.format(time=time, fp=short(self.fp), actor=actor, serial=first.serial,
                                          valid_from=first.valid_from)
        for r in revocations:
            if seq > r.carried_at or time >= r.rev.revoked_at:
                return M_REVOKED.format(actor=actor, serial=r.rev.serial, fp=short(self.fp), at=r.rev.revoked_at,
                                        reason=r.rev.reason)
        return None

    def _rule(self, actor: Any, key: Any) -> Any:
        """What one (user, key) needs per entry: False if uncertified, else (earliest time text with the
        tolerance, the certificate it comes from, the revocations of its certificates)."""
        found = self.keys.get((actor, key)) if isinstance(actor, str) and isinstance(key, str) else None
        if not found:
            rule: Any = False
        else:
            first = min(found, key=lambda c: c.valid_from)
            try:
                earliest = (_us(first.valid_from) - TOLERANCE).isoformat(timespec="microseconds") + "Z"
            except OverflowError:  # valid from the first moment there is
                earliest = ""
            serials = {c.serial for c in found}
            rule = (earliest, first, [r for r in self.revoked.get(key, []) if r.rev.serial in serials])
        self._rules[(actor, key)] = rule
        return rule

    def finish(self) -> list[Problem]:
        """Every problem, in entry order (the log-wide one first).

        When the first installation certificate's checkpoint is not the log's, the log is not enrolled at all:
        that certificate and the log-wide problem are named, and no entry is judged against keys it would vouch for.
        """
        found = list(self.problems)
        first_holds = True
        for n, (seq, size, root, label) in enumerate(self.checkpoints):
            actual = self._roots.get(size)
            if actual is not None and actual != root:
                found.append(Problem(seq, None, f"{label} " + M_CHECKPOINT_ROOT.format(n=size, root=root,
                                                                                      actual=actual)))
                first_holds = first_holds and n > 0
        if not self.enrolled or not first_holds:
            return [Problem(None, None, M_NOT_ENROLLED.format(fp=self.fp)), *sorted(found, key=lambda p: p.seq or 0)]
        return sorted(found + self.entry_problems, key=lambda p: p.seq or 0)


def installation_id_of(rows: Sequence[tuple[int, str, Any]]) -> Any:
    """``data.installation_id`` of the first installation.initialised entry (entry 1 in every log)."""
    for _, action, data in rows:
        if action == INITIALISED and isinstance(data, dict):
            return data.get("installation_id")
    return None
