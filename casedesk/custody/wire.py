"""Encodings of the sync protocol shared by the installation's client and the unit (docs/sync-protocol.md).

A request is signed by the syncing user's custody key: Ed25519 over ``request_message(...)``, which binds the
method, path, installation, user, time and the SHA-256 of the body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
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
    return signed_message(method, path, installation, user, time, hashlib.sha256(body).hexdigest())


def signed_message(method: str, path: str, installation: str, user: str, time: int, body_sha256: str) -> bytes:
    return "\n".join((REQUEST_DOMAIN, method.upper(), path, installation, user, str(time), body_sha256,
                      "")).encode("utf-8")


# Vault objects (docs/sync-protocol.md, "Objects"): each part of an object goes up in its own request, its
# declaration in this header; what the request signs in place of the body's SHA-256 is the SHA-256 of the
# declaration, a line feed and the part, so the declaration is signed with the bytes.
HEADER_OBJECT = "CaseDesk-Object"
PART_BYTES = 8 << 20  # every part but the last: what one request holds in memory, whatever the object's size
DECLARATION_KEYS = ("address", "case", "epoch", "sha256", "size", "stored_size")


def declaration(case: str, sha256: str, size: int, epoch: int, stored_size: int, address: str) -> str:
    """An object's declaration: JSON with sorted keys, no spaces, ASCII only (it travels in a header)."""
    return json.dumps({"address": address, "case": case, "epoch": epoch, "sha256": sha256, "size": size,
                       "stored_size": stored_size}, sort_keys=True, separators=(",", ":"))


ADDRESS_DOMAIN = b"casedesk-object/1\n"


def object_address(part_digests: Sequence[bytes]) -> str:
    """An object's address: SHA-256 of the domain line and the SHA-256 of each of its parts, in order.

    Parts are cut at every ``PART_BYTES``; the unit hashes each part as it arrives, so the address of a large
    exhibit is checked without reading it again when its last part comes."""
    h = hashlib.sha256(ADDRESS_DOMAIN)
    for d in part_digests:
        h.update(d)
    return h.hexdigest()


# Restore (docs/sync-protocol.md, "Restore"): the key slots in escrow are read with proof of the device secret.
HEADER_ESCROW_TOKEN = "CaseDesk-Escrow-Token"  # noqa: S105 (a header's name)


def escrow_token(device_secret: bytes, installation: str) -> str:
    """What proves the device secret (so the recovery key that opens it) without showing it."""
    return hmac.new(device_secret, f"casedesk-escrow-access/1|{installation}".encode(), hashlib.sha256).hexdigest()


def part_sha256(declaration_text: str, data: bytes | memoryview) -> str:
    h = hashlib.sha256(declaration_text.encode("utf-8"))
    h.update(b"\n")
    h.update(data)
    return h.hexdigest()


def row_to_json(row: Sequence[Any]) -> dict[str, Any]:
    """A raw row (``encoding.ROW_COLUMNS`` order, ``data`` as its stored canonical text) as a pushed entry."""
    out = dict(zip(ENTRY_KEYS, row, strict=True))
    return out
