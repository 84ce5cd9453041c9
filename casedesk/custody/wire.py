"""Encodings of the sync protocol shared by the installation's client and the unit (docs/sync-protocol.md).

A request is signed by the syncing user's custody key: Ed25519 over ``request_message(...)``, which binds the
method, path, installation, user, time and the SHA-256 of the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from casedesk.custody import encoding

REQUEST_DOMAIN = "casedesk-unit-request/v1"
HEADER_INSTALLATION = "CaseDesk-Installation"
HEADER_USER = "CaseDesk-User"
HEADER_KEY = "CaseDesk-Key"
HEADER_TIME = "CaseDesk-Time"
HEADER_SIGNATURE = "CaseDesk-Signature"
CLOCK_TOLERANCE_SECONDS = 300

# A pushed entry: the encoding's field names, then the recorded hash, signature, version and case commitment.
ENTRY_KEYS: tuple[str, ...] = (*(name for name, _ in encoding.FIELDS), "hash", "signature", "version", "commit")


def request_message(method: str, path: str, installation: str, user: str, time: int, body: bytes) -> bytes:
    return "\n".join((REQUEST_DOMAIN, method.upper(), path, installation, user, str(time),
                      hashlib.sha256(body).hexdigest(), "")).encode("utf-8")


def row_to_json(row: Sequence[Any]) -> dict[str, Any]:
    """A raw row (``encoding.ROW_COLUMNS`` order, ``data`` as its stored canonical text) as a pushed entry."""
    out = dict(zip(ENTRY_KEYS, row, strict=True))
    return out
