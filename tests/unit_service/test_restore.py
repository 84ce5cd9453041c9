"""A laptop wiped (data directory and keyring) and restored from the unit: same installation, log, evidence."""

from __future__ import annotations

import hashlib
import json
import shutil
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import Engine

from casedesk.custody import wire
from casedesk.datadir import DataDir
from casedesk.errors import AuthenticationError, IntegrityError, UnitError, UsageError
from casedesk.security import recovery
from casedesk.services import sync
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.services.restore import restore
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, PASSWORDS, Store, build_template
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import RawClient, held, ingest, local, note, register, rows_of, snapshot
from tests.unit_service.helpers import restore as restore_copy

BIG = 9 * 1024 * 1024 + 777


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def wipe(store: Store) -> None:
    """The laptop is lost: its data directory and its OS keyring with it."""
    shutil.rmtree(store.root)
    shutil.rmtree(store.xdg)
    store.xdg.mkdir()


def laptop_with_evidence(engine: Engine, tmp_path: Path) -> tuple[Store, str, str, dict[str, str]]:
    """(store, installation id, recovery key, exhibit -> SHA-256), synced with the unit."""
    store = Store(tmp_path / "laptop", tmp_path / "xdg")
    key = build_template(store.root)
    installation, _ = register(engine, store, "DC Smith laptop, later lost")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.bin", hashlib.sha256(b"phone").digest() * (BIG // 32))
        ingest(s, tmp_path / "in2", "statement.txt", "a witness statement, with an accent: é".encode())
        note(s, "the phone was found under the seat")
        Cases(s).set_summary(CASE, "Two exhibits seized at the scene.")
        exhibits = {e.reference: e.sha256 for e in Evidence(s).list(CASE)}
    finally:
        s.close()
    return store, installation, key, exhibits


def test_a_wiped_laptop_is_restored_from_the_unit_and_every_exhibit_verifies(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, key, exhibits = laptop_with_evidence(engine, tmp_path)
    s = store.sign_in("jsmith")
    try:
        synced = sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    before = local(store)[: held_size(engine, installation)]
    wipe(store)

    new = Store(tmp_path / "replacement", store.xdg)
    result = restore(new.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)
    assert result.installation_id == installation and result.missing == ()
    assert result.objects == 2 and result.entries == len(before) >= synced.tree_size
    assert set(result.accounts) == {"admin", "jsmith", "bpatel", "sgt"}
    # The officer signs in with the password they always had; nothing is out of step with the log.
    s = new.sign_in("jsmith")
    try:
        assert s.installation_id == installation
        assert s.integrity_alerts == []
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        out = tmp_path / "out"
        out.mkdir()
        for ref, sha in exhibits.items():
            path = Evidence(s).extract(CASE, ref, out / ref.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        notes = [n.text for n in Cases(s).notes(CASE)]
        assert "the phone was found under the seat" in notes
        # The restored laptop goes on syncing as itself: the unit's log is a prefix of its own.
        again = sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert local(new)[: len(before)] == before
    assert held(engine, installation) == local(new)[: again.tree_size]
    # Every other account is back too, each with its own password.
    s = new.sign_in("sgt")
    s.close()


def held_size(engine: Engine, installation: str) -> int:
    return len(held(engine, installation))


def test_a_restore_needs_the_recovery_key_and_the_officers_password(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, key, _ = laptop_with_evidence(engine, tmp_path)
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    wipe(store)
    target = DataDir(tmp_path / "replacement")
    other = recovery.format_key(recovery.new_key())
    with pytest.raises(Exception) as caught:
        restore(target, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], other)
    assert "recovery key" in str(caught.value)
    with pytest.raises(AuthenticationError) as wrong:
        restore(target, unit.service.url, unit.tls.ca, installation, "jsmith", "not her password", key)
    assert str(wrong.value) == "wrong password for jsmith"
    assert not target.keyslots.exists() and not target.database.exists()
    # The key slots are not handed to anyone who cannot show they opened the recovery file.
    with httpx.Client(base_url=unit.service.url, verify=ssl.create_default_context(cafile=str(unit.tls.ca))) as client:
        answer = client.get(f"/v1/installations/{installation}/keyslots",
                            headers={wire.HEADER_ESCROW_TOKEN: "0" * 64})
    assert answer.status_code == 403
    assert answer.json()["error"] == (f"the recovery key does not open the recovery file the unit holds for "
                                      f"installation {installation}: check the recovery key")
    # Nothing is ever written over an installation.
    holder = Store(tmp_path / "holder", tmp_path / "xdg2")
    build_template(holder.root)
    with pytest.raises(UsageError):
        restore(holder.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)


def test_casedesk_restore_from_the_command_line(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, key, _ = laptop_with_evidence(engine, tmp_path)
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    status = casedesk("unit", "status", "--database", unit.url_db).stdout
    mine = status[status.index(installation):].split("\n")
    assert mine[2].startswith("  evidence: 2 object(s), 9.0 MiB (encrypted); key slots in escrow since ")
    wipe(store)
    env = {"CASEDESK_PASSWORD": PASSWORDS["jsmith"], "CASEDESK_RECOVERY_KEY": key,
           "XDG_DATA_HOME": str(store.xdg)}
    out = casedesk("--data-dir", str(tmp_path / "replacement"), "--user", "jsmith", "restore", "--unit",
                   unit.service.url, "--ca", str(unit.tls.ca), "--installation", installation, env=env)
    assert f"Installation {installation} restored from casedesk.unit.test" in out.stdout
    verified = casedesk("--data-dir", str(tmp_path / "replacement"), "--user", "jsmith", "verify", env=env,
                        check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_the_unit_refuses_to_restore_an_installation_it_holds_no_key_slots_of(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(UnitError) as caught:
        restore(DataDir(tmp_path / "replacement"), unit.service.url, unit.tls.ca,
                "00000000-0000-4000-8000-000000000000", "jsmith", PASSWORDS["jsmith"],
                recovery.format_key(recovery.new_key()))
    assert str(caught.value) == (
        "the unit refused the restore: the unit holds no key slots of installation 00000000-0000-4000-8000-000000000000: "
        "it was never synced by a device-bound installation of this version, so it cannot be restored from the unit")


def test_a_laptop_caught_rolled_back_gets_the_entries_only_the_unit_held_back(
        unit: Unit, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, installation, key, _ = laptop_with_evidence(engine, tmp_path)
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    old = snapshot(store, tmp_path / "old")
    s = store.sign_in("jsmith")
    try:
        note(s, "written after the copy was taken")
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    unit_log = held(engine, installation)
    restore_copy(old, store)  # everything from the older copy: the next sync finds it out
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(IntegrityError):
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    # The way out: the installation restored from the unit onto another computer (its own, empty keyring); the
    # rolled-back copy stays as it is.
    new = Store(tmp_path / "restored", tmp_path / "xdg-new")
    new.xdg.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(new.xdg))
    keyring.set_keyring(PlaintextKeyring())
    restore(new.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)
    assert local(new)[: len(unit_log)] == unit_log
    s = new.sign_in("jsmith")
    try:
        assert s.integrity_alerts == []
        assert "written after the copy was taken" in [n.text for n in Cases(s).notes(CASE)]
        assert Custody(s).verify().ok
    finally:
        s.close()


def test_what_a_restore_reads_is_given_only_to_an_enabled_account_of_that_installation(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, _, _ = laptop_with_evidence(engine, tmp_path)
    other = Store(tmp_path / "other", tmp_path / "xdg")
    build_template(other.root)
    register(engine, other, "another officer's laptop")
    for laptop in (store, other):
        s = laptop.sign_in("jsmith")
        try:
            sync.sync(s, unit.service.url, unit.tls.ca)
        finally:
            s.close()
    _, stranger, _ = rows_of(other)  # the same user name on another installation: another key
    _, own, _ = rows_of(store, "bpatel")
    s = store.sign_in("admin")
    try:
        Accounts(s).disable("bpatel")
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    for user, signer in (("jsmith", stranger), ("bpatel", own)):
        client = RawClient(unit.service.url, unit.tls.ca, installation, user, signer)
        try:
            for path in (f"/v1/installations/{installation}/entries/0", f"/v1/installations/{installation}/objects",
                         f"/v1/installations/{installation}/objects/{'ab' * 32}"):
                answer = client.request("GET", path)
                assert answer.status_code == 403, (user, path, answer.text)
                assert answer.json()["error"].startswith(f"{user} with key {signer.public_hex[:16]}... is not an "
                                                         f"account of installation {installation}")
        finally:
            client.close()


def test_an_exhibit_whose_content_never_reached_the_unit_is_restored_as_missing_and_verify_says_so(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, key, _ = laptop_with_evidence(engine, tmp_path)
    small = min((p for p in (store.root / "vault").glob("??/*") if p.is_file()), key=lambda p: p.stat().st_size)
    small.rename(tmp_path / "away")  # gone from the laptop before it ever synced it
    s = store.sign_in("jsmith")
    try:
        assert len(sync.sync(s, unit.service.url, unit.tls.ca).objects_unsent) == 1
        statement = next(e.reference for e in Evidence(s).list(CASE) if e.original_name == "statement.txt")
    finally:
        s.close()
    wipe(store)
    new = Store(tmp_path / "replacement", store.xdg)
    result = restore(new.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)
    assert result.missing == (f"{CASE} {statement}",)
    s = new.sign_in("jsmith")
    try:
        report = Custody(s).verify()
    finally:
        s.close()
    assert not report.ok
    assert [(p.exhibit, p.message) for p in report.problems] == [
        (statement, "the encrypted object is missing from the vault")], report.problems


def test_copies_an_insider_sent_to_deny_a_restore_are_passed_over(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store, installation, key, exhibits = laptop_with_evidence(engine, tmp_path)
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
        secret, signer = s.device_secret, s.signer
    finally:
        s.close()
    assert secret is not None
    # Someone who can sign in on the laptop sends a recovery file that no one's recovery key opens, and key
    # slots (with the right token: they hold the device secret) from which the officer's slot is gone.
    recovery.write(tmp_path / "bogus.json", installation, bytes(32), recovery.new_key())
    slots = json.loads((store.root / "keyslots.json").read_text())
    for name in ("custody_head", "checksum"):
        slots.pop(name)
    del slots["slots"]["jsmith"]
    body = json.dumps({"token": wire.escrow_token(secret, installation), "keyslots": slots,
                       "recovery": json.loads((tmp_path / "bogus.json").read_text())}).encode()
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        answer = client.request("PUT", f"/v1/installations/{installation}/escrow", body)
    finally:
        client.close()
    assert answer.status_code == 200 and answer.json() == {"stored": True}
    wipe(store)
    new = Store(tmp_path / "replacement", store.xdg)
    result = restore(new.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)
    assert result.objects == len(exhibits)
    s = new.sign_in("jsmith")
    try:
        assert Custody(s).verify().ok
    finally:
        s.close()
