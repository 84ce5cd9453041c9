"""Review from any desk, the supervisor's half: read another installation's case from the unit and check it.

``fetch`` asks the unit for case REF of installation D (``GET /v1/installations/{S}/review/{D}/{REF}``,
docs/sync-protocol.md, "Review from any desk"), signed with the supervisor's custody key, and checks what it
gets before anything of it is shown:

- the export's chain by the rules of the bundle verifier (``casedesk.reports.bundle_log.read_log``): every
  line's hash (full entries recomputed, header-only ones from their body hash), every link, every signature
  with the key D's own log registers for its author at that point; the lines' SHA-256 in the last line;
- the last line signed by the unit's cosigner key (the unit, not an officer of D, made the export), the key
  this installation recorded at its own last sync (``unit.checkpoint_cosigned``), never the one the unit
  names in the answer;
- the cosigned checkpoint served with it: a valid cosignature by that key, of D's origin, whose tree size is
  the number of entries served and whose root is the Merkle root the desk computes over them;
- the case commitments: the header's salt is the one D's signed ``case.created`` entry of the case records,
  every full entry of the case carries its commitment, and no header-only line does (so the unit cannot hide
  an entry of the case as another case's).

What it does not check: the authority replay of D's log (the desk holds header-only lines of other cases; the
unit replayed the whole log when it took each push, row 10), the register (the unit holds none) and the
evidence (it holds only ciphertext).

The read is recorded in this installation's own log (``unit.review_fetched``: which installation, which case, up
to which entry, the SHA-256 of the export as served), so who looked at another installation's case is in a
custody log. ``send`` makes the supervisor's decision (approve or query) a signed review statement
(``casedesk.custody.statement``) about the case as just fetched and checked, hands it to the unit
(``POST /v1/installations/{S}/review/{D}/{REF}``), checks the unit's voucher, and records what was signed and
what the unit took (``unit.review_sent``). D's next sync brings the statement into D's log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from casedesk.custody import checkpoint, encoding, statement
from casedesk.custody.export import signing_message
from casedesk.custody.log import CASE_BEGINNINGS
from casedesk.custody.projection import ACCOUNT_STATE_ACTIONS, may_review_at, supervisors_over_time
from casedesk.custody.review import DECISIONS, REMOTE_ACTION, REVIEW_ACTION, REVIEWABLE
from casedesk.errors import IntegrityError, UnitError, UsageError
from casedesk.reports import bundle_log
from casedesk.security.roles import Permission
from casedesk.services import inputs, unit_tls
from casedesk.services.cases import normalise_reference
from casedesk.services.custody import EntryView, entry_view
from casedesk.services.session import Session
from casedesk.services.sync import MSG_CERTIFICATE, MSG_UNREACHABLE, UnitClient, _unit_key
from casedesk.store.models import CustodyEntry
from casedesk.timeutil import iso_utc, utc_now

MSG_NO_UNIT = ("this installation has not synced with a unit yet, so it knows no unit key to check an answer "
               "with: run `casedesk sync` first")
MSG_REFUSED = "the unit refused the review: {message}"
MSG_UNREADABLE = "the unit's answer is not a case export: {detail}"
MSG_BAD_EXPORT = ("the unit's export of case {case} of installation {id} does not verify ({n} problem(s)); the "
                  "first: {problem}: it was changed, or it is not your unit")
P_UNIT_SIGNATURE = "the export's last line is not signed by the unit {name}"
P_NOT_THE_CASE = "the export is of installation {got_id}, case {got_case}, not the one asked for"
P_CHECKPOINT = "the checkpoint served with it is not a valid cosignature by {name} of installation {id}"
P_TREE = ("the unit cosigned {size} entries with root {root}, but the export holds {n} entries making root "
          "{real}")
P_SALT = "the export's case salt is not the one the case's case.created entry records"
P_COMMIT_MISSING = "entry {seq}: an entry of the case without the case's commitment"
P_COMMIT_HIDDEN = "entry {seq}: a header-only line carries the commitment of case {case}: an entry of it is hidden"
MSG_NOT_AN_ENTRY = "entry {n} is not an entry of case {case} as the unit served it (its entries: {first} to {last})"
MSG_SENT_REFUSED = "the unit refused the review statement: {message}"
MSG_BAD_VOUCHER = ("the unit's answer does not carry a valid voucher by {name} for the statement: it is not your "
                   "unit, or its answer was changed; nothing was recorded")


@dataclass(frozen=True)
class RemoteCase:
    installation_id: str
    case_ref: str
    unit: str
    tree_size: int
    cosigned_at: int
    entries: list[EntryView]  # every full entry of the case, in log order
    reviewed_up_to: int
    unreviewed: list[EntryView]
    raw: str  # the export as served, for whoever keeps it
    recorded_as: int  # the unit.review_fetched entry in this installation's log
    hashes: dict[int, str]  # each full entry's recorded hash, as served (a statement names one)


@dataclass(frozen=True)
class SentReview:
    installation_id: str
    case_ref: str
    decision: str
    up_to: int
    statement_id: int
    recorded_as: int  # the unit.review_sent entry in this installation's log


def _row(line: dict[str, Any]) -> tuple[Any, ...]:
    """An export's full entry line as a raw row (``encoding.ROW_COLUMNS`` order, ``data`` as canonical text)."""
    values = [line.get(name) for name, _ in encoding.FIELDS]
    data = line.get("data")
    values[-1] = encoding.canonical_json(data) if isinstance(data, dict) else "{}"
    return (*values, line.get("hash"), line.get("signature"), line.get("version"), line.get("commit"))


def check(raw: str, note_text: Any, installation: str, case: str, unit_name: str, unit_key: bytes
          ) -> tuple[bundle_log.CustodyLog, int, list[str]]:
    """(the export's log, the cosignature time, every problem found): the checks of the module's doc."""
    try:
        log = bundle_log.read_log(raw.encode("ascii"))
        lines = [json.loads(t) for t in raw.splitlines()]
    except (bundle_log.UnreadableExport, UnicodeEncodeError, ValueError) as exc:
        raise UnitError(MSG_UNREADABLE.format(detail=str(exc))) from None
    header, trailer = lines[0], lines[-1]
    # The export is the unit's, not an officer's: its own signature is checked below with the unit's key.
    officer = (f"the custody export's last line is not signed with the key the log registers for {log.signed_by}: "
               "the file was changed after it was written")
    problems = [p for p in log.problems if p != officer]
    try:
        message = signing_message(trailer)
    except (encoding.EncodingError, TypeError, ValueError):
        message = b""
    if trailer.get("signed_by") != unit_name or not message or not bundle_log._signed(
            message, trailer.get("signature"), unit_key.hex()):
        problems.append(P_UNIT_SIGNATURE.format(name=unit_name))
    if header.get("installation_id") != installation or header.get("scope") != case:
        problems.append(P_NOT_THE_CASE.format(got_id=header.get("installation_id"), got_case=header.get("scope")))
    stamp = 0
    try:
        note = checkpoint.Note.parse(note_text)
        cp = checkpoint.Checkpoint.parse(note.text)
        sig = checkpoint.cosignature(note, unit_name, unit_key)
    except (checkpoint.NoteError, TypeError, AttributeError):
        cp, sig = None, None
    if cp is None or sig is None or cp.origin != checkpoint.origin(installation):
        problems.append(P_CHECKPOINT.format(name=unit_name, id=installation))
    else:
        stamp = sig.cosigned_at
        real = log.root(len(log.entries))
        if cp.size != len(log.entries) or cp.root.hex() != real:
            problems.append(P_TREE.format(size=cp.size, root=cp.root.hex(), n=len(log.entries), real=real))
    problems.extend(_commitment_problems(log, header, case))
    return log, stamp, problems


def _commitment_problems(log: bundle_log.CustodyLog, header: dict[str, Any], case: str) -> list[str]:
    # The case's beginning in that log: its case.created, or the case.received of a case handed to it.
    created = next((e for e in log.entries if e.full and e.line.get("action") in CASE_BEGINNINGS
                    and e.line.get("case") == case), None)
    data = created.line.get("data") if created is not None else None
    salt = data.get("case_salt") if isinstance(data, dict) else None
    if not isinstance(salt, str) or salt != header.get("case_salt"):
        return [P_SALT]
    try:
        salt_bytes = bytes.fromhex(salt)
    except ValueError:
        return [P_SALT]
    out = []
    for e in log.entries:
        if e.line.get("version") != encoding.VERSION:
            continue  # entries written before case commitments: counted by casedesk verify on D, not here
        mine = encoding.case_commit(salt_bytes, e.seq)
        if e.full and e.line.get("case") == case and e.line.get("commit") != mine:
            out.append(P_COMMIT_MISSING.format(seq=e.seq))
        elif not e.full and e.line.get("commit") == mine:
            out.append(P_COMMIT_HIDDEN.format(seq=e.seq, case=case))
    return out


def _view(line: dict[str, Any]) -> EntryView:
    row = _row(line)
    entry = CustodyEntry(**{column: row[i] for i, column in enumerate(encoding.ROW_COLUMNS)})
    return entry_view(entry)


def unreviewed(log: bundle_log.CustodyLog, case: str) -> tuple[list[EntryView], int, list[EntryView]]:
    """(the case's entries, reviewed up to, its unreviewed entries): ``casedesk/custody/review.py``'s rules over
    the export's full lines (approvals by whoever D's log makes a supervisor at the time)."""
    full = [e.line for e in log.entries if e.full and e.hash_ok]
    history = supervisors_over_time(_row(x) for x in full if x.get("action") in ACCOUNT_STATE_ACTIONS)
    mine = [x for x in full if x.get("case") == case]
    best = 0
    unit_keys: set[str] = set()

    def entry_of(n: int) -> tuple[str | None, Any] | None:
        found = log.entry(n)
        if found is None or not found.hash_ok:
            return None
        return found.line.get("hash"), found.line.get("case") if found.full else None

    for x in full:
        raw_data = x.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        action = x.get("action")
        if action == "unit.checkpoint_cosigned" and x.get("case") is None and isinstance(data.get("unit_key"), str):
            unit_keys.add(data["unit_key"])  # unit keys D trusts from here on (statement.problem, rule 6)
        if x.get("case") != case or data.get("decision") != DECISIONS[0]:
            continue
        up_to = data.get("up_to")
        if not isinstance(up_to, int) or isinstance(up_to, bool):
            continue
        if action == REVIEW_ACTION and may_review_at(history, str(x.get("actor")), int(x["seq"])):
            best = max(best, up_to)
        elif action == REMOTE_ACTION and statement.problem(
                data, x.get("text"), case, log_installation(log), unit_keys, _before(entry_of, int(x["seq"]))) is None:
            best = max(best, up_to)
    views = [_view(x) for x in mine]
    waiting = [v for v in views if v.seq > best and v.action in REVIEWABLE]
    return views, best, waiting


def _before(entry_of: Callable[[int], tuple[str | None, Any] | None], seq: int
            ) -> Callable[[int], tuple[str | None, Any] | None]:
    """``entry_of`` for the entries before ``seq`` only (a remote review names an earlier entry)."""
    return lambda n: entry_of(n) if n < seq else None


def log_installation(log: bundle_log.CustodyLog) -> str | None:
    """The installation id of the export's first entry (``installation.initialised``, a full line)."""
    first = log.entry(1)
    data = first.line.get("data") if first is not None and first.full else None
    found = data.get("installation_id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


def fetch(session: Session, url: str, ca_file: Path | None, installation: str, case: str) -> RemoteCase:
    """Case ``case`` of installation ``installation`` from the unit, checked (module doc), for review here; the
    read is recorded in this installation's log (``unit.review_fetched``)."""
    session.require(Permission.CUSTODY_REVIEW)
    if not installation or "/" in installation:
        raise UsageError("name the installation that holds the case by its id (`casedesk unit status` lists them)")
    case = normalise_reference(case)
    known = _unit_key(session)
    if known is None:
        raise UnitError(MSG_NO_UNIT)
    name, key_hex = known
    unit = UnitClient(url, ca_file, session.installation_id, session.user.username, session.signer,
                      unit_tls.identity_of(session))
    unit.refused = MSG_REFUSED
    path = (f"/v1/installations/{session.installation_id}/review/{quote(installation, safe='')}/"
            f"{quote(case, safe='/')}")  # a reference may hold '/' (the route takes the rest of the path)
    try:
        doc = unit.request("GET", path)
    except unit.httpx.TransportError as exc:
        refused = unit_tls.handshake_refusal(url, exc, unit.presented, unit.answered)
        if refused is not None:
            raise refused from None
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            raise UnitError(MSG_CERTIFICATE.format(url=url), cli_hint="pass it with --ca FILE") from None
        raise UnitError(MSG_UNREACHABLE.format(url=url, detail=str(exc) or exc.__class__.__name__)) from None
    finally:
        unit.close()
    raw = doc.get("export")
    if not isinstance(raw, str):
        raise UnitError(MSG_UNREADABLE.format(detail="no export in the answer"))
    log, stamp, problems = check(raw, doc.get("checkpoint"), installation, case, name, bytes.fromhex(key_hex))
    if problems:
        raise IntegrityError(MSG_BAD_EXPORT.format(case=case, id=installation, n=len(problems), problem=problems[0]))
    views, best, waiting = unreviewed(log, case)
    with session.write() as db:
        entry = session.record(db, statement.FETCHED, data={
            "installation": installation, "case": case, "unit": name, "tree_size": len(log.entries),
            "export_sha256": hashlib.sha256(raw.encode("ascii")).hexdigest()})
        recorded = entry.seq
    hashes = {e.seq: str(e.line.get("hash")) for e in log.entries if e.full and e.hash_ok}
    return RemoteCase(installation, case, name, len(log.entries), stamp, views, best, waiting, raw, recorded,
                      hashes)


def send(session: Session, url: str, ca_file: Path | None, installation: str, case: str, decision: str,
         comment: str, up_to: int | None = None) -> SentReview:
    """The supervisor's decision (``approve`` or ``query``) on case ``case`` of installation ``installation``,
    signed here and handed to the unit, about the case as ``fetch`` reads and checks it now (module doc).

    ``up_to``: the last entry reviewed, an entry of the case (default: the case's last entry served).
    """
    session.require(Permission.CUSTODY_REVIEW)
    decision = decision.strip().lower()
    if decision not in statement.DECISIONS:
        raise UsageError(f"a review from another desk approves or queries, not {decision!r}",
                         cli_hint="approve or query")
    text = inputs.text(comment, "the review comment", inputs.TEXT, field="comment", cli_hint="--comment")
    if decision == "query" and not text:
        raise UsageError("a query needs a comment", field="comment", cli_hint="--comment TEXT")
    found = fetch(session, url, ca_file, installation, case)
    case = found.case_ref
    mine = [e.seq for e in found.entries]
    if up_to is None:
        up_to = mine[-1]
    if up_to not in found.hashes or up_to not in mine:
        raise UsageError(MSG_NOT_AN_ENTRY.format(n=up_to, case=case, first=mine[0], last=mine[-1]),
                         cli_hint="--up-to")
    user = session.user.username
    signed = statement.make(installation, case, up_to, found.hashes[up_to], decision, text,
                            session.installation_id, user, session.signer.public_hex, iso_utc(utc_now()),
                            reviewer_name=session.user.full_name)
    signature = session.signer.sign(statement.signing_message(signed)).hex()
    known = _unit_key(session)
    assert known is not None  # fetch needed it
    name, key_hex = known
    unit = UnitClient(url, ca_file, session.installation_id, user, session.signer)
    unit.refused = MSG_SENT_REFUSED
    path = (f"/v1/installations/{session.installation_id}/review/{quote(installation, safe='')}/"
            f"{quote(case, safe='/')}")
    try:
        answer = unit.request("POST", path, json.dumps({"statement": signed, "signature": signature},
                                                       ensure_ascii=False).encode("utf-8"))
    except unit.httpx.TransportError as exc:
        raise UnitError(MSG_UNREACHABLE.format(url=url, detail=str(exc) or exc.__class__.__name__)) from None
    finally:
        unit.close()
    vouched, sid = answer.get("voucher"), answer.get("statement_id")
    size = vouched.get("tree_size") if isinstance(vouched, dict) else None
    if (not isinstance(sid, int) or isinstance(sid, bool) or not isinstance(size, int) or isinstance(size, bool)
            or answer.get("unit") != name or answer.get("unit_key") != key_hex or not isinstance(vouched, dict)
            or not statement.verifies(statement.voucher_message(signed, size), vouched.get("signature"), key_hex)):
        raise UnitError(MSG_BAD_VOUCHER.format(name=name))
    with session.write() as db:
        entry = session.record(db, statement.SENT, text=text or None, data={
            "statement": signed, "signature": signature, "statement_id": sid, "voucher": vouched, "unit": name})
        recorded = entry.seq
    return SentReview(installation, case, decision, up_to, sid, recorded)
