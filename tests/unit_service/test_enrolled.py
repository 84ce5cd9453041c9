"""A unit that pins its unit key: enrolled installations sync without being registered by hand; others do not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from casedesk.errors import UnitError
from casedesk.services import sync
from casedesk.services.accounts import Accounts
from casedesk.trust.unitkey import UnitSigner
from casedesk.unit.store import engine_for
from tests.helpers.store import PASSWORDS
from tests.trust.helpers import enrol
from tests.unit_service.conftest import Service, Unit
from tests.unit_service.helpers import held, local, new_installation, register


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def unit_key() -> UnitSigner:
    return UnitSigner.generate("casedesk.test.police.uk")


@pytest.fixture(scope="module")
def pinned(unit: Unit, unit_key: UnitSigner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """A second instance of the same unit (same database, same cosigner) that pins the unit key."""
    service = Service(unit.url_db, unit.tls, unit.cosigner_key, tmp_path_factory.mktemp("pinned") / "service.log",
                      "--unit-fingerprint", unit_key.public.fingerprint)
    service.start()
    yield service
    service.stop()


def sync_to(service: Service, unit: Unit, store_user: tuple[object, str]) -> sync.SyncResult:
    store, user = store_user
    s = store.sign_in(user)  # type: ignore[attr-defined]
    try:
        return sync.sync(s, service.url, unit.tls.ca)
    finally:
        s.close()


def test_an_enrolled_installation_syncs_without_registration(
        unit: Unit, engine: Engine, pinned: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    enrol(store, unit_key, tmp_path)
    result = sync_to(pinned, unit, (store, "jsmith"))
    s = store.sign_in("jsmith")
    installation = s.installation_id
    s.close()
    assert held(engine, installation) == local(store)[: result.tree_size]


def test_an_installation_not_enrolled_with_the_unit_is_refused_even_if_registered(
        unit: Unit, engine: Engine, pinned: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    installation, _ = register(engine, store, "registered but never enrolled")
    with pytest.raises(UnitError) as caught:
        sync_to(pinned, unit, (store, "jsmith"))
    assert str(caught.value) == (
        f"the unit refused the sync: the log does not chain to unit key {unit_key.public.fingerprint[:16]} (1 "
        "problem(s)); the first: the log holds no installation.enrolled entry with a certificate of this installation "
        f"from unit {unit_key.public.fingerprint}: nothing shows that this installation or its keys belong to the unit")
    assert held(engine, installation) == []
    # Enrolled with another unit's key: refused the same way, and never registered.
    other = new_installation(tmp_path / "other", tmp_path / "xdg")
    (tmp_path / "elsewhere").mkdir()
    enrol(other, UnitSigner.generate("casedesk.elsewhere.police.uk"), tmp_path / "elsewhere")
    with pytest.raises(UnitError) as caught:
        sync_to(pinned, unit, (other, "jsmith"))
    assert "the log does not chain to unit key" in str(caught.value)
    s = other.sign_in("jsmith")
    other_id = s.installation_id
    s.close()
    with engine.connect() as conn:
        registered = conn.execute(text("SELECT count(*) FROM installations WHERE installation_id = :i"),
                                  {"i": other_id}).scalar_one()
    assert registered == 0


def test_an_officer_the_unit_never_certified_cannot_push(
        unit: Unit, engine: Engine, pinned: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "laptop", tmp_path / "xdg")
    enrol(store, unit_key, tmp_path)
    s = store.sign_in("admin")
    try:
        Accounts(s).add("newbie", "detective", "New Officer", "NO", PASSWORDS["jsmith"])
    finally:
        s.close()
    s = store.installation.sign_in("newbie", PASSWORDS["jsmith"])
    try:
        with pytest.raises(UnitError) as caught:
            sync.sync(s, pinned.url, unit.tls.ca)
    finally:
        s.close()
    message = str(caught.value)
    assert message.startswith("the unit refused the sync: the log does not chain to unit key")
    assert f"signed with a key of newbie that unit {unit_key.public.fingerprint[:16]} has not certified" in message
