"""Legacy vault objects (under the store key) re-encrypted under their case's key, on the real old installation.

The fixture is ``tests/fixtures/installation-4f98baa.tar.gz`` (see ``test_upgrade_real_installation``): every
exhibit's object there was written before case keys, so any key slot's store key opens it. After
``casedesk case reencrypt-legacy`` by a key holder, none does.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from casedesk.datadir import DataDir
from casedesk.errors import IntegrityError
from casedesk.evidence.vault import CHUNK_SIZE, Pending, Vault
from casedesk.security.keys import StoreKeys
from casedesk.services import legacyvault
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.installation import Installation
from casedesk.services.legacyvault import LegacyVault
from casedesk.store.models import Case, CustodyEntry, Exhibit, VaultObject
from tests.conftest import use_file_keyring
from tests.evidence.test_objectformat import independent_decrypt
from tests.helpers.cli import run
from tests.helpers.custody import attacker
from tests.helpers.store import Store
from tests.store.test_upgrade_real_installation import CASE, FIXTURE, PASSWORDS, _sign_in

Old = tuple[Installation, dict[str, dict[str, object]]]


@pytest.fixture
def old(tmp_path: Path) -> Old:
    """The old installation unpacked, its keyring in the test's own XDG_DATA_HOME (as the upgrade test does)."""
    with tarfile.open(FIXTURE) as tar:
        tar.extractall(tmp_path / "old", filter="data")
    shutil.copytree(tmp_path / "old" / "xdg", tmp_path / "xdg", dirs_exist_ok=True)
    use_file_keyring(tmp_path / "xdg")
    exhibits = json.loads((tmp_path / "old" / "exhibits.json").read_text())
    return Installation(DataDir(tmp_path / "old" / "data")), exhibits


def _attacker_key(inst: Installation) -> bytes:
    """An administrator's own key slot yields the store key; docs/vault-format.md gives the legacy K_enc."""
    admin = _sign_in(inst, "pramsden")
    try:
        store_key = admin.slot_secrets_for(admin.signer).store_key
    finally:
        admin.close()
    return HKDF(SHA256(), 32, None, b"casedesk/v1/vault-encryption").derive(store_key)


def _case_objects(inst: Installation) -> dict[str, tuple[str, int | None]]:
    """Exhibit reference -> (object name, epoch) for the demo case."""
    s = _sign_in(inst, "hfarrow")
    try:
        with s.read() as db:
            case_id = db.scalar(select(Case.id).where(Case.reference == CASE))
            return {ref: (name, epoch) for ref, name, epoch in db.execute(
                select(Exhibit.reference, VaultObject.name, VaultObject.epoch)
                .join(VaultObject, VaultObject.id == Exhibit.object_id).where(Exhibit.case_id == case_id))}
    finally:
        s.close()


def _object_file(inst: Installation, name: str) -> Path:
    return inst.datadir.vault / name[:2] / name[2:]


def _opens(blob: bytes, key: bytes) -> bool:
    try:
        independent_decrypt(blob, key)
    except InvalidTag:
        return False
    return True


def _entries(inst: Installation) -> list[dict[str, object]]:
    s = _sign_in(inst, "hfarrow")
    try:
        with s.read() as db:
            return [{"sha256": e.sha256, **json.loads(e.data)} for e in db.scalars(
                select(CustodyEntry).where(CustodyEntry.action == legacyvault.ACTION).order_by(CustodyEntry.seq))]
    finally:
        s.close()


def _vault_files(inst: Installation) -> dict[str, bytes]:
    root = inst.datadir.vault
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
            and p.name != ".ingest.lock"}


def test_a_holder_reencrypts_the_legacy_objects_and_the_store_key_opens_none(
        old: Old, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    inst, exhibits = old
    key = _attacker_key(inst)  # the first sign-ins upgrade the store (schema, box keys, the case's first key)
    before = _case_objects(inst)
    assert {epoch for _, epoch in before.values()} == {None}
    legacy = {name for name, _ in before.values()}
    # The attacker's key really is the one that opens legacy objects: every one of them, before.
    assert all(_opens(_object_file(inst, name).read_bytes(), key) for name in legacy)

    # A detective who is not on the case is refused, and nothing changes.
    admin = _sign_in(inst, "pramsden")
    try:
        Accounts(admin).add("bnew", "detective", "Bea New", "BN", "outsider-password-1")
    finally:
        admin.close()
    refused = run(capsys, monkeypatch, inst.datadir.root, "case", "reencrypt-legacy", CASE,
                  user="bnew", password="outsider-password-1")
    assert refused.code == 5, refused.err
    assert _case_objects(inst) == before

    done = run(capsys, monkeypatch, inst.datadir.root, "case", "reencrypt-legacy", CASE,
               user="hfarrow", password=PASSWORDS["hfarrow"])
    assert done.code == 0, done.err
    assert f"Re-encrypted {len(legacy)} legacy object(s) of case {CASE}" in done.out

    after = _case_objects(inst)
    assert {epoch for _, epoch in after.values()} == {1}
    for ref, (name, _) in after.items():
        blob = _object_file(inst, name).read_bytes()
        assert not _opens(blob, key), f"{ref}: the store key still opens its object"
    for name in legacy:  # the old files are gone (no other case used them)
        assert not _object_file(inst, name).exists()
    entries = _entries(inst)
    assert sorted(str(e["old_object"]) for e in entries) == sorted(legacy)
    assert {str(e["new_object"]) for e in entries} == {name for name, _ in after.values()}
    assert all(e["epoch"] == 1 for e in entries)

    s = _sign_in(inst, "hfarrow")
    try:
        for ref, recorded in sorted(exhibits.items()):
            out = Evidence(s).extract(CASE, ref, tmp_path / ref.replace("/", "-"))
            assert hashlib.sha256(out.read_bytes()).hexdigest() == recorded["sha256"], ref
        report = Custody(s).verify(CASE)
        assert report.ok, [p.message for p in report.problems]
        assert LegacyVault(s).reencrypt(CASE).objects == ()  # a second run has nothing to do
    finally:
        s.close()
    verified = run(capsys, monkeypatch, inst.datadir.root, "verify", user="pramsden", password=PASSWORDS["pramsden"])
    assert verified.code == 0, verified.out + verified.err

    # The supervisor (a key holder too: sealed to him at the officer's next sign-in) reads them.
    _sign_in(inst, "amcbride").close()
    _sign_in(inst, "hfarrow").close()
    sup = _sign_in(inst, "amcbride")
    try:
        with Evidence(sup).open_content(CASE, "HF/1") as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == exhibits["HF/1"]["sha256"]
    finally:
        sup.close()


def test_content_that_does_not_match_the_register_is_refused_and_nothing_changes(old: Old) -> None:
    inst, _ = old
    objects = _case_objects(inst)
    (a, _), (b, _) = objects["HF/1"], objects["HF/2"]
    # An object swapped for another valid legacy object: it decrypts, but to other content.
    _object_file(inst, a).chmod(0o600)
    _object_file(inst, a).write_bytes(_object_file(inst, b).read_bytes())
    files = _vault_files(inst)
    s = _sign_in(inst, "hfarrow")
    try:
        with pytest.raises(IntegrityError, match=r"exhibit\(s\) HF/1 \(size, sha256 differ\)") as err:
            LegacyVault(s).reencrypt(CASE)
        assert "nothing was re-encrypted" in str(err.value)
    finally:
        s.close()
    assert _case_objects(inst) == objects
    assert _entries(inst) == []
    assert _vault_files(inst) == files  # no new object, no temporary file, the old ones untouched


def test_a_crash_after_the_commit_leaves_a_legacy_file_the_next_sign_in_removes(
        old: Old, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    inst, exhibits = old
    key = _attacker_key(inst)
    legacy = {name for name, _ in _case_objects(inst).values()}

    def crash(path: Path) -> bool:
        raise KeyboardInterrupt  # the process dies between the commit and the removal of the old files

    s = _sign_in(inst, "hfarrow")
    try:
        with monkeypatch.context() as m:
            m.setattr(legacyvault, "_remove_file", crash)
            with pytest.raises(KeyboardInterrupt):
                LegacyVault(s).reencrypt(CASE)
    finally:
        s.close()
    # Before anyone signs in again: the old files are still there, readable with the store key (the gap).
    left = [name for name in legacy if _object_file(inst, name).exists()]
    assert sorted(left) == sorted(legacy)
    assert all(_opens(_object_file(inst, n).read_bytes(), key) for n in left)

    # The next command (its sign-in) removes them; verify passes.
    verified = run(capsys, monkeypatch, inst.datadir.root, "verify", CASE,
                   user="hfarrow", password=PASSWORDS["hfarrow"])
    assert verified.code == 0, verified.out + verified.err
    assert not any(_object_file(inst, name).exists() for name in legacy)
    after = _case_objects(inst)
    assert {epoch for _, epoch in after.values()} == {1}  # the commit stood
    assert len(_entries(inst)) == len(legacy) and len(after) == len(exhibits)


def test_an_exhibit_pointed_back_at_its_saved_legacy_object_is_named_by_verify(
        old: Old, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """An insider keeps a copy of a legacy object before the upgrade, then puts it back with SQL after it: the object
    is genuine (it decrypts, with the register's hash) and readable with the store key again; verify names it."""
    inst, _ = old
    admin = _sign_in(inst, "pramsden")
    try:
        database_key = StoreKeys.derive(admin.slot_secrets_for(admin.signer).store_key).database
    finally:
        admin.close()
    name, _ = _case_objects(inst)["HF/1"]
    saved = _object_file(inst, name).read_bytes()
    s = _sign_in(inst, "hfarrow")
    try:
        LegacyVault(s).reencrypt(CASE)
    finally:
        s.close()
    path = _object_file(inst, name)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(saved)
    with attacker(cast(Store, SimpleNamespace(datadir=inst.datadir)), database_key) as db:
        db.execute("INSERT INTO vault_objects (name, size, sha256, created_at, case_id, epoch) "
                   "SELECT ?, size, sha256, created_at, NULL, NULL FROM vault_objects "
                   "WHERE id = (SELECT object_id FROM exhibits WHERE reference = 'HF/1')", (name,))
        db.execute("UPDATE exhibits SET object_id = (SELECT id FROM vault_objects WHERE name = ?) "
                   "WHERE reference = 'HF/1'", (name,))
    r = run(capsys, monkeypatch, inst.datadir.root, "verify", "--json", CASE,
            user="hfarrow", password=PASSWORDS["hfarrow"])
    assert r.code == 7, r.out + r.err
    texts = [p.get("text") or p.get("message") for p in r.json()["problems"]]
    wanted = f"the register points the exhibit at vault object {name[:12]}... (legacy) but the custody log"
    assert any(wanted in str(t) for t in texts), texts
    s = inst.sign_in("hfarrow", PASSWORDS["hfarrow"])  # the sign-in check raises the alert too
    try:
        assert len(s.integrity_alerts) == 1 and "exhibit MPS-2026-0417 HF/1: " + wanted in s.integrity_alerts[0]
    finally:
        s.close()


@pytest.mark.parametrize("size", [2 * CHUNK_SIZE, 5 * CHUNK_SIZE + 3])
def test_a_large_legacy_object_is_reencrypted_chunk_by_chunk(old: Old, tmp_path: Path, size: int) -> None:
    """Several chunks: an empty final chunk (a multiple of the chunk size), and above 4 MiB (direct I/O, hashing
    on threads). The demo's objects are all small, so this one is made legacy as CaseDesk before 0003 wrote it:
    under the store key's subkeys, named with the store naming key (an insider's edit of vault_objects only)."""
    inst, _ = old
    content = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    src = tmp_path / "disk-image.bin"
    src.write_bytes(content)
    s = _sign_in(inst, "hfarrow")
    try:
        ref = Evidence(s).ingest(CASE, [src], IngestMetadata(description="A disk image")).ingested[0].reference
        store_vault = Vault(inst.datadir.vault, s.keys.vault_encryption, s.keys.vault_naming)
        database_key = s.keys.database
    finally:
        s.close()
    digest = hashlib.sha256(content).digest()
    legacy_name = store_vault.name_for(digest)
    temp = store_vault.new_temp()
    for i in range(0, size + 1, CHUNK_SIZE):
        piece = content[i: i + CHUNK_SIZE]
        temp.write(piece, len(piece) < CHUNK_SIZE)
    temp.close()
    store_vault.publish([Pending(temp.path, legacy_name, size)]).unlink()
    with attacker(cast(Store, SimpleNamespace(datadir=inst.datadir)), database_key) as db:
        db.execute("UPDATE vault_objects SET name = ?, case_id = NULL, epoch = NULL WHERE sha256 = ?",
                   (legacy_name, digest.hex()))
        # As an installation from before 0003 had it: no register seal either (docs/register-digest.md), so the
        # next sign-in replays the log in full (the row is as the log allows) and seals it, instead of alerting.
        db.execute("DELETE FROM casedesk_meta WHERE key = 'register_seal'")
    key = _attacker_key(inst)
    assert _opens(_object_file(inst, legacy_name).read_bytes(), key)

    s = _sign_in(inst, "hfarrow")
    try:
        report = LegacyVault(s).reencrypt(CASE)
        assert ref in {r for o in report.objects for r in o.exhibits}
        out = Evidence(s).extract(CASE, ref, tmp_path / "out.bin")
        assert out.read_bytes() == content
        verified = Custody(s).verify(CASE)
        assert verified.ok, [p.message for p in verified.problems]
    finally:
        s.close()
    name, epoch = _case_objects(inst)[ref]
    assert epoch == 1 and not _object_file(inst, legacy_name).exists()
    assert not _opens(_object_file(inst, name).read_bytes(), key)
