"""The rules a custody log must satisfy, checked over rows in chunks (run in worker processes).

Everything here works on plain row tuples in ``encoding.ROW_COLUMNS`` order so
that it runs the same over the database and in child processes, and imports
nothing heavy (workers are started with ``spawn``). The rules, and the exact
wording of every problem, are shared with the stand-alone verifier
(``tools/verify_custody.py``), which re-implements them; ``docs/custody-export.md``
lists them for anyone writing a third verifier.

Problems are ordered by entry number and, within an entry, by the rank of the
check (sequence, encoding/hash, link, key/signature, authority, time, case
commitment).
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import repeat
from operator import is_not, itemgetter, lt
from typing import Any, NamedTuple

from nacl import _sodium
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError

from casedesk.custody import encoding, merkle

# Entries may be up to this much earlier than the latest time before them: two
# writers that read the clock and then wait for the write lock (SQLite busy
# timeout: 30 s), and clock corrections (NTP) on a laptop, both move time back
# a little. More than this is reported.
TIME_TOLERANCE_SECONDS = 300
# A supervisor's signed statement that an entry's time is wrong (a clock that was ahead or behind when it was
# written): data {"entry": SEQ}, a reason, no case. That entry's time is then left out of the time-order
# check (it neither is checked nor moves the latest time forward) and is reported as acknowledged.
TIME_ACKNOWLEDGED = "custody.time_acknowledged"

KEY_REGISTERED = "account.key_registered"
# An administrator revokes a user's key (account disabled, password reset): from the
# entry after the revocation, nothing signed with that key counts.
KEY_REVOKED = "account.key_revoked"
# Account changes only an administrator may make (an active, confirmed one: casedesk.custody.keybook); the first
# administrator's own entries up to the first key registration are the genesis of the log.
ACCOUNT_ACTIONS = frozenset({
    "account.created", KEY_REGISTERED, "account.role_changed", "account.password_reset",
    "account.disabled", "account.enabled", KEY_REVOKED,
})
# The entries the keys follow (casedesk.custody.keybook): the account changes, and the confirmations that make an
# administrator whose creation, promotion or re-enabling awaited a second administrator's one.
REGISTRY_ACTIONS = ACCOUNT_ACTIONS | frozenset({"account.creation_confirmed", "account.promotion_confirmed"})

RANK_SEQUENCE, RANK_HASH, RANK_LINK, RANK_SIGNATURE, RANK_AUTHORITY, RANK_TIME, RANK_COMMIT = range(7)
LEGACY, CURRENT = encoding.LEGACY_VERSION, encoding.VERSION

TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z\Z")
HEX64_RE = re.compile(r"[0-9a-f]{64}\Z")
HEX128_RE = re.compile(r"[0-9a-f]{128}\Z")
ZERO_LEAF = bytes(32)
SIG_DOMAIN = encoding.SIG_DOMAIN


class Problem(NamedTuple):
    """One thing wrong: the entry it is about (if any), the exhibit (if any), what is wrong."""

    seq: int | None
    exhibit: str | None
    message: str
    case: str | None = None

    def describe(self) -> str:
        where = []
        if self.seq is not None:
            where.append(f"entry {self.seq}")
        if self.exhibit is not None:
            where.append(f"exhibit {self.case + ' ' if self.case else ''}{self.exhibit}")
        elif self.case is not None:
            where.append(f"case {self.case}")
        return (", ".join(where) + ": " if where else "") + self.message


# --- messages (the stand-alone verifier uses the same words) -------------------
MSG_NOT_FROM_ONE = "the log does not start at entry 1: entries 1 to {n} are missing"
MSG_MISSING_ONE = "entry {n} is missing from the log"
MSG_MISSING_RANGE = "entries {a} to {b} are missing from the log"
MSG_UNENCODABLE = ("content cannot be encoded canonically (a value is not text, not valid Unicode "
                   "or not an integer): the entry was changed after it was written")
MSG_HASH = "content does not match its recorded hash: the entry was changed after it was written"
MSG_BAD_HASH = "the recorded entry hash is not 64 hexadecimal digits"
MSG_FIRST_LINK = "the first entry does not start the chain (its previous-entry hash is not zero)"
MSG_LINK = "does not follow on from entry {p}: its link to the previous entry's hash is broken"
MSG_NO_KEY = "no signing key is registered for {actor} at this point"
MSG_WRONG_KEY = "names a signing key that is not the one registered for {actor} at this point"
MSG_SIGNATURE = "the signature does not verify with the key registered for {actor}"
MSG_NO_GENESIS = "the log has no key registration, so no signature can be checked"
MSG_GENESIS_SELF = "the first key registration is not its author registering their own key"
MSG_BEFORE_GENESIS = "written by {actor} before any key was registered for them"
MSG_NOT_ADMIN = "{action} by {actor}, who is not an administrator at this point: ignored"
MSG_BAD_REGISTRATION = "key registration without a user name and a 64-hex-digit public key: ignored"
MSG_REVOKED = "signed with a key of {actor} that was revoked at entry {r}"
MSG_BAD_REVOCATION = "key revocation without a user name and a 64-hex-digit public key: ignored"
MSG_TIME_FORMAT = "timestamp {time!r} is not a UTC time of the form 2026-01-31T09:15:00.000000Z"
MSG_TIME_BACK = ("timestamp {time} is more than {tol} s earlier than {latest}, the time of entry {m}")
MSG_VERSION_BACK = "written in encoding version 1 after entry {p}, which is in version 2"
MSG_NO_COMMIT = "an entry of a case without a case commitment in its header"
MSG_STRAY_COMMIT = "an entry without a case but with a case commitment in its header"
MSG_BAD_COMMIT = "the case commitment in its header is not 64 hexadecimal digits"
MSG_COMMIT_WRONG = "the case commitment in its header does not match case {case}'s salt"
MSG_NO_SALT = ("no salt is given for case {case}, so header-only lines cannot be shown to be of other "
               "cases")
MSG_NO_CREATED = "the log shows no case.created entry for case {case}"
MSG_SALT_DIFFERS = "the salt given for case {case} is not the one recorded when it was created"
MSG_NO_UPGRADE = ("case {case} was created before encoding version 2 and the log shows no "
                  "custody.encoding_upgraded entry that vouches for its salt")
MSG_SALT_UNVOUCHED = "the salt given for case {case} is not one that the custody.encoding_upgraded entry recorded"
MSG_LEGACY_WITHHELD = ("{n} of the {m} entries of case {case} written in encoding version 1 are shown in full: "
                       "the others are withheld as header-only lines")
MSG_HEAD_AHEAD = ("the {source} records entry {seq} but the log ends at entry {last}: entries were cut off "
                  "the end, or an older copy of the database was restored")
MSG_HEAD_DIFFERS = ("the {source} records a different hash for entry {seq}: the log was replaced by "
                    "another copy")


def valid_time(text: Any) -> bool:
    """A timestamp in CaseDesk's one form, ``2026-01-31T09:15:00.000000Z``, that names a real instant.

    Timestamps in that form sort as text in time order, so the time check
    compares text and does arithmetic only for an entry that goes back.
    """
    if text.__class__ is not str or not TIME_RE.match(text):
        return False
    try:
        datetime.fromisoformat(text[:-1])
    except ValueError:
        return False
    return True


def time_us(text: str) -> int:
    """Microseconds since 1970 of a ``valid_time`` timestamp."""
    dt = datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)
    return (int(dt.timestamp()) * 1_000_000) + dt.microsecond


# --- keys registered in the log ----------------------------------------------------
@dataclass
class Registry:
    """Who may sign what: keys and administrators, as the log itself establishes them.

    ``keys[user]`` lists ``(after_seq, public key hex)``: the key signs the
    user's entries with a sequence number above ``after_seq`` until the next
    registration for the user. The genesis key has ``after_seq`` 0.
    """

    keys: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    genesis_seq: int = 0
    # revoked[user][public key] = the revoking entry; a revoked current key also ends the user's
    # list with (that entry, ""): no key signs for the user after it until a new registration.
    revoked: dict[str, dict[str, int]] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)  # accounts disabled at the end of the rows read

    def key_for(self, actor: Any, seq: int) -> str | None:
        regs = self.keys.get(actor) if actor.__class__ is str else None
        if not regs:
            return None
        found: str | None = None
        for after, key in regs:
            if after < seq:
                found = key
            else:
                break
        return found

    def valid_span(self, actor: Any, seq: int) -> tuple[int, int]:
        """``(a, b)``: ``key_for(actor, n)`` is ``key_for(actor, seq)`` for every ``a < n < b``."""
        regs = self.keys.get(actor) if actor.__class__ is str else None
        if not regs:
            return 0, 0  # nothing to reuse: every entry of this actor is looked up
        low, high = 0, 1 << 62
        for after, _ in regs:
            if after < seq:
                low = after
            else:
                high = after + 1
                break
        return low, high

    def revoked_at(self, actor: Any, key: Any, seq: int) -> int | None:
        """The entry that revoked ``actor``'s ``key`` before entry ``seq``, if one did."""
        at = self.revoked.get(actor, {}).get(key) if actor.__class__ is str else None
        return at if at is not None and at < seq else None

    def listing(self) -> list[tuple[str, str, int]]:
        """``(user, public key, registered at entry)`` for every key, in log order."""
        out = [(user, key, after or self.genesis_seq) for user, regs in self.keys.items() for after, key in regs
               if key]
        return sorted(out, key=lambda t: (t[2], t[0]))


def signature_ok(row: Sequence[Any], public_hex: str) -> bool:
    recorded, signature = row[18], row[19]
    if recorded.__class__ is not str or not HEX64_RE.match(recorded):
        return False
    return _signed(signature, bytes.fromhex(recorded), bytes.fromhex(public_hex))


def _signed(signature: Any, digest: bytes, public: bytes) -> bool:
    """``signature`` (128 lowercase hexadecimal digits) is ``public``'s signature of the entry hash ``digest``."""
    if signature.__class__ is not str or len(signature) != 128:
        return False
    try:
        raw = bytes.fromhex(signature)
    except ValueError:
        return False
    if raw.hex() != signature:  # spaces or capitals, which fromhex accepts and HEX128_RE does not
        return False
    try:
        crypto_sign_open(raw + SIG_DOMAIN + digest, public)
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def authentic(row: Sequence[Any], registry: Registry) -> bool:
    """The row's content has its recorded hash, signed with the key ``registry`` holds for its author there."""
    try:
        digest, _ = encoding.hash_row(row)
    except encoding.EncodingError:
        return False
    if digest != row[18]:
        return False
    key = registry.key_for(row[5], row[0])
    return key is not None and key != "" and key == row[6] and signature_ok(row, key)


# Which keys and administrators the log establishes (``Registry``) is ``casedesk.custody.keybook.build_registry``:
# it follows the account rules replay applies (the two-person rules included).


# --- the per-row checks -------------------------------------------------------------
@dataclass
class ChunkResult:
    """What a worker found in one run of consecutive rows (possibly with gaps in the numbering)."""

    count: int = 0
    first_seq: int = 0
    first_prev: Any = None
    first_version: Any = None
    last_version: Any = None
    last_seq: int = 0
    last_hash: Any = None
    seqs: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    times: list[str] = field(default_factory=list)  # "" where the timestamp is not valid
    leaves: bytes = b""
    root: bytes | None = None  # subtree root when the chunk is one full aligned block
    problems: list[tuple[int, int, Problem]] = field(default_factory=list)  # (seq, rank, problem)
    signatures: int = 0
    rising: bool = False  # every time is valid and later than the one before it (then the joiner need not look)


def check_rows(rows: Iterable[Sequence[Any]], registry: Registry, signatures: bool,
               visible: frozenset[str] | None, block: tuple[int, int] | None = None,
               salts: dict[str, bytes] | None = None) -> ChunkResult:
    """Hash, link, sequence, key, signature and commitment checks of consecutive rows; times are collected.

    ``visible``: the cases whose entries the caller may see (None: all). An
    entry of another case is reported without its case and exhibit.
    ``salts``: case salts whose commitments are checked (the case verified).
    """
    res = ChunkResult()
    probs = res.problems
    seqs, times = res.seqs, res.times
    leaves: list[bytes] = []
    hash_row, key_for, fromhex = encoding.hash_row, registry.key_for, bytes.fromhex
    hex64 = HEX64_RE.match
    prev_seq: int | None = None
    prev_hash: Any = None
    prev_version: Any = None
    checked = 0
    publics: dict[str, bytes] = {}
    last_actor: Any = None
    last_key: str | None = None
    last_from = last_until = 0
    for row in rows:
        seq, version = row[0], row[20]
        commit = row[21]
        if version != CURRENT or row[8] is None or commit.__class__ is not str or not hex64(commit):
            _commit_problems(row, prev_seq, prev_version, visible, probs)
        if prev_seq is None:
            res.first_seq, res.first_prev, res.first_version = seq, row[1], version
        elif seq != prev_seq + 1 or row[1] != prev_hash:
            if seq != prev_seq + 1:
                probs.append((prev_seq + 1, RANK_SEQUENCE, _missing(prev_seq + 1, seq - 1)))
            if row[1] != prev_hash:
                probs.append((seq, RANK_LINK, _entry(row, visible, MSG_LINK.format(p=prev_seq))))
        recorded = row[18]
        raw: bytes | None = None  # the recorded entry hash as bytes, once it is known to be the right one
        try:
            digest = hash_row(row)[0]
            leaf = fromhex(digest)
            leaves.append(leaf)
            if digest != recorded:
                bad = recorded.__class__ is str and hex64(recorded)
                probs.append((seq, RANK_HASH, _entry(row, visible, MSG_HASH if bad else MSG_BAD_HASH)))
            else:
                raw = leaf
                if salts and version == CURRENT and row[8] in salts and commit.__class__ is str \
                        and commit != encoding.case_commit(salts[row[8]], seq):
                    probs.append((seq, RANK_COMMIT, _entry(row, visible, MSG_COMMIT_WRONG.format(case=row[8]))))
        except encoding.EncodingError:
            leaves.append(ZERO_LEAF)
            probs.append((seq, RANK_HASH, _entry(row, visible, MSG_UNENCODABLE)))
        if signatures:
            actor = row[5]
            # The key of the actor's previous entry signs this one too unless a registration or revocation
            # came between (key_for walks the actor's registrations).
            if actor == last_actor and last_from < seq < last_until:
                key = last_key
            else:
                key = key_for(actor, seq)
                last_actor, last_key = actor, key
                last_from, last_until = registry.valid_span(actor, seq)
            if not key or key != row[6]:
                revoked = registry.revoked_at(actor, row[6], seq)
                if revoked is not None:
                    message = MSG_REVOKED.format(actor=actor, r=revoked)
                else:
                    message = (MSG_NO_KEY if not key else MSG_WRONG_KEY).format(actor=actor)
                probs.append((seq, RANK_SIGNATURE, _entry(row, visible, message)))
            else:
                checked += 1
                public = publics.get(key)
                if public is None:
                    public = publics[key] = fromhex(key)
                if not (_signed(row[19], raw, public) if raw is not None else signature_ok(row, key)):
                    probs.append((seq, RANK_SIGNATURE, _entry(row, visible, MSG_SIGNATURE.format(actor=actor))))
        stamp = row[2]
        if valid_time(stamp):
            times.append(stamp)
        else:
            times.append("")
            probs.append((seq, RANK_TIME, _entry(row, visible, MSG_TIME_FORMAT.format(time=stamp))))
        seqs.append(seq)
        prev_seq, prev_hash, prev_version = seq, recorded, version
    res.last_version = prev_version
    res.count = len(seqs)
    res.last_seq = prev_seq or 0
    res.last_hash = prev_hash
    res.signatures = checked
    res.leaves = b"".join(leaves)
    if block is not None and res.count == block[1] - block[0] and res.first_seq == block[0] \
            and res.last_seq == block[1] - 1 and res.count & (res.count - 1) == 0:
        res.root = merkle.root(leaves)
    return res


# The columns ``check_clean`` reads, in order (``verify.SELECT_CLEAN``): the header and the body fields come as the
# database's own JSON arrays of them (``json_array``, whose strings are escaped exactly as the canonical encoding
# escapes them), or null where a field is not text (then ``check_rows`` decides, on the whole row).
CLEAN_SEQ, CLEAN_PREV, CLEAN_TIME, CLEAN_ACTOR, CLEAN_KEY, CLEAN_CASE, CLEAN_ACTION, CLEAN_VERSION, CLEAN_COMMIT, \
    CLEAN_HASH, CLEAN_SIGNATURE, CLEAN_DATA, CLEAN_BODY, CLEAN_HEADER = range(14)
# A run of ``valid_time`` timestamps written one after the other (ASCII digits only); the dates are then checked
# once each.
_TIMES = re.compile(r"(?:[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z)*")
_not_none = partial(is_not, None)
_fromhex = bytes.fromhex


def _lowercase_hex(texts: list[Any], length: int) -> bool:
    """Every one of ``texts`` is a string of ``length`` lowercase hexadecimal digits (HEX64_RE, HEX128_RE)."""
    if not texts:
        return True
    if set(map(len, texts)) != {length}:  # (len of a number raises TypeError: the caller gives up)
        return False
    joined = "".join(texts)
    try:
        return _fromhex(joined).hex() == joined  # fromhex takes capitals and spaces, which hex() does not give back
    except ValueError:
        return False


def check_clean(rows: Sequence[Sequence[Any]], registry: Registry, signatures: bool,
                block: tuple[int, int] | None = None, salts: dict[str, bytes] | None = None) -> ChunkResult | None:
    """``check_rows`` of a run of entries in which it would find nothing wrong, from the ``CLEAN_*`` columns.

    The fast path of a verify: the same checks, with the JSON arrays of the header and body fields built by the
    database, and each check made on a whole column at once where it can be (the links as one comparison of the
    previous-entry hashes with the entry hashes, every timestamp with one regular expression, ...), so that what
    runs entry by entry is little more than the hashing. None as soon as an entry is not plainly right in every
    respect (a problem, or anything unusual): ``check_rows`` then checks the whole run from the full rows and names
    what is wrong. So this can only say "nothing wrong" where ``check_rows`` says so too, with the same leaves,
    times and counts.
    """
    res = ChunkResult()
    if not rows:
        return res
    try:
        return _check_clean(res, rows, registry, signatures, block, salts)
    except Exception:  # anything at all (a number or a blob where text belongs, data that is not JSON): check_rows
        return None


def _column(rows: Sequence[Sequence[Any]], at: int) -> list[Any]:
    return list(map(itemgetter(at), rows))


def _check_clean(res: ChunkResult, rows: Sequence[Sequence[Any]], registry: Registry, signatures: bool,
                 block: tuple[int, int] | None, salts: dict[str, bytes] | None) -> ChunkResult | None:
    n = len(rows)
    bodies, heads, datas = _column(rows, CLEAN_BODY), _column(rows, CLEAN_HEADER), _column(rows, CLEAN_DATA)
    # The database wrote no JSON array where a field is not of a type the encoding takes (or the version is unknown).
    if None in bodies or None in heads:
        return None
    # Numbers one after the other (the JSON array of the header is there only where seq is an integer), each entry
    # linked to the one before it.
    seqs = array("q", map(itemgetter(CLEAN_SEQ), rows))
    first = seqs[0]
    if seqs != array("q", range(first, first + n)):
        return None
    prevs, recorded = _column(rows, CLEAN_PREV), _column(rows, CLEAN_HASH)
    if prevs[1:] != recorded[:-1]:
        return None
    # Version 1 only before version 2 (the database checked that each is 1 or 2, and 1 without a commitment); in
    # version 2, a commitment exactly when the entry has a case, and 64 lowercase hexadecimal digits.
    versions = _column(rows, CLEAN_VERSION)
    if versions != sorted(versions):
        return None
    cases, commits = _column(rows, CLEAN_CASE), _column(rows, CLEAN_COMMIT)
    current = versions.index(CURRENT) if CURRENT in versions else n
    if list(map(is_not, cases[current:], repeat(None))) != list(map(is_not, commits[current:], repeat(None))):
        return None
    if not _lowercase_hex(list(filter(_not_none, commits)), 64):
        return None
    if salts:
        for seq, case, commit, version in zip(seqs, cases, commits, versions, strict=True):
            if version == CURRENT and case in salts and commit != encoding.case_commit(salts[case], seq):
                return None
    # Every timestamp a valid_time one: its form, then each date it names (a run of entries has few).
    times = _column(rows, CLEAN_TIME)
    if set(map(len, times)) != {27} or not _TIMES.fullmatch("".join(times)):
        return None
    if not all(valid_time(day + "00:00:00.000000Z") for day in set(map(itemgetter(slice(0, 11)), times))):
        return None
    # The hashes, entry by entry, of the body and header arrays with data as stored: hash_row hashes data in its
    # canonical form, so only data stored in that form is taken here.
    if not encoding.all_canonical(datas):
        return None
    sha, body_domain, domain = hashlib.sha256, encoding.BODY_DOMAIN, encoding.DOMAIN
    leaves: list[bytes] = []
    append = leaves.append
    for data, body, head in zip(datas, bodies, heads, strict=True):
        body_hash = sha(body_domain + f"{body[:-1]},{data}]".encode()).hexdigest()
        append(sha(domain + f'{head[:-1]},"{body_hash}"]'.encode()).digest())
    if list(map(bytes.hex, leaves)) != recorded:
        return None
    if signatures:
        checked = _check_signatures(rows, seqs, leaves, registry)
        if checked is None:
            return None
        res.signatures = checked
    res.count = n
    res.first_seq, res.first_prev, res.first_version = first, prevs[0], versions[0]
    res.last_seq, res.last_hash, res.last_version = seqs[-1], recorded[-1], versions[-1]
    res.seqs, res.times = seqs, times
    res.leaves = b"".join(leaves)
    res.rising = all(map(lt, times, times[1:]))
    if block is not None and n == block[1] - block[0] and first == block[0] and n & (n - 1) == 0:
        res.root = merkle.root(leaves)
    return res


def _check_signatures(rows: Sequence[Sequence[Any]], seqs: array, leaves: list[bytes],  # type: ignore[type-arg]
                      registry: Registry) -> int | None:
    """How many signatures verify (all of them), or None: each entry is signed, in 128 lowercase hexadecimal digits,
    by the key registered for its actor at that point, which it names."""
    signatures = _column(rows, CLEAN_SIGNATURE)
    if not _lowercase_hex(signatures, 128):
        return None
    raw = _fromhex("".join(signatures))
    # libsodium's crypto_sign_open, as nacl.bindings calls it, with its output buffers made once, not per entry.
    sign_open, message, message_len = _sodium.lib.crypto_sign_open, _sodium.ffi.new("unsigned char[]", 128), \
        _sodium.ffi.new("unsigned long long *")
    key_for, sig_domain = registry.key_for, SIG_DOMAIN
    publics: dict[str, bytes] = {}
    last_actor: Any = None
    last_key: str | None = None
    last_from = last_until = 0
    at = 0
    for seq, actor, key_hex, digest in zip(seqs, _column(rows, CLEAN_ACTOR), _column(rows, CLEAN_KEY), leaves,
                                           strict=True):
        # The key of the actor's previous entry signs this one too unless a registration or revocation came between.
        if actor == last_actor and last_from < seq < last_until:
            key = last_key
        else:
            key = key_for(actor, seq)
            last_actor, last_key = actor, key
            last_from, last_until = registry.valid_span(actor, seq)
        if not key or key != key_hex:
            return None
        public = publics.get(key)
        if public is None:
            public = publics[key] = _fromhex(key)
        signed = raw[at:at + 64] + sig_domain + digest
        if sign_open(message, message_len, signed, len(signed), public) != 0:
            return None
        at += 64
    return len(leaves)


def _commit_problems(row: Sequence[Any], prev_seq: int | None, prev_version: Any,
                     visible: frozenset[str] | None, probs: list[tuple[int, int, Problem]]) -> None:
    """Version 1 only before version 2; in version 2, a commitment exactly when the entry has a case."""
    seq, version, commit, case = row[0], row[20], row[21], row[8]
    if version == LEGACY:
        if prev_seq is not None and prev_version == CURRENT:
            probs.append((seq, RANK_COMMIT, _entry(row, visible, MSG_VERSION_BACK.format(p=prev_seq))))
        return
    if version != CURRENT:
        return  # no encoding at all: reported by the hash check
    if case is None and commit is not None:
        probs.append((seq, RANK_COMMIT, _entry(row, visible, MSG_STRAY_COMMIT)))
    elif case is not None and commit is None:
        probs.append((seq, RANK_COMMIT, _entry(row, visible, MSG_NO_COMMIT)))
    elif commit is not None and (commit.__class__ is not str or not HEX64_RE.match(commit)):
        probs.append((seq, RANK_COMMIT, _entry(row, visible, MSG_BAD_COMMIT)))


def shown(case: Any, exhibit: Any, visible: frozenset[str] | None) -> tuple[str | None, str | None]:
    """(exhibit, case) to name for an entry: none for another case's entry the caller may not see."""
    if visible is None or case is None or case in visible:
        return (exhibit if exhibit.__class__ is str else None), (case if case.__class__ is str else None)
    return None, None


def _entry(row: Sequence[Any], visible: frozenset[str] | None, message: str) -> Problem:
    exhibit, case = shown(row[8], row[9], visible)
    return Problem(row[0], exhibit, message, case)


def _missing(a: int, b: int) -> Problem:
    if a == b:
        return Problem(a, None, MSG_MISSING_ONE.format(n=a))
    return Problem(a, None, MSG_MISSING_RANGE.format(a=a, b=b))


# --- joining chunks ------------------------------------------------------------------
@dataclass
class ChainResult:
    problems: list[Problem]
    entries: int
    signatures: int
    first_seq: int
    last_seq: int
    last_hash: str | None
    tree_size: int
    tree_root: str
    registry: Registry
    time_acknowledged: dict[int, int] = field(default_factory=dict)  # entry -> the entry acknowledging its time
    # With ``verify_chain(replay=True)``: the register's problems (``verify.replay_register``'s), or why the tables
    # could not be read.
    register: list[Problem] | None = None
    register_error: str | None = None


def time_acknowledgements(rows: Iterable[tuple[Any, Any]]) -> dict[int, int]:
    """Entry -> first later ``custody.time_acknowledged`` entry naming it, from (seq, data) rows of that action."""
    found: dict[int, int] = {}
    for seq, data in rows:
        try:
            entry = encoding.parse_data(data).get("entry")
        except (ValueError, TypeError, AttributeError):
            continue
        if type(entry) is int and 0 < entry < seq:
            found.setdefault(entry, seq)
    return found


class ChainJoiner:
    """Receives chunk results in log order and checks what crosses chunk boundaries."""

    def __init__(self, registry: Registry, registry_problems: list[tuple[int, Problem]],
                 locate: Callable[[int], tuple[str | None, str | None]],
                 acknowledged: dict[int, int] | None = None) -> None:
        """``locate(seq)`` -> (exhibit, case) to show for an entry (None, None outside the caller's scope).

        ``acknowledged``: entries whose time a later entry acknowledges as wrong (``time_acknowledgements``).
        """
        self.acknowledged = acknowledged or {}
        self.time_acknowledged: dict[int, int] = {}
        self.registry = registry
        self.locate = locate
        self.ranked: list[tuple[int, int, int, Problem]] = []
        self._order = 0
        for rank, p in registry_problems:
            self._add(p.seq if p.seq is not None else 0, rank, p)
        self.entries = 0
        self.signatures = 0
        self.first_seq = 0
        self.last_seq: int | None = None
        self.last_hash: Any = None
        self.last_version: Any = None
        self.roots: list[bytes | None] = []
        self.leaves: list[bytes] = []
        self.latest = ""
        self.latest_seq = 0

    def _add(self, seq: int, rank: int, p: Problem) -> None:
        self.ranked.append((seq, rank, self._order, p))
        self._order += 1

    def _entry_problem(self, seq: int, message: str) -> Problem:
        exhibit, case = self.locate(seq)
        return Problem(seq, exhibit, message, case)

    def add(self, res: ChunkResult) -> None:
        time_problem = self._entry_problem
        if res.count == 0:
            return
        if self.last_seq is None:
            self.first_seq = res.first_seq
            if res.first_seq != 1:
                self._add(1, RANK_SEQUENCE, Problem(1, None, MSG_NOT_FROM_ONE.format(n=res.first_seq - 1)))
            if res.first_seq == 1 and res.first_prev != encoding.GENESIS_PREV:
                self._add(1, RANK_LINK, time_problem(res.first_seq, MSG_FIRST_LINK))
        else:
            if res.first_seq != self.last_seq + 1:
                self._add(self.last_seq + 1, RANK_SEQUENCE, _missing(self.last_seq + 1, res.first_seq - 1))
            if res.first_prev != self.last_hash:
                self._add(res.first_seq, RANK_LINK, time_problem(res.first_seq, MSG_LINK.format(p=self.last_seq)))
            if res.first_version == LEGACY and self.last_version == CURRENT:
                self._add(res.first_seq, RANK_COMMIT,
                          time_problem(res.first_seq, MSG_VERSION_BACK.format(p=self.last_seq)))
        for seq, rank, p in res.problems:
            self._add(seq, rank, p)
        latest, latest_seq = self.latest, self.latest_seq
        tol = TIME_TOLERANCE_SECONDS * 1_000_000
        acknowledged = self.acknowledged
        if res.rising and res.times and res.times[0] > latest \
                and not any(res.first_seq <= seq <= res.last_seq for seq in acknowledged):
            # Every time later than the one before it and the first later than any before the block: nothing goes
            # back, and the latest is the block's last (what the loop below finds, entry by entry).
            latest, latest_seq = res.times[-1], res.last_seq
        else:
            for seq, stamp in zip(res.seqs, res.times, strict=True):
                if acknowledged and seq in acknowledged:
                    self.time_acknowledged[seq] = acknowledged[seq]
                    continue
                if stamp > latest:  # text order is time order ("" marks an invalid time, already reported)
                    latest, latest_seq = stamp, seq
                elif stamp and stamp != latest and time_us(stamp) < time_us(latest) - tol:
                    msg = MSG_TIME_BACK.format(time=stamp, tol=TIME_TOLERANCE_SECONDS, latest=latest, m=latest_seq)
                    self._add(seq, RANK_TIME, time_problem(seq, msg))
        self.latest, self.latest_seq = latest, latest_seq
        self.entries += res.count
        self.signatures += res.signatures
        self.last_seq, self.last_hash, self.last_version = res.last_seq, res.last_hash, res.last_version
        self.roots.append(res.root)
        self.leaves.append(res.leaves)

    def finish(self) -> ChainResult:
        roots = self.roots
        if roots and all(r is not None for r in roots[:-1]):
            last = roots[-1] if roots[-1] is not None else merkle.root(_split_leaves(self.leaves[-1]))
            tree_root = merkle.root_of_nodes([*(r for r in roots[:-1] if r is not None), last])
        else:
            tree_root = merkle.root(_split_leaves(b"".join(self.leaves)))
        self.ranked.sort(key=lambda t: (t[0], t[1], t[2]))
        return ChainResult(
            problems=[p for *_, p in self.ranked], entries=self.entries, signatures=self.signatures,
            first_seq=self.first_seq, last_seq=self.last_seq or 0,
            last_hash=self.last_hash if isinstance(self.last_hash, str) else None,
            tree_size=self.entries, tree_root=tree_root.hex(), registry=self.registry,
            time_acknowledged=dict(self.time_acknowledged),
        )


def _split_leaves(blob: bytes) -> list[bytes]:
    return [blob[i:i + 32] for i in range(0, len(blob), 32)]


def salt_problems(scope: str, salt_hex: Any, created: tuple[int, Any, Any] | None,
                  upgraded: tuple[int, Any] | None, legacy_full: int, salt_commitment: Callable[[str, str], str]
                  ) -> list[Problem]:
    """Is ``salt_hex`` the salt the log vouches for as case ``scope``'s?

    ``created``: (seq, version, data.case_salt) of the case's first ``case.created`` entry;
    ``upgraded``: (seq, data.legacy_cases) of the first ``custody.encoding_upgraded`` entry without a case;
    ``legacy_full``: how many version-1 entries of the case are shown in full.
    """
    if salt_hex.__class__ is not str or not HEX64_RE.match(salt_hex):
        return [Problem(None, None, MSG_NO_SALT.format(case=scope), scope)]
    if created is None:
        return [Problem(None, None, MSG_NO_CREATED.format(case=scope), scope)]
    seq, version, recorded = created
    if version == CURRENT:
        return [] if recorded == salt_hex else [Problem(seq, None, MSG_SALT_DIFFERS.format(case=scope), scope)]
    if upgraded is None:
        return [Problem(None, None, MSG_NO_UPGRADE.format(case=scope), scope)]
    useq, legacy = upgraded
    vouched = salt_commitment(salt_hex, scope)
    count = legacy.get(vouched) if legacy.__class__ is dict else None
    if count.__class__ is not int:
        return [Problem(useq, None, MSG_SALT_UNVOUCHED.format(case=scope), scope)]
    if legacy_full != count:
        return [Problem(useq, None, MSG_LEGACY_WITHHELD.format(n=legacy_full, m=count, case=scope), scope)]
    return []


def head_problems(outside: Sequence[tuple[str, int, str]], last_seq: int,
                  recorded_hash: Any) -> list[Problem]:
    """Compare heads kept outside the log with the log. ``recorded_hash(seq)`` -> the log's hash or None."""
    out = []
    for source, seq, digest in outside:
        if seq > last_seq:
            out.append(Problem(seq, None, MSG_HEAD_AHEAD.format(source=source, seq=seq, last=last_seq)))
        elif recorded_hash(seq) != digest:
            out.append(Problem(seq, None, MSG_HEAD_DIFFERS.format(source=source, seq=seq)))
    return out


# --- exhibits: the register and the log agree on each exhibit's hash -----------------
INGESTED = "exhibit.ingested"
# An exhibit of a case handed over from another installation enters this log by exhibit.received (its hash as the
# other installation's ingest recorded it; docs/sync-protocol.md): the entry every later one is held to.
INGESTS = (INGESTED, "exhibit.received")
MSG_NO_INGEST = "no ingest entry for this exhibit in the custody log"
MSG_REGISTER_HASH = ("the exhibit register records SHA-256 {reg} but the custody log recorded {log} "
                     "when it was ingested (entry {seq})")
MSG_LOG_HASH = "records SHA-256 {x} for the exhibit, not the {log} recorded when it was ingested (entry {seq})"
MSG_NOT_IN_REGISTER = "ingested at entry {seq} but missing from the exhibit register"


def natural_key(ref: Any) -> tuple[Any, ...]:
    """``JAS/2`` before ``JAS/10``."""
    text = ref if isinstance(ref, str) else str(ref)
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def check_exhibits(register: Iterable[tuple[str, str, Any]],
                   logged: Iterable[tuple[int, Any, Any, Any, Any]]) -> list[Problem]:
    """Each exhibit's hash in the register against the hash its ingest entry recorded, and the log with itself.

    ``register``: (case, exhibit, sha256) per exhibit; ``logged``: (seq, case,
    exhibit, action, sha256) for every entry naming an exhibit and a hash, in
    log order. Both limited to the cases the caller may see.
    """
    ingest: dict[tuple[Any, Any], tuple[int, Any]] = {}
    found: list[tuple[Any, Any, int, Problem]] = []
    for seq, case, ref, action, sha in logged:
        key = (case, ref)
        first = ingest.get(key)
        if first is None:
            if action in INGESTS:
                ingest[key] = (seq, sha)
            continue
        if sha != first[1]:
            message = MSG_LOG_HASH.format(x=sha, log=first[1], seq=first[0])
            found.append((case, ref, seq, Problem(seq, ref, message, case)))
    seen = set()
    for case, ref, sha in register:
        seen.add((case, ref))
        first = ingest.get((case, ref))
        if first is None:
            found.append((case, ref, 0, Problem(None, ref, MSG_NO_INGEST, case)))
        elif sha != first[1]:
            found.append((case, ref, first[0], Problem(
                first[0], ref, MSG_REGISTER_HASH.format(reg=sha, log=first[1], seq=first[0]), case)))
    for (case, ref), (seq, _) in ingest.items():
        if (case, ref) not in seen:
            found.append((case, ref, seq, Problem(seq, ref, MSG_NOT_IN_REGISTER.format(seq=seq), case)))
    found.sort(key=lambda t: (str(t[0]), natural_key(t[1]), t[2]))
    return [p for *_, p in found]
