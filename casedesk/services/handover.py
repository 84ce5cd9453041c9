"""Handing a case to an officer of another installation, through the unit (docs/sync-protocol.md, "Handing a
case over").

``give`` (on the installation D that holds the case, by its officer in charge or a supervisor): the unit vouches
for the receiving officer of installation E (their box key as E's log registers it, signed by the unit's
cosigner key, checked here with the key this installation recorded at its own last sync); every epoch of the
case key is sealed to that box key and D records ``case.handed_over``; the case is then marked handed over, and
nothing more is recorded in it here. The unit never holds a case key: D seals it to the receiver.

``receive`` (on E, by the officer it was handed to): the unit serves the case's entries as an export it signs
(checked as ``unit-review fetch`` checks one) and the case's vault objects (ciphertext, checked for size and
address); the case keys open with the receiver's box key; E records ``case.received`` (the case's identity, D's
hand-over entry and the cosigned checkpoint it was served under) and an ``exhibit.received`` per exhibit, and keeps
the served export in ``received/`` beside the store. A case of E with the same reference is never taken for it.

A received case is given on (to a third installation) or back (to the one it came from) the same way; it keeps
its one identity, and each ``case.received`` names the hand-overs before it (``data.history``). Coming back, the
case D holds as ``handed_over`` is held again through a new ``case.received`` (docs/sync-protocol.md, "Handing a
case on, or back").
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError, CryptoError
from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from casedesk import tool_id
from casedesk.custody import encoding, handover, projection
from casedesk.custody.handover import CaseIdentity
from casedesk.custody.log import CASE_BEGINNINGS
from casedesk.errors import IntegrityError, UnitError, UsageError
from casedesk.evidence.objectformat import object_name
from casedesk.evidence.readback import ObjectProblem, read_object
from casedesk.evidence.references import REFERENCE_RE
from casedesk.evidence.vault import Vault
from casedesk.progress import Progress, no_progress
from casedesk.security.casekeys import (
    CaseContentKeys,
    CaseKeyError,
    box_public,
    open_case_key,
    seal_case_key,
    vault_naming_key,
)
from casedesk.security.roles import Permission
from casedesk.services import remote_review, sync, unit_tls
from casedesk.services.casekeys import CaseKeys, current_epoch
from casedesk.services.cases import normalise_reference
from casedesk.services.session import Session
from casedesk.store.models import Case, CaseKeyEpoch, CaseKeyGrant, CaseMember, CustodyEntry, Exhibit, User, VaultObject
from casedesk.timeutil import utc_now

log = logging.getLogger("casedesk.handover")

MSG_REFUSED = "the unit refused the hand-over: {message}"
MSG_BAD_OFFICER = ("the unit's word on {user} of installation {id} is not signed by the unit {name} this installation "
                   "syncs with: it was changed, or it is not your unit")
MSG_NOT_OPEN = "case {case} is {status}: only an open case is handed over"
MSG_SAME_REFERENCE = ("this installation already holds a case {case} ({mine}), which is not the case installation {id} "
                      "handed over (created at its {theirs}): two cases that share a reference are never taken for "
                      "one; ask installation {id} to hand it over under another reference, or close and archive "
                      "this one elsewhere")
MSG_NOT_FOR_YOU = ("the case installation {id} handed over is not for {user} of this installation with this box key: "
                   "it was handed to {to_user} of installation {to_id}")
MSG_KEY = "the key of case {case} (epoch {epoch}) sealed by installation {id} does not open with your box key"
RECEIVED_DIR = "received"
MSG_OTHER_EXHIBIT = ("exhibit {ref} of case {case} holds content {mine} here, but {theirs} in the case installation "
                     "{id} handed back: it was changed, or it is not your unit; nothing of the case was recorded")
MSG_CONTENT = ("the unit sent object {name} of exhibit content {sha256}, which {detail}: it was changed, or it is not "
               "your unit; nothing of the case was recorded")


@dataclass(frozen=True)
class HandOver:
    case_ref: str
    to_installation: str
    to_user: str
    seq: int
    identity: CaseIdentity
    epochs: int


@dataclass(frozen=True)
class Received:
    case_ref: str
    from_installation: str
    identity: CaseIdentity
    seq: int  # this installation's case.received entry
    exhibits: int
    objects: int
    object_bytes: int
    export_path: Path


def _client(session: Session, url: str, ca_file: Path | None) -> tuple[sync.UnitClient, str, bytes]:
    known = sync._unit_key(session)
    if known is None:
        raise UnitError(remote_review.MSG_NO_UNIT)
    unit = sync.UnitClient(url, ca_file, session.installation_id, session.user.username, session.signer,
                           unit_tls.identity_of(session))  # mutual TLS (docs/sync-protocol.md)
    unit.refused = MSG_REFUSED
    return unit, known[0], bytes.fromhex(known[1])


def _transport(unit: sync.UnitClient, url: str, exc: Exception) -> UnitError:
    refused = unit_tls.handshake_refusal(url, exc, unit.presented, unit.answered)
    if refused is not None:
        return refused
    if "CERTIFICATE_VERIFY_FAILED" in str(exc):
        return UnitError(sync.MSG_CERTIFICATE.format(url=url), cli_hint="pass it with --ca FILE")
    return UnitError(sync.MSG_UNREACHABLE.format(url=url, detail=str(exc) or exc.__class__.__name__))


def identity_of(db: OrmSession, case_ref: str) -> CaseIdentity | None:
    """The case's identity across installations, from the entry that began it in this log."""
    row = db.execute(select(CustodyEntry.seq, CustodyEntry.action, CustodyEntry.data)
                     .where(CustodyEntry.action.in_(CASE_BEGINNINGS), CustodyEntry.case_ref == case_ref)
                     .order_by(CustodyEntry.seq).limit(1)).first()
    if row is None:
        return None
    data = encoding.parse_data(str(row[2]))
    if row[1] == handover.RECEIVED:
        return CaseIdentity.from_data(data.get("identity"))
    salt = data.get("case_salt")
    inst = db.execute(select(CustodyEntry.data).where(CustodyEntry.seq == 1)).scalar()
    installation = encoding.parse_data(str(inst)).get("installation_id") if inst is not None else None
    if not isinstance(salt, str) or not isinstance(installation, str):
        return None
    return CaseIdentity(installation, int(row[0]), salt)


# --- giving ---------------------------------------------------------------------------------------------------
def give(session: Session, url: str, ca_file: Path | None, case_ref: str, to_installation: str, to_user: str,
         reason: str) -> HandOver:
    """Hand case ``case_ref`` to ``to_user`` of installation ``to_installation`` (module doc); sync afterwards."""
    session.require(Permission.CASE_EDIT)
    case_ref = normalise_reference(case_ref)
    if not to_installation or "/" in to_installation or to_installation == session.installation_id:
        raise UsageError("name the receiving installation by its id (`casedesk unit status` lists them); it is "
                         "another installation than this one")
    reason = reason.strip()
    if not reason:
        raise UsageError("say why the case is handed over (--reason), e.g. 'transferred to the fraud team'")
    with session.read() as db:
        case = session.case(db, case_ref, Permission.CASE_CONTENT)
        if case.status != "open":
            raise UsageError(MSG_NOT_OPEN.format(case=case_ref, status=case.status.replace("_", " ")))
    unit, name, unit_key = _client(session, url, ca_file)
    try:
        doc = unit.request("GET", f"/v1/installations/{session.installation_id}/officers/"
                                  f"{quote(to_installation, safe='')}/{quote(to_user, safe='')}")
    except unit.httpx.TransportError as exc:
        raise _transport(unit, url, exc) from None
    finally:
        unit.close()
    statement, signature = doc.get("statement"), doc.get("signature")
    if not _officer_ok(statement, signature, unit_key, to_installation, to_user):
        raise IntegrityError(MSG_BAD_OFFICER.format(user=to_user, id=to_installation, name=name))
    assert isinstance(statement, dict)
    box = bytes.fromhex(str(statement["box_key"]))
    with session.write() as db:
        case = session.case(db, case_ref, Permission.CASE_CONTENT)
        if case.status != "open":
            raise UsageError(MSG_NOT_OPEN.format(case=case_ref, status=case.status.replace("_", " ")))
        ident = identity_of(db, case_ref)  # a case created here, or received (and handed on or back: same one)
        if ident is None:
            raise UsageError(f"case {case_ref} has no identity across installations (it was created before "
                             "encoding version 2, without a case commitment salt): it cannot be handed over")
        keys = CaseKeys(session)
        epochs = current_epoch(db, case)
        sealed = [{"epoch": ep, "box_key": box.hex(), "sealed": base64.b64encode(
            seal_case_key(keys.key(db, case, ep), box, case_ref, ep)).decode("ascii")} for ep in range(1, epochs + 1)]
        entry = session.record(
            db, handover.HANDED_OVER, case_ref=case_ref, to_party=to_user, reason=reason,
            data={"to_installation": to_installation, "to_user": to_user, "to_key": statement["key"],
                  "to_box_key": box.hex(), "identity": ident.as_data(), "keys": sealed, "unit": name,
                  "unit_key": unit_key.hex(), "officer": statement, "officer_signature": signature})
        case.status = "handed_over"
        seq = entry.seq
    log.info("case %s handed over to %s of installation %s (entry %d)", case_ref, to_user, to_installation, seq)
    return HandOver(case_ref, to_installation, to_user, seq, ident, epochs)


def _officer_ok(statement: Any, signature: Any, unit_key: bytes, installation: str, user: str) -> bool:
    if not isinstance(statement, dict) or not isinstance(signature, str):
        return False
    try:
        crypto_sign_open(bytes.fromhex(signature) + handover.officer_message(statement), unit_key)
    except (BadSignatureError, CryptoError, ValueError, encoding.EncodingError):
        return False
    return (statement.get("format") == handover.OFFICER_FORMAT and statement.get("installation") == installation
            and statement.get("user") == user and isinstance(statement.get("box_key"), str)
            and isinstance(statement.get("key"), str) and len(str(statement["box_key"])) == 64)


# --- receiving ------------------------------------------------------------------------------------------------
def receive(session: Session, url: str, ca_file: Path | None, from_installation: str, case_ref: str,
            progress: Progress = no_progress) -> Received:
    """Take in case ``case_ref`` that installation ``from_installation`` handed to this user (module doc)."""
    session.require(Permission.CASE_CREATE)
    case_ref = normalise_reference(case_ref)
    if not from_installation or "/" in from_installation:
        raise UsageError("name the installation that handed the case over by its id (`casedesk unit status` lists "
                         "them)")
    if session.box_key is None:
        raise UsageError(f"{session.user.username} has no box key yet: sign in once after the upgrade to case keys")
    with session.read() as db:
        _refuse_existing(db, case_ref, from_installation, None)
        held = _held_objects(db, case_ref)  # a case coming back: the objects this vault holds of it already
    unit, name, unit_key = _client(session, url, ca_file)
    base = (f"/v1/installations/{session.installation_id}/handover/{quote(from_installation, safe='')}")
    vault = session.datadir.vault
    fetched: list[tuple[str, dict[str, Any], int]] = []
    try:
        doc = unit.request("GET", f"{base}/{quote(case_ref, safe='/')}")
        raw = doc.get("export")
        if not isinstance(raw, str):
            raise UnitError(remote_review.MSG_UNREADABLE.format(detail="no export in the answer"))
        custody, _stamp, problems = remote_review.check(raw, doc.get("checkpoint"), from_installation, case_ref,
                                                        name, unit_key)
        if problems:
            raise IntegrityError(remote_review.MSG_BAD_EXPORT.format(case=case_ref, id=from_installation,
                                                                     n=len(problems), problem=problems[0]))
        taken = _take(session, custody, from_installation, case_ref)
        listing = {str(o.get("name")): json.loads(str(o.get("declaration"))) for o in doc.get("objects") or []
                   if isinstance(o, dict)}
        wanted = {f.sha256: None for f in taken.exhibits}
        naming = vault_naming_key(taken.keys[1])
        total = sum(f.size for f in taken.exhibits)
        done = 0
        (vault / "tmp").mkdir(parents=True, exist_ok=True, mode=0o700)
        for sha in wanted:
            obj = object_name(naming, bytes.fromhex(sha))
            if held.get(obj) == sha:
                continue  # the case came back: this vault holds the object already, with its register row
            decl = listing.get(obj)
            if decl is None or decl.get("sha256") != sha or decl.get("case") != case_ref:
                raise UnitError(MSG_REFUSED.format(message=f"the unit holds no object of content {sha} of case "
                                                           f"{case_ref}: installation {from_installation} syncs it "
                                                           "first"))
            if (vault / obj[:2] / obj[2:]).exists():
                raise IntegrityError(f"vault object {obj} already exists on this installation: nothing is written "
                                     "over it; run `casedesk verify`")
            from casedesk.services.restore import _fetch

            size = _fetch(unit, f"{base}/objects/{obj}", vault, obj, decl)
            _check_content(vault, obj, decl, taken.keys, naming)
            fetched.append((obj, decl, size))
            done += int(decl.get("size", 0))
            progress(done, total, "reading the case's evidence (encrypted) from the unit")
    except BaseException as exc:
        for obj, _, _ in fetched:  # fetched by this call and not yet in the register: no file left without a row
            (vault / obj[:2] / obj[2:]).unlink(missing_ok=True)
        if isinstance(exc, unit.httpx.TransportError):
            raise _transport(unit, url, exc) from None
        raise
    finally:
        unit.close()
    return _record(session, raw, doc, taken, from_installation, case_ref, name, fetched)


def _check_content(vault: Path, name: str, decl: dict[str, Any], keys: dict[int, bytes], naming: bytes) -> None:
    """The object opens with the case key the hand-over sealed and holds the exhibit's content, before anything of
    the case is recorded (the unit checks size and address, never content: it holds no key). A failing object,
    fetched just now, is removed again."""
    epoch, sha = decl.get("epoch"), str(decl.get("sha256"))
    detail = None
    if not isinstance(epoch, int) or epoch not in keys:
        detail = f"is under a key epoch ({epoch}) the hand-over did not give"
    else:
        view = Vault(vault, CaseContentKeys.derive(keys[epoch]).vault_encryption, naming)
        try:
            result = read_object(view, name, int(decl["size"]), ["sha256"])
            if result.size != int(decl["size"]) or result.digests.get("sha256") != sha:
                detail = "decrypts to other content"
        except ObjectProblem:
            detail = "does not open with the case key"
    if detail is not None:
        (vault / name[:2] / name[2:]).unlink(missing_ok=True)
        raise IntegrityError(MSG_CONTENT.format(name=name, sha256=sha, detail=detail))


@dataclass
class _Taken:
    identity: CaseIdentity
    handover_seq: int
    handover_hash: str
    data: dict[str, Any]
    case: projection.CaseFact
    exhibits: list[projection.ExhibitFact]
    ingests: dict[str, tuple[int, str, dict[str, Any]]]  # exhibit -> (seq, hash, data) of its ingest in D's log
    keys: dict[int, bytes]
    sealed: dict[int, str]
    history: list[Any]  # the hand-overs before the giver's, oldest first (case.received's data.history)


def _take(session: Session, custody: Any, from_installation: str, case_ref: str) -> _Taken:
    """What the checked export says the hand-over gives this user: the case at D's hand-over entry, its keys."""
    full = [e for e in custody.entries if e.full and e.hash_ok]
    lines = [e.line for e in full]
    # The case's beginning in the giver's log: its case.created, or the case.received of a case it was handed
    # itself (then the identity, and the hand-overs before, are those that entry names).
    created = next((x for x in lines if x.get("action") in CASE_BEGINNINGS and x.get("case") == case_ref), None)
    mine = [x for x in lines if x.get("action") == handover.HANDED_OVER and x.get("case") == case_ref
            and isinstance(x.get("data"), dict) and x["data"].get("to_installation") == session.installation_id
            and x["data"].get("to_user") == session.user.username]
    if created is None or not mine:
        raise IntegrityError(f"the export of case {case_ref} the unit served holds no hand-over of it to "
                             f"{session.user.username} of this installation: it is not your unit, or it was changed")
    last = mine[-1]
    data: dict[str, Any] = last["data"]
    began: dict[str, Any] = created["data"] if isinstance(created.get("data"), dict) else {}
    history: list[Any] = []
    if created.get("action") == handover.RECEIVED:
        found = CaseIdentity.from_data(began.get("identity"))
        ident = found if found is not None else CaseIdentity("?", 0, "?")
        before = began.get("history")
        history = [*(before if isinstance(before, list) else []), {
            "installation": began.get("from_installation"), "handed_over": began.get("handed_over"),
            "checkpoint": began.get("checkpoint"), "tree_size": began.get("tree_size"),
            "export_sha256": began.get("export_sha256"), "received": {"installation": from_installation,
                                                                     "seq": created["seq"],
                                                                     "hash": created["hash"]}}]
    else:
        ident = CaseIdentity(from_installation, int(created["seq"]), str(began.get("case_salt")))
    if CaseIdentity.from_data(data.get("identity")) != ident:
        raise IntegrityError(f"the hand-over of case {case_ref} names another case than the one installation "
                             f"{from_installation} began under that reference (entry {created['seq']})")
    assert session.box_key is not None
    mine_box = box_public(session.box_key).hex()
    if data.get("to_box_key") != mine_box:
        raise UsageError(MSG_NOT_FOR_YOU.format(id=from_installation, user=session.user.username,
                                                to_user=data.get("to_user"), to_id=data.get("to_installation")))
    upto = int(last["seq"])
    rows = [remote_review._row(x) for x in lines if int(x["seq"]) <= upto]
    state = projection.replay(rows)
    problems = [p for p in state.problems if p.case == case_ref]
    if problems:
        raise IntegrityError(f"case {case_ref} of installation {from_installation} holds an entry made without "
                             f"authority: entry {problems[0].seq}: {problems[0].message}")
    fact = state.cases.get(case_ref)
    if fact is None or fact.status != "handed_over":
        raise IntegrityError(f"case {case_ref} is not handed over in the log of installation {from_installation}")
    keys: dict[int, bytes] = {}
    sealed: dict[int, str] = {}
    for item in data.get("keys") or []:
        epoch = int(item["epoch"])
        try:
            keys[epoch] = open_case_key(base64.b64decode(str(item["sealed"])), session.box_key, case_ref, epoch)
        except (CaseKeyError, ValueError):
            raise IntegrityError(MSG_KEY.format(case=case_ref, epoch=epoch, id=from_installation)) from None
        sealed[epoch] = str(item["sealed"])
    if 1 not in keys:
        raise IntegrityError(MSG_KEY.format(case=case_ref, epoch=1, id=from_installation))
    exhibits = sorted((f for (c, _), f in state.exhibits.items() if c == case_ref),
                      key=lambda f: state.ingest_seq[(f.case, f.reference)])
    ingests = {}
    by_seq = {int(x["seq"]): x for x in lines}
    for f in exhibits:
        x = by_seq[state.ingest_seq[(f.case, f.reference)]]
        ingests[f.reference] = (int(x["seq"]), str(x["hash"]), x.get("data") if isinstance(x.get("data"), dict) else {})
    return _Taken(ident, upto, str(last["hash"]), data, fact, exhibits, ingests, keys, sealed, history)


def _refuse_existing(db: OrmSession, case_ref: str, from_installation: str, ident: CaseIdentity | None) -> None:
    """A case this installation holds under the reference is never taken for the one handed over, unless it is
    that very case coming back: handed over from here (status ``handed_over``) and of the same identity (checked
    once the export names it, ``ident``)."""
    status = db.scalar(select(Case.status).where(Case.reference == case_ref))
    if status is None:
        return
    mine = identity_of(db, case_ref)
    if status == "handed_over" and (ident is None or ident == mine):
        return
    here = "created here" if mine is None or mine.installation != from_installation else f"from {mine.text()}"
    theirs = "entry ?" if ident is None else f"entry {ident.seq}"
    raise UsageError(MSG_SAME_REFERENCE.format(case=case_ref, mine=here, id=from_installation, theirs=theirs))


def _held_objects(db: OrmSession, case_ref: str) -> dict[str, str]:
    """The vault objects of the case this installation holds already (a case coming back): name -> SHA-256."""
    return {str(n): str(sha) for n, sha in db.execute(
        select(VaultObject.name, VaultObject.sha256).join(Case, Case.id == VaultObject.case_id)
        .where(Case.reference == case_ref))}


def _record(session: Session, raw: str, doc: dict[str, Any], taken: _Taken, from_installation: str, case_ref: str,
            unit_name: str, fetched: list[tuple[str, dict[str, Any], int]]) -> Received:
    """The case, its keys, objects and exhibits in this register, with their entries, in one transaction."""
    export_sha = hashlib.sha256(raw.encode("ascii")).hexdigest()
    folder = session.datadir.root / RECEIVED_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{from_installation}-{taken.handover_seq}.jsonl"
    now = utc_now()
    me = session.user.username
    f = taken.case
    with session.write() as db:
        _refuse_existing(db, case_ref, from_installation, taken.identity)
        user = db.get(User, session.user.id)
        assert user is not None
        back = db.scalar(select(Case).where(Case.reference == case_ref))
        if back is None:
            case = Case(reference=case_ref, title=f.title, offences="\n".join(f.offences), status="open",
                        officer_in_charge_id=user.id, summary=f.summary or "", created_at=now, created_by_id=user.id)
            db.add(case)
            db.flush()
        else:  # this very case, handed over from here, comes back: held here again, by the receiver
            case = back
            case.status, case.officer_in_charge_id = "open", user.id
            case.title, case.offences, case.summary = f.title, "\n".join(f.offences), f.summary or ""
        if db.get(CaseMember, (case.id, user.id)) is None:
            db.add(CaseMember(case_id=case.id, user_id=user.id, added_at=now))
        box = box_public(session.box_key) if session.box_key is not None else b""
        keys = [{"epoch": ep, "box_key": box.hex(), "sealed": taken.sealed[ep]} for ep in sorted(taken.sealed)]
        entry = session.record(
            db, handover.RECEIVED, case_ref=case_ref, at=now, to_party=me, from_party=from_installation,
            reason=str(taken.data.get("to_user") and "handed over by installation " + from_installation),
            data={"identity": taken.identity.as_data(), "from_installation": from_installation,
                  "handed_over": {"seq": taken.handover_seq, "hash": taken.handover_hash},
                  "checkpoint": doc.get("checkpoint"), "tree_size": doc.get("tree_size"), "unit": unit_name,
                  "export_sha256": export_sha, "title": f.title, "offences": f.offences, "summary": f.summary or "",
                  "keys": keys, "history": taken.history})
        reason = f"received from installation {taken.identity.installation}"
        for item in keys:
            sealed = base64.b64decode(str(item["sealed"]))
            if db.get(CaseKeyEpoch, (case.id, item["epoch"])) is None:  # an epoch held here already is kept
                db.add(CaseKeyEpoch(case_id=case.id, epoch=item["epoch"], created_at=now, created_by_id=user.id,
                                    reason=reason))
            grant = db.get(CaseKeyGrant, (case.id, item["epoch"], user.id))
            if grant is None:
                db.add(CaseKeyGrant(case_id=case.id, epoch=item["epoch"], user_id=user.id, box_public=box,
                                    sealed=sealed, granted_at=now, custody_seq=entry.seq))
            else:  # as replay has it: the grant the entry carries replaces the one held
                grant.box_public, grant.sealed, grant.granted_at, grant.custody_seq = box, sealed, now, entry.seq
        db.flush()
        objects = {sha: int(oid) for sha, oid in db.execute(
            select(VaultObject.sha256, VaultObject.id).where(VaultObject.case_id == case.id))}
        mine = {x.reference: x for x in db.scalars(select(Exhibit).where(Exhibit.case_id == case.id))}
        next_object = int(db.scalar(select(func.max(VaultObject.id))) or 0) + 1
        for obj, decl, _size in fetched:
            db.add(VaultObject(id=next_object, name=obj, size=int(decl["size"]), sha256=str(decl["sha256"]),
                               created_at=now, case_id=case.id, epoch=int(decl["epoch"])))
            objects[str(decl["sha256"])] = next_object
            next_object += 1
        db.flush()
        ids: dict[str, int] = {ref: x.id for ref, x in mine.items()}
        for ex in taken.exhibits:
            seq, digest, d = taken.ingests[ex.reference]
            to_user = ex.custodian_is_user
            custodian = me if to_user else ex.custodian
            m = REFERENCE_RE.match(ex.reference)
            held = mine.get(ex.reference)
            if held is not None:  # the case came back: the exhibit keeps its ingest here and takes its state there
                if held.sha256 != ex.sha256:
                    raise IntegrityError(MSG_OTHER_EXHIBIT.format(ref=ex.reference, case=case_ref, mine=held.sha256,
                                                                  id=from_installation, theirs=ex.sha256))
                held.custodian, held.custodian_is_user, held.location = custodian, to_user, ex.location
                held.sensitive, held.checked_out = ex.sensitive, False
                if ex.status == "withdrawn":
                    held.status, held.withdrawn_reason = "withdrawn", ex.withdrawn_reason
                row = held
            else:
                row = Exhibit(case_id=case.id, reference=ex.reference, initials=m.group(1) if m else ex.reference,
                              number=int(m.group(2)) if m else len(ids) + 1, description=ex.description,
                              producer_id=user.id, seized_from=ex.seized_from, seized_at=_when(ex.seized_at),
                              seized_offset=ex.seized_offset, seized_location=ex.seized_location, seal=ex.seal,
                              original_name=ex.original_name, relative_path=ex.relative_path, size=ex.size,
                              fs_modified=_when(d.get("fs_modified")), fs_changed=_when(d.get("fs_changed")),
                              fs_accessed=_when(d.get("fs_accessed")), mime_type=ex.mime_type,
                              type_description=ex.type_description, type_warning=ex.type_warning, sha256=ex.sha256,
                              md5=ex.md5, sha1=ex.sha1, object_id=objects[ex.sha256],
                              duplicate_of_id=ids.get(ex.duplicate_of) if ex.duplicate_of else None,
                              ingested_by_id=user.id, ingested_at=now, tool=tool_id(), sensitive=ex.sensitive,
                              status=ex.status, withdrawn_reason=ex.withdrawn_reason, custodian=custodian,
                              custodian_is_user=to_user, location=ex.location, checked_out=False)
                db.add(row)
            db.flush()
            ids[ex.reference] = row.id
            data: dict[str, Any] = {k: v for k, v in d.items() if k != "producer"}
            data.update({"origin": {"installation": from_installation, "seq": seq, "hash": digest,
                                    "producer": ex.producer, "ingested_by": ex.ingested_by,
                                    "ingested_at": ex.ingested_at, "custodian": ex.custodian, "tool": ex.tool},
                         "to_is_user": to_user, "sensitive": ex.sensitive, "status": ex.status})
            if ex.withdrawn_reason is not None:
                data["withdrawn_reason"] = ex.withdrawn_reason
            session.record(db, handover.EXHIBIT_RECEIVED, case_ref=case_ref, exhibit_ref=ex.reference,
                           sha256=ex.sha256, to_party=custodian, location=ex.location, text=ex.description,
                           data=data, at=now)
        # The export as served: a new file, never one written over.
        with open(path, "x", encoding="ascii") as out:
            out.write(raw)
            out.flush()
            os.fsync(out.fileno())
    log.info("case %s received from installation %s: %d exhibits", case_ref, from_installation, len(ids))
    return Received(case_ref, from_installation, taken.identity, entry.seq, len(ids), len(fetched),
                    sum(s for _, _, s in fetched), path)


def _when(value: Any) -> Any:
    if not isinstance(value, str):
        return None
    from datetime import datetime
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
