"""A real installation made before the log became the record upgrades, and its existing log verifies.

``tests/fixtures/installation-4f98baa.tar.gz`` is the demo (``casedesk demo``) exactly as CaseDesk wrote it
at commit 4f98baa, the main branch when the issue "The record is the signed log" was filed: schema 0001,
custody entries in encoding version 1, key slots without box keys, vault objects under the store key, no case
keys; its OS keyring is the file keyring of the tests (``xdg/``). ``exhibits.json`` holds each exhibit's
SHA-256 as that version listed it. Made with::

    git worktree add --detach /tmp/old 4f98baa && cd /tmp/old
    XDG_DATA_HOME=/tmp/legacy/xdg PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring \\
        python -m casedesk.cli.main --data-dir /tmp/legacy/data demo

Unlike a store of today's code with rows deleted to look old, its log says exactly what an old log says (no
box key in any key registration, no case key entries), so nothing here is an edit for verify to name.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.datadir import DataDir
from casedesk.errors import CaseContentLocked
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.installation import Installation
from casedesk.services.session import Session
from casedesk.store.models import Exhibit, VaultObject
from tests.conftest import use_file_keyring

FIXTURE = Path(__file__).parent.parent / "fixtures" / "installation-4f98baa.tar.gz"
CASE = "MPS-2026-0417"
PASSWORDS = {"pramsden": "demo-admin-lantern", "hfarrow": "demo-farrow-lantern",
             "dokafor": "demo-okafor-lantern", "amcbride": "demo-mcbride-lantern"}


@pytest.fixture
def old(tmp_path: Path) -> tuple[Installation, dict[str, dict[str, object]]]:
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / "old", filter="data")
    xdg = tmp_path / "xdg"  # the test's own XDG_DATA_HOME (tests/conftest.py): the old keyring goes there
    shutil.copytree(tmp_path / "old" / "xdg", xdg, dirs_exist_ok=True)
    use_file_keyring(xdg)
    exhibits = json.loads((tmp_path / "old" / "exhibits.json").read_text())
    return Installation(DataDir(tmp_path / "old" / "data")), exhibits


def _sign_in(inst: Installation, user: str) -> Session:
    s = inst.sign_in(user, PASSWORDS[user])
    assert s.integrity_alerts == [], s.integrity_alerts
    return s


def _content(s: Session, ref: str) -> bytes:
    with Evidence(s).open_content(CASE, ref) as stream:
        return stream.read()


def test_the_old_demo_upgrades_verifies_and_every_exhibit_still_matches(
        old: tuple[Installation, dict[str, dict[str, object]]], tmp_path: Path) -> None:
    inst, exhibits = old
    # The officer in charge signs in first: schema migrations, the encoding upgrade entry, her box key, and the
    # case's first key (she holds it).
    s = _sign_in(inst, "hfarrow")
    try:
        report = Custody(s).verify(CASE)
        assert report.ok, [p.message for p in report.problems]
        for ref, recorded in sorted(exhibits.items()):
            content = _content(s, ref)
            assert hashlib.sha256(content).hexdigest() == recorded["sha256"], ref
            assert len(content) == recorded["size"], ref
        src = tmp_path / "src" / "after-upgrade.txt"
        src.parent.mkdir()
        src.write_bytes(b"ingested after the upgrade\n")
        meta = IngestMetadata(description="A statement taken after the upgrade", seized_from="the witness",
                              seized_at=None, location="Charing Cross police station", seal="EV-2",
                              producer=None, sensitive=False)
        new_ref = Evidence(s).ingest(CASE, [src], meta).ingested[0].reference
        with s.read() as db:  # nothing was re-encrypted: old objects stay under the store key, new ones not
            epochs = {ref: epoch for ref, epoch in db.execute(
                select(Exhibit.reference, VaultObject.epoch).join(VaultObject, VaultObject.id == Exhibit.object_id))}
        assert {epochs[ref] for ref in exhibits} == {None} and epochs[new_ref] == 1
    finally:
        s.close()

    # The supervisor's first sign-in registers his box key; the key reaches him at the next holder's sign-in.
    sup = _sign_in(inst, "amcbride")
    try:
        with pytest.raises(CaseContentLocked, match="not yet available"):
            _content(sup, new_ref)
    finally:
        sup.close()
    _sign_in(inst, "hfarrow").close()
    sup = _sign_in(inst, "amcbride")
    try:
        assert _content(sup, new_ref) == b"ingested after the upgrade\n"
        assert hashlib.sha256(_content(sup, "HF/1")).hexdigest() == exhibits["HF/1"]["sha256"]
    finally:
        sup.close()

    admin = _sign_in(inst, "pramsden")
    try:
        report = Custody(admin).verify(None)
        assert report.ok, [p.message for p in report.problems]
    finally:
        admin.close()
