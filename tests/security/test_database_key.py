"""Disabling an account changes the database key (issue 10, finding 3: "the store key is never rotated").

An insider who kept a copy of their key slot from before their account was disabled, and splices it back into
keyslots.json, still unwraps the store key with their password; that key derives the database key the store had
then, and the store has been re-encrypted under a new one since (SQLCipher ``PRAGMA rekey``), sealed only to the
box keys of the users who remain.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.errors import AuthenticationError, StoreError
from casedesk.security import device_secret
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.helpers.custody import casedesk_verify
from tests.helpers.store import CASE, PASSWORDS, Store


def _opens(store: Store, database_key: bytes) -> bool:
    conn = sqlcipher.connect(str(store.datadir.database))
    try:
        conn.execute(f"PRAGMA key = \"x'{database_key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher.DatabaseError:
        return False
    finally:
        conn.close()


def _spliced_slot_opens_the_store(store: Store, user: str, slot: dict[str, Any]) -> bool:
    """Put an old copy of ``user``'s slot back (the file's checksum is unkeyed), unwrap it with their password and
    try the database key the store key it holds derives (the key of its day) on the store."""
    slots = KeySlotFile.load(store.datadir.keyslots)
    slots.slots[user] = slot
    if user in slots.disabled:
        slots.disabled.remove(user)
    slots.save(store.datadir.keyslots)
    secret = device_secret.load_device_secret(slots.installation_id) if slots.device_bound else None
    return _opens(store, StoreKeys.derive(slots.unwrap(user, PASSWORDS[user], secret).store_key).database)


def test_a_slot_copied_before_disabling_no_longer_opens_the_store(store: Store, capsys: Any, monkeypatch: Any) -> None:
    old_slot = copy.deepcopy(KeySlotFile.load(store.datadir.keyslots).slots["jsmith"])
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("jsmith")
        assert Accounts(admin).list()  # the administrator's own session carries on under the new key
    finally:
        admin.close()
    assert not _spliced_slot_opens_the_store(store, "jsmith", old_slot)
    with pytest.raises(AuthenticationError):
        store.sign_in("jsmith")
    # Everyone else signs in and works as before; the change is on the record, signed by the administrator.
    s = store.sign_in("bpatel")
    try:
        Cases(s).create("MPS-2026-0998", "Operation Kestrel")
    finally:
        s.close()
    code, report = casedesk_verify(capsys, monkeypatch, store, case=None, user="sgt")
    assert code == 0, report["problems"]
    sgt = store.sign_in("sgt")
    try:
        changed = Custody(sgt).log(None, action="installation.database_key_changed")
    finally:
        sgt.close()
    assert [(e.actor, e.data["users"]) for e in changed] == [("admin", ["admin", "bpatel", "sgt"])]


def test_accounts_added_or_reset_after_the_change_are_given_the_new_key(store: Store) -> None:
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("bpatel")
        Accounts(admin).add("newdet", "detective", "Dan Detective", "DD", "new-detective-password")
        Accounts(admin).reset_password("bpatel", "temporary-from-admin")  # a reset brings the account back
    finally:
        admin.close()
    store.installation.sign_in("newdet", "new-detective-password").close()
    s = store.installation.sign_in("bpatel", "temporary-from-admin")
    try:
        Accounts(s).change_password("temporary-from-admin", "bilal-chose-this-one")
    finally:
        s.close()
    store.installation.sign_in("bpatel", "bilal-chose-this-one").close()
    store.sign_in("jsmith").close()
    det = store.sign_in("jsmith")
    try:
        assert [c.reference for c in Cases(det).list()] == [CASE]
    finally:
        det.close()


def test_sessions_open_elsewhere_follow_the_new_key_and_the_disabled_one_reads_nothing(store: Store) -> None:
    """Another user's open session takes the new key from keyslots.json (sealed to its box key) and carries on;
    the disabled user's open session, which was not given it, is told the account was disabled (never that the
    store is damaged)."""
    sgt = store.sign_in("sgt")
    det = store.sign_in("jsmith")
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("jsmith")
        assert [c.reference for c in Cases(sgt).list()] == [CASE]
        Cases(sgt).add_note(CASE, "reviewed the exhibit list after the change")
        with pytest.raises(AuthenticationError, match="disabled since it signed in"):
            Cases(det).list()
    finally:
        admin.close()
        det.close()
        sgt.close()


def test_a_key_slots_file_older_than_the_change_is_named_as_such(store: Store) -> None:
    """Restoring keyslots.json alone from a backup older than a disable leaves the store unreadable: the message
    says that both files must come from the same backup, not only that the database may be damaged."""
    before = store.datadir.keyslots.read_bytes()
    admin = store.sign_in("admin")
    try:
        Accounts(admin).disable("jsmith")
    finally:
        admin.close()
    store.datadir.keyslots.write_bytes(before)
    with pytest.raises(StoreError, match=r"keyslots\.json is older than casedesk\.db .* restore both from the same"):
        store.sign_in("bpatel")
