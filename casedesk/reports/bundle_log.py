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

from casedesk.custody import chain, encoding, merkle
from casedesk.custody.export import FORMAT, signing_message

EXPORTED = "bundle.exported"
INGESTED = "exhibit.ingested"


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


def _row(line: dict[str, Any]) -> list[Any]:
    """An entry line as a store row (``encoding.ROW_COLUMNS`` order), ``data`` as its canonical text."""
    data = line.get("data")
    try:
        text = encoding.canonical_json(data) if isinstance(data, dict) else None
    except (encoding.EncodingError, TypeError, ValueError):
        text = None
    names = [name for name, _ in encoding.FIELDS]
    row = [line.get(name) for name in names]
    row[names.index("data")] = text
    return [*row, line.get("hash"), line.get("signature"), line.get("version"), line.get("commit")]


def _recompute(line: dict[str, Any], full: bool) -> str | None:
    try:
        if full:
            return encoding.hash_row(_row(line))[0]
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
    log.signed_by = str(trailer.get("signed_by"))
    rows: list[list[Any]] = []
    expected = 1
    prev_hash = encoding.GENESIS_PREV
    for line in lines[1:-1]:
        kind = line.get("type")
        if kind not in ("entry", "redacted"):
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
        if full:
            rows.append(_row(line))
        expected += 1
    registry, _ = chain.build_registry(rows)
    if registry.genesis_seq == 0 or not registry.keys:
        log.problems.append("the custody export has no valid first key registration, so no signature can be checked")
    else:
        for e in log.entries:
            actor, key = e.line.get("actor"), e.line.get("key")
            registered = registry.key_for(actor, e.seq)
            revoked = registry.revoked_at(actor, key, e.seq)
            row = [e.seq, *[None] * 17, e.line.get("hash"), e.line.get("signature")]
            if not registered or registered != key or revoked is not None or not chain.signature_ok(row, key):
                log.problems.append(f"entry {e.seq}: not signed with the key the log registers for {actor}")
    body = raw[: len(raw) - len(text_lines[-1]) - (1 if raw.endswith(b"\n") else 0)]
    if hashlib.sha256(body).hexdigest() != trailer.get("lines_sha256"):
        log.problems.append("the custody export's lines do not have the SHA-256 its last line records: "
                            "the file was changed after it was written")
    signer = registry.key_for(log.signed_by, len(log.entries) + 1) if registry.keys else None
    try:
        message = signing_message(trailer)
    except (encoding.EncodingError, TypeError, ValueError):
        message = b""
    if not signer or not message or not _signed(message, trailer.get("signature"), signer):
        log.problems.append(f"the custody export's last line is not signed with the key the log registers for "
                            f"{log.signed_by}: the file was changed after it was written")
    return log


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


def ingest_hashes(log: CustodyLog, case: str) -> dict[str, tuple[int, Any]]:
    """``{exhibit: (entry, SHA-256)}`` from the first full ``exhibit.ingested`` entry of each exhibit of ``case``."""
    out: dict[str, tuple[int, Any]] = {}
    for e in log.entries:
        line = e.line
        if e.full and line.get("action") == INGESTED and line.get("case") == case and isinstance(
                line.get("exhibit"), str) and line.get("sha256") is not None:
            out.setdefault(line["exhibit"], (e.seq, line.get("sha256")))
    return out


def export_entry(log: CustodyLog, case: str, sha256: str) -> LogEntry | None:
    """The first full ``bundle.exported`` entry of ``case`` that records ``sha256``."""
    for e in log.entries:
        line = e.line
        if e.full and line.get("action") == EXPORTED and line.get("case") == case and line.get("sha256") == sha256:
            return e
    return None
