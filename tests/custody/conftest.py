"""A case with moved exhibits, built once per run and copied for each custody test."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from casedesk.logsetup import remove_file_logs
from casedesk.services.custody import Custody
from tests.conftest import use_file_keyring
from tests.helpers.custody import db_key
from tests.helpers.custody import ingest as ingest_files
from tests.helpers.store import CASE, Store, copy_store


@dataclass
class CaseStore:
    """The store, its database key (the attacker's), and the entry numbers of the moves made."""

    store: Store
    key: bytes
    seqs: dict[str, int]


def _build(root: Path, xdg: Path) -> tuple[bytes, dict[str, int]]:
    store = Store(root, xdg)
    refs = ingest_files(store, "jsmith", {"dossier.txt": b"customer records\n" * 40, "photo.jpg": b"\xff\xd8jpeg"})
    assert refs == ["JAS/1", "JAS/2"]
    s = store.sign_in("jsmith")
    try:
        c = Custody(s)
        seqs = {
            "transfer JAS/1": c.transfer(CASE, "JAS/1", "Property store, Charing Cross, locker 14",
                                         "sealed bag booked in").seq,
            "checkout JAS/2": c.check_out(CASE, "JAS/2", "Forensic lab, Lambeth", "image the card").seq,
            "return JAS/2": c.return_(CASE, "JAS/2", "examination complete, seal intact").seq,
        }
        seqs["ingest JAS/1"] = c.log(CASE, "JAS/1", "exhibit.ingested")[0].seq
    finally:
        s.close()
    return db_key(store), seqs


@pytest.fixture(scope="session")
def _case_template(_template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
                   ) -> tuple[Path, Path, bytes, dict[str, int]]:
    base = tmp_path_factory.mktemp("custody-template")
    copy_store(_template[0], _template[1], base / "data", base / "xdg")
    old = os.environ.get("XDG_DATA_HOME")
    use_file_keyring(base / "xdg")
    try:
        key, seqs = _build(base / "data", base / "xdg")
    finally:
        remove_file_logs()
        if old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = old
    return base / "data", base / "xdg", key, seqs


@pytest.fixture
def cs(_case_template: tuple[Path, Path, bytes, dict[str, int]], tmp_path: Path) -> CaseStore:
    root, xdg, key, seqs = _case_template
    return CaseStore(copy_store(root, xdg, tmp_path / "store", tmp_path / "xdg"), key, dict(seqs))
