"""Canonical byte encoding of a custody entry (documented in docs/custody-encoding.md).

An entry is encoded as UTF-8 JSON with keys sorted, no insignificant
whitespace, non-ASCII characters kept as themselves, and only strings,
integers, booleans, null, arrays and objects (no floating point). The entry
hash is SHA-256 over ``DOMAIN + encoding``; the signature is Ed25519 over
``SIG_DOMAIN + entry hash (32 raw bytes)``.

The stand-alone verifier in ``tools/verify_custody.py`` re-implements these
few lines independently; keep the two in step.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

VERSION = 1
DOMAIN = b"CASEDESK-CUSTODY-ENTRY-V1\x00"
SIG_DOMAIN = b"CASEDESK-CUSTODY-SIG-V1\x00"
GENESIS_PREV = "0" * 64

# Field name in the encoding -> column of CustodyEntry.
FIELDS: tuple[tuple[str, str], ...] = (
    ("seq", "seq"),
    ("prev", "prev_hash"),
    ("time", "timestamp"),
    ("tz", "time_zone"),
    ("offset", "utc_offset"),
    ("actor", "actor"),
    ("key", "actor_key"),
    ("action", "action"),
    ("case", "case_ref"),
    ("exhibit", "exhibit_ref"),
    ("reason", "reason"),
    ("location", "location"),
    ("from", "from_party"),
    ("to", "to_party"),
    ("sha256", "sha256"),
    ("tool", "tool"),
    ("text", "text"),
    ("data", "data"),
)


def _check_value(value: Any, path: str) -> None:
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            _check_value(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for k, item in value.items():
            if not isinstance(k, str):
                raise TypeError(f"{path}: object keys must be strings")
            _check_value(item, f"{path}.{k}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in a custody entry")


def canonical_json(value: Any) -> str:
    _check_value(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def encode(fields: dict[str, Any]) -> bytes:
    """The canonical bytes of an entry given as ``{encoding name: value}`` (data as a dict)."""
    missing = [name for name, _ in FIELDS if name not in fields]
    if missing:
        raise ValueError(f"custody entry lacks fields: {', '.join(missing)}")
    body = {name: fields[name] for name, _ in FIELDS}
    body["v"] = VERSION
    return canonical_json(body).encode("utf-8")


def entry_hash(encoded: bytes) -> str:
    return hashlib.sha256(DOMAIN + encoded).hexdigest()


def signing_message(entry_hash_hex: str) -> bytes:
    return SIG_DOMAIN + bytes.fromhex(entry_hash_hex)


def fields_from_row(row: Any) -> dict[str, Any]:
    """Encoding fields from a CustodyEntry row (or any object with its columns)."""
    out: dict[str, Any] = {}
    for name, column in FIELDS:
        value = getattr(row, column)
        out[name] = json.loads(value) if column == "data" else value
    return out
