"""Evidence test helpers: source files, a signed-in Evidence service, vault paths."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casedesk.evidence.vault import Vault
from casedesk.services.casekeys import current_epoch
from casedesk.services.evidence import Evidence, ExhibitView, IngestMetadata, IngestSummary
from casedesk.store.models import Case, Exhibit, VaultObject
from tests.helpers.store import CASE, PASSWORDS, Store

META = IngestMetadata(description="Dossier handed over by the journalist", seized_from="journalist",
                      location="New Scotland Yard", seal="MPS-SEAL-0001")

# The start of a Windows executable: what an "invoice.pdf" from a phishing e-mail may really be.
PE = (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00"
      + b"\x00" * 64 + b"PE\x00\x00L\x01\x03\x00" + b"\x00" * 200)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def pattern(size: int, seed: int = 1) -> bytes:
    """Deterministic random bytes (distinct per seed)."""
    return random.Random(seed).randbytes(size)


@contextmanager
def evidence_for(store: Store, user: str = "jsmith") -> Iterator[Evidence]:
    session = store.sign_in(user)
    try:
        yield Evidence(session)
    finally:
        session.close()


def ingest(store: Store, *paths: Path, user: str = "jsmith", meta: IngestMetadata = META) -> IngestSummary:
    with evidence_for(store, user) as ev:
        return ev.ingest(CASE, list(paths), meta)


def object_path(store: Store | Evidence, view: ExhibitView) -> Path:
    """The vault file holding ``view``'s content (read from the register)."""
    if isinstance(store, Evidence):
        return _object_path(store, view)
    with evidence_for(store) as ev:
        return _object_path(ev, view)


def _object_path(ev: Evidence, view: ExhibitView) -> Path:
    with ev.s.read() as db:
        ex = db.query(Exhibit).filter_by(reference=view.reference).one()
        obj = db.get(VaultObject, ex.object_id)
        assert obj is not None
        return ev.vault.object_path(obj.name)


def case_vault(ev: Evidence, case: str = CASE) -> Vault:
    """The vault as the signed-in user sees it through the case's current key (names, encryption)."""
    with ev.s.read() as db:
        row = db.query(Case).filter_by(reference=case).one()
        return ev.case_vault(db, row, current_epoch(db, row))


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def start_cli(data_dir: Path, *args: str, user: str = "jsmith") -> subprocess.Popen[str]:
    """``casedesk ARGS`` as a child process that a test can wait for or kill."""
    env = dict(os.environ)
    env["CASEDESK_PASSWORD"] = PASSWORDS[user]
    argv = [sys.executable, "-m", "casedesk.cli.main", "--data-dir", str(data_dir), "--user", user, *args]
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL)


def vault_object_files(root: Path) -> set[str]:
    """Names of the object files in a data directory's vault."""
    vault = root / "vault"
    return {p.parent.name + p.name for p in vault.glob("??/*") if p.is_file()}
