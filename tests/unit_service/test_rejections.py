"""What the unit refuses, and what it keeps of a refused push: tampered segments, fake installations, strangers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from casedesk.custody.signing import Signer
from casedesk.services import sync
from casedesk.unit.store import engine_for
from tests.unit_service.conftest import Unit
from tests.unit_service.helpers import RawClient, forged_log, held, ingest, local, new_installation, register, rows_of


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def rejected(engine: Engine, installation: str) -> list[tuple[str, int, str]]:
    with engine.connect() as conn:
        return [(str(r[0]), int(r[1]), str(r[2])) for r in conn.execute(text(
            "SELECT reason, count, body FROM rejected_segments WHERE installation_id = :i ORDER BY id"),
            {"i": installation})]


def test_a_tampered_segment_is_refused_stored_nowhere_and_kept_as_evidence(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "tampered laptop")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.bin", b"extraction of a phone")
    finally:
        s.close()
    rows, signer, _ = rows_of(store)
    ingested = next(i for i, r in enumerate(rows) if r[7] == "exhibit.ingested")
    forged = list(rows[ingested])
    forged[16] = "a different phone"  # the description, changed after the entry was signed
    tampered = [*rows[:ingested], tuple(forged), *rows[ingested + 1:]]
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        answer = client.push(tampered)
    finally:
        client.close()
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error.startswith("entry verification failed")
    assert f"entry {ingested + 1}" in error and "content does not match its recorded hash" in error
    assert held(engine, installation) == []  # nothing of the segment is stored, not even its intact entries
    kept = rejected(engine, installation)
    assert len(kept) == 1 and kept[0][0] == error and kept[0][1] == len(tampered)
    assert "a different phone" in kept[0][2]  # the attempt itself, as received
    # The honest log still syncs in full afterwards.
    s = store.sign_in("jsmith")
    try:
        result = sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert held(engine, installation) == local(store)[: result.tree_size]


def test_a_fake_installation_under_the_same_id_is_refused(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    real = new_installation(tmp_path / "real", tmp_path / "xdg")
    installation, _ = register(engine, real, "the real laptop")
    fake_key = Signer.generate()  # the forger makes the same names, the same id, with a key of their own
    client = RawClient(unit.service.url, unit.tls.ca, installation, "admin", fake_key)
    try:
        answer = client.push(forged_log(installation, fake_key))
    finally:
        client.close()
    assert answer.status_code == 422
    assert answer.json()["error"] == (
        f"the log's first key registration is not the key the unit registered for installation {installation}: "
        "a different installation under the same name")
    assert held(engine, installation) == []
    assert rejected(engine, installation) == []  # a caller the log does not know cannot fill the store
    # The real one, with the genesis key the unit registered, is accepted.
    s = real.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert held(engine, installation)[2][0] == 3


def test_another_installations_log_pushed_under_a_registered_id_is_refused(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    real = new_installation(tmp_path / "real", tmp_path / "xdg")
    other = new_installation(tmp_path / "other", tmp_path / "xdg")
    installation, _ = register(engine, real, "registered laptop")
    rows, signer, _ = rows_of(other)
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        answer = client.push(rows)
    finally:
        client.close()
    assert answer.status_code == 422
    assert answer.json()["error"] == (f"entry 1 is not installation.initialised for installation {installation}: "
                                      "this is the log of another installation")


def test_a_key_the_log_does_not_hold_pushes_nothing(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "laptop with a stranger")
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    rows, _, _ = rows_of(store)
    stranger = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", Signer.generate())
    nobody = RawClient(unit.service.url, unit.tls.ca, installation, "mallory", Signer.generate())
    try:
        read = stranger.request("GET", f"/v1/installations/{installation}/checkpoint")
        push = stranger.push(rows)
        unknown = nobody.request("GET", f"/v1/installations/{installation}/checkpoint")
    finally:
        stranger.close()
        nobody.close()
    # The checkpoint is no secret: an account's name is enough to read it (a replaced key must start a sync) ...
    assert read.status_code == 200 and read.json()["tree_size"] > 0
    # ... but a name the log never created reads nothing, and nothing is pushed without the account's key.
    assert unknown.status_code == 403 and "mallory with key" in unknown.json()["error"]
    assert push.status_code == 403
    assert "is not an account of installation" in push.json()["error"]
    assert rejected(engine, installation) == []  # an unauthenticated caller cannot fill the store


def test_an_unregistered_installation_is_told_so(unit: Unit, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    s = store.sign_in("jsmith")
    try:
        with pytest.raises(sync.UnitError) as caught:
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert str(caught.value) == (f"the unit refused the sync: installation {s.installation_id} is not registered "
                                 "with this unit: the unit administrator registers it with `casedesk unit register`")


def test_the_store_refuses_changes_and_removals(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "append-only check")
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    for sql in ("UPDATE entries SET text = 'x' WHERE installation_id = :i",
                "DELETE FROM entries WHERE installation_id = :i",
                "DELETE FROM checkpoints WHERE installation_id = :i",
                "UPDATE installations SET genesis_key = 'x' WHERE installation_id = :i"):
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(sql), {"i": installation})
        assert "the unit store is append-only" in str(caught.value)
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("TRUNCATE entries CASCADE"))
    assert len(held(engine, installation)) > 0


def test_garbage_is_kept_only_from_an_account_the_log_knows(unit: Unit, engine: Engine, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "garbage check")
    s = store.sign_in("jsmith")
    try:
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    _, signer, _ = rows_of(store)
    path = f"/v1/installations/{installation}/push"
    for who, key in (("jsmith", Signer.generate()), ("jsmith", signer)):
        client = RawClient(unit.service.url, unit.tls.ca, installation, who, key)
        try:
            answer = client.request("POST", path, b"not json at all")
        finally:
            client.close()
        assert answer.status_code == 400
        assert answer.json()["error"] == "the request is not a push: the body is not JSON in UTF-8"
    kept = rejected(engine, installation)
    assert [(k[0], k[2]) for k in kept] == [("the request is not a push: the body is not JSON in UTF-8",
                                              "not json at all")]  # the account's, not the stranger's


def test_the_migrated_schema_is_the_one_the_service_expects(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from casedesk.unit.store import metadata

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
