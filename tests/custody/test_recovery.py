"""Recovery: the OS keyring is destroyed; the recovery key shown at init reopens the installation."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import select

from casedesk.errors import AuthenticationError, KeyringUnavailable, UsageError
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.models import CustodyEntry
from tests.custody.conftest import CaseStore
from tests.helpers.cli import run
from tests.helpers.store import CASE


def _destroy_keyring() -> None:
    Path(PlaintextKeyring().file_path).unlink()
    keyring.set_keyring(PlaintextKeyring())


def test_destroyed_keyring_then_recovery_key_every_exhibit_extracts_with_its_hash(
        cs: CaseStore, _template: tuple[Path, Path, str], tmp_path: Path, capsys: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.security import recovery

    _destroy_keyring()
    with pytest.raises(KeyringUnavailable, match="casedesk recover"):
        cs.store.sign_in("jsmith")
    # A wrong key and a mistyped key are told apart, and neither writes anything.
    with pytest.raises(AuthenticationError, match="does not open this installation"):
        cs.store.installation.recover(recovery.format_key(bytes(32)))
    typo = _template[2].replace(_template[2][0], "A" if _template[2][0] != "A" else "B", 1)
    with pytest.raises(UsageError, match="typing mistake"):
        cs.store.installation.recover(typo)
    assert not Path(PlaintextKeyring().file_path).exists()

    monkeypatch.setenv("CASEDESK_RECOVERY_KEY", _template[2].lower().replace("-", " "))
    r = run(capsys, monkeypatch, cs.store.root, "recover")
    assert r.code == 0, r.err
    assert "sign in as usual" in r.out

    s = cs.store.sign_in("jsmith")
    try:
        assert s.integrity_alerts == []
        with s.read() as db:
            recovered = db.scalars(select(CustodyEntry).where(CustodyEntry.action == "installation.recovered")).all()
        assert [e.actor for e in recovered] == ["jsmith"]
        ev = Evidence(s)
        exhibits = ev.list(CASE)
        assert [e.reference for e in exhibits] == ["JAS/1", "JAS/2"]
        out = tmp_path / "out"
        out.mkdir()
        for e in exhibits:
            path = ev.extract(CASE, e.reference, out / e.reference.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == e.sha256
    finally:
        s.close()
    s = cs.store.sign_in("sgt")  # the recovery is logged once, and the installation verifies
    try:
        report = Custody(s).verify()
        assert report.ok, [p.describe() for p in report.problems]
        with s.read() as db:
            assert len(db.scalars(select(CustodyEntry).where(
                CustodyEntry.action == "installation.recovered")).all()) == 1
    finally:
        s.close()
    # Recovering again onto a keyring that holds the secret changes nothing.
    assert "already holds" in cs.store.installation.recover(_template[2])


def test_recovery_never_replaces_a_different_device_secret(cs: CaseStore, _template: tuple[Path, Path, str],
                                                           tmp_path: Path) -> None:
    """A data directory copied to a machine whose keyring holds another secret under its id is refused."""
    keyring_file = Path(PlaintextKeyring().file_path)
    aside = tmp_path / "keyring.cfg"
    shutil.copy2(keyring_file, aside)
    _destroy_keyring()
    from casedesk.security import device_secret
    from casedesk.security.keyslots import KeySlotFile

    installation_id = KeySlotFile.load(cs.store.datadir.keyslots).installation_id
    device_secret.store_device_secret(installation_id, bytes(range(32)))
    with pytest.raises(KeyringUnavailable, match="different device secret"):
        cs.store.installation.recover(_template[2])


def test_an_installation_without_a_recovery_key_gets_one_from_an_administrator(
        cs: CaseStore, _template: tuple[Path, Path, str], capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installations made before recovery keys existed have no recovery.json: an administrator makes one."""
    from casedesk.security import recovery

    cs.store.datadir.recovery.unlink()  # as made by an older CaseDesk
    r = run(capsys, monkeypatch, cs.store.root, "recovery-key", user="jsmith")
    assert r.code == 5 and "only an administrator may" in r.err
    r = run(capsys, monkeypatch, cs.store.root, "recovery-key", "--json", user="admin")
    assert r.code == 0, r.err
    key = r.json()["recovery_key"]
    r = run(capsys, monkeypatch, cs.store.root, "recovery-key", user="admin")
    assert r.code == 2 and "--replace" in r.err  # never replaced without asking
    _destroy_keyring()
    with pytest.raises(AuthenticationError):  # the key of the template installation is not this one's now
        cs.store.installation.recover(_template[2])
    assert "sign in as usual" in cs.store.installation.recover(key)
    s = cs.store.sign_in("sgt")
    try:
        assert s.integrity_alerts == []
        with s.read() as db:
            made = db.scalars(select(CustodyEntry).where(
                CustodyEntry.action == "installation.recovery_key_created")).one()
        assert made.actor == "admin"
        assert Custody(s).verify().ok
    finally:
        s.close()
    assert len(recovery.parse_key(key)) == 32
