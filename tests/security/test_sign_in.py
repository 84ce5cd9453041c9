"""Signing in: wrong password, lockout, disabled accounts, a stolen data dir, damaged files."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import select

from casedesk.errors import AuthenticationError, KeyringUnavailable, KeySlotError, StoreError
from casedesk.security.auth_ledger import MAX_FAILURES
from casedesk.security.keyslots import DEFAULT_KDF, OWASP_MIN_MEMORY_KIB, KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.installation import Installation
from casedesk.store.models import CustodyEntry
from tests.helpers.store import PASSWORDS, Store


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "casedesk.log" and p.name != "auth.json"
    }


def test_sign_in_records_a_login_entry(store: Store) -> None:
    s = store.sign_in("jsmith")
    with s.read() as db:
        last = db.scalars(select(CustodyEntry).order_by(CustodyEntry.seq.desc())).first()
    assert last is not None and last.action == "account.login" and last.actor == "jsmith"
    s.close()


def test_wrong_password_is_refused_and_changes_nothing_in_the_store(store: Store) -> None:
    before = _tree_digest(store.root)
    with pytest.raises(AuthenticationError, match="wrong password for jsmith"):
        store.installation.sign_in("jsmith", "not-the-password")
    assert _tree_digest(store.root) == before


def test_unknown_user_is_refused_in_the_words_of_a_wrong_password(store: Store) -> None:
    """The prompt does not tell which accounts exist: an unknown name reads like a wrong password."""
    with pytest.raises(AuthenticationError) as unknown:
        store.installation.sign_in("nobody", "whatever-password")
    with pytest.raises(AuthenticationError) as wrong:
        store.installation.sign_in("bpatel", "whatever-password")
    assert str(unknown.value) == "wrong password for nobody (4 attempts left before the account locks)"
    assert str(wrong.value) == "wrong password for bpatel (4 attempts left before the account locks)"


def test_unknown_user_costs_the_kdf_of_a_wrong_password(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown name must not answer faster than a wrong password (which runs Argon2id): the unknown-user path
    runs the same KDF with a slot's own parameters, and says the same words. (What is asserted is the work done,
    not the time taken.)"""
    import casedesk.security.keyslots as keyslots

    calls: list[tuple[str, int, int, int]] = []
    real = keyslots.hash_secret_raw

    def counted(secret: bytes, salt: bytes, **params: int) -> bytes:
        calls.append((secret.decode(), params["time_cost"], params["memory_cost"], params["parallelism"]))
        return real(secret, salt, **params)

    monkeypatch.setattr(keyslots, "hash_secret_raw", counted)
    with pytest.raises(AuthenticationError) as unknown:
        store.installation.sign_in("nobody", "whatever-password")
    unknown_calls, calls[:] = list(calls), []
    with pytest.raises(AuthenticationError) as wrong:
        store.installation.sign_in("bpatel", "whatever-password")
    assert len(unknown_calls) == 1 and unknown_calls == calls  # one KDF each, same password, same parameters
    kdf = KeySlotFile.load(store.datadir.keyslots).slots["bpatel"]["kdf"]
    assert calls[0][1:] == (kdf["time_cost"], kdf["memory_cost"], kdf["parallelism"])
    assert str(unknown.value).replace("nobody", "USER") == str(wrong.value).replace("bpatel", "USER")


def test_five_failures_lock_the_account_even_with_the_right_password(store: Store) -> None:
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationError, match="attempt"):
            store.installation.sign_in("jsmith", "wrong-password-xx")
    with pytest.raises(AuthenticationError, match="now locked"):
        store.installation.sign_in("jsmith", "wrong-password-xx")
    with pytest.raises(AuthenticationError, match="locked"):
        store.sign_in("jsmith")
    # Other accounts are unaffected, and the failures reach the custody log at the next sign-in.
    s = store.sign_in("sgt")
    with s.read() as db:
        failed = db.scalars(select(CustodyEntry).where(CustodyEntry.action == "account.login_failed")).all()
    assert len(failed) == MAX_FAILURES and all(e.to_party == "jsmith" for e in failed)
    s.close()


def test_admin_reset_unlocks_and_gives_a_new_signing_key(store: Store) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthenticationError):
            store.installation.sign_in("jsmith", "wrong-password-xx")
    admin = store.sign_in("admin")
    old_key = KeySlotFile.load(store.datadir.keyslots).slots["jsmith"]["ciphertext"]
    Accounts(admin).reset_password("jsmith", "a-brand-new-password")
    admin.close()
    assert KeySlotFile.load(store.datadir.keyslots).slots["jsmith"]["ciphertext"] != old_key
    s = store.installation.sign_in("jsmith", "a-brand-new-password")
    assert s.signer.public_hex
    s.close()


def test_disabled_account_cannot_sign_in(store: Store) -> None:
    admin = store.sign_in("admin")
    Accounts(admin).disable("bpatel")
    admin.close()
    with pytest.raises(AuthenticationError, match="disabled"):
        store.sign_in("bpatel")
    assert "bpatel" not in KeySlotFile.load(store.datadir.keyslots).slots


def test_change_password_rewraps_the_slot(store: Store) -> None:
    s = store.sign_in("jsmith")
    Accounts(s).change_password(PASSWORDS["jsmith"], "new-detective-pass")
    s.close()
    with pytest.raises(AuthenticationError):
        store.sign_in("jsmith")
    store.installation.sign_in("jsmith", "new-detective-pass").close()


def test_stolen_data_dir_cannot_be_opened_without_the_keyring_secret(store: Store, tmp_path: Path) -> None:
    stolen = tmp_path / "stolen"
    shutil.copytree(store.root, stolen)
    other = tmp_path / "other-machine"
    other.mkdir()
    os.environ["XDG_DATA_HOME"] = str(other)
    keyring.set_keyring(PlaintextKeyring())
    from casedesk.datadir import DataDir

    with pytest.raises(KeyringUnavailable, match="keyring"):
        Installation(DataDir(stolen)).sign_in("jsmith", PASSWORDS["jsmith"])


def test_password_only_installation_when_no_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backends import fail

    from casedesk.datadir import DataDir

    keyring.set_keyring(fail.Keyring())
    inst = Installation(DataDir(tmp_path / "nokr"))
    result = inst.initialise("admin", "no-keyring-password", "Ada Admin", "AA")
    assert not result.device_bound
    assert any("No OS keyring" in n for n in result.notices)
    s = inst.sign_in("admin", "no-keyring-password")
    assert any("No OS keyring" in n for n in s.notices)
    s.close()


def test_damaged_key_slots_file_is_reported_as_damaged(store: Store) -> None:
    path = store.datadir.keyslots
    data = bytearray(path.read_bytes())
    i = data.index(b'"ciphertext": "') + 20
    data[i] = ord("A") if data[i] != ord("A") else ord("B")
    path.write_bytes(bytes(data))
    before = _tree_digest(store.root)
    with pytest.raises(KeySlotError, match="damaged"):
        store.sign_in("jsmith")
    assert _tree_digest(store.root) == before


def test_missing_key_slots_file(store: Store) -> None:
    store.datadir.keyslots.unlink()
    with pytest.raises(KeySlotError, match="missing"):
        store.sign_in("jsmith")


def test_a_database_that_is_not_a_casedesk_store(store: Store) -> None:
    store.datadir.database.write_bytes(os.urandom(8192))
    for suffix in ("-wal", "-shm"):
        p = store.datadir.database.with_name("casedesk.db" + suffix)
        if p.exists():
            p.unlink()
    with pytest.raises(StoreError, match="not a CaseDesk store"):
        store.sign_in("jsmith")


def test_kdf_parameters_meet_owasp_guidance(store: Store) -> None:
    assert DEFAULT_KDF["memory_cost"] >= OWASP_MIN_MEMORY_KIB
    for slot in KeySlotFile.load(store.datadir.keyslots).slots.values():
        kdf = slot["kdf"]
        assert kdf["name"] == "argon2id"
        assert kdf["memory_cost"] >= 19456 and kdf["time_cost"] >= 2
        assert kdf["memory_cost"] >= 47104 or kdf["time_cost"] >= 2


def test_unwritable_data_dir_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    from casedesk.datadir import DataDir

    # /proc refuses new files even to root, unlike a chmod-ed directory.
    with pytest.raises(StoreError, match="cannot write to data directory"):
        Installation(DataDir(Path("/proc/casedesk-test/data"))).initialise(
            "admin", "read-only-password", "Ada Admin", "AA"
        )
    assert not Path("/proc/casedesk-test").exists()
