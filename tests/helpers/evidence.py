"""Evidence test helpers: source files, a signed-in Evidence service, vault paths."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from casedesk.services.evidence import Evidence, ExhibitView, IngestMetadata, IngestSummary
from casedesk.store.models import Exhibit, VaultObject
from tests.helpers.store import CASE, Store

META = IngestMetadata(description="Dossier handed over by the journalist", seized_from="journalist",
                      location="New Scotland Yard", seal="MPS-SEAL-0001")


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


def object_path(store: Store, view: ExhibitView) -> Path:
    """The vault file holding ``view``'s content (read from the register)."""
    with evidence_for(store) as ev, ev.s.read() as db:
        ex = db.query(Exhibit).filter_by(reference=view.reference).one()
        obj = db.get(VaultObject, ex.object_id)
        assert obj is not None
        return ev.vault.object_path(obj.name)


def all_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]
