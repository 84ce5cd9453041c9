"""Installations for the unit service tests: each a real, separately initialised CaseDesk installation."""

from __future__ import annotations

import base64
import json
import shutil
import ssl
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine, text

from casedesk.custody import checkpoint, encoding, merkle, wire
from casedesk.custody.signing import Signer
from casedesk.services import sync
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.session import Session
from casedesk.unit import admin
from tests.helpers.store import CASE, Store, build_template


def new_installation(root: Path, xdg: Path) -> Store:
    """A new installation (its own id and genesis key): admin, jsmith, bpatel, sgt and case MPS-2026-0417."""
    build_template(root)
    return Store(root, xdg)


def register(engine: Engine, store: Store, label: str) -> tuple[str, str]:
    s = store.sign_in("admin")
    try:
        installation, key = sync.identity(s)
    finally:
        s.close()
    admin.register(engine, installation, key, label, "test-admin")
    return installation, key


def ingest(session: Session, directory: Path, name: str, content: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content)
    Evidence(session).ingest(CASE, [path], IngestMetadata(description=f"file {name}", seized_from="a suspect"))


def note(session: Session, words: str) -> None:
    Cases(session).add_note(CASE, words)


def held(engine: Engine, installation: str) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        return [(int(r[0]), str(r[1])) for r in conn.execute(
            text("SELECT seq, entry_hash FROM entries WHERE installation_id = :i ORDER BY seq"), {"i": installation})]


def local(store: Store) -> list[tuple[int, str]]:
    s = store.sign_in("jsmith")
    try:
        with s.read() as db:
            return [(int(r[0]), str(r[1])) for r in db.connection().exec_driver_sql(
                "SELECT seq, entry_hash FROM custody_entries ORDER BY seq")]
    finally:
        s.close()


def snapshot(store: Store, dest: Path) -> Store:
    """An older copy of everything: data directory and the keyring's file."""
    shutil.copytree(store.root, dest / "data")
    shutil.copytree(store.xdg, dest / "xdg")
    return Store(dest / "data", dest / "xdg")


def restore(copy: Store, store: Store) -> None:
    """Put the older copy back in place of everything (database, key slots, keyring)."""
    shutil.rmtree(store.root)
    shutil.rmtree(store.xdg)
    shutil.copytree(copy.root, store.root)
    shutil.copytree(copy.xdg, store.xdg)



class RawClient:
    """Signed requests as any client could make them (for pushes the real client would never send)."""

    def __init__(self, url: str, ca: Path, installation: str, user: str, signer: Signer) -> None:
        self.url, self.installation, self.user, self.signer = url, installation, user, signer
        self.client = httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(ca)), timeout=60)

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, body: bytes = b"") -> httpx.Response:
        now = int(time.time())
        message = wire.request_message(method, path, self.installation, self.user, now, body)
        headers = {wire.HEADER_INSTALLATION: self.installation, wire.HEADER_USER: self.user,
                   wire.HEADER_KEY: self.signer.public_hex, wire.HEADER_TIME: str(now),
                   wire.HEADER_SIGNATURE: self.signer.sign(message).hex()}
        return self.client.request(method, path, content=body, headers=headers)

    def request_part(self, path: str, data: bytes, declaration: str,
                     signed_declaration: str | None = None) -> httpx.Response:
        """An object part as the client sends one (``signed_declaration``: sign another than the one sent)."""
        now = int(time.time())
        digest = wire.part_sha256(signed_declaration or declaration, data)
        message = wire.signed_message("PUT", path, self.installation, self.user, now, digest)
        headers = {wire.HEADER_INSTALLATION: self.installation, wire.HEADER_USER: self.user,
                   wire.HEADER_KEY: self.signer.public_hex, wire.HEADER_TIME: str(now),
                   wire.HEADER_SIGNATURE: self.signer.sign(message).hex(), wire.HEADER_OBJECT: declaration}
        return self.client.put(path, content=data, headers=headers)

    def push(self, rows: list[tuple[object, ...]], held: int = 0, leaves: list[bytes] | None = None) -> httpx.Response:
        """Push ``rows`` (the log's entries from ``held + 1``) with a checkpoint and proof made from ``leaves``."""
        leaves = leaves if leaves is not None else [bytes.fromhex(str(r[18])) for r in rows]
        size = len(leaves)
        root = merkle.root(leaves)
        text_ = checkpoint.Checkpoint(checkpoint.origin(self.installation), size, root).text()
        note_ = checkpoint.Note(text_, (checkpoint.sign_note(
            text_, checkpoint.log_key_name(self.installation, self.user), self.signer),)).render()
        proof = [] if held == 0 else merkle.consistency_proof(leaves, held)
        body = json.dumps({"entries": [wire.row_to_json(r) for r in rows], "checkpoint": note_,
                           "proof": [base64.b64encode(p).decode() for p in proof]}).encode()
        return self.request("POST", f"/v1/installations/{self.installation}/push", body)


def rows_of(store: Store, user: str = "jsmith") -> tuple[list[tuple[object, ...]], Signer, str]:
    """(every entry as a raw row, the user's signer, installation id)."""
    s = store.sign_in(user)
    try:
        with s.read() as db:
            rows = [tuple(r) for r in db.connection().exec_driver_sql(
                f"SELECT {', '.join(encoding.ROW_COLUMNS)} FROM custody_entries ORDER BY seq")]
        return rows, s.signer, s.installation_id
    finally:
        s.close()


def forged_log(installation_id: str, signer: Signer, admin: str = "admin") -> list[tuple[object, ...]]:
    """A new log's first three entries as `casedesk init` writes them, signed with ``signer``: a fake genesis."""
    rows: list[tuple[object, ...]] = []
    prev = encoding.GENESIS_PREV
    for seq, (action, data) in enumerate((
            ("installation.initialised", {"installation_id": installation_id, "device_bound": True}),
            ("account.created", {"user": admin, "role": "admin", "initials": "AA", "full_name": "Ada Admin"}),
            ("account.key_registered", {"user": admin, "public_key": signer.public_hex})), start=1):
        fields = {"seq": seq, "prev": prev, "time": f"2026-11-24T10:00:0{seq}.000000Z", "tz": "Europe/London",
                  "offset": "+00:00", "actor": admin, "key": signer.public_hex, "action": action, "case": None,
                  "exhibit": None, "reason": None, "location": None, "from": None,
                  "to": admin if seq > 1 else None, "sha256": None, "tool": "CaseDesk 0.1.0", "text": None,
                  "data": data, "version": encoding.VERSION, "commit": None}
        digest, _ = encoding.hash_fields(fields)
        sig = signer.sign(encoding.signing_message(digest)).hex()
        rows.append((*(fields[name] if name != "data" else encoding.canonical_json(data)
                       for name, _ in encoding.FIELDS), digest, sig, encoding.VERSION, None))
        prev = digest
    return rows
