"""The conflict case (issue 11): a laptop believed lost is restored from the unit onto a replacement; both move the
same exhibits offline; both keep their entries, and each exhibit shows a custody conflict that only a supervisor's
signed resolution closes. Real PostgreSQL, the real unit service on loopback TLS."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import Engine, text

from casedesk.custody import conflicts, encoding
from casedesk.errors import IntegrityError, PermissionDenied
from casedesk.services import sync
from casedesk.services.conflicts import Conflicts
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.services.restore import restore
from casedesk.unit.store import engine_for
from tests.helpers.custody import tool
from tests.helpers.store import CASE, PASSWORDS, Store, build_template
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import RawClient, ingest, register, rows_of


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Iterator[Engine]:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


@dataclass
class Laptops:
    old: Store  # D: believed lost, turns up later
    new: Store  # D': restored from the unit onto the replacement laptop
    installation: str
    exhibits: list[str]  # X1, X2, X3 by reference


def use(store: Store) -> Store:
    """Work on this laptop: its own OS keyring (the per-test XDG_DATA_HOME of each computer)."""
    os.environ["XDG_DATA_HOME"] = str(store.xdg)
    keyring.set_keyring(PlaintextKeyring())
    return store


def _sync(unit: Unit, store: Store, user: str = "jsmith") -> sync.SyncResult:
    s = use(store).sign_in(user)
    try:
        return sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()


def _move(store: Store, exhibit: str, to: str, why: str) -> None:
    s = use(store).sign_in("jsmith")
    try:
        Custody(s).transfer(CASE, exhibit, to, why)
    finally:
        s.close()


@pytest.fixture
def laptops(unit: Unit, engine: Engine, tmp_path: Path) -> Laptops:
    old = Store(tmp_path / "old", Path(os.environ["XDG_DATA_HOME"]))
    recovery_key = build_template(old.root)
    installation, _ = register(engine, old, "DC Smith laptop, later believed lost")
    s = old.sign_in("jsmith")
    try:
        for name in ("phone.bin", "sim.bin", "notebook.txt"):
            ingest(s, tmp_path / "in" / name, name, f"content of {name}".encode())
        exhibits = sorted(e.reference for e in Evidence(s).list(CASE))
        sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()
    new = Store(tmp_path / "replacement", tmp_path / "xdg-replacement")
    new.xdg.mkdir()
    use(new)
    restore(new.datadir, unit.service.url, unit.tls.ca, installation, "jsmith", PASSWORDS["jsmith"], recovery_key)
    return Laptops(old, new, installation, exhibits)


def _offline_moves(unit: Unit, laptops: Laptops) -> str:
    """Both copies move exhibits offline; the replacement syncs first, then the old laptop is refused. Returns the
    old laptop's refusal."""
    x1, x2, _ = laptops.exhibits
    _move(laptops.new, x1, "Property store locker 7", "booked into the property store")
    _move(laptops.old, x1, "Digital forensics lab bench 3", "taken for imaging")
    _move(laptops.old, x2, "Exhibits van 2", "on its way to the lab")
    _sync(unit, laptops.new)  # the replacement continues the unit's log: taken
    with pytest.raises(IntegrityError) as refused:
        _sync(unit, laptops.old)
    return str(refused.value)


def test_two_copies_that_moved_the_same_exhibit_offline_both_keep_their_entries_and_show_a_conflict(
        unit: Unit, engine: Engine, laptops: Laptops, tmp_path: Path) -> None:
    x1, x2, x3 = laptops.exhibits
    refusal = _offline_moves(unit, laptops)
    assert "were kept at the unit (segment" in refusal
    assert "records them as a fork" in refusal
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT count(*) FROM rejected_segments WHERE installation_id = :i"),
                            {"i": laptops.installation}).scalar()
    assert kept == 1

    done = casedesk("--data-dir", str(laptops.new.root), "--user", "jsmith", "sync", "--unit", unit.service.url,
                    "--ca", str(unit.tls.ca),
                    env={"CASEDESK_PASSWORD": PASSWORDS["jsmith"], "XDG_DATA_HOME": str(laptops.new.xdg)})
    assert ("1 fork(s) of this installation's log (entries its other copy wrote offline) recorded: `casedesk "
            "custody conflicts` shows the custody conflicts a supervisor resolves.") in done.stdout.splitlines()
    files = list((laptops.new.root / sync.FORKS_DIR).iterdir())
    assert len(files) == 1
    s = use(laptops.new).sign_in("jsmith")
    try:
        found = {c.exhibit_ref: c for c in Conflicts(s).list()}
        assert set(found) == {x1, x2}  # X3 was moved by neither copy
        assert found[x1].here is not None and found[x1].here["custodian"] == "Property store locker 7"
        assert found[x1].other["custodian"] == "Digital forensics lab bench 3"
        assert found[x2].other["custodian"] == "Exhibits van 2"
        assert found[x2].here is not None and found[x2].here["custodian"] == "jsmith"
        record = Custody(s).entry(found[x1].record_seq)
        data = encoding.parse_data(record.data) if isinstance(record.data, str) else record.data
        assert data["segment_sha256"] == hashlib.sha256(files[0].read_bytes()).hexdigest()
        report = Custody(s).verify()
        assert not report.ok and report.problems == []  # nothing was tampered with: findings, not problems
        assert report.summary().startswith("OPEN: 2 custody conflicts with the installation's other copy")
        assert [(p.case, p.exhibit, p.message) for p in report.conflicts] == [
            (c.case_ref, c.exhibit_ref, c.message) for c in Conflicts(s).list()]
        assert all(m.message.startswith("open custody conflict (recorded by entry ")
                   and f"resolve-conflict {CASE} {m.exhibit}" in m.message for m in report.conflicts)
        with pytest.raises(PermissionDenied):
            Conflicts(s).resolve(CASE, x1, "I say so", custodian="Property store locker 7")
    finally:
        s.close()
    # The old laptop's entries are not merged into the register: X1 stays where this log put it until resolved.
    s = use(laptops.new).sign_in("sgt")
    try:
        assert Evidence(s).show(CASE, x1).custodian == "Property store locker 7"
        Conflicts(s).resolve(CASE, x1, "the lab's imaging record shows it was on bench 3",
                             custodian="Digital forensics lab bench 3")
        Conflicts(s).resolve(CASE, x2, "the van's log confirms it", custodian="Exhibits van 2")
        assert Conflicts(s).list() == []
        assert Evidence(s).show(CASE, x1).custodian == "Digital forensics lab bench 3"
        assert Evidence(s).show(CASE, x3).custodian == "jsmith"
        report = Custody(s).verify()
        assert report.ok, [p.message for p in report.problems]
        exported = Custody(s).export_log(CASE, tmp_path / "log.jsonl")
    finally:
        s.close()
    # The prosecutor's expert, with the export alone: the record and both resolutions replay as CaseDesk's do.
    code, result = tool(exported)
    assert code == 0 and result["ok"], result["problems"]
    # The next sync of the replacement sends the record and the resolutions: the unit replays them (row 10).
    assert _sync(unit, laptops.new).pushed > 0


def test_a_kept_segment_that_is_not_a_fork_is_not_served_as_one(
        unit: Unit, engine: Engine, laptops: Laptops) -> None:
    use(laptops.old)
    rows, signer, installation = rows_of(laptops.old)
    last = list(rows[-1])
    last[10] = "a reason changed after signing"  # the entry the unit holds, altered: refused (row 4) and kept
    client = RawClient(unit.service.url, unit.tls.ca, installation, "jsmith", signer)
    try:
        refused = client.push([tuple(last)], held=len(rows) - 1, leaves=[bytes.fromhex(str(r[18])) for r in rows])
        assert refused.status_code == 422 and "kept_as" in refused.json(), refused.text
        answer = client.request("GET", f"/v1/installations/{installation}/forks/0")
        assert answer.status_code == 200, answer.text
        assert answer.json()["forks"] == [] and answer.json()["scanned"] == refused.json()["kept_as"]
    finally:
        client.close()
    assert _sync(unit, laptops.new).forks_recorded == 0


def test_a_resolution_an_insider_writes_with_a_detectives_key_closes_nothing(
        unit: Unit, laptops: Laptops) -> None:
    x1, _, _ = laptops.exhibits
    _offline_moves(unit, laptops)
    _sync(unit, laptops.new)
    s = use(laptops.new).sign_in("jsmith")
    try:
        conflict = next(c for c in Conflicts(s).list() if c.exhibit_ref == x1)
        # The service refuses a detective; an insider holding the store key and their own signing key writes the
        # entry by hand, properly signed and chained, and moves the exhibit's row to match.
        with s.write() as db:
            from casedesk.custody import log as custody_log
            custody_log.append(db, actor="jsmith", signer=s.signer, action=conflicts.RESOLVED, case_ref=CASE,
                               exhibit_ref=x1, reason="mine now", to_party="jsmith", location="my desk",
                               data={"record": conflict.record_seq, "other_seq": conflict.other["seq"],
                                     "other_hash": conflict.other["hash"], "here_seq": conflict.here["seq"]
                                     if conflict.here else None, "to_is_user": True})
    finally:
        s.close()
    s = use(laptops.new).sign_in("jsmith")
    try:
        assert [c.exhibit_ref for c in Conflicts(s).list()].count(x1) == 1  # still open
        messages = [p.message for p in Custody(s).verify().problems]
        assert any("custody.conflict_resolved by jsmith, whose role (detective) may not resolve custody conflicts"
                   in m for m in messages), messages
    finally:
        s.close()

