"""Review statements: a supervisor's decision on another installation's case, signed on their own desk.

docs/sync-protocol.md ("Review statements") and docs/custody-encoding.md ("Remote reviews"). The supervisor of
installation S reads case REF of installation D from the unit (checked on S), then signs a **statement**: the
canonical JSON of ``FIELDS``, signed as ``DOMAIN || SHA-256(canonical JSON)`` with their custody key. The unit
takes it only from a user S's log makes an enabled supervisor with that key, and adds its **voucher**: the
cosigner's signature of ``voucher_message`` (D, the statement's SHA-256, S, the reviewer, their key,
``supervisor`` and the tree size of S's log the unit judged by). D's sync carries the statement into D's own
log as a ``case.reviewed_remotely`` entry; ``problem`` is the one check every reader of D's log makes of it
(D's replay, ``casedesk verify``, the unit's push replay, the supervisor's desk reading an export).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Container
from typing import Any

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError

from casedesk.custody import encoding
from casedesk.security.roles import (
    REMOTE_CASE,
    REMOTE_COPIES,
    REMOTE_HASH,
    REMOTE_INSTALLATION,
    REMOTE_MALFORMED,
    REMOTE_SIGNATURE,
    REMOTE_UNIT,
    REMOTE_UP_TO,
    REMOTE_VOUCHER,
)

ACTION = "case.reviewed_remotely"
SENT = "unit.review_sent"
FETCHED = "unit.review_fetched"
FORMAT = "casedesk-review-statement/1"
DOMAIN = b"CASEDESK-REVIEW-STATEMENT-V1\x00"
VOUCHER_FORMAT = "casedesk-unit-voucher/v1"
VOUCHED_ROLE = "supervisor"
DECISIONS = ("approve", "query")
FIELDS = ("case", "decision", "format", "installation", "key", "made_at", "reviewer", "reviewer_installation",
          "text", "up_to", "up_to_hash")
# Since the reviewer's name was carried: their full name as their installation's log has it, which the unit checks
# against that log before it vouches for the statement (its voucher signs the statement's SHA-256, so the name too).
NAMED_FIELDS = tuple(sorted((*FIELDS, "reviewer_name")))
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_HEX128 = re.compile(r"[0-9a-f]{128}\Z")


def canonical(statement: dict[str, Any]) -> bytes:
    return encoding.canonical_json(statement).encode("utf-8")


def digest(statement: dict[str, Any]) -> str:
    """SHA-256 (hex) of the statement's canonical JSON: what the voucher names and the unit keeps it by."""
    return hashlib.sha256(canonical(statement)).hexdigest()


def signing_message(statement: dict[str, Any]) -> bytes:
    return DOMAIN + hashlib.sha256(canonical(statement)).digest()


def voucher_message(statement: dict[str, Any], tree_size: int) -> bytes:
    """What the unit's cosigner key signs: its word that, in the reviewer's installation's log as the unit held it
    at ``tree_size`` entries, the reviewer was an enabled supervisor whose current key is the statement's key."""
    lines = (VOUCHER_FORMAT, str(statement["installation"]), digest(statement),
             str(statement["reviewer_installation"]), str(statement["reviewer"]), str(statement["key"]),
             VOUCHED_ROLE, str(tree_size))
    return "".join(line + "\n" for line in lines).encode("utf-8")


def verifies(message: bytes, signature: Any, key: Any) -> bool:
    if not isinstance(signature, str) or not isinstance(key, str) or not _HEX128.match(signature) \
            or not _HEX64.match(key):
        return False
    try:
        crypto_sign_open(bytes.fromhex(signature) + message, bytes.fromhex(key))
    except (BadSignatureError, CryptoError, ValueError):
        return False
    return True


def shape_problem(statement: Any) -> str | None:
    """Why ``statement`` is not a statement of this format (None: it is): exactly ``FIELDS``, each of its form."""
    if not isinstance(statement, dict):
        return "not an object"
    if sorted(statement) != list(FIELDS) and tuple(sorted(statement)) != NAMED_FIELDS:
        return "its fields are not " + ", ".join(FIELDS) + " (and reviewer_name)"
    if statement["format"] != FORMAT:
        return f"format is not {FORMAT}"
    if "reviewer_name" in statement and (not isinstance(statement["reviewer_name"], str)
                                         or not statement["reviewer_name"].strip()):
        return "reviewer_name is not a name"
    for name in ("installation", "case", "reviewer_installation", "reviewer", "made_at", "text"):
        if not isinstance(statement[name], str):
            return f"{name} is not text"
    up_to = statement["up_to"]
    if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 1:
        return "up_to is not an entry number"
    if not isinstance(statement["up_to_hash"], str) or not _HEX64.match(statement["up_to_hash"]):
        return "up_to_hash is not 64 hex digits"
    if not isinstance(statement["key"], str) or not _HEX64.match(statement["key"]):
        return "key is not 64 hex digits"
    if statement["decision"] not in DECISIONS:
        return "decision is not " + " or ".join(DECISIONS)
    if statement["decision"] == "query" and not statement["text"].strip():
        return "a query without text"
    return None


def make(installation: str, case: str, up_to: int, up_to_hash: str, decision: str, text: str,
         reviewer_installation: str, reviewer: str, key: str, made_at: str,
         reviewer_name: str | None = None) -> dict[str, Any]:
    made = {"format": FORMAT, "installation": installation, "case": case, "up_to": up_to, "up_to_hash": up_to_hash,
            "decision": decision, "text": text, "reviewer_installation": reviewer_installation,
            "reviewer": reviewer, "key": key, "made_at": made_at}
    if reviewer_name:
        made["reviewer_name"] = reviewer_name
    return made


def problem(data: dict[str, Any], text: Any, case: Any, installation: Any, unit_keys: Container[str],
            entry_of: Callable[[int], tuple[str | None, Any] | None]) -> str | None:
    """Why the statement a ``case.reviewed_remotely`` entry carries reviews nothing (None: it holds).

    ``data``, ``text``, ``case``: the entry's; ``installation``: the log's own installation id (its
    ``installation.initialised`` entry); ``unit_keys``: the cosigner keys of the ``unit.checkpoint_cosigned``
    entries before it; ``entry_of(n)``: (hash, case) of entry ``n`` when it is before this one, else None.
    """
    s = data.get("statement")
    shape = shape_problem(s)
    if shape is not None:
        return REMOTE_MALFORMED.format(detail=shape)
    assert isinstance(s, dict)
    if data.get("decision") != s["decision"] or data.get("up_to") != s["up_to"] or (text or "") != s["text"]:
        return REMOTE_COPIES
    try:
        message = signing_message(s)
    except encoding.EncodingError as exc:
        return REMOTE_MALFORMED.format(detail=str(exc))
    if not verifies(message, data.get("signature"), s["key"]):
        return REMOTE_SIGNATURE
    if s["installation"] != installation:
        return REMOTE_INSTALLATION.format(theirs=s["installation"])
    if s["case"] != case:
        return REMOTE_CASE.format(theirs=s["case"], case=case)
    unit_key, voucher = data.get("unit_key"), data.get("voucher")
    shown = unit_key[:16] if isinstance(unit_key, str) else str(unit_key)
    if not isinstance(unit_key, str) or unit_key not in unit_keys:
        return REMOTE_UNIT.format(key=shown)
    size = voucher.get("tree_size") if isinstance(voucher, dict) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 1 or not verifies(
            voucher_message(s, size), voucher.get("signature") if isinstance(voucher, dict) else None, unit_key):
        return REMOTE_VOUCHER.format(key=shown)
    target = entry_of(s["up_to"])
    if target is None or target[1] != case:
        return REMOTE_UP_TO.format(n=s["up_to"], case=case)
    if target[0] != s["up_to_hash"]:
        return REMOTE_HASH.format(n=s["up_to"], hash=s["up_to_hash"][:16])
    return None


def asked_by(action: str, actor: str, data: dict[str, Any]) -> str:
    """Who asked a review's question: the supervisor who signed a remote review (by full name when the statement
    carries it, which the unit checked against their installation's log and vouched for), the entry's signer
    otherwise."""
    s = data.get("statement") if action == ACTION else None
    if isinstance(s, dict) and isinstance(s.get("reviewer"), str) and isinstance(s.get("reviewer_installation"), str):
        name = s.get("reviewer_name")
        if isinstance(name, str) and name.strip():
            return f"{name} ({s['reviewer']}, installation {s['reviewer_installation'][:8]})"
        return f"{s['reviewer']} (installation {s['reviewer_installation'][:8]})"
    return actor
