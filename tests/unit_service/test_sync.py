"""Installations syncing with the real unit service (TLS on loopback) over a real PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from casedesk.custody import checkpoint
from casedesk.errors import IntegrityError, UnitError
from casedesk.services import sync
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.unit.server import write_cosigner_key
from casedesk.unit.store import engine_for
from tests.helpers.custody import attacker
from tests.helpers.store import CASE, Store
from tests.unit_service.conftest import Service, Unit
from tests.unit_service.helpers import (
    RawClient,
    held,
    ingest,
    local,
    new_installation,
    note,
    register,
    restore,
    rows_of,
    snapshot,
)


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Engine:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def do_sync(unit: Unit, store: Store, user: str = "jsmith", **kw: object) -> sync.SyncResult:
    s = store.sign_in(user)
    try:
        return sync.sync(s, unit.service.url, unit.tls.ca, **kw)  # type: ignore[arg-type]
    finally:
        s.close()


def test_two_installations_ingest_offline_then_sync(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    a = new_installation(tmp_path / "a", tmp_path / "xdg")
    b = new_installation(tmp_path / "b", tmp_path / "xdg")
    ida, _ = register(engine, a, "DC Smith laptop A")
    idb, _ = register(engine, b, "DC Patel laptop B")
    for store, tag in ((a, "a"), (b, "b")):  # offline: no unit involved
        s = store.sign_in("jsmith")
        try:
            ingest(s, tmp_path / f"in-{tag}", f"{tag}.txt", f"evidence of {tag}".encode())
            note(s, f"seized on laptop {tag}")
        finally:
            s.close()
    ra = do_sync(unit, a)
    rb = do_sync(unit, b)
    # The unit holds each log exactly as the installation wrote it (up to the sync), and nothing of the other's.
    assert held(engine, ida) == local(a)[: ra.tree_size]
    assert held(engine, idb) == local(b)[: rb.tree_size]
    assert ra.pushed == ra.tree_size and rb.pushed == rb.tree_size
    # The cosignature is kept in the installation's own log, and it verifies with the unit's key.
    s = a.sign_in("jsmith")
    try:
        with s.read() as db:
            data = db.connection().exec_driver_sql(
                "SELECT data FROM custody_entries WHERE action = 'unit.checkpoint_cosigned'").scalar_one()
    finally:
        s.close()
    import json
    d = json.loads(data)
    signed = checkpoint.Note.parse(d["note"])
    assert checkpoint.cosignature(signed, d["unit"], bytes.fromhex(d["unit_key"])) is not None
    assert checkpoint.Checkpoint.parse(signed.text).size == ra.tree_size
    # A second sync sends only the entries written since (the record of the cosignature and sign-ins).
    again = do_sync(unit, a)
    assert again.tree_size > ra.tree_size and again.pushed == again.tree_size - ra.tree_size
    assert held(engine, ida) == local(a)[: again.tree_size]


def test_a_laptop_restored_from_an_older_copy_is_caught_at_sync(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "DC Smith laptop C")
    do_sync(unit, store)
    old = snapshot(store, tmp_path / "old")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "later.txt", b"seized after the copy")
    finally:
        s.close()
    synced = do_sync(unit, store)
    restore(old, store)  # database, key slots and keyring, all from the older copy: nothing local can tell
    s = store.sign_in("jsmith")
    try:
        assert not s.integrity_alerts
        with pytest.raises(IntegrityError) as caught:
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    message = str(caught.value)
    assert f"the unit holds a cosigned checkpoint of {synced.tree_size} entries" in message
    assert "restored from an older copy" in message
    # The unit still holds everything it cosigned; nothing of the restored laptop replaced it.
    assert len(held(engine, installation)) == synced.tree_size
    # Sign-in and verify now say so.
    s = store.sign_in("jsmith")
    try:
        assert any("restored from an older copy" in n for n in s.notices)
        report = Custody(s).verify()
    finally:
        s.close()
    assert not report.ok
    assert any("holds a cosigned checkpoint of" in p.message for p in report.problems)
    # The restored laptop goes on writing until its log is as long as the unit's: now its first entries differ.
    s = store.sign_in("jsmith")
    try:
        while True:
            with s.read() as db:
                count = db.connection().exec_driver_sql("SELECT count(*) FROM custody_entries").scalar_one()
            if count > synced.tree_size:
                break
            note(s, "written after the restore")
        with pytest.raises(IntegrityError) as caught:
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert str(caught.value).startswith(f"the first {synced.tree_size} entries of this installation's log are not "
                                        "the ones the unit cosigned")
    assert len(held(engine, installation)) == synced.tree_size  # still nothing taken from the forked log


def test_a_unit_with_another_cosigner_key_is_refused(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    register(engine, store, "laptop that met an impostor")
    do_sync(unit, store)
    other_key = tmp_path / "other.key"
    write_cosigner_key(other_key, "casedesk.unit.test")  # same name, another key: not the unit it synced with
    impostor = Service(unit.url_db, unit.tls, other_key, tmp_path / "impostor.log")
    impostor.start()
    try:
        s = store.sign_in("jsmith")
        try:
            with pytest.raises(UnitError) as caught:
                sync.sync(s, impostor.url, unit.tls.ca)
        finally:
            s.close()
    finally:
        impostor.stop()
    assert str(caught.value).startswith("the unit's cosigner key is casedesk.unit.test ")
    assert "but this installation synced before with casedesk.unit.test " in str(caught.value)


def test_two_instances_syncing_one_installation_at_once_store_each_entry_once(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop synced twice at once")
    s = store.sign_in("jsmith")
    try:
        for i in range(60):
            note(s, f"note {i}")
    finally:
        s.close()
    second = Service(unit.url_db, unit.tls, unit.cosigner_key, tmp_path / "second.log")
    second.start()
    results: list[object] = []

    def run(url: str) -> None:
        s = store.sign_in("jsmith")
        try:
            results.append(sync.sync(s, url, unit.tls.ca, batch=10))
        except Exception as exc:
            results.append(exc)
        finally:
            s.close()

    try:
        threads = [threading.Thread(target=run, args=(url,)) for url in (unit.service.url, second.url)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        second.stop()
    assert all(isinstance(r, sync.SyncResult) for r in results), results
    mine = local(store)
    stored = held(engine, installation)
    assert stored == mine[: len(stored)]  # each entry once, in order, as written
    assert len(stored) >= max(r.tree_size for r in results)  # type: ignore[union-attr]


def test_an_officer_whose_key_was_replaced_since_the_last_sync_can_sync(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop after a password reset")
    do_sync(unit, store)
    s = store.sign_in("admin")
    try:
        Accounts(s).reset_password("jsmith", "a-new-password-for-jane")  # a new signing key, registered in the log
    finally:
        s.close()
    s = store.installation.sign_in("jsmith", "a-new-password-for-jane")
    try:
        result = sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert held(engine, installation)[-1][0] == result.tree_size


def test_a_laptop_under_an_integrity_alert_still_hands_its_log_to_the_unit(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop with an edited register")
    with attacker(store) as conn:  # an insider edits the register behind the log's back
        conn.execute("UPDATE cases SET title = 'Operation Nothing' WHERE reference = ?", (CASE,))
    s = store.sign_in("jsmith")
    try:
        assert s.integrity_alerts
        result = sync.sync(s, unit.service.url, unit.tls.ca)  # the log itself is intact: the unit takes it
    finally:
        s.close()
    assert result.recorded_as is None  # writes are blocked: nothing recorded, and no error after the push
    assert len(held(engine, installation)) == result.tree_size > 0


def test_a_sync_overtaken_by_another_goes_on_from_where_the_unit_stands(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop overtaken by its own other sync")
    s = store.sign_in("jsmith")
    try:
        for i in range(30):
            note(s, f"note {i}")
    finally:
        s.close()
    rows, signer, _ = rows_of(store)

    def the_other_sync_runs_first(done: int, total: int, message: str = "") -> None:
        if done == 0:  # after this sync read the unit's checkpoint (empty), before its first push
            other = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
            try:
                assert other.push(rows).status_code == 200
            finally:
                other.close()

    s = store.sign_in("jsmith")
    try:
        result = sync.sync(s, unit.service.url, unit.tls.ca, the_other_sync_runs_first, batch=10)
    finally:
        s.close()
    assert held(engine, installation) == local(store)[: result.tree_size]
    assert result.tree_size > len(rows)  # it went on past what the other sync had sent
