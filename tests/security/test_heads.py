"""The copies of the log head outside the store (findings 5 and 11 of issue 10).

The attacker here knows no password: they copy files, edit ``keyslots.json``
as text (recomputing its plain checksum) and edit or delete keyring entries.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path
from typing import Any

import keyring
import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from casedesk.custody import headcheck
from casedesk.errors import IntegrityError, PermissionDenied
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.store.models import CustodyEntry
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store


def _edit_slots_file(path: Path, change: Any) -> None:
    """What anyone can do to keyslots.json without a password: edit it and recompute the checksum."""
    body = json.loads(path.read_text())
    body.pop("checksum")
    change(body)
    canon = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    body["checksum"] = hashlib.sha256(canon).hexdigest()
    path.write_text(json.dumps(body, indent=2, sort_keys=True) + "\n")


def _installation_id(store: Store) -> str:
    return KeySlotFile.load(store.datadir.keyslots).installation_id


def _roll_back_without_a_password(store: Store, tmp_path: Path) -> None:
    """Restore an older database, null the head copy in keyslots.json, delete the keyring's copy."""
    db_file = store.datadir.database
    aside = tmp_path / "casedesk.db.old"
    shutil.copy2(db_file, aside)
    s = store.sign_in("sgt")
    Custody(s).review(CASE, "query", "who signed the seizure form?")
    s.close()
    shutil.copy2(aside, db_file)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    _edit_slots_file(store.datadir.keyslots, lambda b: b.update(custody_head=None))
    keyring.delete_password(device_secret.SERVICE, f"custody-head:{_installation_id(store)}")


def test_roll_back_with_both_head_copies_removed_is_an_alert_not_an_acceptance(store: Store, tmp_path: Path) -> None:
    _roll_back_without_a_password(store, tmp_path)
    for _ in range(2):  # and it stays one: no write re-anchors the copies on the rolled-back log
        s = store.sign_in("jsmith")
        try:
            assert any("key slots file holds no custody head" in a for a in s.integrity_alerts)
            assert any("OS keyring holds no custody head" in a for a in s.integrity_alerts)
            with pytest.raises(IntegrityError, match=r"changes are blocked.*custody reset-head"):
                Cases(s).add_note(CASE, "a note on a rolled-back log")
            report = Custody(s).verify()
            assert not report.ok
            assert any("holds no custody head" in p.message for p in report.problems)
            s.advance_head(keyring_too=True)
        finally:
            s.close()
        assert KeySlotFile.load(store.datadir.keyslots).custody_head is None


def test_a_keyring_head_copy_without_its_mac_is_an_alert(store: Store, tmp_path: Path) -> None:
    """Restore an older database and keyslots.json together, and write the keyring copy to match them."""
    files = [store.datadir.database, store.datadir.keyslots]
    for f in files:
        shutil.copy2(f, tmp_path / f.name)
    s = store.sign_in("jsmith")
    Cases(s).add_note(CASE, "a note the attacker wants gone")
    s.close()
    for f in files:
        shutil.copy2(tmp_path / f.name, f)
    Path(f"{files[0]}-wal").unlink(missing_ok=True)
    Path(f"{files[0]}-shm").unlink(missing_ok=True)
    old = KeySlotFile.load(store.datadir.keyslots).custody_head
    assert old is not None
    device_secret.store_head(_installation_id(store), f"{old['seq']}:{old['hash']}")
    s = store.sign_in("jsmith")
    try:
        assert s.integrity_alerts == [headcheck.MSG_KEYRING_MAC]
    finally:
        s.close()


class _CommitDuringSignIn:
    """Another process's commit (and sign-out) lands just after the signing-in process read the database."""

    def __init__(self, store: Store) -> None:
        self.writer = store.sign_in("sgt")
        self.armed = False
        self.fired = False

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not self.armed or "FROM users" not in statement:
            return
        self.armed = False

        def other_process() -> None:
            Cases(self.writer).add_note(CASE, "written by another process")
            self.writer.close()  # its sign-out moves the keyring copy forward

        t = threading.Thread(target=other_process)  # its own connections, as another process would use
        t.start()
        t.join()
        self.fired = True


def test_a_concurrent_commit_during_sign_in_raises_no_alert(store: Store) -> None:
    hook = _CommitDuringSignIn(store)
    event.listen(Engine, "after_cursor_execute", hook)
    try:
        hook.armed = True
        s = store.sign_in("jsmith")
    finally:
        event.remove(Engine, "after_cursor_execute", hook)
    try:
        assert hook.fired
        assert s.integrity_alerts == []
    finally:
        s.close()


def _garbage_keyring_head(store: Store) -> None:
    device_secret.store_head(_installation_id(store), "99999999:not-a-hash")


def test_a_garbage_keyring_head_blocks_writes_and_says_how_to_clear_it(store: Store) -> None:
    from casedesk.services.heads import reset_head

    _garbage_keyring_head(store)
    s = store.sign_in("jsmith")
    try:
        assert s.integrity_alerts == [headcheck.MSG_KEYRING_GARBAGE]
        with pytest.raises(IntegrityError) as err:
            Cases(s).add_note(CASE, "blocked")
        assert "`casedesk custody reset-head --reason ...`" in str(err.value)
        with pytest.raises(PermissionDenied, match="only an administrator"):
            reset_head(s, "I am not an administrator")
    finally:
        s.close()


def test_an_administrator_clears_a_stuck_head_with_a_signed_logged_reset(
        store: Store, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A keyring copy ahead of the log (e.g. a database restored after a disk failure) is accepted by an admin."""
    from casedesk.services.heads import HEAD_RESET

    ahead = KeySlotFile.load(store.datadir.keyslots).custody_head
    assert ahead is not None
    s = store.sign_in("admin")
    key = s.keys.head_mac
    s.close()
    device_secret.store_head(_installation_id(store), headcheck.keyring_text(ahead["seq"] + 50, "ab" * 32, key))
    r = run(capsys, monkeypatch, store.root, "custody", "reset-head", "--reason", "restored after a disk failure",
            user="jsmith")
    assert r.code == 5 and r.err.strip().splitlines()[-1] == (
        "casedesk: error: jsmith (detective) may not reset the custody head: only an administrator may")
    r = run(capsys, monkeypatch, store.root, "custody", "reset-head", "--reason", "restored after a disk failure",
            user="admin")
    assert r.code == 0, r.err
    assert "INTEGRITY ALERT" in r.err  # the admin was told what was wrong before resetting it
    s = store.sign_in("jsmith")
    try:
        assert s.integrity_alerts == []
        Cases(s).add_note(CASE, "writes work again")
        with s.read() as db:
            entry = db.scalars(select(CustodyEntry).where(CustodyEntry.action == HEAD_RESET)).one()
        data = json.loads(entry.data)
        assert entry.actor == "admin" and entry.reason == "restored after a disk failure"
        assert data["old_heads"][headcheck.KEYRING].startswith(f"{ahead['seq'] + 50}:{'ab' * 32}:")
        assert data["log_head_before"]["seq"] == entry.seq - 1
        assert Custody(s).verify().ok
    finally:
        s.close()
