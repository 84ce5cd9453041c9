"""Verification of a pushed segment of an installation's custody log, before anything is stored.

Plain functions over row tuples in ``encoding.ROW_COLUMNS`` order: the rows the unit holds for the
installation and the rows pushed. The checks and the exact words of each rejection are the contract of
docs/sync-protocol.md ("What the unit checks"). The chain rules and the authority replay are CaseDesk's own
(``casedesk.custody.chain``, ``casedesk.custody.projection``, ``casedesk.security.roles``): the unit holds an
entry to the same rules ``casedesk verify`` does, and refuses any entry verify would report.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from casedesk.custody import chain, checkpoint, encoding, keybook, merkle, projection
from casedesk.custody.wire import ENTRY_KEYS

MAX_ENTRIES = 5_000  # per push; the client sends larger logs in several pushes

MSG_SHAPE = "the request is not a push: {detail}"
MSG_NOT_REGISTERED = ("installation {id} is not registered with this unit: the unit administrator registers it "
                      "with `casedesk unit register`")
MSG_FIRST_SEQ = ("the push starts at entry {first} but the unit holds entries 1 to {held}: entries {a} to {b} are "
                 "missing")
MSG_REWRITTEN = ("entry {seq} differs from the entry {seq} the unit already holds for this installation: the log was "
                 "rewritten, or the installation was restored from an older copy")
MSG_NUL = "entry {seq} holds a NUL character, which no CaseDesk entry can hold"
MSG_CHAIN = "entry verification failed ({n} problem(s)); the first: {first}"
MSG_AUTHORITY = "authority replay failed ({n} problem(s)); the first: {first}"
MSG_NOT_INSTALLATION = ("entry 1 is not installation.initialised for installation {id}: this is the log of "
                        "another installation")
MSG_GENESIS_KEY = ("the log's first key registration is not the key the unit registered for installation {id}: "
                   "a different installation under the same name")
MSG_REQUESTER = ("{user} with key {key} is not an account of installation {id} with that key at the end of its log "
                 "(unknown, disabled, or the key was replaced or revoked)")
MSG_UNIT_CHAIN = "the log does not chain to unit key {fp} ({n} problem(s)); the first: {first}"
MSG_UNCERTIFIED = ("{user}'s key {key} is not certified by unit key {fp}: enrol the officer (`casedesk enrol request`, "
                   "the unit's answer, `casedesk enrol import`) and sync again")
MSG_CHECKPOINT = "the checkpoint is not valid: {detail}"
MSG_CHECKPOINT_TREE = ("the checkpoint names tree size {size} and root {root}, but the entries held and pushed "
                       "make tree size {real} with root {real_root}")
MSG_CHECKPOINT_SIGNATURE = "the checkpoint is not signed by {user}'s key under the name {name}"
MSG_PROOF = ("the consistency proof does not show that the log of tree size {new} extends the checkpoint of tree "
             "size {old} the unit cosigned")
MSG_PROOF_FROM = ("the consistency proof starts from tree size {size}, which the unit never cosigned for this "
                  "installation")
MSG_STORE_DIFFERS = ("the entries the unit holds for installation {id} no longer make the root it cosigned at tree "
                     "size {size}: the unit store was changed; ask the unit administrator")


class Rejection(Exception):
    """A push the unit refuses; ``keep``: whether to keep the segment as evidence (it is authenticated)."""

    def __init__(self, message: str, status: int = 422, keep: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.keep = keep
        self.authenticated = False  # the requester's key was found current in the log held and pushed


_TEXT_KEYS = frozenset(name for name, _ in encoding.FIELDS if name not in ("seq",))


def row_from_json(item: Any) -> tuple[Any, ...]:
    """One pushed entry (an object with ``ENTRY_KEYS``; ``data`` as its canonical JSON text) as a raw row."""
    if not isinstance(item, dict) or set(item) != set(ENTRY_KEYS):
        raise Rejection(MSG_SHAPE.format(detail="an entry is not an object with exactly the keys "
                                                + ", ".join(ENTRY_KEYS)), 400)
    seq = item["seq"]
    if type(seq) is not int or not 0 < seq < 2**62:
        raise Rejection(MSG_SHAPE.format(detail="an entry's seq is not a positive integer"), 400)
    for key in (*_TEXT_KEYS, "hash", "signature", "commit"):
        value = item[key]
        if value is not None and not isinstance(value, str):
            raise Rejection(MSG_SHAPE.format(detail=f"entry {seq}: {key} is not text or null"), 400)
        if isinstance(value, str) and "\x00" in value:
            raise Rejection(MSG_NUL.format(seq=seq))
    if not isinstance(item["data"], str) or type(item["version"]) is not int:
        raise Rejection(MSG_SHAPE.format(detail=f"entry {seq}: data is not text or version not an integer"), 400)
    return (seq, *(item[name] for name, _ in encoding.FIELDS[1:]), item["hash"], item["signature"],
            item["version"], item["commit"])


@dataclass(frozen=True)
class Verified:
    new_rows: list[tuple[Any, ...]]  # the rows to store (those the unit did not hold)
    tree_size: int
    root: bytes
    note: checkpoint.Note  # the installation's checkpoint, signed by the requester (not yet cosigned)


def _leaf(row: Sequence[Any]) -> bytes:
    return bytes.fromhex(row[18])


def verify_push(installation_id: str, genesis_key: str, held: Sequence[Sequence[Any]],
                pushed: Sequence[Sequence[Any]], last: tuple[int, str] | None, user: str, key: str,
                note_text: Any, proof: Any, fingerprint: str | None = None,
                proof_base: tuple[int, str] | bool | None = False) -> Verified:
    """Everything the unit checks before storing ``pushed`` after ``held`` (docs/sync-protocol.md).

    ``last``: (tree size, root hex) of the checkpoint the unit cosigned last for the installation.
    ``fingerprint``: the unit key's; when given, the log must chain to it (docs/unit-trust.md).
    ``proof_base``: (tree size, root) of the cosigned checkpoint the client's proof starts from (None: the empty
    tree; False: ``last``). Another sync of the same installation may have moved the unit on meanwhile.
    Raises ``Rejection`` with the first reason found.
    """
    held_n = len(held)
    leaves = [_leaf(r) for r in held]
    if last is not None and merkle.root(leaves[:last[0]]).hex() != last[1]:
        raise Rejection(MSG_STORE_DIFFERS.format(id=installation_id, size=last[0]), 500, keep=False)
    # Entries the unit already holds may be sent again (a push whose answer was lost): identical ones are skipped.
    new: list[Sequence[Any]] = []
    for row in pushed:
        seq = row[0]
        if seq <= held_n:
            if held[seq - 1][18] != row[18] or tuple(held[seq - 1]) != tuple(row):
                raise Rejection(MSG_REWRITTEN.format(seq=seq))
        else:
            new.append(row)
    if new and new[0][0] != held_n + 1:
        a, b = held_n + 1, new[0][0] - 1
        raise Rejection(MSG_FIRST_SEQ.format(first=new[0][0], held=held_n, a=a, b=b))
    rows = [*held, *new]
    if held_n == 0 and new:
        _genesis(installation_id, genesis_key, new)
    # Keys and administrators as the log establishes them, over everything held and pushed.
    registry, reg_problems = keybook.build_registry(rows)
    state = projection.replay(rows)
    salts = {ref: bytes.fromhex(f.salt) for ref, f in state.cases.items()
             if isinstance(f.salt, str) and chain.HEX64_RE.match(f.salt)}
    current = registry.key_for(user, len(rows) + 1)
    fact = state.users.get(user)
    if current != key or fact is None or fact.disabled:
        raise Rejection(MSG_REQUESTER.format(user=user, key=key[:16] + "...", id=installation_id), 403, keep=False)
    try:
        return _verify_rest(installation_id, rows, held, new, held_n, leaves, registry, reg_problems, state, salts,
                            last if proof_base is False else proof_base,  # type: ignore[arg-type]
                            user, key, note_text, proof, fingerprint)
    except Rejection as exc:
        exc.authenticated = True
        raise


def _verify_rest(installation_id: str, rows: Sequence[Sequence[Any]], held: Sequence[Sequence[Any]],
                 new: Sequence[Sequence[Any]], held_n: int, leaves: list[bytes], registry: chain.Registry,
                 reg_problems: list[tuple[int, chain.Problem]], state: projection.Projection,
                 salts: dict[str, bytes], last: tuple[int, str] | None, user: str, key: str, note_text: Any,
                 proof: Any, fingerprint: str | None) -> Verified:
    """The checks after the requester is known to the log (a refusal from here on is kept as evidence)."""
    problems = [p for _, p in reg_problems if p.seq is None or p.seq > held_n]
    if new:
        acknowledged = chain.time_acknowledgements(
            (r[0], r[17]) for r in rows if r[7] == chain.TIME_ACKNOWLEDGED and r[8] is None)
        joiner = chain.ChainJoiner(registry, [], lambda seq: (None, None), acknowledged)
        if held_n:
            _seed(joiner, held, acknowledged)
        joiner.add(chain.check_rows(new, registry, True, None, None, salts))
        problems += joiner.finish().problems
    if problems:
        raise Rejection(MSG_CHAIN.format(n=len(problems), first=problems[0].describe()))
    flagged = [p for p in state.problems if p.seq is not None and p.seq > held_n]
    if flagged:
        raise Rejection(MSG_AUTHORITY.format(n=len(flagged), first=flagged[0].describe()))
    if fingerprint is not None:
        _unit_chain(fingerprint, installation_id, rows, held_n, user, key)
    leaves += [_leaf(r) for r in new]
    size = len(leaves)
    root = merkle.root(leaves)
    note = _checkpoint(installation_id, note_text, size, root, user, key)
    _proof(last, size, root, proof)
    return Verified([tuple(r) for r in new], size, root, note)


def _genesis(installation_id: str, genesis_key: str, new: Sequence[Sequence[Any]]) -> None:
    first = new[0]
    try:
        data = encoding.parse_data(first[17])
    except encoding.EncodingError:
        data = {}
    if first[7] != "installation.initialised" or first[8] is not None or data.get("installation_id") != installation_id:
        raise Rejection(MSG_NOT_INSTALLATION.format(id=installation_id))
    genesis = next((r for r in new if r[7] == chain.KEY_REGISTERED and r[8] is None), None)
    try:
        gkey = encoding.parse_data(genesis[17]).get("public_key") if genesis is not None else None
    except encoding.EncodingError:
        gkey = None
    if gkey != genesis_key:
        raise Rejection(MSG_GENESIS_KEY.format(id=installation_id))


def already_held(held: Sequence[Sequence[Any]], pushed: Sequence[Sequence[Any]]) -> bool:
    """Are all ``pushed`` entries ones the unit holds (identical)? A push overtaken by another sync of the same
    installation sends only such entries; one that differs is refused as a rewritten entry."""
    if not pushed or pushed[-1][0] > len(held):
        return False
    for row in pushed:
        if tuple(held[row[0] - 1]) != tuple(row):
            raise Rejection(MSG_REWRITTEN.format(seq=row[0]))
    return True


def _unit_chain(fingerprint: str, installation_id: str, rows: Sequence[Sequence[Any]], held_n: int, user: str,
                key: str) -> None:
    """The log's keys chain to the unit key: ``casedesk verify --unit-fingerprint``'s checks, on the new entries."""
    from casedesk.trust import pinning  # only for a unit that pins its key

    def data(text: Any) -> Any:
        try:
            return encoding.parse_data(text)
        except (encoding.EncodingError, AttributeError):
            return None

    enrolments = [(r[0], r[7], data(r[17])) for r in rows
                  if r[7] in (pinning.INITIALISED, pinning.ENROLLED) and r[8] is None]
    check = pinning.UnitCheck(fingerprint, enrolments, installation_id)
    for r in rows:
        check.feed(r[0], r[2], r[5], r[6], bytes.fromhex(r[18]), r[8], r[9])
    problems = [p for p in check.finish() if p.seq is None or p.seq > held_n]
    fp16 = pinning.short(fingerprint)
    if problems:
        raise Rejection(MSG_UNIT_CHAIN.format(fp=fp16, n=len(problems), first=problems[0].describe()))
    if (user, key) not in check.keys:
        raise Rejection(MSG_UNCERTIFIED.format(user=user, key=key[:16] + "...", fp=fp16), 403, keep=False)


def genesis_key_of(rows: Sequence[Sequence[Any]]) -> str | None:
    """The public key of the log's first key registration, if ``rows`` (from entry 1) hold it."""
    genesis = next((r for r in rows if r[7] == chain.KEY_REGISTERED and r[8] is None), None)
    try:
        found = encoding.parse_data(genesis[17]).get("public_key") if genesis is not None else None
    except (encoding.EncodingError, AttributeError):
        return None
    return found if isinstance(found, str) and chain.HEX64_RE.match(found) else None


def _seed(joiner: chain.ChainJoiner, held: Sequence[Sequence[Any]], acknowledged: dict[int, int]) -> None:
    """The joiner as if it had read the entries the unit holds (they were verified when they came)."""
    latest, latest_seq = "", 0
    for row in held:
        if row[0] in acknowledged:
            continue
        if row[2] > latest:
            latest, latest_seq = row[2], row[0]
    last = held[-1]
    joiner.first_seq, joiner.last_seq, joiner.last_hash, joiner.last_version = 1, last[0], last[18], last[20]
    joiner.latest, joiner.latest_seq = latest, latest_seq


def _checkpoint(installation_id: str, note_text: Any, size: int, root: bytes, user: str,
                key: str) -> checkpoint.Note:
    if not isinstance(note_text, str):
        raise Rejection(MSG_CHECKPOINT.format(detail="no checkpoint note"))
    try:
        note = checkpoint.Note.parse(note_text)
        cp = checkpoint.Checkpoint.parse(note.text)
    except checkpoint.NoteError as exc:
        raise Rejection(MSG_CHECKPOINT.format(detail=str(exc))) from None
    if cp.origin != checkpoint.origin(installation_id) or cp.extensions:
        raise Rejection(MSG_CHECKPOINT.format(detail=f"its origin is not {checkpoint.origin(installation_id)} "
                                                     "alone (no extension lines)"))
    if cp.size != size or cp.root != root:
        raise Rejection(MSG_CHECKPOINT_TREE.format(size=cp.size, root=cp.root.hex(), real=size, real_root=root.hex()))
    name = checkpoint.log_key_name(installation_id, user)
    if not checkpoint.note_signature_ok(note, name, bytes.fromhex(key)):
        raise Rejection(MSG_CHECKPOINT_SIGNATURE.format(user=user, name=name))
    return checkpoint.Note(note.text, tuple(s for s in note.signatures
                                            if s.name == name))  # other lines are not the unit's to repeat


def _proof(last: tuple[int, str] | None, size: int, root: bytes, proof: Any) -> None:
    old_size, old_root = (0, merkle.EMPTY_ROOT) if last is None else (last[0], bytes.fromhex(last[1]))
    if not isinstance(proof, list) or not all(isinstance(p, str) for p in proof) or len(proof) > 64:
        raise Rejection(MSG_PROOF.format(new=size, old=old_size))
    try:
        nodes = [base64.b64decode(p, validate=True) for p in proof]
    except binascii.Error:
        raise Rejection(MSG_PROOF.format(new=size, old=old_size)) from None
    if old_size == 0:
        ok = not nodes
    else:
        ok = merkle.verify_consistency(old_size, size, old_root, root, nodes)
    if not ok:
        raise Rejection(MSG_PROOF.format(new=size, old=old_size))
