"""Restore a lost or wiped laptop's installation from the unit (docs/sync-protocol.md, "Restore").

The installation comes back as itself: the same installation id, log, keys and accounts, on a new computer.
What it needs: the unit's address, the installation id, the recovery key shown once at ``casedesk init`` (held
by whoever the force gives it to) and the password of one of its officers. The unit holds the installation's
key slots file and recovery file in escrow (neither opens without the recovery key and a password), its
custody log as last synced, and its vault objects as ciphertext. The restore:

1. reads the recovery file and opens it with the recovery key (the device secret);
2. proves that to the unit (an HMAC of the device secret) and reads the key slots file;
3. opens the officer's slot with their password: the store key, the officer's signing key and box key;
4. with requests signed by that key (the unit checks it against the log), reads the log, checking that it makes
   the root of the checkpoint the unit cosigned, and every vault object, checking its size and address;
5. writes a new store under the same store key: the entries, and the tables their projection establishes
   (``casedesk.custody.rebuild``), then the key slots file (every account's slot, as escrowed) and the vault;
6. puts the device secret into this computer's OS keyring (as ``casedesk recover`` does); the next sign-in
   records the recovery in the log.

The case keys come back through the log: each grant is sealed to its holder's box key, which is in their slot.
Entries written after the laptop's last sync, and objects the unit never received, are lost: ``casedesk
verify`` reports such an object missing. Nothing is written into a data directory that holds an installation.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casedesk.custody import merkle, rebuild, wire
from casedesk.custody.projection import Projection
from casedesk.custody.signing import Signer
from casedesk.datadir import DataDir
from casedesk.errors import CaseDeskError, UnitError, UsageError
from casedesk.evidence.objectformat import object_name
from casedesk.fsutil import fsync_dir
from casedesk.progress import Progress, no_progress
from casedesk.security import recovery
from casedesk.security.casekeys import CaseKeyError, open_case_key, vault_naming_key
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile, SlotSecrets
from casedesk.services import sync, unit_tls
from casedesk.store.engine import migrate, staged_store

log = logging.getLogger("casedesk.restore")

MSG_REFUSED = "the unit refused the restore: {message}"
MSG_NOT_EMPTY = ("{root} already holds a CaseDesk installation: restore into an empty data directory "
                 "(--data-dir); CaseDesk never writes over one")
MSG_LOG = ("the entries the unit sent do not make the root of the checkpoint it cosigned ({size} entries): "
           "the unit's answer was changed, or it is not your unit")
MSG_OBJECT = "the unit sent object {name} with {detail}: it was changed, or it is not your unit"


@dataclass(frozen=True)
class RestoreResult:
    installation_id: str
    unit: str
    entries: int
    root: str
    cosigned_at: int | None
    objects: int
    object_bytes: int
    missing: tuple[str, ...]  # "case exhibit" whose content the unit never received
    accounts: tuple[str, ...]  # the accounts whose key slots came back (each signs in with their own password)


def _row(item: Any) -> tuple[Any, ...]:
    if not isinstance(item, dict) or set(item) != set(wire.ENTRY_KEYS):
        raise UnitError(MSG_REFUSED.format(message="the unit sent an entry that is not one"))
    return tuple(item[k] for k in wire.ENTRY_KEYS)


def restore(datadir: DataDir, url: str, ca_file: Path | None, installation_id: str, username: str, password: str,
            recovery_key: str, progress: Progress = no_progress) -> RestoreResult:
    root = datadir.root
    if datadir.keyslots.exists() or datadir.database.exists() or (
            datadir.vault.exists() and any(datadir.vault.iterdir())):
        raise UsageError(MSG_NOT_EMPTY.format(root=root))
    key = recovery.parse_key(recovery_key)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    stage = root / f".restore-{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o700)
    unit = sync.UnitClient(url, ca_file, installation_id, username, None)
    unit.refused = MSG_REFUSED
    try:
        try:
            result = _restore(stage, unit, installation_id, username, password, key, progress)
        except unit.httpx.TransportError as exc:
            refused = unit_tls.handshake_refusal(url, exc, unit.presented, unit.answered)
            if refused is not None:
                raise refused from None
            if "CERTIFICATE_VERIFY_FAILED" in str(exc):
                raise UnitError(sync.MSG_CERTIFICATE.format(url=url), cli_hint="pass it with --ca FILE") from None
            raise UnitError(sync.MSG_UNREACHABLE.format(url=url, detail=str(exc) or exc.__class__.__name__)) from None
        # The vault and the database first, the key slots last: a data directory is usable only once both exist.
        with contextlib.suppress(FileNotFoundError):
            datadir.vault.rmdir()  # an empty folder left behind (checked above)
        (stage / "vault").rename(datadir.vault)
        os.replace(stage / "casedesk.db", datadir.database)
        os.replace(stage / recovery.FILE_NAME, datadir.recovery)
        os.replace(stage / "keyslots.json", datadir.keyslots)
        fsync_dir(root)
    finally:
        unit.close()
        shutil.rmtree(stage, ignore_errors=True)
    from casedesk.services.installation import Installation

    Installation(datadir).recover(recovery.format_key(key))
    log.info("installation %s restored from the unit: %d entries, %d objects", installation_id, result.entries,
             result.objects)
    return result


def _restore(stage: Path, unit: sync.UnitClient, installation_id: str, username: str, password: str, key: bytes,
             progress: Progress) -> RestoreResult:
    health = unit.plain("GET", "/v1/health")
    name, key_hex = str(health.get("cosigner")), str(health.get("cosigner_key"))
    base = f"/v1/installations/{installation_id}"
    # Newest first: an insider may have sent copies that do not open; the first that opens with the recovery key
    # (and, below, the first key slots file in which the officer's slot opens with their password) is the one.
    secret: bytes | None = None
    failure: Exception | None = None
    for rec in unit.plain("GET", f"{base}/recovery").get("recoveries") or []:
        (stage / recovery.FILE_NAME).write_text(json.dumps(rec, indent=2, sort_keys=True) + "\n", "utf-8")
        try:
            secret = recovery.open_secret(stage / recovery.FILE_NAME, installation_id, key)
            break
        except CaseDeskError as exc:
            failure = failure or exc
    if secret is None:
        raise failure or UnitError(MSG_REFUSED.format(message="the unit sent no recovery file"))
    token = wire.escrow_token(secret, installation_id)
    answer = unit.plain("GET", f"{base}/keyslots", {wire.HEADER_ESCROW_TOKEN: token})
    escrowed = answer.get("keyslots")
    slots, opened = _open_slot(escrowed if isinstance(escrowed, list) else [], installation_id, username, password,
                               secret)
    unit.signer = Signer(opened.signing_seed)
    # Mutual TLS: the installation's client certificate, as the unit saw it, under the installation key that the
    # store key derives (docs/sync-protocol.md, "Mutual TLS").
    certificates = answer.get("tls_certificates")
    identity = unit_tls.identity_from(certificates if isinstance(certificates, list) else [], installation_id,
                                      StoreKeys.derive(opened.store_key).installation_seed)
    if identity is not None:
        unit.present(identity)
    # The log, as the unit cosigned it.
    state = unit.request("GET", f"{base}/checkpoint")
    size = int(state.get("tree_size") or 0)
    if not size:
        raise UnitError(MSG_REFUSED.format(message=f"the unit holds no entries of installation {installation_id}"))
    cp_root = bytes.fromhex(str(state.get("root")))
    stamp = sync.cosigned_time(state.get("checkpoint"), installation_id, name, bytes.fromhex(key_hex), size, cp_root)
    rows: list[tuple[Any, ...]] = []
    progress(0, size, "reading the custody log from the unit")
    while len(rows) < size:
        page = unit.request("GET", f"{base}/entries/{len(rows)}").get("entries")
        if not isinstance(page, list) or not page:
            break
        rows.extend(_row(item) for item in page)
        progress(min(len(rows), size), size, "reading the custody log from the unit")
    rows = rows[:size]
    if len(rows) != size or [r[0] for r in rows] != list(range(1, size + 1)) or \
            merkle.root([bytes.fromhex(str(r[18])) for r in rows]) != cp_root:
        raise UnitError(MSG_LOG.format(size=size))
    # The vault objects, as the unit holds them.
    listing = unit.request("GET", f"{base}/objects").get("objects") or []
    vault = stage / "vault"
    (vault / "tmp").mkdir(parents=True, mode=0o700)
    objects: list[rebuild.RestoredObject] = []
    total = sum(int(json.loads(o["declaration"])["stored_size"]) for o in listing)
    done = 0
    progress(0, total, "reading the evidence (encrypted) from the unit")
    for item in listing:
        obj_name, decl = str(item["name"]), json.loads(item["declaration"])
        done += _fetch(unit, f"{base}/objects/{obj_name}", vault, obj_name, decl)
        objects.append(rebuild.RestoredObject(obj_name, str(decl["case"]), str(decl["sha256"]), int(decl["size"]),
                                              int(decl["epoch"])))
        progress(done, total, f"{done >> 20} of {total >> 20} MiB of evidence read")
    # The store, under the installation's own store key.
    keys = StoreKeys.derive(opened.store_key)
    with staged_store(stage / "casedesk.db", keys.database) as engine:
        migrate(engine, stage / "casedesk.db", stage)
        with engine.begin() as conn:
            projection = rebuild.write_register(conn, rows, objects, installation_id,
                                                _names_under(username, opened.box_key))
            rebuild.seal(conn, username, Signer(opened.signing_seed))
    slots.database_key = None  # the rebuilt store is under the key the store key derives
    slots.set_head(int(rows[-1][0]), str(rows[-1][18]), keys.head_mac)
    slots.save(stage / "keyslots.json")
    held = {(o.case, o.sha256) for o in objects}
    missing = tuple(sorted(f"{case} {ref}" for (case, ref), f in projection.exhibits.items()
                           if (case, f.sha256) not in held))
    return RestoreResult(installation_id, name, size, cp_root.hex(), stamp, len(objects), done, missing,
                         tuple(sorted(slots.slots)))


def _open_slot(files: list[Any], installation_id: str, username: str, password: str,
               secret: bytes) -> tuple[KeySlotFile, SlotSecrets]:
    """The first escrowed key slots file (newest first) in which ``username``'s slot opens with ``password``."""
    failure: CaseDeskError | None = None
    for doc in files:
        if not isinstance(doc, dict) or not isinstance(doc.get("slots"), dict):
            continue
        slots = KeySlotFile(installation_id=installation_id, device_bound=True, slots=doc["slots"],
                            disabled=[str(u) for u in doc.get("disabled", [])])
        try:
            return slots, slots.unwrap(username, password, secret)
        except CaseDeskError as exc:
            failure = failure or exc
    raise failure or UnitError(MSG_REFUSED.format(message="the unit sent no key slots"))


def _names_under(username: str, box_key: bytes | None) -> rebuild.MissingName:
    """The vault name of a case's content, for an officer who holds the case's first key (its naming key)."""

    def name(state: Projection, case: str, sha256: str) -> str | None:
        grant = state.grants.get((case, 1, username))
        if box_key is None or grant is None:
            return None
        try:
            first = open_case_key(base64.b64decode(grant.sealed), box_key, case, 1)
        except (CaseKeyError, ValueError):
            return None
        return object_name(vault_naming_key(first), bytes.fromhex(sha256))

    return name


def _fetch(unit: sync.UnitClient, path: str, vault: Path, name: str, decl: dict[str, Any]) -> int:
    """One object into the vault: streamed to a temporary file, its size and address checked, then named."""
    stored = int(decl["stored_size"])
    temp = vault / "tmp" / f"{name}.part"
    parts: list[bytes] = []
    digest, in_part, written = hashlib.sha256(), 0, 0
    with open(temp, "xb") as out:
        for chunk in unit.stream("GET", path):
            view = memoryview(chunk)
            while view:
                take = min(len(view), wire.PART_BYTES - in_part)
                digest.update(view[:take])
                out.write(view[:take])
                in_part += take
                written += take
                view = view[take:]
                if in_part == wire.PART_BYTES:
                    parts.append(digest.digest())
                    digest, in_part = hashlib.sha256(), 0
        if in_part:
            parts.append(digest.digest())
        out.flush()
        os.fsync(out.fileno())
    if written != stored:
        raise UnitError(MSG_OBJECT.format(name=name, detail=f"{written} bytes, not the {stored} it declared"))
    if wire.object_address(parts) != decl["address"]:
        raise UnitError(MSG_OBJECT.format(name=name, detail="bytes that do not make its address"))
    folder = vault / name[:2]
    folder.mkdir(exist_ok=True, mode=0o700)
    os.replace(temp, folder / name[2:])
    return written
