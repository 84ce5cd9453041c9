"""Review from any desk, the unit's half: a case of one installation served to a supervisor of another.

``GET /v1/installations/{S}/review/{D}/{case}`` (docs/sync-protocol.md, "Review from any desk"): signed by a
user of installation S. The unit serves it only when S's log, as the unit holds it, makes that user an enabled
supervisor with the key that signed. The answer is the case as ``casedesk custody export`` writes it (format
``casedesk-custody-export/2``): every entry of D's log the unit holds, those of the case and those of no case in
full, every other as its header and body hash; no exhibit lines (the unit holds no register); the last line
signed by the unit's cosigner key in place of an officer's. With it comes the cosigned checkpoint of exactly
those entries, so the supervisor's desk checks the served log against the root the unit cosigned.

``POST /v1/installations/{S}/review/{D}/{case}`` takes the supervisor's signed review statement back (the same
supervisor check; the statement must be the caller's, about that case, naming an entry of it the unit holds) and
keeps it with the unit's voucher; D's sync fetches it (``GET /v1/installations/{D}/statements/{after}``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from casedesk import tool_id
from casedesk.custody import chain, encoding, export, keybook, merkle, projection, statement
from casedesk.custody.signing import Signer
from casedesk.timeutil import iso_utc, utc_now

SUPERVISOR = "supervisor"
CASE_BEGINNINGS = ("case.created", "case.received")  # custody/log.py: a case begins by either
MSG_NOT_SUPERVISOR = ("{user} of installation {id} is not an enabled supervisor with that key in the log the unit "
                      "holds for that installation: only a supervisor may read another installation's case")
MSG_NO_CASE = "the unit holds no case {case} of installation {id}"
MSG_NOT_SYNCED = ("the unit holds nothing of installation {id}: sync it (`casedesk sync`) before reading another "
                  "installation's case")


class ReviewRefusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def check_supervisor(held: Sequence[Sequence[Any]], installation: str, user: str, key: str) -> None:
    """The requester is an enabled supervisor of ``installation`` whose current key there signed the request."""
    if not held:
        raise ReviewRefusal(403, MSG_NOT_SYNCED.format(id=installation))
    fact = projection.replay(held).users.get(user)
    current = keybook.build_registry(held)[0].key_for(user, len(held) + 1)
    if fact is None or fact.disabled or fact.role != SUPERVISOR or current != key:
        raise ReviewRefusal(403, MSG_NOT_SUPERVISOR.format(user=user, id=installation))


MSG_REVIEWER_NAME = ("the statement names its reviewer {user} {got!r}, but the log the unit holds for installation "
                     "{id} names them {want!r}: sync installation {id} first, then send the review again")


def check_reviewer_name(found: dict[str, Any], held: Sequence[Sequence[Any]], installation: str, user: str) -> None:
    """A statement that names its reviewer names them as their installation's log (as the unit holds it) does: the
    unit's voucher, over the statement's SHA-256, then vouches for that name too."""
    if "reviewer_name" not in found:
        return  # a statement from before names were carried: shown by user name
    fact = projection.replay(held).users.get(user)
    want = fact.full_name if fact is not None else ""
    if found["reviewer_name"] != want:
        raise ReviewRefusal(422, MSG_REVIEWER_NAME.format(user=user, got=found["reviewer_name"], want=want,
                                                          id=installation))


def case_salt(held: Sequence[Sequence[Any]], case: str) -> str | None:
    """The salt of the case's first ``case.created`` or ``case.received`` entry (None: the log opens no such
    case)."""
    for row in held:
        if row[7] in CASE_BEGINNINGS and row[8] == case:
            try:
                salt = encoding.parse_data(str(row[17])).get("case_salt")
            except encoding.EncodingError:
                return None
            return salt if isinstance(salt, str) else None
    return None


def case_export(held: Sequence[Sequence[Any]], installation: str, case: str, unit_name: str, signer: Signer) -> str:
    """The served export of ``case`` from the entries held (all of them: the last cosigned checkpoint's size)."""
    if not any(row[8] == case for row in held):
        raise ReviewRefusal(404, MSG_NO_CASE.format(case=case, id=installation))
    registry, _ = keybook.build_registry(held)
    lines: list[str] = []

    def put(obj: dict[str, Any]) -> None:
        lines.append(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n")

    put({"type": "header", "format": export.FORMAT, "encoding": export.ENCODING, "installation_id": installation,
         "exported_at": iso_utc(utc_now()), "exported_by": unit_name, "tool": tool_id(), "scope": case,
         "case_salt": case_salt(held, case), "sensitive": "included",
         "time_tolerance_seconds": chain.TIME_TOLERANCE_SECONDS,
         "keys": [{"user": u, "public_key": k, "registered_at": s} for u, k, s in registry.listing()]})
    leaves: list[bytes] = []
    redacted = 0
    for row in held:
        full = row[8] is None or row[8] == case
        rec, leaf = export.entry_record(row, full)
        put(rec)
        leaves.append(leaf)
        redacted += 0 if full else 1
    last = held[-1]
    trailer: dict[str, Any] = {
        "type": "trailer", "entries": len(held), "redacted": redacted, "withheld": 0, "exhibits": 0,
        "head": {"seq": last[0], "hash": last[18]}, "tree": {"size": len(held), "root": merkle.root(leaves).hex()},
        "outside_heads": [], "outside_head_problems": [],
        "lines_sha256": hashlib.sha256("".join(lines).encode("ascii")).hexdigest(), "signed_by": unit_name,
    }
    trailer["signature"] = signer.sign(export.signing_message(trailer)).hex()
    put(trailer)
    return "".join(lines)


# --- review statements: the supervisor's decision, on its way to the case's installation -----------------------
MSG_NOT_A_STATEMENT = "the request is not a review statement: {detail}"
MSG_STATEMENT_MISMATCH = "the statement's {field} is {got}, not {want} as the request says"
MSG_STATEMENT_SIGNATURE = "the statement's signature does not verify with {user}'s key"
MSG_STATEMENT_ENTRY = ("the statement reviews up to entry {n} with hash {hash}..., which is not an entry of case "
                       "{case} that the unit holds for installation {id}")
STATEMENTS_PER_ANSWER = 1_000


def parse_statement(body: bytes) -> tuple[dict[str, Any], str]:
    """(statement, signature) of a request body ``{"statement": {...}, "signature": HEX}``."""
    try:
        doc = json.loads(body)
    except ValueError:
        raise ReviewRefusal(400, MSG_NOT_A_STATEMENT.format(detail="not JSON")) from None
    if not isinstance(doc, dict) or sorted(doc) != ["signature", "statement"]:
        raise ReviewRefusal(400, MSG_NOT_A_STATEMENT.format(detail="not exactly statement and signature"))
    found, signature = doc["statement"], doc["signature"]
    shape = statement.shape_problem(found)
    if shape is not None:
        raise ReviewRefusal(400, MSG_NOT_A_STATEMENT.format(detail=shape))
    if not isinstance(signature, str):
        raise ReviewRefusal(400, MSG_NOT_A_STATEMENT.format(detail="the signature is not text"))
    try:
        statement.canonical(found)
    except encoding.EncodingError as exc:
        raise ReviewRefusal(400, MSG_NOT_A_STATEMENT.format(detail=str(exc))) from None
    return found, signature


def check_statement(found: dict[str, Any], signature: str, held: Sequence[Sequence[Any]], installation: str,
                    case: str, reviewer_installation: str, user: str, key: str) -> None:
    """The statement is the caller's about this case of ``installation``, signed, and names an entry of the case
    the unit holds with the hash it names (``held``: the installation's entries as the unit holds them)."""
    for field, want in (("installation", installation), ("case", case),
                        ("reviewer_installation", reviewer_installation), ("reviewer", user), ("key", key)):
        if found[field] != want:
            raise ReviewRefusal(422, MSG_STATEMENT_MISMATCH.format(field=field, got=found[field], want=want))
    if not statement.verifies(statement.signing_message(found), signature, key):
        raise ReviewRefusal(422, MSG_STATEMENT_SIGNATURE.format(user=user))
    n = found["up_to"]
    row = held[n - 1] if n <= len(held) else None
    if row is None or row[0] != n or row[8] != case or row[18] != found["up_to_hash"]:
        raise ReviewRefusal(422, MSG_STATEMENT_ENTRY.format(n=n, hash=found["up_to_hash"][:16], case=case,
                                                            id=installation))


def voucher(found: dict[str, Any], tree_size: int, signer: Signer) -> dict[str, Any]:
    """The unit's word that the reviewer was an enabled supervisor with the statement's key in their
    installation's log of ``tree_size`` entries (``statement.voucher_message``)."""
    return {"signature": signer.sign(statement.voucher_message(found, tree_size)).hex(), "tree_size": tree_size}


MSG_UNKNOWN_STATEMENT = ("entry {seq}: a remote review carrying statement {sid}, which this unit never took for "
                         "installation {id}: it was written by hand, or carries another unit's statement")


def unknown_statement(held_statements: Any, installation: str, rows: Sequence[Sequence[Any]]) -> str | None:
    """Why a pushed ``case.reviewed_remotely`` entry carries a statement the unit never took (None: every one it
    took, by its number and SHA-256). D's own replay trusts a unit key its log records; the unit knows its
    statements, so a hand-written entry under a made-up unit key stops here. ``held_statements(ids)``: the
    (id, statement SHA-256) pairs the unit keeps for the installation among ``ids``."""
    wanted: list[tuple[int, int, str]] = []
    for row in rows:
        if row[7] != statement.ACTION:
            continue
        try:
            data = encoding.parse_data(str(row[17]))
            digest = statement.digest(data["statement"])
        except (encoding.EncodingError, KeyError, TypeError, AttributeError):
            digest = ""
        sid = data.get("statement_id") if digest else None
        wanted.append((int(row[0]), sid if isinstance(sid, int) and not isinstance(sid, bool) else -1, digest))
    if not wanted:
        return None
    kept = set(held_statements([sid for _, sid, _ in wanted]))
    for seq, sid, digest in wanted:
        if (sid, digest) not in kept:
            return MSG_UNKNOWN_STATEMENT.format(seq=seq, sid=sid, id=installation)
    return None
