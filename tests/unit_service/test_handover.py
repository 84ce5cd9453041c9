"""Handing a case to an officer of another installation, through the unit (docs/sync-protocol.md)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from casedesk.errors import IntegrityError, PermissionDenied, UnitError, UsageError
from casedesk.services import handover, sync
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, PASSWORDS, Store
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import new_installation, register

KESTREL = "OP/KESTREL/1"


@dataclass
class Desks:
    d: Store  # jsmith's laptop, where case KESTREL was created
    d_id: str
    e: Store  # bpatel's laptop, which receives it
    e_id: str
    exhibits: dict[str, str]  # reference -> SHA-256 on D


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Engine:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


def _sync(unit: Unit, store: Store, user: str) -> sync.SyncResult:
    s = store.sign_in(user)
    try:
        return sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()


@pytest.fixture
def desks(unit: Unit, engine: Engine, tmp_path: Path) -> Desks:
    base = tmp_path / "desks"
    d = new_installation(base / "d", Path(os.environ["XDG_DATA_HOME"]))
    e = new_installation(base / "e", Path(os.environ["XDG_DATA_HOME"]))
    d_id, _ = register(engine, d, "DC Smith laptop")
    e_id, _ = register(engine, e, "DC Patel laptop")
    s = d.sign_in("jsmith")
    try:
        Cases(s).create(KESTREL, "Operation Kestrel", ["Theft Act 1968 s.1"])
        Cases(s).set_summary(KESTREL, "Two files from the suspect's phone.")
        folder = base / "in"
        folder.mkdir()
        for name, content in (("phone.txt", b"extraction of the phone"), ("sim.txt", b"the sim card")):
            (folder / name).write_bytes(content)
            Evidence(s).ingest(KESTREL, [folder / name], IngestMetadata(description=f"file {name}",
                                                                        seized_from="a suspect"))
        exhibits = {x.reference: x.sha256 for x in Evidence(s).list(KESTREL)}
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    _sync(unit, e, "bpatel")
    return Desks(d, d_id, e, e_id, exhibits)


def _give(unit: Unit, desks: Desks, user: str = "jsmith", case: str = KESTREL) -> handover.HandOver:
    s = desks.d.sign_in(user)
    try:
        done = handover.give(s, unit.service.url, unit.tls.ca, case, desks.e_id, "bpatel", "to the fraud team")
        sync.sync(s, unit.service.url, unit.tls.ca)
        return done
    finally:
        s.close()


def _receive(unit: Unit, desks: Desks, case: str = KESTREL) -> handover.Received:
    s = desks.e.sign_in("bpatel")
    try:
        return handover.receive(s, unit.service.url, unit.tls.ca, desks.d_id, case)
    finally:
        s.close()


def test_a_case_handed_over_arrives_with_every_exhibit_verifying(unit: Unit, desks: Desks, tmp_path: Path) -> None:
    given = _give(unit, desks)
    got = _receive(unit, desks)
    assert got.identity == given.identity and got.identity.installation == desks.d_id
    assert got.exhibits == 2 and got.objects == 2
    s = desks.e.sign_in("bpatel")
    try:
        assert s.integrity_alerts == []
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        shown = Cases(s).show(KESTREL)
        assert shown.title == "Operation Kestrel"
        assert Cases(s).show(KESTREL).summary == "Two files from the suspect's phone."
        out = tmp_path / "out"
        out.mkdir()
        for ref, sha in desks.exhibits.items():
            path = Evidence(s).extract(KESTREL, ref, out / ref.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        # The receiver goes on working in it, and syncs like any other case.
        Cases(s).add_note(KESTREL, "case taken over from DC Smith")
        sync.sync(s, unit.service.url, unit.tls.ca)
        assert Custody(s).verify().ok
    finally:
        s.close()
    assert got.export_path.is_file()


def test_the_giving_installation_refuses_every_write_to_the_case_after(unit: Unit, desks: Desks) -> None:
    given = _give(unit, desks)
    s = desks.d.sign_in("jsmith")
    try:
        with pytest.raises(PermissionDenied) as refused:
            Cases(s).add_note(KESTREL, "one more thing")
        assert str(refused.value) == (f"case {KESTREL} was handed over to bpatel of installation {desks.e_id} "
                                      f"(entry {given.seq}): it is held there now, and nothing more is recorded "
                                      "in it here")
        assert Cases(s).show(KESTREL).status == "handed_over"
        objects_before = sorted(p.name for p in desks.d.datadir.vault.rglob("*") if p.is_file())
        (desks.d.root.parent / "late.txt").write_bytes(b"found later")
        with pytest.raises(PermissionDenied) as late:
            Evidence(s).ingest(KESTREL, [desks.d.root.parent / "late.txt"], IngestMetadata(description="late"))
        assert str(late.value) == str(refused.value)
        assert sorted(p.name for p in desks.d.datadir.vault.rglob("*") if p.is_file()) == objects_before
        assert Custody(s).verify().ok  # the hand-over itself is a well-made entry
    finally:
        s.close()
    # A supervisor is refused the same way; the sign-in settles no key of it.
    s = desks.d.sign_in("sgt")
    try:
        with pytest.raises(PermissionDenied, match="was handed over to bpatel"):
            Cases(s).set_summary(KESTREL, "changed")
    finally:
        s.close()


def test_a_case_that_merely_shares_a_reference_is_never_taken_for_it(unit: Unit, desks: Desks) -> None:
    # Both installations hold their own case MPS-2026-0417 (made separately): D hands its one to bpatel.
    _give(unit, desks, case=CASE)
    with pytest.raises(UsageError) as refused:
        _receive(unit, desks, case=CASE)
    assert f"this installation already holds a case {CASE} (created here)" in str(refused.value)
    assert f"which is not the case installation {desks.d_id} handed over" in str(refused.value)
    s = desks.e.sign_in("jsmith")  # E's own officer in charge of E's own case
    try:
        assert Custody(s).verify().ok
        assert Evidence(s).list(CASE) == []  # nothing of D's case came into E's own
    finally:
        s.close()


def test_only_the_officer_it_was_handed_to_gets_it(unit: Unit, desks: Desks) -> None:
    _give(unit, desks)
    s = desks.e.sign_in("jsmith")  # E's own jsmith: another officer than bpatel
    try:
        with pytest.raises(UnitError, match="the unit holds no hand-over of case OP/KESTREL/1"):
            handover.receive(s, unit.service.url, unit.tls.ca, desks.d_id, KESTREL)
    finally:
        s.close()


def test_a_detective_who_is_not_the_officer_in_charge_cannot_hand_it_over(unit: Unit, desks: Desks) -> None:
    s = desks.d.sign_in("sgt")
    try:
        Cases(s).add_member(KESTREL, "bpatel")
    finally:
        s.close()
    s = desks.d.sign_in("bpatel")  # a member, not the officer in charge
    try:
        with pytest.raises(PermissionDenied, match="neither the officer in charge nor a supervisor"):
            handover.give(s, unit.service.url, unit.tls.ca, KESTREL, desks.e_id, "bpatel", "no reason")
        assert Cases(s).show(KESTREL).status == "open"
    finally:
        s.close()


def test_the_commands(unit: Unit, desks: Desks) -> None:
    env = {"CASEDESK_PASSWORD": PASSWORDS["jsmith"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = casedesk("--data-dir", str(desks.d.root), "--user", "jsmith", "unit-handover", "give", "--unit",
                   unit.service.url, "--ca", str(unit.tls.ca), "--to-installation", desks.e_id, "--to-user", "bpatel",
                   "--reason", "to the fraud team", KESTREL, env=env)
    assert out.stdout.startswith(f"Case {KESTREL} handed over to bpatel of installation {desks.e_id}")
    late = casedesk("--data-dir", str(desks.d.root), "--user", "jsmith", "note", "add", KESTREL, "one more thing",
                    env=env, check=False)
    assert late.returncode == 5 and len(late.stderr.strip().splitlines()) == 1
    assert f"case {KESTREL} was handed over to bpatel of installation {desks.e_id}" in late.stderr
    env["CASEDESK_PASSWORD"] = PASSWORDS["bpatel"]
    out = casedesk("--data-dir", str(desks.e.root), "--user", "bpatel", "unit-handover", "receive", "--unit",
                   unit.service.url, "--ca", str(unit.tls.ca), "--from-installation", desks.d_id, KESTREL, env=env)
    assert out.stdout.startswith(f"Case {KESTREL} received from installation {desks.d_id}")
    again = casedesk("--data-dir", str(desks.e.root), "--user", "bpatel", "unit-handover", "receive", "--unit",
                     unit.service.url, "--ca", str(unit.tls.ca), "--from-installation", desks.d_id, KESTREL, env=env,
                     check=False)
    assert again.returncode != 0 and "already holds a case OP/KESTREL/1" in again.stderr


def test_a_hand_over_signed_without_authority_is_flagged_by_replay_and_refused_by_the_unit(
        unit: Unit, desks: Desks) -> None:
    from casedesk.custody import log as custody_log
    from casedesk.store.models import Case

    s = desks.d.sign_in("sgt")
    try:
        Cases(s).add_member(KESTREL, "bpatel")
    finally:
        s.close()
    # bpatel, a member but not in charge, writes the entry past the service layer (an insider's own code).
    s = desks.d.sign_in("bpatel")
    try:
        with s.write() as db:
            entry = custody_log.append(db, actor="bpatel", signer=s.signer, action="case.handed_over",
                                       case_ref=KESTREL, to_party="bpatel", reason="taking it",
                                       data={"to_installation": desks.e_id, "to_user": "bpatel"})
            seq = entry.seq
            db.query(Case).filter(Case.reference == KESTREL).update({"status": "handed_over"})
        report = Custody(s).verify()
        assert not report.ok
        assert any(p.seq == seq and "neither the officer in charge nor a supervisor" in p.message
                   for p in report.problems)
        with pytest.raises(UnitError, match="authority replay failed"):
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()


def test_the_stand_alone_verifier_checks_an_export_of_a_received_case(
        unit: Unit, desks: Desks, tmp_path: Path) -> None:
    from tests.helpers.custody import tool

    _give(unit, desks)
    _receive(unit, desks)
    s = desks.e.sign_in("bpatel")
    try:
        Custody(s).transfer(KESTREL, "JAS/1", "sgt", "to the sergeant for the file", "Fraud office")
        path = Custody(s).export_log(KESTREL, tmp_path / "kestrel.jsonl")
    finally:
        s.close()
    code, report = tool(path)
    assert code == 0 and report["ok"], report["problems"]


def test_a_move_recorded_after_the_hand_over_is_flagged_by_replay_and_refused_by_the_unit(
        unit: Unit, desks: Desks) -> None:
    from casedesk.custody import log as custody_log
    from casedesk.store.engine import write_session

    _give(unit, desks)
    # jsmith still holds JAS/1 on D; an old client (or an insider's code) records a transfer past the service.
    s = desks.d.sign_in("jsmith")
    try:
        with write_session(s.engine) as db:
            seq = custody_log.append(db, actor="jsmith", signer=s.signer, action="exhibit.transferred",
                                     case_ref=KESTREL, exhibit_ref="JAS/1", from_party="jsmith", to_party="sgt",
                                     reason="late move", data={"from_is_user": True, "to_is_user": True}).seq
        report = Custody(s).verify()
        assert any(p.seq == seq and p.message == (
            f"exhibit.transferred in case {KESTREL}, which was handed over to another installation at this point: "
            "ignored") for p in report.problems)
        with pytest.raises(UnitError, match="which was handed over to another installation"):
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()


def test_a_receiving_laptop_lost_later_is_restored_with_the_received_evidence(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:
    import shutil

    from casedesk.services.restore import restore
    from tests.helpers.store import build_template

    base = tmp_path / "lost"
    d = new_installation(base / "d", Path(os.environ["XDG_DATA_HOME"]))
    d_id, _ = register(engine, d, "DC Smith laptop")
    e = Store(base / "e", Path(os.environ["XDG_DATA_HOME"]))  # wiped below, with D's keyring: D is done by then
    recovery_key = build_template(e.root)
    e_id, _ = register(engine, e, "DC Patel laptop, later lost")
    s = d.sign_in("jsmith")
    try:
        Cases(s).create(KESTREL, "Operation Kestrel")
        (base / "phone.txt").write_bytes(b"extraction of the phone")
        Evidence(s).ingest(KESTREL, [base / "phone.txt"], IngestMetadata(description="the phone", seized_from="x"))
        sha = Evidence(s).list(KESTREL)[0].sha256
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    _sync(unit, e, "bpatel")
    desks = Desks(d, d_id, e, e_id, {"JAS/1": sha})
    _give(unit, desks)
    _receive(unit, desks)
    synced = _sync(unit, e, "bpatel")  # the unit holds the object once, under D: E sends none of it again
    assert synced.objects_sent == 0
    shutil.rmtree(e.root)
    shutil.rmtree(e.xdg)
    e.xdg.mkdir()

    new = Store(base / "replacement", e.xdg)
    result = restore(new.datadir, unit.service.url, unit.tls.ca, e_id, "bpatel", PASSWORDS["bpatel"], recovery_key)
    assert result.missing == () and result.objects == 1
    s = new.sign_in("bpatel")
    try:
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        path = Evidence(s).extract(KESTREL, "JAS/1", base / "out.txt")
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
    finally:
        s.close()


def test_an_object_that_does_not_open_with_the_case_key_is_refused_before_anything_is_recorded(
        unit: Unit, engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.custody import wire
    from casedesk.services import evidence
    from tests.unit_service.helpers import RawClient, rows_of

    # An exhibit ingested before entries bound an object to its bytes (data.object): the unit cannot tell the
    # laptop's bytes from others of the right size, and the receiver's own check is what catches them.
    monkeypatch.setattr(evidence, "object_binding", lambda pending, kept: None)
    base = tmp_path / "insider"
    d = new_installation(base / "d", Path(os.environ["XDG_DATA_HOME"]))
    e = new_installation(base / "e", Path(os.environ["XDG_DATA_HOME"]))
    d_id, _ = register(engine, d, "DC Smith laptop")
    e_id, _ = register(engine, e, "DC Patel laptop")
    s = d.sign_in("jsmith")
    try:
        Cases(s).create(KESTREL, "Operation Kestrel")
        (base / "phone.txt").write_bytes(b"extraction of the phone")
        Evidence(s).ingest(KESTREL, [base / "phone.txt"], IngestMetadata(description="the phone", seized_from="x"))
        ex = Evidence(s).list(KESTREL)[0]
    finally:
        s.close()
    # An insider of D gets other bytes of the right size and format to the unit under the object's name before the
    # laptop's own sync (docs/sync-protocol.md: the unit cannot tell; it holds no key).
    rows, signer, _ = rows_of(d)
    [path] = [p for p in d.datadir.vault.glob("??/*") if p.is_file() and len(p.parent.name + p.name) == 64]
    name = path.parent.name + path.name
    real = path.read_bytes()
    fake = real[:48] + bytes(b ^ 0x55 for b in real[48:])
    client = RawClient(unit.service.url, unit.tls.ca, d_id, "jsmith", signer)
    try:
        assert client.push(rows).status_code == 200
        address = wire.object_address([hashlib.sha256(fake).digest()])
        decl = wire.declaration(KESTREL, ex.sha256, ex.size, 1, len(fake), address)
        assert client.request_part(f"/v1/installations/{d_id}/objects/{name}/0", fake, decl).json()["held"]
    finally:
        client.close()
    _sync(unit, d, "jsmith")
    _sync(unit, e, "bpatel")
    desks = Desks(d, d_id, e, e_id, {ex.reference: ex.sha256})
    _give(unit, desks)
    with pytest.raises(IntegrityError) as refused:
        _receive(unit, desks)
    assert str(refused.value) == (f"the unit sent object {name} of exhibit content {ex.sha256}, which does not "
                                  "open with the case key: it was changed, or it is not your unit; nothing of the "
                                  "case was recorded")
    s = e.sign_in("bpatel")
    try:
        assert KESTREL not in [c.reference for c in Cases(s).list()]
        assert not (e.datadir.vault / name[:2] / name[2:]).exists()
        assert Custody(s).verify().ok
    finally:
        s.close()
