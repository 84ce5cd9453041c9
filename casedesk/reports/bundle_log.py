"""What a bundle check reads from a custody export (``casedesk custody export``, docs/custody-export.md).

The bundle verifier needs four things from the log: that the export file is
whole and intact as a chain (every line's hash, link and signature, with the
keys the log itself registers; the export's own signature), the entry that
records the bundle's export, each exhibit's SHA-256 at ingest, and the Merkle
root of the log up to the head printed in the bundle. The browser verifier
(``browser/verifier.html``) computes the same, in the same order, with the
same words. The full set of custody checks (times, case commitments, heads
kept outside the database, the replayed register) is ``tools/verify_custody.py``'s.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from casedesk.custody import chain, encoding, keybook, merkle
from casedesk.custody.export import FORMAT, signing_message
from casedesk.custody.projection import Entry

EXPORTED = "bundle.exported"
INGESTED = "exhibit.ingested"
# In a case received from another installation, an exhibit's first entry is its exhibit.received, which records
# the SHA-256 the giving installation's ingest recorded (and names that entry in data.origin).
ARRIVALS = frozenset({INGESTED, "exhibit.received"})
NOTE_ADDED = "note.added"


@dataclass
class LogEntry:
    seq: int
    line: dict[str, Any]
    full: bool
    hash_ok: bool
    leaf: bytes  # the recomputed entry hash, 32 zero bytes when it cannot be computed


@dataclass
class CustodyLog:
    entries: list[LogEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    signed_by: str = ""

    def entry(self, seq: Any) -> LogEntry | None:
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= len(self.entries):
            return None
        found = self.entries[seq - 1]
        return found if found.seq == seq else None

    def root(self, size: int) -> str:
        return merkle.root([e.leaf for e in self.entries[:size]]).hex()


class UnreadableExport(Exception):
    """Not a custody export this verifier can read; the message says why."""


class Keys(chain.Registry):
    """The signing keys the log registers, by the rules of docs/custody-encoding.md ("Whose key signs what").

    Built by ``casedesk.custody.keybook.KeyBook`` as ``casedesk verify`` builds its registry, over export lines
    (and written again in the browser verifier): the first key registration without a case is its author's own
    key; later registrations and revocations count when their entry is intact, signed with its author's key and
    made by an administrator whose account is active and confirmed (the log says who is one, under the two-person
    rules).
    """

    def signs(self, e: LogEntry) -> bool:
        """The entry is signed with the key registered for its author at that point, not revoked."""
        actor, key, recorded = e.line.get("actor"), e.line.get("key"), e.line.get("hash")
        registered = self.key_for(actor, e.seq)
        return (bool(registered) and registered == key and self.revoked_at(actor, key, e.seq) is None
                and isinstance(recorded, str) and chain.HEX64_RE.match(recorded) is not None
                and _signed(encoding.signing_message(recorded), e.line.get("signature"), str(registered)))


def _entry(e: LogEntry) -> Entry:
    """The fields replay reads, from a full line."""
    line = e.line

    def get(key: str) -> Any:  # what the line holds, as it is: replay judges text it cannot use as such
        return line.get(key)

    data = get("data")
    return Entry(e.seq, get("time"), get("actor"), get("action"), get("case"), get("exhibit"), get("reason"),
                 get("location"), get("from"), get("to"), get("sha256"), get("tool"), get("text"),
                 data if isinstance(data, dict) else {})


def registered_keys(entries: list[LogEntry]) -> Keys | None:
    """The keys of the log's full entries (None when the log has no valid first key registration)."""
    full = [e for e in entries if e.full]
    genesis = next((e for e in full if e.line.get("action") == chain.KEY_REGISTERED
                    and e.line.get("case") is None), None)
    reg = keybook.registration(genesis.line.get("data")) if genesis is not None else None
    if genesis is None or reg is None or reg[0] != genesis.line.get("actor"):
        return None
    keys = Keys()
    book = keybook.KeyBook(keys, genesis.seq, reg[0], reg[1])
    for e in full:
        line = e.line
        if e.seq <= genesis.seq:
            book.genesis(_entry(e))
        elif (line.get("action") in chain.REGISTRY_ACTIONS and line.get("case") is None and e.hash_ok
              and keys.signs(e) and isinstance(line.get("data"), dict)):
            book.account(_entry(e))
    book.finish()
    return keys


def _recompute(line: dict[str, Any], full: bool) -> str | None:
    try:
        if full:
            return encoding.hash_fields(line)[0]
        body = line.get("body_hash")
        if not isinstance(body, str):
            return None
        header = encoding.header_bytes(line.get("seq"), line.get("prev"), line.get("time"), line.get("tz"),
                                       line.get("offset"), line.get("actor"), line.get("key"), body,
                                       line.get("version"), line.get("commit"))
        return encoding.entry_hash(header)
    except (encoding.EncodingError, TypeError, ValueError):
        return None


def read_log(raw: bytes) -> CustodyLog:
    """The export's entries, and every problem of its chain and signatures in entry order, then the export's."""
    text_lines = raw.split(b"\n")
    if text_lines and text_lines[-1] == b"":
        text_lines.pop()
    try:
        lines = [json.loads(t) for t in text_lines]
    except (ValueError, UnicodeDecodeError):
        raise UnreadableExport("a line of the custody export is not JSON") from None
    if (len(lines) < 2 or not all(isinstance(x, dict) for x in lines) or lines[0].get("type") != "header"
            or lines[0].get("format") != FORMAT or lines[-1].get("type") != "trailer"):
        raise UnreadableExport(f"the file is not a custody export ({FORMAT})")
    log = CustodyLog()
    trailer = lines[-1]
    signed_by = trailer.get("signed_by")
    log.signed_by = signed_by if isinstance(signed_by, str) else "(nobody)"
    expected = 1
    prev_hash = encoding.GENESIS_PREV
    for line in lines[1:-1]:
        kind = line.get("type")
        if kind not in ("entry", "redacted", "withheld"):  # withheld: a sensitive exhibit's, header and body hash
            continue
        seq = line.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq != expected:
            log.problems.append(f"entry {expected} is missing from the custody export")
            break
        full = kind == "entry"
        digest = _recompute(line, full)
        ok = digest is not None and digest == line.get("hash")
        if not ok:
            log.problems.append(f"entry {seq}: its content does not match its recorded hash")
        if line.get("prev") != prev_hash:
            log.problems.append(f"entry {seq}: its link to the previous entry's hash is broken")
        prev_hash = line.get("hash")
        leaf = bytes.fromhex(digest) if digest is not None else chain.ZERO_LEAF
        log.entries.append(LogEntry(seq, line, full, ok, leaf))
        expected += 1
    keys = registered_keys(log.entries)
    if keys is None:
        log.problems.append("the custody export has no valid first key registration, so no signature can be checked")
    else:
        for e in log.entries:
            if not keys.signs(e):
                log.problems.append(f"entry {e.seq}: not signed with the key the log registers for "
                                    f"{_show(e.line.get('actor'))}")
    body = raw[: len(raw) - len(text_lines[-1]) - (1 if raw.endswith(b"\n") else 0)]
    if hashlib.sha256(body).hexdigest() != trailer.get("lines_sha256"):
        log.problems.append("the custody export's lines do not have the SHA-256 its last line records: "
                            "the file was changed after it was written")
    signer = keys.key_for(log.signed_by, len(log.entries) + 1) if keys is not None else None
    try:
        message = signing_message(trailer)
    except (encoding.EncodingError, TypeError, ValueError):
        message = b""
    if not signer or not message or not _signed(message, trailer.get("signature"), signer):
        log.problems.append(f"the custody export's last line is not signed with the key the log registers for "
                            f"{log.signed_by}: the file was changed after it was written")
    return log


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _signed(message: bytes, signature: Any, public_hex: str) -> bool:
    from nacl.bindings import crypto_sign_open
    from nacl.exceptions import BadSignatureError, CryptoError

    if not isinstance(signature, str) or not chain.HEX128_RE.match(signature):
        return False
    try:
        crypto_sign_open(bytes.fromhex(signature) + message, bytes.fromhex(public_hex))
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def ingest_hashes(log: CustodyLog, case: Any) -> dict[str, tuple[int, Any]]:
    """``{exhibit: (entry, SHA-256)}`` from the first full ``exhibit.ingested`` (or ``exhibit.received``) entry of
    each exhibit of ``case``."""
    out: dict[str, tuple[int, Any]] = {}
    for e in log.entries:
        line = e.line
        if e.full and line.get("action") in ARRIVALS and line.get("case") == case and isinstance(
                line.get("exhibit"), str) and line.get("sha256") is not None:
            out.setdefault(line["exhibit"], (e.seq, line.get("sha256")))
    return out


def export_entry(log: CustodyLog, case: Any, sha256: str, any_case: bool = False) -> LogEntry | None:
    """The first full ``bundle.exported`` entry of ``case`` (or of any case) that records ``sha256``."""
    for e in log.entries:
        line = e.line
        if (e.full and line.get("action") == EXPORTED and (any_case or line.get("case") == case)
                and line.get("sha256") == sha256):
            return e
    return None


def unit_problems(log: CustodyLog, fingerprint: str) -> list[str]:
    """The custody export's log against a pinned unit key (docs/unit-trust.md, "Verifying against a fingerprint"),
    each problem described; the enrolments are the full entries without a case, and the entries whose content
    does not match their hash are not judged again (the check "custody log" names them)."""
    from casedesk.trust import pinning

    rows: list[tuple[int, str, Any]] = [(e.seq, str(e.line.get("action")), e.line.get("data")) for e in log.entries
            if e.full and e.line.get("case") is None and e.line.get("action") in (pinning.INITIALISED,
                                                                                 pinning.ENROLLED)]
    broken = frozenset(e.seq for e in log.entries if not e.hash_ok)
    check = pinning.UnitCheck(fingerprint, rows, pinning.installation_id_of(rows), broken)
    for e in log.entries:
        line = e.line
        check.feed(e.seq, line.get("time"), line.get("actor"), line.get("key"), e.leaf, line.get("case"),
                   line.get("exhibit"))
    return [p.describe() for p in check.finish()]
