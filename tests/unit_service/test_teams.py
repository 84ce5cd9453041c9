"""The unit's team list: another installation's case is served only to a supervisor of the detective's team.

Without a team list, any supervisor of any installation the unit holds may read any case it holds (the rule of
docs/sync-protocol.md). With one, signed by the unit key and given to the service, a supervisor of another team
is refused with the unit's words, while the team's own supervisor is served as before.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from casedesk.custody import statement
from casedesk.errors import UnitError
from casedesk.services import remote_review, sync
from casedesk.trust import issued, keyfile, teams
from casedesk.trust.unitkey import UnitSigner
from tests.helpers.store import CASE, Store
from tests.trust.helpers import enrol
from tests.unit_service.conftest import Service, Unit, casedesk
from tests.unit_service.helpers import RawClient, ingest, new_installation

PASSPHRASE = "correct horse battery staple"
SOME_IDS = ("0c3f2a4e-1b2c-4d5e-8f90-123456789abc", "5d1e0b7a-2c3d-4e5f-9a0b-abcdef012345",
            "9e8d7c6b-5a49-4382-b1c0-fedcba987654")


@pytest.fixture(scope="module")
def unit_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[UnitSigner, Path]:
    signer = UnitSigner.generate("casedesk.teams.police.uk")
    path = tmp_path_factory.mktemp("unitkey") / "unit-key.json"
    keyfile.write_new(path, signer, PASSPHRASE, {"time_cost": 1, "memory_cost": 8, "parallelism": 1})
    return signer, path


@dataclass
class Force:
    detective: Store
    d_id: str
    own_sergeant: Store  # supervises the detective's team
    own_id: str
    other_sergeant: Store  # supervises another team
    other_id: str


def _id(store: Store) -> str:
    s = store.sign_in("admin")
    try:
        return sync.identity(s)[0]
    finally:
        s.close()


def _sync(service: Service, unit: Unit, store: Store, user: str) -> None:
    s = store.sign_in(user)
    try:
        sync.sync(s, service.url, unit.tls.ca)
    finally:
        s.close()


def _fetch(service: Service, unit: Unit, store: Store, d_id: str) -> remote_review.RemoteCase:
    s = store.sign_in("sgt")
    try:
        return remote_review.fetch(s, service.url, unit.tls.ca, d_id, CASE)
    finally:
        s.close()


def _force(unit_key: UnitSigner, base: Path) -> Force:
    xdg = Path(os.environ["XDG_DATA_HOME"])  # this test's keyring (tests/conftest.py)
    stores = [new_installation(base / name, xdg) for name in ("d", "own", "other")]
    for n, store in enumerate(stores):
        folder = base / f"enrol-{n}"
        folder.mkdir()
        enrol(store, unit_key, folder)
    s = stores[0].sign_in("jsmith")
    try:
        ingest(s, base / "in", "phone.txt", b"extraction of the phone")
    finally:
        s.close()
    return Force(stores[0], _id(stores[0]), stores[1], _id(stores[1]), stores[2], _id(stores[2]))


def _definition(path: Path, force: Force | None = None) -> Path:
    d_id, own_id, other_id = (force.d_id, force.own_id, force.other_id) if force else SOME_IDS
    path.write_text(json.dumps({"teams": [
        {"name": "Lantern team", "supervisors": [{"installation_id": own_id, "user": "sgt"}],
         "installations": [d_id, own_id]},
        {"name": "Heron team", "supervisors": [{"installation_id": other_id, "user": "sgt"}],
         "installations": [other_id]},
    ]}))
    return path


def _sent_hash(store: Store) -> str:
    """The hash of the entry the sergeant's last review statement reviews up to, as the unit served it."""
    s = store.sign_in("sgt")
    try:
        with s.read() as db:
            raw = db.connection().exec_driver_sql(
                "SELECT data FROM custody_entries WHERE action = 'unit.review_sent' ORDER BY seq DESC").first()
    finally:
        s.close()
    assert raw is not None
    return str(json.loads(raw[0])["statement"]["up_to_hash"])


def _service(unit: Unit, base: Path, *extra: str) -> Service:
    service = Service(unit.url_db, unit.tls, unit.cosigner_key, base / "service.log", *extra)
    service.start()
    return service


def test_only_a_supervisor_of_the_detectives_team_is_served_the_case(
        unit: Unit, unit_key: tuple[UnitSigner, Path], tmp_path: Path) -> None:
    signer, key_path = unit_key
    force = _force(signer, tmp_path)
    signed = tmp_path / "teams.json"
    # The unit administrator signs the list with the unit key file (the command, as a force would run it).
    casedesk("unit", "teams", str(_definition(tmp_path / "definition.json", force)), "--key", str(key_path),
             "-o", str(signed), env={"CASEDESK_UNIT_PASSPHRASE": PASSPHRASE})
    pin = ("--unit-fingerprint", signer.public.fingerprint)
    with_teams = _service(unit, tmp_path, *pin, "--teams", str(signed))
    try:
        for store, user in ((force.detective, "jsmith"), (force.own_sergeant, "sgt"), (force.other_sergeant, "sgt")):
            _sync(with_teams, unit, store, user)
        found = _fetch(with_teams, unit, force.own_sergeant, force.d_id)
        assert any(e.action == "exhibit.ingested" for e in found.unreviewed)
        with pytest.raises(UnitError) as refused:
            _fetch(with_teams, unit, force.other_sergeant, force.d_id)
        # Reviews are limited as reads are: the team's sergeant's query is taken; the other team's sergeant,
        # signing the same statement as themselves, is refused with the same words.
        s = force.own_sergeant.sign_in("sgt")
        try:
            sent = remote_review.send(s, with_teams.url, unit.tls.ca, force.d_id, CASE, "query", "Which bag?")
        finally:
            s.close()
        s = force.other_sergeant.sign_in("sgt")
        try:
            made = statement.make(force.d_id, CASE, sent.up_to, _sent_hash(force.own_sergeant), "query", "Which bag?",
                                  force.other_id, "sgt", s.signer.public_hex, "2026-11-24T23:00:00Z")
            client = RawClient(with_teams.url, unit.tls.ca, force.other_id, "sgt", s.signer)
            try:
                answer = client.request("POST", f"/v1/installations/{force.other_id}/review/{force.d_id}/{CASE}",
                                        json.dumps({"statement": made, "signature": s.signer.sign(
                                            statement.signing_message(made)).hex()}).encode())
            finally:
                client.close()
        finally:
            s.close()
    finally:
        with_teams.stop()
    assert answer.status_code == 403 and "supervises no team that holds installation" in answer.json()["error"]
    message = str(refused.value)
    assert (f"sgt of installation {force.other_id} supervises no team that holds installation {force.d_id} in the "
            "unit's team list") in message
    assert "casedesk unit teams" in message

    # The same unit database, an instance given no team list: the other team's sergeant is served (the rule
    # docs/sync-protocol.md states for a unit without teams). That is what the team list changes.
    plain = _service(unit, tmp_path, *pin)
    try:
        assert _fetch(plain, unit, force.other_sergeant, force.d_id).unreviewed
    finally:
        plain.stop()

    # What the unit signed is in its issuance log, in order, with the list's serial.
    lines = issued.read(issued.suffix_path(key_path), signer.public)
    listed = [teams.verified(line.item, signer.public.fingerprint) for line in lines if line.kind == "teams"]
    assert [t.name for t in listed[-1].teams] == ["Lantern team", "Heron team"]
    assert listed[-1].serial in message


def test_a_team_list_of_another_unit_key_stops_the_service_from_starting(
        unit: Unit, unit_key: tuple[UnitSigner, Path], tmp_path: Path) -> None:
    stranger = UnitSigner.generate("casedesk.teams.police.uk")  # same name, another key
    forged = teams.issue(stranger, teams.read_definition(_definition(tmp_path / "definition.json")))
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged.encode()))
    out = casedesk("unit", "serve", "--database", unit.url_db, "--cosigner-key", str(unit.cosigner_key),
                   "--tls-cert", str(unit.tls.cert), "--tls-key", str(unit.tls.key), "--port", "0",
                   "--unit-fingerprint", unit_key[0].public.fingerprint, "--teams", str(path), check=False,
                   timeout=60)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"{path} is not a team list of the pinned unit key: it is signed by unit key" in lines[0]
    assert "listening" not in out.stdout


def test_a_team_list_with_its_teams_changed_after_signing_is_refused(
        unit_key: tuple[UnitSigner, Path], tmp_path: Path) -> None:
    signer = unit_key[0]
    signed = teams.issue(signer, teams.read_definition(_definition(tmp_path / "definition.json"))).encode()
    signed["teams"][1]["installations"].append(SOME_IDS[0])  # the other sergeant adds the detective's laptop
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(signed))
    with pytest.raises(Exception) as refused:
        teams.load(path, signer.public.fingerprint)
    assert "does not carry a valid signature of unit key" in str(refused.value)


@pytest.mark.parametrize(("definition", "words"), [
    ({"teams": []}, "its teams are not a list of 1 to 1000 teams"),
    ({"teams": [{"name": "A", "supervisors": [], "installations": []}]}, "needs at least one supervisor"),
    ({"teams": [{"name": "A", "supervisors": [{"installation_id": "laptop-7", "user": "sgt"}],
                 "installations": ["0c3f2a4e-1b2c-4d5e-8f90-123456789abc"]}]}, "a supervisor of team 'A' is not"),
    ({"members": []}, "must be a JSON object with one member, \"teams\""),
])
def test_a_bad_team_definition_gets_one_line_before_the_passphrase(
        unit_key: tuple[UnitSigner, Path], tmp_path: Path, definition: dict[str, object], words: str) -> None:
    path = tmp_path / "definition.json"
    path.write_text(json.dumps(definition))
    out = casedesk("unit", "teams", str(path), "--key", str(unit_key[1]), "-o", str(tmp_path / "teams.json"),
                   check=False, env={"CASEDESK_UNIT_PASSPHRASE": "wrong"})
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], lines
    assert not (tmp_path / "teams.json").exists()
