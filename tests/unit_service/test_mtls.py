"""Mutual TLS: a unit that serves only installations it enrolled, each over its own TLS client certificate.

The service runs as its own process (``casedesk unit serve --client-ca``) on loopback, over the same real
PostgreSQL as the other unit tests; the installations are real ones, enrolled by the offline round of files.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from sqlalchemy import Engine, text

from casedesk.custody import wire
from casedesk.custody.signing import Signer
from casedesk.errors import UnitError
from casedesk.services import handover, sync, unit_tls
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.services.restore import restore
from casedesk.trust import certs, enrolment, tlscert
from casedesk.trust.unitkey import UnitSigner
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, PASSWORDS, Store, build_template
from tests.trust.helpers import enrol
from tests.unit_service.conftest import Service, Unit, casedesk
from tests.unit_service.helpers import held, ingest, local, new_installation

MSG_NO_CERTIFICATE = (
    "the request came without a TLS client certificate: this unit serves only installations it enrolled, each over "
    "the TLS certificate in the unit's enrolment answer (`casedesk enrol request`, `casedesk unit enrol`, "
    "`casedesk enrol import`)")


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


@pytest.fixture(scope="module")
def unit_key() -> UnitSigner:
    return UnitSigner.generate("casedesk.mtls.police.uk")


@pytest.fixture(scope="module")
def client_ca(unit_key: UnitSigner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "unit-ca.pem"
    path.write_bytes(tlscert.ca_certificate(unit_key))
    return path


@pytest.fixture(scope="module")
def mutual(unit: Unit, client_ca: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """An instance of the same unit (same database, same cosigner) that requires installations' certificates."""
    service = Service(unit.url_db, unit.tls, unit.cosigner_key, tmp_path_factory.mktemp("mutual") / "service.log",
                      "--client-ca", str(client_ca))
    service.start()
    yield service
    service.stop()


def enrolled(tmp_path: Path, unit_key: UnitSigner, name: str) -> tuple[Store, str]:
    store, installation, _ = enrolled_with_key(tmp_path, unit_key, name)
    return store, installation


def enrolled_with_key(tmp_path: Path, unit_key: UnitSigner, name: str) -> tuple[Store, str, str]:
    """(store, installation id, recovery key) of a new installation enrolled with ``unit_key``."""
    folder = tmp_path / f"{name}-files"
    folder.mkdir()
    store = Store(tmp_path / name, tmp_path / "xdg")  # the keyring of every installation of the test
    key = build_template(store.root)
    enrol(store, unit_key, folder)
    s = store.sign_in("jsmith")
    try:
        return store, s.installation_id, key
    finally:
        s.close()


def sync_as(store: Store, user: str, service: Service, unit: Unit) -> sync.SyncResult:
    s = store.sign_in(user)
    try:
        return sync.sync(s, service.url, unit.tls.ca)
    finally:
        s.close()


class Caller:
    """Signed requests as ``user`` of ``store``'s installation, over ``identity``'s TLS certificate (or none)."""

    def __init__(self, service: Service, unit: Unit, store: Store, user: str,
                 identity: unit_tls.TlsIdentity | None) -> None:
        s = store.sign_in(user)
        try:
            self.installation, self.user = s.installation_id, user
            self.signer = Signer(s.signer.seed)
        finally:
            s.close()
        self.client = httpx.Client(base_url=service.url, verify=unit_tls.client_context(unit.tls.ca, identity),
                                   timeout=60)

    def get(self, path: str) -> httpx.Response:
        now = int(time.time())
        message = wire.request_message("GET", path, self.installation, self.user, now, b"")
        return self.client.get(path, headers={
            wire.HEADER_INSTALLATION: self.installation, wire.HEADER_USER: self.user,
            wire.HEADER_KEY: self.signer.public_hex, wire.HEADER_TIME: str(now),
            wire.HEADER_SIGNATURE: self.signer.sign(message).hex()})

    def close(self) -> None:
        self.client.close()


def identity(store: Store) -> unit_tls.TlsIdentity:
    s = store.sign_in("admin")
    try:
        found = unit_tls.identity_of(s)
    finally:
        s.close()
    assert found is not None
    return found


def test_an_enrolled_installation_syncs_over_its_certificate_and_is_registered_by_it(
        unit: Unit, engine: Engine, mutual: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store, installation = enrolled(tmp_path, unit_key, "laptop")
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.bin", b"phone dump " * 1000)
    finally:
        s.close()
    result = sync_as(store, "jsmith", mutual, unit)
    assert held(engine, installation) == local(store)[: result.tree_size]
    assert result.objects_held == 1
    mine = identity(store)
    with engine.connect() as conn:
        registered_by = conn.execute(text("SELECT registered_by FROM installations WHERE installation_id = :i"),
                                     {"i": installation}).scalar_one()
        seen = conn.execute(text("SELECT serial FROM client_certificates WHERE installation_id = :i"),
                            {"i": installation}).scalars().all()
    assert registered_by == f"its certificate from unit key {unit_key.public.fingerprint[:16]}"
    assert seen == [mine.serial]
    # The health check needs no certificate; nothing else is served without one.
    bare = Caller(mutual, unit, store, "jsmith", None)
    try:
        assert bare.client.get("/v1/health").status_code == 200
        for path in (f"/v1/installations/{installation}/checkpoint", f"/v1/installations/{installation}/objects",
                     f"/v1/installations/{installation}/entries/0"):
            answer = bare.get(path)
            assert (answer.status_code, answer.json()) == (403, {"error": MSG_NO_CERTIFICATE}), path
    finally:
        bare.close()


def test_an_installation_without_a_certificate_is_refused(
        unit: Unit, engine: Engine, mutual: Service, tmp_path: Path) -> None:
    store = new_installation(tmp_path / "island", tmp_path / "xdg")
    with pytest.raises(UnitError) as caught:
        sync_as(store, "jsmith", mutual, unit)
    assert str(caught.value) == f"the unit refused the sync: {MSG_NO_CERTIFICATE}"
    s = store.sign_in("jsmith")
    installation = s.installation_id
    s.close()
    assert held(engine, installation) == []


def test_another_installations_certificate_with_this_installations_signed_request_is_refused(
        unit: Unit, mutual: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    mine, installation = enrolled(tmp_path, unit_key, "mine")
    theirs, other = enrolled(tmp_path, unit_key, "theirs")
    sync_as(mine, "jsmith", mutual, unit)
    caller = Caller(mutual, unit, mine, "jsmith", identity(theirs))
    try:
        answer = caller.get(f"/v1/installations/{installation}/checkpoint")
    finally:
        caller.close()
    assert answer.status_code == 403
    assert answer.json()["error"] == (
        f"the request is for installation {installation} but comes over the TLS certificate of installation "
        f"{other}: an installation speaks to the unit over its own certificate only")
    # Its own certificate, the same request: served.
    caller = Caller(mutual, unit, mine, "jsmith", identity(mine))
    try:
        assert caller.get(f"/v1/installations/{installation}/checkpoint").status_code == 200
    finally:
        caller.close()


def test_a_certificate_of_another_unit_is_cut_off_at_the_handshake(
        unit: Unit, mutual: Service, tmp_path: Path) -> None:
    store, _ = enrolled(tmp_path, UnitSigner.generate("casedesk.elsewhere.police.uk"), "stranger")
    with pytest.raises(UnitError) as caught:
        sync_as(store, "jsmith", mutual, unit)
    assert str(caught.value) == (
        f"the unit at {mutual.url} refused this installation's TLS certificate during the handshake (the connection closed without an answer): it "
        "was not issued by this unit's CA, or it has expired: enrol the installation with this unit again (casedesk "
        "enrol request)")


def test_a_revoked_installations_certificate_is_refused(
        unit: Unit, engine: Engine, mutual: Service, unit_key: UnitSigner, client_ca: Path, tmp_path: Path) -> None:
    store, installation = enrolled(tmp_path, unit_key, "stolen")
    sync_as(store, "jsmith", mutual, unit)
    answer = json.loads((tmp_path / "stolen-files" / "answer-0.json").read_text())
    cert = certs.Certificate.decode(answer["certificates"][0])
    tls = x509.load_pem_x509_certificate(answer["tls_certificate"].encode("ascii"))
    until = f"{tls.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"

    def listed() -> list[str]:  # `casedesk unit status`: the installation's certificates, from what the unit holds
        lines = casedesk("unit", "status", "--database", unit.url_db).stdout.splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{installation}  "))
        return [line for line in lines[start + 1:] if line.startswith("  TLS client certificate")][:1]

    [line] = listed()
    assert line.startswith(f"  TLS client certificate {cert.serial}: CN={installation}, valid until {until}, "
                           "first presented ") and line.endswith("; not revoked")
    revocation = enrolment.revocation_answer(unit_key, cert, "laptop reported stolen")
    (tmp_path / "rev.json").write_text(json.dumps(revocation))
    out = casedesk("unit", "load-revocations", str(tmp_path / "rev.json"), "--database", unit.url_db,
                   "--client-ca", str(client_ca))
    assert out.stdout.splitlines() == [
        "1 revocation(s) loaded: the unit refuses these TLS certificates from now on.", f"  {cert.serial}"]
    with pytest.raises(UnitError) as caught:
        sync_as(store, "jsmith", mutual, unit)
    when = revocation["revocations"][0]["revoked_at"]
    [line] = listed()
    assert line.endswith(f"; REVOKED {when}: laptop reported stolen") and cert.serial in line
    shown = json.loads(casedesk("unit", "status", "--database", unit.url_db, "--json").stdout)
    [mine] = [r["certificates"] for r in shown if r["installation_id"] == installation]
    assert [(c["serial"], c["subject"], c["revoked_reason"]) for c in mine] == [
        (cert.serial, f"CN={installation}", "laptop reported stolen")]
    assert str(caught.value) == (
        f"the unit refused the sync: the TLS certificate {cert.serial} of installation {installation} was revoked "
        f"by the unit ({when}: laptop reported stolen): the installation must be enrolled again")
    # A revocation signed by another unit key is not loaded.
    other = UnitSigner.generate("casedesk.elsewhere.police.uk")
    (tmp_path / "forged.json").write_text(json.dumps(enrolment.revocation_answer(other, cert, "made up")))
    out = casedesk("unit", "load-revocations", str(tmp_path / "forged.json"), "--database", unit.url_db,
                   "--client-ca", str(client_ca), check=False)
    assert out.returncode == 2
    assert out.stderr.strip().endswith(
        f"forged.json: revocation 1 is signed by unit key {other.public.fingerprint}, not by the pinned unit key "
        f"{unit_key.public.fingerprint}")


def test_a_user_removed_from_a_case_gets_nothing_more_of_it(
        unit: Unit, engine: Engine, mutual: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store, installation = enrolled(tmp_path, unit_key, "desk")
    s = store.sign_in("sgt")
    try:
        Cases(s).add_member(CASE, "bpatel")
    finally:
        s.close()
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "phone.bin", b"phone dump " * 1000)
    finally:
        s.close()
    sync_as(store, "jsmith", mutual, unit)
    caller = Caller(mutual, unit, store, "bpatel", identity(store))
    try:
        listing = caller.get(f"/v1/installations/{installation}/objects").json()["objects"]
        assert len(listing) == 1
        name = listing[0]["name"]
        assert caller.get(f"/v1/installations/{installation}/objects/{name}").status_code == 200
        assert caller.get(f"/v1/installations/{installation}/entries/0").status_code == 200
        # Removed from the case on the installation; the removal reaches the unit at the next sync.
        s = store.sign_in("sgt")
        try:
            Cases(s).remove_member(CASE, "bpatel", "moved to another team")
        finally:
            s.close()
        sync_as(store, "jsmith", mutual, unit)
        refused = (f"bpatel of installation {installation} may not read case {CASE} by the log the unit holds for it "
                   "(not a member of the case, removed from it, or a role without access to case content): the unit "
                   "serves nothing of the case to them")
        answer = caller.get(f"/v1/installations/{installation}/objects/{name}")
        assert (answer.status_code, answer.json()) == (403, {"error": refused})
        assert caller.get(f"/v1/installations/{installation}/objects").json() == {"objects": []}
        # The installation's log stays readable to every account of it, as on the laptop itself.
        assert caller.get(f"/v1/installations/{installation}/entries/0").status_code == 200
    finally:
        caller.close()
    # The officer in charge still reads it all.
    caller = Caller(mutual, unit, store, "jsmith", identity(store))
    try:
        assert caller.get(f"/v1/installations/{installation}/objects/{name}").status_code == 200
    finally:
        caller.close()


def test_a_wiped_enrolled_laptop_is_restored_over_its_certificate(
        unit: Unit, engine: Engine, mutual: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    store, installation, key = enrolled_with_key(tmp_path, unit_key, "lost")
    content = b"a witness statement " * 500
    s = store.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "statement.txt", content)
    finally:
        s.close()
    sync_as(store, "jsmith", mutual, unit)
    shutil.rmtree(store.root)
    shutil.rmtree(store.xdg)
    store.xdg.mkdir()
    new = Store(tmp_path / "replacement", store.xdg)
    result = restore(new.datadir, mutual.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], key)
    assert result.objects == 1 and result.missing == ()
    s = new.sign_in("jsmith")
    try:
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        exhibit = Evidence(s).list(CASE)[0]
        path = Evidence(s).extract(CASE, exhibit.reference, tmp_path / "out.txt")
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(content).digest()
        # It goes on syncing over the certificate the unit gave back.
        sync.sync(s, mutual.url, unit.tls.ca)
    finally:
        s.close()




def test_a_case_is_handed_over_between_two_installations_over_their_certificates(
        unit: Unit, mutual: Service, unit_key: UnitSigner, tmp_path: Path) -> None:
    giver, giver_id = enrolled(tmp_path, unit_key, "giver")
    taker, taker_id = enrolled(tmp_path, unit_key, "taker")
    kestrel = "OP/KESTREL/1"
    s = giver.sign_in("jsmith")
    try:
        Cases(s).create(kestrel, "Operation Kestrel", ["Theft Act 1968 s.1"])
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "phone.txt").write_bytes(b"extraction of the phone")
        Evidence(s).ingest(kestrel, [tmp_path / "in" / "phone.txt"],
                           IngestMetadata(description="the phone", seized_from="a suspect"))
        sync.sync(s, mutual.url, unit.tls.ca)
    finally:
        s.close()
    sync_as(taker, "bpatel", mutual, unit)
    s = giver.sign_in("jsmith")
    try:
        handover.give(s, mutual.url, unit.tls.ca, kestrel, taker_id, "bpatel", "to the fraud team")
        sync.sync(s, mutual.url, unit.tls.ca)
    finally:
        s.close()
    s = taker.sign_in("bpatel")
    try:
        got = handover.receive(s, mutual.url, unit.tls.ca, giver_id, kestrel)
        assert got.exhibits == 1 and got.objects == 1
        assert Custody(s).verify().ok
    finally:
        s.close()
