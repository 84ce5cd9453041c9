"""Writing the custody log as JSON Lines for a third party (format: docs/custody-export.md).

One header line, one line per entry in sequence order, one line per exhibit
in scope, one trailer line. Entries of cases outside the export's scope are
written as their header and body hash only ("redacted"): enough to check
every hash, link, signature and time of the whole chain without disclosing
another case's content. The header discloses the exported case's salt, so a
verifier can prove from each redacted line's case commitment that it is not
an entry of that case. The trailer records the log head, the heads kept
outside the database and the SHA-256 of every line before it, and is signed
by the exporting officer.

Sensitive (MG6D) exhibits are withheld unless the export is asked to include
them: each of their entries is written as a "withheld" line (its header, case
commitment and body hash, the case and exhibit reference, nothing of what it
says) and their register line as a "withheld_exhibit" line, so the file holds
none of their names, descriptions or hashes, while every hash, link,
signature, time and case commitment of the chain can still be checked. The
file is written as an anonymous file
(``casedesk.outputs.NewFile``) that the caller names once the export is
logged: a failed or killed export leaves nothing, and nothing is replaced.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from casedesk import tool_id
from casedesk.custody import chain, encoding, keybook, merkle
from casedesk.custody.signing import Signer
from casedesk.custody.verify import CHUNK, OutsideHead, open_raw, read_rows, registry_rows
from casedesk.outputs import NewFile
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.timeutil import iso_utc, utc_now

FORMAT = "casedesk-custody-export/2"
ENCODING = "casedesk-custody-entry/2"
SIG_DOMAIN = b"CASEDESK-CUSTODY-EXPORT-SIG-V2\x00"
# The register fields of an exhibit line: every column ``casedesk verify`` compares with the log's replay
# (``register._EXHIBIT_COLUMNS`` and the two user columns), under the exhibits table's column names.
REGISTER_FIELDS: tuple[str, ...] = (
    "producer", "ingested_by", "description", "seized_from", "seized_at", "seized_offset", "seized_location",
    "seal", "original_name", "relative_path", "size", "mime_type", "type_description", "type_warning", "md5",
    "sha1", "ingested_at", "tool", "sensitive", "status", "withdrawn_reason", "custodian", "custodian_is_user",
    "location", "checked_out",
)
BOOLEAN_FIELDS = frozenset({"sensitive", "custodian_is_user", "checked_out"})


@dataclass(frozen=True)
class ExhibitRecord:
    """One exhibit as the register holds it: ``fields`` has every name of ``REGISTER_FIELDS``."""

    case: str
    exhibit: str
    register_sha256: str
    fields: dict[str, Any]
    vault_problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    entries: int
    redacted: int
    withheld: int  # entries of sensitive exhibits written as withheld lines
    head_seq: int
    head_hash: str | None
    tree_size: int
    tree_root: str


def _plain(value: Any) -> Any:
    """A column value as JSON can carry it; a blob (only ever there by tampering) as a marked object."""
    if isinstance(value, bytes):
        return {"blob": value.hex()}
    return value


def _line(obj: dict[str, Any]) -> bytes:
    # ASCII-only lines: text that is not valid Unicode survives as \\u escapes and fails to encode, as in the store.
    return (json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")


WITHHELD_WHY = "sensitive"  # the one reason a line of the exported case is withheld (MG6D material)


def entry_record(row: Sequence[Any], full: bool, withheld: bool = False) -> tuple[dict[str, Any], bytes]:
    """The export line of one row and the Merkle leaf input (its recomputed hash, or 32 zero bytes).

    ``withheld``: an entry of a sensitive exhibit, written header-only with its case and exhibit reference.
    """
    head = {name: _plain(row[i]) for i, (name, _) in enumerate(encoding.HEADER_FIELDS)}
    try:
        digest, body_hash = encoding.hash_row(row)
        leaf = bytes.fromhex(digest)
    except encoding.EncodingError:
        body_hash, leaf = None, chain.ZERO_LEAF
    kind = "withheld" if full and withheld else "entry" if full else "redacted"
    rec: dict[str, Any] = {"type": kind, **head,
                           "version": _plain(row[encoding.ROW_VERSION]), "commit": _plain(row[encoding.ROW_COMMIT]),
                           "hash": _plain(row[18]), "signature": _plain(row[19])}
    if kind == "entry":
        for i, (name, column) in enumerate(encoding.BODY_FIELDS, start=len(encoding.HEADER_FIELDS)):
            value = row[i]
            if column == "data":
                # Not an object (damaged text kept as a string, anything else as null): cannot be encoded.
                try:
                    value = encoding.parse_data(value) if isinstance(value, str) else None
                except encoding.EncodingError:
                    pass
            rec[name] = _plain(value)
    else:
        rec["body_hash"] = body_hash
    if kind == "withheld":
        rec.update(case=_plain(row[_CASE]), exhibit=_plain(row[_EXHIBIT]), withheld=WITHHELD_WHY)
    return rec, leaf


_CASE = len(encoding.HEADER_FIELDS) + 1  # row positions of the body's case and exhibit
_EXHIBIT = _CASE + 1


def signing_message(trailer: dict[str, Any]) -> bytes:
    """What the exporting officer signs: the domain and SHA-256 of the trailer's canonical JSON (no signature)."""
    body = {k: v for k, v in trailer.items() if k != "signature"}
    return SIG_DOMAIN + hashlib.sha256(encoding.canonical_json(body).encode("utf-8")).digest()


def write_export(
    db_path: Path,
    db_key: bytes,
    dest: NewFile,
    *,
    scope: str | None,
    visible: frozenset[str] | None,
    installation_id: str,
    exported_by: str,
    signer: Signer,
    case_salt: str | None,
    outside_heads: Sequence[OutsideHead],
    outside_problems: Sequence[str],
    exhibits: Sequence[ExhibitRecord],
    withhold: frozenset[tuple[str, str]] = frozenset(),
    include_sensitive: bool = False,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> ExportResult:
    """Write the export into ``dest`` (not yet named: the caller publishes it).

    ``withhold``: the (case, exhibit) of the sensitive exhibits whose entries and register lines are withheld
    (empty when ``include_sensitive``).
    """
    if include_sensitive:
        withhold = frozenset()
    digest = hashlib.sha256()
    conn = open_raw(db_path, db_key)
    try:
        first, last, total = conn.execute("SELECT min(seq), max(seq), count(*) FROM custody_entries").fetchone()
        registry, _ = keybook.build_registry(registry_rows(conn, last or 0))
        header = {
            "type": "header", "format": FORMAT, "encoding": ENCODING, "installation_id": installation_id,
            "exported_at": iso_utc(utc_now()), "exported_by": exported_by, "tool": tool_id(),
            "scope": scope, "case_salt": case_salt, "sensitive": "included" if include_sensitive else "withheld",
            "time_tolerance_seconds": chain.TIME_TOLERANCE_SECONDS,
            "keys": [{"user": u, "public_key": k, "registered_at": s} for u, k, s in registry.listing()],
        }
        with os.fdopen(os.dup(dest.fd), "wb") as fh:
            def put(obj: dict[str, Any]) -> None:
                data = _line(obj)
                digest.update(data)
                fh.write(data)

            put(header)
            counts = _write_entries(conn, put, first, last, total or 0, visible, withhold, progress, cancel)
            for ex in sorted(exhibits, key=lambda e: (e.case, chain.natural_key(e.exhibit))):
                if (ex.case, ex.exhibit) in withhold:
                    put({"type": "withheld_exhibit", "case": ex.case, "exhibit": ex.exhibit,
                         "withheld": WITHHELD_WHY, "vault_problems": list(ex.vault_problems)})
                    continue
                put({**{name: _plain(ex.fields.get(name)) for name in REGISTER_FIELDS},
                     "type": "exhibit", "case": ex.case, "exhibit": ex.exhibit,
                     "register_sha256": ex.register_sha256, "vault_problems": list(ex.vault_problems)})
            entries, redacted, withheld, head_seq, head_hash, tree_root = counts
            trailer: dict[str, Any] = {
                "type": "trailer", "entries": entries, "redacted": redacted, "withheld": withheld,
                "exhibits": len(exhibits),
                "head": {"seq": head_seq, "hash": head_hash}, "tree": {"size": entries, "root": tree_root},
                "outside_heads": [{"source": h.source, "seq": h.seq, "hash": h.hash} for h in outside_heads],
                "outside_head_problems": list(outside_problems),
                "lines_sha256": digest.hexdigest(), "signed_by": exported_by,
            }
            trailer["signature"] = signer.sign(signing_message(trailer)).hex()
            put(trailer)
            fh.flush()
            os.fsync(fh.fileno())
    finally:
        conn.close()
    return ExportResult(dest.target, digest.hexdigest(), entries, redacted, withheld, head_seq, head_hash, entries,
                        tree_root)


def _write_entries(conn: Any, put: Any, first: int | None, last: int | None, total: int,
                   visible: frozenset[str] | None, withhold: frozenset[tuple[str, str]], progress: Progress,
                   cancel: CancelToken | None) -> tuple[int, int, int, int, Any, str]:
    leaves: list[bytes] = []
    entries = redacted = withheld = 0
    head_seq, head_hash = 0, None
    if first is not None and last is not None:
        for lo in range(first, last + 1, CHUNK):
            if cancel is not None:
                cancel.check()
            for row in read_rows(conn, lo, lo + CHUNK):
                case = row[8]
                full = visible is None or case is None or (isinstance(case, str) and case in visible)
                secret = full and (case, row[_EXHIBIT]) in withhold
                rec, leaf = entry_record(row, full, secret)
                put(rec)
                leaves.append(leaf)
                entries += 1
                redacted += 0 if full else 1
                withheld += 1 if secret else 0
                head_seq, head_hash = row[0], row[18]
            progress(entries, total, "exporting custody entries")
    return entries, redacted, withheld, head_seq, head_hash, merkle.root(leaves).hex()


def read_export(fh: IO[str]) -> list[dict[str, Any]]:
    """Every line of an export as a dict (for tests and tools inside CaseDesk)."""
    return [json.loads(line) for line in fh if line.strip()]
