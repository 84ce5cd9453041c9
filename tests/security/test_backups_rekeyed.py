"""Copies of the database CaseDesk keeps under the data directory follow the database key (issue 10, finding 3).

`user disable` re-encrypts casedesk.db under a new key, so that the disabled user's key slot, kept from before and
spliced back, opens nothing. The pre-migration copies in backups/ are the register too (as it stood before an
upgrade): they must stop opening with that user's old key as well, and still open for the users who remain.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.security import device_secret
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.store.backups import opens, rekey_backups
from tests.helpers.store import PASSWORDS as STORE_PASSWORDS
from tests.helpers.store import Store
from tests.store.test_reencrypt_legacy import Old, old  # noqa: F401  (the fixture: an installation of 4f98baa)
from tests.store.test_upgrade_real_installation import PASSWORDS, _sign_in


def _slot_keys(datadir_keyslots: Path, user: str, password: str) -> tuple[bytes, bytes | None]:
    """What ``user``'s own key slot yields: (the database key its store key derives, the database key sealed to it
    in keyslots.json, if any)."""
    slots = KeySlotFile.load(datadir_keyslots)
    secret = device_secret.load_device_secret(slots.installation_id) if slots.device_bound else None
    secrets = slots.unwrap(user, password, secret)
    sealed = slots.open_database_key(user, secrets.box_key) if slots.database_key is not None else None
    return StoreKeys.derive(secrets.store_key).database, sealed


def _entries(path: Path, key: bytes) -> int:
    conn = sqlcipher.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        return int(conn.execute("SELECT count(*) FROM custody_entries").fetchone()[0])
    finally:
        conn.close()


def test_pre_migration_copies_no_longer_open_with_a_disabled_users_old_key(old: Old) -> None:  # noqa: F811
    inst, _ = old
    derived, _ = _slot_keys(inst.datadir.keyslots, "amcbride", PASSWORDS["amcbride"])
    _sign_in(inst, "pramsden").close()  # the upgrade: the old store is copied into backups/ first
    _sign_in(inst, "hfarrow").close()  # her first sign-in since the upgrade gives her a box key
    copies = sorted(inst.datadir.backups.glob("*.db"))
    assert copies and all(opens(p, derived) for p in copies)  # as an insider with amcbride's slot finds them
    before = {p.name: _entries(p, derived) for p in copies}

    admin = _sign_in(inst, "pramsden")
    try:
        Accounts(admin).disable("amcbride")
    finally:
        admin.close()

    after = sorted(inst.datadir.backups.iterdir())
    assert len(after) == len(copies) and all(p.suffix == ".db" for p in after)  # no temporary file, no journal
    assert not any(opens(p, derived) for p in after)  # amcbride's old slot opens no copy
    _, current = _slot_keys(inst.datadir.keyslots, "hfarrow", PASSWORDS["hfarrow"])
    assert current is not None
    # Those who remain open each copy, with the same register in it.
    assert sorted(_entries(p, current) for p in after) == sorted(before.values())
    s = _sign_in(inst, "hfarrow")
    try:
        changed = Custody(s).log(None, action="installation.database_key_changed")
    finally:
        s.close()
    assert [e.data["backups"] for e in changed] == [[p.name for p in after]]


def test_a_copy_left_by_an_interrupted_change_is_removed_and_one_no_key_opens_is_kept(
        store: Store, tmp_path: Path) -> None:
    """A crash between writing a re-encrypted copy and removing the old one leaves both: the next change removes the
    old one (no key opens it, and a copy of the same backup opens with the current key). A file CaseDesk cannot
    open is never removed on a guess."""
    derived, _ = _slot_keys(store.datadir.keyslots, "jsmith", STORE_PASSWORDS["jsmith"])
    folder = tmp_path / "backups"
    folder.mkdir()
    conn = sqlcipher.connect(str(store.datadir.database))
    try:
        conn.execute(f"PRAGMA key = \"x'{derived.hex()}'\"")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    shutil.copy2(store.datadir.database, folder / "casedesk-schema-0009-20261101T000000Z.db")
    (folder / "notes.db").write_bytes(b"not a CaseDesk store")
    first, second = bytes(range(32)), bytes(range(1, 33))
    done = rekey_backups(folder, [derived], first, 1)
    assert done.reencrypted == ["casedesk-schema-0009-20261101T000000Z.k1.db"] and done.unreadable == ["notes.db"]
    # As if the next change had crashed after its new copy: the epoch-1 copy under the new key beside the old one.
    shutil.copy2(folder / "casedesk-schema-0009-20261101T000000Z.k1.db", tmp_path / "k1.db")
    rekey_backups(folder, [first], second, 2)
    shutil.copy2(tmp_path / "k1.db", folder / "casedesk-schema-0009-20261101T000000Z.k1.db")
    done = rekey_backups(folder, [second], bytes(range(2, 34)), 3)
    assert done.removed_stale == ["casedesk-schema-0009-20261101T000000Z.k1.db"]
    assert sorted(p.name for p in folder.iterdir()) == ["casedesk-schema-0009-20261101T000000Z.k3.db", "notes.db"]
    assert (folder / "notes.db").read_bytes() == b"not a CaseDesk store"
    assert opens(folder / "casedesk-schema-0009-20261101T000000Z.k3.db", bytes(range(2, 34)))
    assert not any(opens(p, k) for p in folder.iterdir() for k in (derived, first, second))
