"""Sync with the unit service: push the entries the unit lacks, keep its cosignature (docs/sync-protocol.md).

The installation stays offline-first: nothing here runs unless someone syncs. A sync reads the unit's last
cosigned checkpoint for this installation first. A unit that holds a larger cosigned log than this
installation has, or one whose first entries differ, means this installation was restored from an older copy
of everything (database, key slots and keyring) or its log was rewritten: the sync records that in a signed
``unit.rollback_detected`` entry (sign-in and ``casedesk verify`` then show it) and stops with one line.
Otherwise the entries the unit lacks go up in batches, each answered by a cosigned checkpoint; a cut
connection loses nothing (every batch is stored whole or not at all) and the next sync resumes where the unit
stands. The unit's last cosignature is kept as a signed ``unit.checkpoint_cosigned`` entry in the log itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody import checkpoint, conflicts, encoding, merkle, projection, review, statement, wire
from casedesk.custody.signing import Signer
from casedesk.errors import IntegrityError, PermissionDenied, UnitError, UsageError
from casedesk.evidence.objectformat import encrypted_size
from casedesk.progress import CancelToken, Progress, no_progress
from casedesk.services import unit_tls
from casedesk.services.session import Session
from casedesk.store.models import Case, CustodyEntry, VaultObject
from casedesk.timeutil import uk_display

log = logging.getLogger("casedesk.sync")

COSIGNED = "unit.checkpoint_cosigned"
ROLLBACK = "unit.rollback_detected"
BATCH = 1_000
STATUS_NAMES = 5_000  # object names per status request
STATEMENTS_PER_ANSWER = 1_000  # review statements the unit sends at most per answer (casedesk/unit/review.py)
TIMEOUT_SECONDS = 120.0

MSG_ROLLED_BACK = ("the unit holds a cosigned checkpoint of {unit} entries (cosigned {when}) but this "
                   "installation's log has only {local}: it was restored from an older copy of its database, key "
                   "slots and keyring, and entries {a} to {unit} exist only at the unit")
MSG_FORKED = ("the first {unit} entries of this installation's log are not the ones the unit cosigned ({when}): "
              "the log was rewritten, or the installation was restored from an older copy and has written since")
MSG_RECORDED = "(recorded as entry {seq})"
MSG_FORK_KEPT = ("Its entries {a} to {b}, written after its last sync, were kept at the unit (segment {kept}): the "
                 "installation's copy that syncs with the unit records them as a fork, and each exhibit they changed "
                 "shows a custody conflict there until a supervisor resolves it.")
FORKS_DIR = "forks"  # the other copy's entries, as the unit kept them, beside the store (docs/sync-protocol.md)
MSG_UNREACHABLE = "cannot reach the unit at {url}: {detail}"
MSG_CERTIFICATE = ("the unit at {url} shows a TLS certificate that no certificate authority this computer trusts has "
                   "signed: ask the unit administrator for the unit's CA certificate")
MSG_CUT = ("the connection to the unit was cut after {done} of {total} entries were stored there: run the sync "
           "again to resume (nothing is lost or sent twice)")
MSG_CUT_OBJECTS = ("the connection to the unit was cut after {done} of {total} bytes of evidence were stored there: "
                   "run the sync again to resume (nothing is lost or sent twice)")
MSG_REFUSED = "the unit refused the sync: {message}"
MSG_BAD_COSIGNATURE = ("the unit's answer does not carry a valid cosignature of this installation's checkpoint by "
                       "{name}: it is not the unit this installation trusts, or its answer was changed")
MSG_UNIT_KEY = ("the unit's cosigner key is {got}, but this installation synced before with {known}: if the unit "
                "administrator replaced the key, they say so; otherwise this is not your unit")
MSG_WITNESSED = ("entry {seq}: the unit {unit} holds a cosigned checkpoint of {size} entries that this log does "
                 "not extend (found at sync on {when}): this installation was restored from an older copy or its "
                 "log was rewritten")

_COLUMNS = ", ".join(encoding.ROW_COLUMNS)


@dataclass(frozen=True)
class SyncResult:
    url: str
    unit: str
    pushed: int
    tree_size: int
    root: str
    cosigned_at: int | None
    recorded_as: int | None
    objects_sent: int = 0  # vault objects the unit took in this sync
    object_bytes: int = 0  # bytes of them sent in this sync
    objects_held: int = 0  # vault objects of this installation the unit holds after it
    objects_unsent: tuple[str, ...] = ()  # objects missing or of the wrong size here: `casedesk verify` says more
    reviews_received: int = 0  # supervisors' review statements from other desks written into this log now
    reviews_refused: int = 0  # statements the unit served that do not hold here (not written; the log says why)
    forks_recorded: int = 0  # forks of this log (entries of its other copy) recorded now (custody.fork_recorded)
    forks_refused: int = 0  # forks the unit served that do not hold here (not recorded; the log says why)


@dataclass(frozen=True)
class LocalObject:
    name: str
    case: str
    sha256: str  # of the content
    size: int  # of the content
    epoch: int


def _rows(db: OrmSession) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.connection().exec_driver_sql(
        f"SELECT {_COLUMNS} FROM custody_entries ORDER BY seq")]


def _objects(db: OrmSession) -> list[LocalObject]:
    """The vault objects of the installation's cases (those written before case keys stay on the laptop)."""
    return [LocalObject(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4] or 0)) for r in db.execute(
        select(VaultObject.name, Case.reference, VaultObject.sha256, VaultObject.size, VaultObject.epoch)
        .join(Case, Case.id == VaultObject.case_id).where(VaultObject.epoch.is_not(None))
        .order_by(VaultObject.id))]


def _address(path: Path) -> str:
    """The object's address (``wire.object_address``): the SHA-256 of each part, then of those."""
    parts = []
    with open(path, "rb") as f:
        while block := f.read(wire.PART_BYTES):
            parts.append(hashlib.sha256(block).digest())
    return wire.object_address(parts)


def _send_objects(session: Session, unit: UnitClient, local: list[LocalObject], progress: Progress,
                  cancel: CancelToken | None) -> tuple[int, int, int, tuple[str, ...]]:
    """Send the unit the vault objects it lacks, as stored (ciphertext), in parts, resuming where it stands.

    Returns (objects the unit took now, bytes sent, objects it holds of the ones listed, names not sent)."""
    inst = session.installation_id
    known: dict[str, dict[str, Any]] = {}
    for i in range(0, len(local), STATUS_NAMES):
        answer = unit.request("POST", f"/v1/installations/{inst}/objects/status", json.dumps(
            {"names": [o.name for o in local[i: i + STATUS_NAMES]]}).encode("ascii"))
        found = answer.get("objects")
        if isinstance(found, dict):
            known.update(found)
    todo, unsent = [], []
    for o in local:
        state = known.get(o.name) or {}
        if state.get("held") is True:
            continue
        path = session.datadir.vault / o.name[:2] / o.name[2:]
        try:
            stored = path.stat().st_size
        except OSError:
            stored = -1
        if stored != encrypted_size(o.size):
            unsent.append(o.name)
            continue
        todo.append((o, path, stored, int(state.get("received") or 0)))
    held = len(local) - len(todo) - len(unsent)
    total = sum(stored - received for _, _, stored, received in todo)
    done = sent = 0
    progress(0, total, "sending evidence (encrypted) to the unit")
    refused: list[str] = []
    for o, path, stored, received in todo:
        address = _address(path)
        declaration = wire.declaration(o.case, o.sha256, o.size, o.epoch, stored, address)
        offset = received
        taken = False
        with open(path, "rb") as f:
            while offset < stored:
                if cancel is not None:
                    cancel.check()
                f.seek(offset)
                part = f.read(min(wire.PART_BYTES, stored - offset))
                try:
                    status, answer = unit.answer("PUT", f"/v1/installations/{inst}/objects/{o.name}/{offset}", part,
                                                 declaration)
                except unit.httpx.TransportError:
                    raise UnitError(MSG_CUT_OBJECTS.format(done=done, total=total)) from None
                if status == 409 and isinstance(answer.get("received"), int):
                    offset = int(answer["received"])  # another sync of this installation sent some meanwhile
                    continue
                if status != 200:
                    # One refused object (kept as evidence at the unit) does not keep the others from the unit.
                    refused.append(str(answer.get("error", f"HTTP {status}")))
                    break
                offset = int(answer.get("received") or 0)
                done += len(part)
                progress(done, total, f"{done >> 20} of {total >> 20} MiB of evidence sent")
                if answer.get("held") is True:
                    taken = True
                    break
        if taken:
            sent += 1
            held += 1
    if refused:
        more = f" (and {len(refused) - 1} other object(s) refused)" if len(refused) > 1 else ""
        raise UnitError(MSG_REFUSED.format(message=refused[0] + more))
    if unsent:
        log.warning("sync: %d vault object(s) missing or damaged here, not sent", len(unsent))
    log.info("sync: %d objects sent (%d bytes), unit holds %d of %d", sent, done, held, len(local))
    return sent, done, held, tuple(unsent)


def _escrow(session: Session, unit: UnitClient) -> bool:
    """Send the unit this installation's key slots file and recovery file, for a restore (docs/sync-protocol.md,
    "Restore"); only a device-bound installation's, whose slots open only with the device secret, which opens
    only with the recovery key. The unit keeps a new copy only when they changed. True: one was kept."""
    datadir = session.datadir
    if session.device_secret is None or not datadir.recovery.exists():
        return False
    try:
        slots = json.loads(datadir.keyslots.read_text("utf-8"))
        recovery_file = json.loads(datadir.recovery.read_text("utf-8"))
    except (OSError, ValueError):
        log.warning("sync: the key slots or recovery file could not be read; not sent to the unit")
        return False
    if slots.get("device_bound") is not True:
        return False
    for field in ("custody_head", "checksum"):  # the head copy changes at every write: not part of the escrow
        slots.pop(field, None)
    token = wire.escrow_token(session.device_secret, session.installation_id)
    body = json.dumps({"token": token, "keyslots": slots, "recovery": recovery_file}).encode("utf-8")
    return bool(unit.request("PUT", f"/v1/installations/{session.installation_id}/escrow", body).get("stored"))


def identity(session: Session) -> tuple[str, str]:
    """(installation id, genesis key): what the unit administrator registers (`casedesk unit register`)."""
    with session.read() as db:
        row = db.scalar(select(CustodyEntry.data).where(CustodyEntry.action == "account.key_registered",
                                                        CustodyEntry.case_ref.is_(None))
                        .order_by(CustodyEntry.seq).limit(1))
    key = encoding.parse_data(row).get("public_key") if isinstance(row, str) else None
    return session.installation_id, str(key)


MSG_BAD_ADDRESS = ("the unit address {url!r} is not a valid address ({detail}): give it as the unit administrator "
                   "wrote it, e.g. https://unit.example.police.uk:8443")


def unit_address(url: str) -> str:
    """``url`` checked as the address of a unit (https, a host, a port if any; nothing after the path), without
    its trailing slash; a one-line UsageError otherwise. Every command that talks to a unit comes through here."""
    import httpx

    if url[:8].lower() != "https://":
        raise UsageError(f"the unit address must start with https:// (got {url!r})")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise UsageError(MSG_BAD_ADDRESS.format(url=url, detail=str(exc).rstrip("."))) from None
    if not parsed.host:
        raise UsageError(MSG_BAD_ADDRESS.format(url=url, detail="no host name"))
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise UsageError(MSG_BAD_ADDRESS.format(url=url, detail=f"port {parsed.port} is not between 1 and 65535"))
    if parsed.query or parsed.fragment or parsed.userinfo:
        raise UsageError(MSG_BAD_ADDRESS.format(url=url, detail="it carries a query, a fragment or a user name"))
    return url.rstrip("/")


class UnitClient:
    """Signed requests to one unit over TLS, as ``user`` of ``installation`` (``signer``: their custody key)."""

    def __init__(self, url: str, ca_file: Path | None, installation: str, user: str, signer: Signer | None,
                 identity: unit_tls.TlsIdentity | None = None) -> None:
        import httpx  # only when syncing: the desktop and the CLI start without it

        self.httpx = httpx
        self.url = unit_address(url)
        self.ca_file = ca_file
        self.presented, self.answered = identity is not None, False  # for handshake_refusal
        self.installation, self.user, self.signer = installation, user, signer
        self.refused = MSG_REFUSED
        if ca_file is not None and not ca_file.is_file():
            raise UsageError(f"the CA certificate {ca_file} does not exist")
        # Mutual TLS (docs/sync-protocol.md): ``identity``, the installation's client certificate, when it has one.
        context = unit_tls.client_context(ca_file, identity)
        self.client = httpx.Client(base_url=self.url, verify=context, timeout=TIMEOUT_SECONDS)

    def close(self) -> None:
        self.client.close()

    def present(self, identity: unit_tls.TlsIdentity) -> None:
        """From now on connect over the installation's TLS client certificate (a restore learns it midway)."""
        self.client.close()
        self.client = self.httpx.Client(base_url=self.url, verify=unit_tls.client_context(self.ca_file, identity),
                                        timeout=TIMEOUT_SECONDS)
        self.presented, self.answered = True, False

    def request(self, method: str, path: str, body: bytes = b"") -> dict[str, Any]:
        status, doc = self.answer(method, path, body)
        if status != 200:
            raise UnitError(self.refused.format(message=str(doc.get("error", f"HTTP {status}"))))
        return doc

    def _signed(self, method: str, path: str, body: bytes, declaration: str | None) -> dict[str, str]:
        assert self.signer is not None
        now = int(time.time())
        digest = hashlib.sha256(body).hexdigest() if declaration is None else wire.part_sha256(declaration, body)
        signature = self.signer.sign(wire.signed_message(method, path, self.installation, self.user, now,
                                                         digest)).hex()
        headers = {wire.HEADER_INSTALLATION: self.installation, wire.HEADER_USER: self.user,
                   wire.HEADER_KEY: self.signer.public_hex, wire.HEADER_TIME: str(now),
                   wire.HEADER_SIGNATURE: signature,
                   "Content-Type": "application/json" if declaration is None else "application/octet-stream"}
        if declaration is not None:
            headers[wire.HEADER_OBJECT] = declaration
        return headers

    def answer(self, method: str, path: str, body: bytes = b"", declaration: str | None = None
               ) -> tuple[int, dict[str, Any]]:
        """(HTTP status, the unit's JSON answer); ``declaration``: an object part's (signed with the part)."""
        return self._send(method, path, body, self._signed(method, path, body, declaration))

    def plain(self, method: str, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        """An unsigned request (health; a restore's first reads, before it holds a key)."""
        status, doc = self._send(method, path, b"", headers or {})
        if status != 200:
            raise UnitError(self.refused.format(message=str(doc.get("error", f"HTTP {status}"))))
        return doc

    def stream(self, method: str, path: str) -> Iterator[bytes]:
        """A signed request whose answer is bytes (a vault object), as they come."""
        headers = self._signed(method, path, b"", None)
        with self.client.stream(method, path, headers=headers) as response:
            self.answered = True
            if response.status_code != 200:
                response.read()
                try:
                    doc = response.json()
                except ValueError:
                    doc = {}
                raise UnitError(self.refused.format(message=str(doc.get("error", f"HTTP {response.status_code}"))))
            yield from response.iter_bytes(1 << 20)

    def _send(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            response = self.client.request(method, path, content=body, headers=headers)
        except self.httpx.RemoteProtocolError:
            # A kept-alive connection the server closed as this request went out: every request of the
            # protocol may be sent again (a push of entries the unit holds stores nothing twice), once.
            response = self.client.request(method, path, content=body, headers=headers)
        self.answered = True
        try:
            doc = response.json()
        except ValueError:
            doc = None
        if not isinstance(doc, dict):
            raise UnitError(self.refused.format(message=f"HTTP {response.status_code} without a CaseDesk answer"))
        return response.status_code, doc


def _unit_key(session: Session) -> tuple[str, str] | None:
    """(name, key hex) of the unit this installation recorded a cosignature of last."""
    with session.read() as db:
        data = db.scalar(select(CustodyEntry.data).where(CustodyEntry.action == COSIGNED)
                         .order_by(CustodyEntry.seq.desc()).limit(1))
    if not isinstance(data, str):
        return None
    d = encoding.parse_data(data)
    return str(d.get("unit")), str(d.get("unit_key"))


def cosigned_time(note_text: Any, installation: str, name: str, key: bytes, size: int, root: bytes) -> int:
    """The cosignature time of a note the unit returned, after checking it names (size, root) and verifies."""
    try:
        note = checkpoint.Note.parse(note_text)
        cp = checkpoint.Checkpoint.parse(note.text)
    except (checkpoint.NoteError, TypeError, AttributeError):
        raise UnitError(MSG_BAD_COSIGNATURE.format(name=name)) from None
    sig = checkpoint.cosignature(note, name, key)
    if sig is None or cp.origin != checkpoint.origin(installation) or cp.size != size or cp.root != root:
        raise UnitError(MSG_BAD_COSIGNATURE.format(name=name))
    return sig.cosigned_at


def cosigned_text(stamp: int | None) -> str:
    if stamp is None:
        return "at an unknown time"
    from datetime import UTC, datetime
    return uk_display(datetime.fromtimestamp(stamp, UTC))


def sync(session: Session, url: str, ca_file: Path | None = None, progress: Progress = no_progress,
         cancel: CancelToken | None = None, batch: int = BATCH) -> SyncResult:
    """Push what the unit lacks; see the module's doc. Raises ``IntegrityError`` for a rolled-back log."""
    if not 1 <= batch <= 5_000:
        raise UsageError("the batch size is 1 to 5000 entries")
    unit = UnitClient(url, ca_file, session.installation_id, session.user.username, session.signer,
                      unit_tls.identity_of(session))
    try:
        return _sync(session, unit, progress, cancel, batch)
    except unit.httpx.TransportError as exc:
        refused = unit_tls.handshake_refusal(url, exc, unit.presented, unit.answered)
        if refused is not None:
            raise refused from None
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            raise UnitError(MSG_CERTIFICATE.format(url=url), cli_hint="pass it with --ca FILE") from None
        raise UnitError(MSG_UNREACHABLE.format(url=url, detail=str(exc) or exc.__class__.__name__)) from None
    finally:
        unit.close()


def _sync(session: Session, unit: UnitClient, progress: Progress, cancel: CancelToken | None,
          batch: int) -> SyncResult:
    inst, user = session.installation_id, session.user.username
    health = unit.plain("GET", "/v1/health")
    name, key_hex = str(health.get("cosigner")), str(health.get("cosigner_key"))
    known = _unit_key(session)
    if known is not None and known != (name, key_hex):
        raise UnitError(MSG_UNIT_KEY.format(got=f"{name} {key_hex[:16]}...", known=f"{known[0]} {known[1][:16]}..."))
    try:
        key = bytes.fromhex(key_hex)
    except ValueError:
        raise UnitError(MSG_BAD_COSIGNATURE.format(name=name)) from None
    with session.read() as db:  # one snapshot: every object listed has its ingest entry among the rows
        rows = _rows(db)
        local_objects = _objects(db)
    leaves = [bytes.fromhex(r[18]) for r in rows]
    state = unit.request("GET", f"/v1/installations/{inst}/checkpoint")
    try:
        size = int(state.get("tree_size") or 0)
        root = bytes.fromhex(str(state.get("root"))) if size else merkle.EMPTY_ROOT
    except (TypeError, ValueError):
        raise UnitError(MSG_BAD_COSIGNATURE.format(name=name)) from None
    stamp: int | None = None
    if size:
        stamp = cosigned_time(state.get("checkpoint"), inst, name, key, size, root)
        if size > len(rows) or merkle.root(leaves[:size]) != root:
            kept = _push_fork(session, unit, rows, leaves)
            _rolled_back(session, unit.url, name, key_hex, state, len(rows), stamp, kept)
    total = len(rows) - size
    done = 0
    progress(0, total, "sending entries to the unit")
    note: str | None = state.get("checkpoint") if size else None
    only_records = all(r[7] == COSIGNED for r in rows[size:])
    while size < len(rows):
        if cancel is not None:
            cancel.check()
        end = min(len(rows), size + batch)
        new_root = merkle.root(leaves[:end])
        text = checkpoint.Checkpoint(checkpoint.origin(inst), end, new_root).text()
        signed = checkpoint.Note(text, (checkpoint.sign_note(text, checkpoint.log_key_name(inst, user),
                                                             session.signer),)).render()
        proof = [] if size == 0 else merkle.consistency_proof(leaves[:end], size)
        body = json.dumps({"entries": [wire.row_to_json(r) for r in rows[size:end]], "checkpoint": signed,
                           "proof_from": size, "proof": [base64.b64encode(p).decode("ascii") for p in proof]},
                          ensure_ascii=False).encode("utf-8")
        try:
            answer = unit.request("POST", f"/v1/installations/{inst}/push", body)
        except unit.httpx.TransportError:
            raise UnitError(MSG_CUT.format(done=done, total=total)) from None
        # The unit may stand further on than this push (another sync of this installation overtook it).
        try:
            reached = int(answer.get("tree_size") or 0)
        except (TypeError, ValueError):
            reached = 0
        if reached > len(rows):  # the unit holds more than this log: as at the start of a sync
            try:
                held_root = bytes.fromhex(str(answer.get("root")))
            except ValueError:
                raise UnitError(MSG_BAD_COSIGNATURE.format(name=name)) from None
            _rolled_back(session, unit.url, name, key_hex, answer, len(rows),
                         cosigned_time(answer.get("checkpoint"), inst, name, key, reached, held_root))
        reached = max(reached, end)
        stamp = cosigned_time(answer.get("checkpoint"), inst, name, key, reached,
                          new_root if reached == end else merkle.root(leaves[:reached]))
        note = str(answer["checkpoint"])
        done += reached - size
        size = reached
        progress(done, total, f"{size} of {len(rows)} entries held by the unit")
    recorded = None
    # Kept in the log unless an integrity alert blocks every write (the push itself is done: the unit holds it).
    if total and not only_records and note is not None and not session.integrity_alerts:
        with session.write() as db:
            entry = session.record(db, COSIGNED, data={
                "unit": name, "unit_key": key_hex, "url": unit.url, "tree_size": size,
                "root": merkle.root(leaves[:size]).hex(), "cosigned_at": stamp, "note": note})
            recorded = entry.seq
    log.info("sync: %d entries pushed, unit holds %d", total, size)
    reviews = _receive_statements(session, unit, name, key_hex)
    forks = _receive_forks(session, unit, name, key_hex)
    _escrow(session, unit)  # first: a refused or cut object upload must not leave the key slots behind
    sent = _send_objects(session, unit, local_objects, progress, cancel)
    return SyncResult(unit.url, name, total, size, merkle.root(leaves[:size]).hex(), stamp, recorded, *sent,
                      *reviews, *forks)


def _last_synced(session: Session) -> int:
    """The tree size of the last cosignature this log recorded (0: none): its entries up to there are the unit's."""
    with session.read() as db:
        data = db.scalar(select(CustodyEntry.data).where(CustodyEntry.action == COSIGNED)
                         .order_by(CustodyEntry.seq.desc()).limit(1))
    size = encoding.parse_data(data).get("tree_size") if isinstance(data, str) else None
    return size if isinstance(size, int) and not isinstance(size, bool) else 0


def _push_fork(session: Session, unit: UnitClient, rows: list[tuple[Any, ...]],
               leaves: list[bytes]) -> tuple[int, int, int] | None:
    """A log the unit does not take (it was restored from an older copy, or its other copy synced first): send the
    entries written after its last sync anyway, so that the unit keeps them as evidence (it refuses them: row 4)
    and the copy that continues the unit's log records them as a fork (docs/sync-protocol.md, "Offline conflicts").
    Nothing written offline is then only on this laptop. Returns (kept segment, first, last entry) or None."""
    start = _last_synced(session)
    if start < 1 or start >= len(rows):
        return None
    end = min(len(rows), start + conflicts.MAX_FORK_ENTRIES)
    inst, user = session.installation_id, session.user.username
    text = checkpoint.Checkpoint(checkpoint.origin(inst), end, merkle.root(leaves[:end])).text()
    signed = checkpoint.Note(text, (checkpoint.sign_note(text, checkpoint.log_key_name(inst, user),
                                                         session.signer),)).render()
    body = json.dumps({"entries": [wire.row_to_json(r) for r in rows[start:end]], "checkpoint": signed, "proof": []},
                      ensure_ascii=False).encode("utf-8")
    try:
        status, answer = unit.answer("POST", f"/v1/installations/{inst}/push", body)
    except unit.httpx.TransportError:
        return None
    kept = answer.get("kept_as")
    if status == 200 or not isinstance(kept, int) or isinstance(kept, bool):
        log.warning("sync: the unit did not keep this log's entries after its last sync (HTTP %d)", status)
        return None
    return kept, start + 1, end


def _receive_forks(session: Session, unit: UnitClient, name: str, key_hex: str) -> tuple[int, int]:
    """The entries this installation's other copy wrote, which the unit kept as a fork of the log it holds (this
    log continues it): each fork not recorded yet is checked here again (``conflicts.find_fork``: the unit's word is
    not taken), kept beside the store in ``forks/`` (a new file) and recorded in one signed
    ``custody.fork_recorded`` entry naming its entries, the file's SHA-256 and, per exhibit they changed, the other
    copy's state and this log's: an open custody conflict each (docs/sync-protocol.md, "Offline conflicts").
    Returns (recorded, refused)."""
    if session.integrity_alerts:
        return 0, 0  # nothing is written while an alert blocks writes; the next sync fetches them again
    inst = session.installation_id
    with session.read() as db:
        done = _fork_records(db, key_hex)
    after = max((k for k, _ in done), default=0)
    recorded = refused = 0
    while True:
        answer = unit.request("GET", f"/v1/installations/{inst}/forks/{after}")
        items, scanned = answer.get("forks"), answer.get("scanned")
        if not isinstance(items, list) or not isinstance(scanned, int) or scanned < after:
            raise UnitError(MSG_REFUSED.format(message="HTTP 200 without a CaseDesk answer"))
        for item in items:
            kept = item.get("id") if isinstance(item, dict) else None
            if not isinstance(kept, int) or isinstance(kept, bool) or kept <= after:
                raise UnitError(MSG_REFUSED.format(message="HTTP 200 without a CaseDesk answer"))
            try:
                entries = item.get("entries")
                pushed = [conflicts.row_from_json(e) for e in entries] if isinstance(entries, list) else []
                recorded += _record_fork(session, name, key_hex, kept, pushed)
            except conflicts.NotAFork as exc:
                log.warning("sync: kept segment %d from the unit is not a fork of this log: %s", kept, exc)
                refused += 1
        if scanned == after:
            break
        after = scanned
    if recorded or refused:
        log.info("sync: %d fork(s) of this log recorded, %d refused", recorded, refused)
    return recorded, refused


def _new_file(path: Path, data: bytes) -> None:
    """A new file (mode 0600) holding ``data``, flushed to disk; FileExistsError if the name is taken."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fork_records(db: OrmSession, key_hex: str) -> set[tuple[int, str]]:
    """(kept segment, segment SHA-256) of the forks this log recorded from the unit with cosigner key ``key_hex``."""
    out = set()
    for (data,) in db.execute(select(CustodyEntry.data).where(CustodyEntry.action == conflicts.FORK_RECORDED)):
        d = conflicts.data_of(data)
        kept, digest = d.get("kept_as"), d.get("segment_sha256")
        if d.get("unit_key") == key_hex and isinstance(kept, int) and isinstance(digest, str):
            out.add((kept, digest))
    return out


def _record_fork(session: Session, name: str, key_hex: str, kept: int, pushed: list[tuple[Any, ...]]) -> int:
    """Check one fork against this log and record it (1), or 0 when this log recorded the same one already."""
    folder = session.datadir.root / FORKS_DIR
    with session.write() as db:
        local = _rows(db)
        fork, other = conflicts.find_fork(local, pushed)
        digest = fork.sha256()
        if any(d == digest for _, d in _fork_records(db, key_hex)):
            return 0
        here = projection.replay(local)
        items = conflicts.describe(fork, other, here)
        path = folder / f"{fork.point}-{digest[:16]}.jsonl"
        folder.mkdir(mode=0o700, exist_ok=True)
        segment = fork.segment()
        try:
            _new_file(path, segment)  # never over an existing file: the same fork kept earlier stays as it is
        except FileExistsError:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                path = folder / f"{fork.point}-{digest}-{kept}.jsonl"
                _new_file(path, segment)
        n = len(fork.rows)
        session.record(db, conflicts.FORK_RECORDED, text=(
            f"entries {fork.point} to {fork.point + n - 1} of this installation's other copy, kept by the unit as "
            f"segment {kept}: {len(items)} exhibit(s) in conflict"), data={
            "installation": session.installation_id, "unit": name, "unit_key": key_hex, "kept_as": kept,
            "fork_point": fork.point, "entries": [[r[0], r[18]] for r in fork.rows],
            "segment_sha256": digest, "file": f"{FORKS_DIR}/{path.name}", "conflicts": items})
    return 1


def _receive_statements(session: Session, unit: UnitClient, name: str, key_hex: str) -> tuple[int, int]:
    """Supervisors' review statements about this installation's cases, made on other desks (docs/sync-protocol.md,
    "Review statements"): each one the log does not hold yet becomes one ``case.reviewed_remotely`` entry, signed by
    the syncing user, in one transaction per answer; one that does not hold here (``statement.problem``) is not
    written. A statement is known by the unit's number for it, so one fetched again is never written twice.
    Returns (written, refused)."""
    if session.integrity_alerts:
        return 0, 0  # nothing is written while an alert blocks writes; the next sync fetches them again
    inst = session.installation_id
    written = refused = 0
    with session.read() as db:
        after = max(_statement_ids(db, key_hex), default=0)
    while True:
        answer = unit.request("GET", f"/v1/installations/{inst}/statements/{after}")
        items = answer.get("statements")
        if not isinstance(items, list) or not items:
            break
        with session.write() as db:
            held = _statement_ids(db, key_hex)  # again, under the write lock: another sync may have written some
            for item in items:
                sid = item.get("id") if isinstance(item, dict) else None
                if not isinstance(sid, int) or isinstance(sid, bool) or sid <= after:
                    raise UnitError(MSG_REFUSED.format(message="HTTP 200 without a CaseDesk answer"))
                after = sid
                found = item.get("statement")
                if sid in held:
                    continue
                if not isinstance(found, dict):
                    refused += 1
                    continue
                case, text = found.get("case"), found.get("text") or None
                data = {"statement": found, "signature": item.get("signature"), "voucher": item.get("voucher"),
                        "statement_id": sid, "unit": name, "unit_key": key_hex,
                        "decision": found.get("decision"), "up_to": found.get("up_to")}
                try:
                    session.record(db, statement.ACTION, case_ref=case if isinstance(case, str) else None,
                                   text=text, data=data)
                except (PermissionDenied, encoding.EncodingError) as exc:
                    log.warning("sync: review statement %d from the unit not recorded: %s", sid, exc)
                    refused += 1
                    continue
                written += 1
        if len(items) < STATEMENTS_PER_ANSWER:
            break
    if written or refused:
        log.info("sync: %d review statement(s) from other desks recorded, %d refused", written, refused)
    return written, refused


def _statement_ids(db: OrmSession, key_hex: str) -> set[int]:
    """The unit's numbers of the review statements this log holds from the unit with cosigner key ``key_hex``.

    Only entries whose statement holds count: an entry an insider wrote by hand with a made-up number (a large
    one) must not keep the real statements from this log."""
    out = set()
    for entry in review.valid_reviews(db):
        if entry.action != statement.ACTION:
            continue
        try:
            d = encoding.parse_data(entry.data)
        except encoding.EncodingError:
            continue
        sid = d.get("statement_id")
        if d.get("unit_key") == key_hex and isinstance(sid, int) and not isinstance(sid, bool):
            out.add(sid)
    return out


def _rolled_back(session: Session, url: str, name: str, key_hex: str, state: dict[str, Any], local: int,
                 stamp: int, kept: tuple[int, int, int] | None = None) -> NoReturn:
    size = int(state["tree_size"])
    message = (MSG_ROLLED_BACK.format(unit=size, when=cosigned_text(stamp), local=local, a=local + 1) if size > local
               else MSG_FORKED.format(unit=size, when=cosigned_text(stamp)))
    recorded = None
    if not session.integrity_alerts:
        with session.write() as db:
            entry = session.record(db, ROLLBACK, text=message, data={
                "unit": name, "unit_key": key_hex, "url": url, "tree_size": size, "root": state.get("root"),
                "cosigned_at": stamp, "local_size": local, "note": state.get("checkpoint")})
            recorded = entry.seq
    log.error("sync: %s", message)
    more = "" if kept is None else " " + MSG_FORK_KEPT.format(kept=kept[0], a=kept[1], b=kept[2])
    raise IntegrityError(message + (" " + MSG_RECORDED.format(seq=recorded) if recorded else "") + more)


def witnessed_problems(db: OrmSession) -> list[tuple[int, str]]:
    """(entry, message) for each roll-back a sync found (``unit.rollback_detected``), for sign-in and verify."""
    out = []
    for seq, data, stamp in db.execute(select(CustodyEntry.seq, CustodyEntry.data, CustodyEntry.timestamp)
                                       .where(CustodyEntry.action == ROLLBACK).order_by(CustodyEntry.seq)):
        try:
            d = encoding.parse_data(data)
        except encoding.EncodingError:
            d = {}
        out.append((seq, MSG_WITNESSED.format(seq=seq, unit=d.get("unit"), size=d.get("tree_size"),
                                              when=stamp[:16].replace("T", " ") + " UTC")))
    return out
