"""Key material: the store key and the signing keys never reach disk unwrapped, and the key slots'
Argon2id parameters meet OWASP's guidance and are really the ones used."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casedesk.security import device_secret
from casedesk.security.keyslots import DEFAULT_KDF, KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.helpers.security import files_under, find, find_in, keyring_values, session_secrets
from tests.helpers.store import CASE, PASSWORDS, Store

# OWASP Password Storage Cheat Sheet, Argon2id: any one of these (memory in KiB, iterations), parallelism 1 or more.
OWASP_ARGON2ID = [(47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5)]
RESET_PASSWORD = "reset-by-the-admin-2026"


def _meets_owasp(kdf: dict[str, object]) -> bool:
    memory, passes = int(str(kdf["memory_cost"])), int(str(kdf["time_cost"]))
    return any(memory >= m and passes >= t for m, t in OWASP_ARGON2ID) and int(str(kdf["parallelism"])) >= 1


def test_store_key_and_signing_keys_never_reach_disk_unwrapped(store: Store, tmp_path: Path) -> None:
    secrets: dict[str, bytes | str] = {}
    src = tmp_path / "src"
    src.mkdir()
    (src / "statement.txt").write_bytes(b"I saw the hand-over.\n" * 100)
    s = store.sign_in("jsmith")
    try:
        secrets.update(session_secrets(s))
        Evidence(s).ingest(CASE, [src], IngestMetadata(description="Statement"))
        Custody(s).transfer(CASE, "JAS/1", "Property store", "booked in")
        Bundles(s).export(CASE, tmp_path / "bundle.pdf")
        Accounts(s).change_password(PASSWORDS["jsmith"], "jsmith-second-password")
        device = device_secret.load_device_secret(s.installation_id)
    finally:
        s.close()
    admin = store.sign_in("admin")
    try:
        secrets.update(session_secrets(admin))
        Accounts(admin).reset_password("jsmith", RESET_PASSWORD)  # a new signing key for jsmith
        Accounts(admin).disable("bpatel")
    finally:
        admin.close()
    for user, password in (("jsmith", RESET_PASSWORD), ("sgt", PASSWORDS["sgt"])):
        s = store.installation.sign_in(user, password)
        try:
            secrets.update({f"{k} (after the reset)" if user == "jsmith" else k: v
                            for k, v in session_secrets(s).items()})
        finally:
            s.close()
    assert len({v for k, v in secrets.items() if k.startswith("signing seed of jsmith")}) == 2
    assert device is not None
    # Not in the data directory, in no form; and not in the keyring either, which holds only the device
    # secret and the custody head copy.
    assert find({**secrets, "device secret": device}, files_under(store.root)) == []
    assert find(secrets, files_under(store.xdg)) == []
    assert find_in(secrets, keyring_values(store.xdg)) == []
    assert find_in({"device secret": device}, keyring_values(store.xdg)) != []  # where it belongs: the search works


def test_argon2id_parameters_meet_owasp(store: Store) -> None:
    assert _meets_owasp(dict(DEFAULT_KDF))
    s = store.sign_in("jsmith")
    try:
        Accounts(s).change_password(PASSWORDS["jsmith"], "jsmith-second-password")
    finally:
        s.close()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).reset_password("bpatel", RESET_PASSWORD)
    finally:
        admin.close()
    slots = KeySlotFile.load(store.datadir.keyslots).slots
    salts, nonces = set(), set()
    for user, slot in slots.items():
        kdf = slot["kdf"]
        assert kdf["name"] == "argon2id" and kdf["version"] == 19, user
        assert _meets_owasp(kdf), (user, kdf)
        salt, nonce = base64.b64decode(kdf["salt"]), base64.b64decode(slot["nonce"])
        assert len(salt) >= 16 and len(nonce) == 12 and slot["cipher"] == "aes-256-gcm", user
        salts.add(salt)
        nonces.add(nonce)
    assert len(salts) == len(nonces) == len(slots) == 4  # fresh salt and nonce for every slot, new ones too


@pytest.mark.parametrize("user", ["jsmith", "admin"])
def test_the_stored_parameters_are_the_ones_used(store: Store, user: str) -> None:
    """Unwrap a slot independently, from docs/keyslots.md and the slot's own parameters: the result is the
    store key and the user's signing seed. Weaker parameters than those stored do not open it."""
    s = store.sign_in(user)
    try:
        expected = session_secrets(s)
        device = device_secret.load_device_secret(s.installation_id)
    finally:
        s.close()
    slots = KeySlotFile.load(store.datadir.keyslots)
    slot = slots.slots[user]
    kdf = slot["kdf"]

    def unwrap(memory_cost: int, time_cost: int) -> bytes:
        pw = hash_secret_raw(PASSWORDS[user].encode(), base64.b64decode(kdf["salt"]), time_cost=time_cost,
                             memory_cost=memory_cost, parallelism=kdf["parallelism"], hash_len=32, type=Type.ID)
        wrap = HKDF(hashes.SHA256(), 32, salt=device if slots.device_bound else None,
                    info=b"casedesk/v1/slot-wrap").derive(pw)
        aad = f"casedesk-slot/1|{slots.installation_id}|{user}".encode()
        return AESGCM(wrap).decrypt(base64.b64decode(slot["nonce"]), base64.b64decode(slot["ciphertext"]), aad)

    plain = unwrap(kdf["memory_cost"], kdf["time_cost"])
    assert plain[:32] == expected["store key"]
    assert plain[32:64] == expected[f"signing seed of {user}"]
    assert plain[64:] == expected[f"box key of {user}"]
    for weaker in ((kdf["memory_cost"] // 2, kdf["time_cost"]), (kdf["memory_cost"], kdf["time_cost"] - 1)):
        with pytest.raises(InvalidTag):
            unwrap(*weaker)
