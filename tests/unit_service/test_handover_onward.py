"""A received case handed on to a third installation, or back to the one it came from (docs/sync-protocol.md,
"Handing a case on, or back").

Before, ``give`` took only a case created where it ran, and ``receive`` refused any reference the receiver held:
a case could move once, and never come back to the installation that handed it over.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine

from casedesk.errors import PermissionDenied, UnitError, UsageError
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services import handover, sync
from casedesk.services.bundles import Bundles
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.disclosure import Disclosure
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.helpers.custody import tool
from tests.unit_service.conftest import Unit
from tests.unit_service.helpers import new_installation, register
from tests.unit_service.test_handover import KESTREL, Desks, _give, _receive, _sync, desks, engine  # noqa: F401


def _work_on_e(unit: Unit, desks: Desks, base: Path) -> str:  # noqa: F811
    """bpatel, holding the case on E, moves JAS/1, ingests a new exhibit and syncs; the new exhibit's SHA-256."""
    s = desks.e.sign_in("bpatel")
    try:
        first = sorted(desks.exhibits)[0]
        Custody(s).transfer(KESTREL, first, "sgt", "to the sergeant for the file", "Fraud office")
        base.mkdir(parents=True, exist_ok=True)
        (base / "laptop.txt").write_bytes(b"the suspect's laptop, found later")
        Evidence(s).ingest(KESTREL, [base / "laptop.txt"], IngestMetadata(description="the laptop", seized_from="x"))
        Cases(s).add_note(KESTREL, "the laptop came in on E")
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    return hashlib.sha256(b"the suspect's laptop, found later").hexdigest()


def _give_from_e(unit: Unit, desks: Desks, to_installation: str,  # noqa: F811
                 to_user: str) -> handover.HandOver:
    s = desks.e.sign_in("bpatel")
    try:
        done = handover.give(s, unit.service.url, unit.tls.ca, KESTREL, to_installation, to_user, "back to the team")
        sync.sync(s, unit.service.url, unit.tls.ca)
        return done
    finally:
        s.close()


def test_a_case_handed_back_is_held_again_under_its_one_reference(unit: Unit, desks: Desks,  # noqa: F811
                                                                  tmp_path: Path) -> None:
    given = _give(unit, desks)
    _receive(unit, desks)
    laptop = _work_on_e(unit, desks, tmp_path / "e-in")
    _sync(unit, desks.d, "jsmith")
    back = _give_from_e(unit, desks, desks.d_id, "jsmith")
    assert back.identity == given.identity  # the same case, whoever holds it

    s = desks.d.sign_in("jsmith")
    try:
        got = handover.receive(s, unit.service.url, unit.tls.ca, desks.e_id, KESTREL)
        assert got.identity == given.identity and got.exhibits == 3 and got.objects == 1  # only the new one fetched
        assert [c.reference for c in Cases(s).list()].count(KESTREL) == 1
        case = Cases(s).show(KESTREL)
        assert case.status == "open"
        listed = {x.reference: x for x in Evidence(s).list(KESTREL)}
        assert len(listed) == 3 and laptop in {x.sha256 for x in listed.values()}
        first = sorted(desks.exhibits)[0]
        assert listed[first].custodian == "jsmith"  # moved on E to sgt there; the receiver here holds it now
        out = tmp_path / "out"
        out.mkdir()
        for ref, x in listed.items():
            path = Evidence(s).extract(KESTREL, ref, out / ref.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == x.sha256
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        # Held here again: written to, and the unit's push checks take the entries.
        Cases(s).add_note(KESTREL, "back with DC Smith")
        sync.sync(s, unit.service.url, unit.tls.ca)

        # What D gives the court: the bundle (check 7 among them), the schedule, CASE/UCO and the custody export
        # the stand-alone verifier checks.
        bundle = Bundles(s).export(KESTREL, tmp_path / "bundle.pdf")
        custody_path = tmp_path / "custody.jsonl"
        Custody(s).export_log(KESTREL, custody_path)
        check = verify_bundle(tmp_path / "bundle.pdf", s, custody=custody_path)
        Disclosure(s).export_schedule(KESTREL, "mg6c", tmp_path / "mg6c.pdf")
        Disclosure(s).export_case(KESTREL, tmp_path / "case.jsonld")
    finally:
        s.close()
    assert sorted(bundle.included) == sorted(listed)
    manifest = json.loads(bundle.manifest_path.read_text())
    assert sorted((x["reference"], x["sha256"]) for x in manifest["exhibits"]) == sorted(
        (ref, x.sha256) for ref, x in listed.items())
    assert [(c.name, c.detail) for c in check.checks if c.status == "fail"] == [] and check.ok
    code, result = tool(custody_path)
    assert code == 0, [p["message"] for p in result.get("problems", [])]
    assert laptop in (tmp_path / "case.jsonld").read_text()

    # The "writes after a hand-over" rule holds per holding period: handed over again, the case takes no more.
    again = _give(unit, desks)
    s = desks.d.sign_in("jsmith")
    try:
        with pytest.raises(PermissionDenied, match=f"\\(entry {again.seq}\\): it is held there now"):
            Cases(s).add_note(KESTREL, "one more thing")
        assert Custody(s).verify().ok
    finally:
        s.close()


def test_a_received_case_handed_on_to_a_third_installation(unit: Unit, engine: Engine, desks: Desks,  # noqa: F811
                                                           tmp_path: Path) -> None:
    f = new_installation(tmp_path / "f", Path(os.environ["XDG_DATA_HOME"]))
    f_id, _ = register(engine, f, "DS Grant laptop")
    _sync(unit, f, "bpatel")
    given = _give(unit, desks)
    received_on_e = _receive(unit, desks)
    laptop = _work_on_e(unit, desks, tmp_path / "e-in")
    onward = _give_from_e(unit, desks, f_id, "bpatel")
    s = desks.e.sign_in("bpatel")
    try:
        checkpoint_on_e = next(e for e in Custody(s).log(KESTREL) if e.action == "case.received").data["checkpoint"]
    finally:
        s.close()
    assert onward.identity == given.identity

    s = f.sign_in("bpatel")
    try:
        got = handover.receive(s, unit.service.url, unit.tls.ca, desks.e_id, KESTREL)
        # Every exhibit arrives: D's two (held at the unit under D) and the one ingested on E.
        assert got.identity == given.identity and got.exhibits == 3 and got.objects == 3
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        out = tmp_path / "out"
        out.mkdir()
        shas = set()
        for x in Evidence(s).list(KESTREL):
            path = Evidence(s).extract(KESTREL, x.reference, out / x.reference.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == x.sha256
            shas.add(x.sha256)
        assert shas == {*desks.exhibits.values(), laptop}
        # The whole history: F's case.received names E's hand-over, and the one before it (D's, with the
        # checkpoint it was served under and E's case.received that took it).
        entry = next(e for e in Custody(s).log(KESTREL) if e.action == "case.received")
        assert entry.data["from_installation"] == desks.e_id and entry.data["handed_over"]["seq"] == onward.seq
        [before] = entry.data["history"]
        assert before["installation"] == desks.d_id and before["handed_over"]["seq"] == given.seq
        assert before["received"]["installation"] == desks.e_id
        assert before["received"]["seq"] == received_on_e.seq
        assert before["checkpoint"] == checkpoint_on_e and before["checkpoint"]  # D's case was served under it
        custody_path = tmp_path / "f.jsonl"
        Custody(s).export_log(KESTREL, custody_path)
        synced = sync.sync(s, unit.service.url, unit.tls.ca)
        assert synced.objects_sent == 0  # held at the unit already, under D and E
    finally:
        s.close()
    code, result = tool(custody_path)
    assert code == 0, [p["message"] for p in result.get("problems", [])]


def test_a_case_taken_back_by_hand_without_a_hand_over_is_refused_by_the_unit(unit: Unit, desks: Desks  # noqa: F811
                                                                              ) -> None:
    """An insider of D writes, past the service layer, a case.received that brings back the case D handed to E
    (its own identity, which D's log discloses): replay on D takes it as the case coming back, so only the unit,
    which holds E's log, can tell that no hand-over stands behind it."""
    from casedesk.custody import log as custody_log
    from casedesk.store.models import Case

    given = _give(unit, desks)
    s = desks.d.sign_in("jsmith")
    try:
        with s.write() as db:
            row = db.query(Case).filter(Case.reference == KESTREL).one()  # copied, so the register agrees
            seq = custody_log.append(db, actor="jsmith", signer=s.signer, action="case.received", case_ref=KESTREL,
                                     to_party="jsmith", from_party=desks.e_id, reason="taking it back",
                                     data={"identity": given.identity.as_data(), "from_installation": desks.e_id,
                                           "handed_over": {"seq": 3, "hash": "00" * 32}, "title": row.title,
                                           "offences": row.offences.splitlines(), "summary": row.summary,
                                           "keys": []}).seq
            db.query(Case).filter(Case.reference == KESTREL).update({"status": "open"})
        assert Custody(s).verify().ok  # the laptop's own replay cannot tell
        with pytest.raises(UnitError) as refused:
            sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    assert str(refused.value) == (
        f"the unit refused the sync: entry {seq}: case.received of case {KESTREL} names hand-over entry 3 of "
        f"installation {desks.e_id}, but the unit holds no hand-over of that case to jsmith of installation "
        f"{desks.d_id} there with that hash: it was written by hand")


def test_another_case_under_the_reference_of_a_case_handed_away_is_never_taken_for_it(
        unit: Unit, engine: Engine, desks: Desks, tmp_path: Path) -> None:  # noqa: F811
    """D handed its KESTREL to E; F hands D's jsmith a KESTREL of F's own making. D holds the reference (handed
    over), and the case coming is not that one: refused, as for any case that merely shares a reference."""
    _give(unit, desks)
    f = new_installation(tmp_path / "f", Path(os.environ["XDG_DATA_HOME"]))
    f_id, _ = register(engine, f, "DS Grant laptop")
    s = f.sign_in("bpatel")
    try:
        Cases(s).create(KESTREL, "Another operation under the same reference")
        sync.sync(s, unit.service.url, unit.tls.ca)
        handover.give(s, unit.service.url, unit.tls.ca, KESTREL, desks.d_id, "jsmith", "to DC Smith")
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    s = desks.d.sign_in("jsmith")
    try:
        with pytest.raises(UsageError) as refused:
            handover.receive(s, unit.service.url, unit.tls.ca, f_id, KESTREL)
        assert str(refused.value).startswith(f"this installation already holds a case {KESTREL} (created here), "
                                             f"which is not the case installation {f_id} handed over")
        assert Cases(s).show(KESTREL).status == "handed_over"
        assert Custody(s).verify().ok
    finally:
        s.close()


def test_a_received_case_is_reviewed_from_another_desk(unit: Unit, desks: Desks) -> None:  # noqa: F811
    """The unit puts the salt of the case's first entry in the export's header and the desk checks it against that
    entry: a received case begins with case.received, and before, its export failed "the export's case salt is
    not the one the case's case.created entry records" (so no supervisor could review it, nor could it be handed
    on)."""
    from casedesk.services import remote_review

    _give(unit, desks)
    _receive(unit, desks)
    _sync(unit, desks.e, "bpatel")
    s = desks.d.sign_in("sgt")  # a supervisor of another installation (no team list: any may read)
    try:
        found = remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.e_id, KESTREL)
    finally:
        s.close()
    assert found.entries[0].action == "case.received" and found.installation_id == desks.e_id
    assert {e.action for e in found.entries} >= {"case.received", "exhibit.received"}


def test_a_laptop_the_case_came_back_to_is_restored_with_all_of_its_evidence(
        unit: Unit, engine: Engine, tmp_path: Path) -> None:  # noqa: F811
    """D hands its case to E, E adds an exhibit and hands it back, D is lost: a restore of D from the unit brings
    back the case held, with D's own objects and the one ingested on E (held at the unit under E)."""
    import shutil

    from casedesk.services.restore import restore
    from tests.helpers.store import PASSWORDS, Store, build_template

    base = tmp_path / "lost"
    d = Store(base / "d", Path(os.environ["XDG_DATA_HOME"]))  # wiped below, with E's keyring: E is done by then
    recovery_key = build_template(d.root)
    d_id, _ = register(engine, d, "DC Smith laptop, later lost")
    e = new_installation(base / "e", Path(os.environ["XDG_DATA_HOME"]))
    e_id, _ = register(engine, e, "DC Patel laptop")
    s = d.sign_in("jsmith")
    try:
        Cases(s).create(KESTREL, "Operation Kestrel")
        (base / "phone.txt").write_bytes(b"extraction of the phone")
        Evidence(s).ingest(KESTREL, [base / "phone.txt"], IngestMetadata(description="the phone", seized_from="x"))
        first = {x.reference: x.sha256 for x in Evidence(s).list(KESTREL)}
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    _sync(unit, e, "bpatel")
    pair = Desks(d, d_id, e, e_id, first)
    _give(unit, pair)
    _receive(unit, pair)
    laptop = _work_on_e(unit, pair, base / "e-in")
    _sync(unit, d, "jsmith")
    _give_from_e(unit, pair, d_id, "jsmith")
    s = d.sign_in("jsmith")
    try:
        handover.receive(s, unit.service.url, unit.tls.ca, e_id, KESTREL)
        synced = sync.sync(s, unit.service.url, unit.tls.ca)
        assert synced.objects_sent == 0  # the new exhibit's object is held at the unit under E
    finally:
        s.close()
    shutil.rmtree(d.root)
    shutil.rmtree(d.xdg)
    d.xdg.mkdir()

    new = Store(base / "replacement", d.xdg)
    result = restore(new.datadir, unit.service.url, unit.tls.ca, d_id, "jsmith", PASSWORDS["jsmith"], recovery_key)
    assert result.missing == () and result.objects == 2
    s = new.sign_in("jsmith")
    try:
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        assert Cases(s).show(KESTREL).status == "open"
        shas = {x.sha256 for x in Evidence(s).list(KESTREL)}
        assert shas == {*first.values(), laptop}
        for x in Evidence(s).list(KESTREL):
            path = Evidence(s).extract(KESTREL, x.reference, base / x.reference.replace("/", "-"))
            assert hashlib.sha256(path.read_bytes()).hexdigest() == x.sha256
    finally:
        s.close()
