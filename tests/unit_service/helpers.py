"""Installations for the unit service tests: each a real, separately initialised CaseDesk installation."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, text

from casedesk.datadir import DataDir
from casedesk.services import sync
from casedesk.services.cases import Cases
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.installation import Installation
from casedesk.services.session import Session
from casedesk.unit import admin
from tests.helpers.store import CASE, PASSWORDS, Store, build_template


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


__all__ = ["PASSWORDS", "DataDir", "Installation"]
