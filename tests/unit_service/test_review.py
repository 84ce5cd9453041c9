"""Review from any desk: a supervisor on another installation reads a detective's case from the unit, checked."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine

from casedesk.custody import encoding
from casedesk.custody.signing import Signer
from casedesk.errors import PermissionDenied, UnitError
from casedesk.services import remote_review, sync
from casedesk.services.custody import Custody
from casedesk.unit import review
from casedesk.unit.store import engine_for
from tests.helpers.store import CASE, PASSWORDS, Store
from tests.unit_service.conftest import Unit, casedesk
from tests.unit_service.helpers import RawClient, ingest, new_installation, register, rows_of


@dataclass
class Desks:
    detective: Store  # installation D: jsmith's laptop, holding the case
    d_id: str
    supervisor: Store  # installation S: the sergeant's own installation
    s_id: str


def _sync(unit: Unit, store: Store, user: str) -> sync.SyncResult:
    s = store.sign_in(user)
    try:
        return sync.sync(s, unit.service.url, unit.tls.ca)
    finally:
        s.close()


@pytest.fixture(scope="module")
def engine(unit: Unit) -> Engine:
    eng = engine_for(unit.url_db)
    yield eng
    eng.dispose()


@pytest.fixture
def desks(unit: Unit, engine: Engine, tmp_path: Path) -> Desks:
    """Two installations of their own per test (the keyring of each test is its own)."""
    base = tmp_path / "desks"
    d = new_installation(base / "d", Path(os.environ["XDG_DATA_HOME"]))
    s_store = new_installation(base / "s", Path(os.environ["XDG_DATA_HOME"]))
    d_id, _ = register(engine, d, "DC Smith laptop")
    s_id, _ = register(engine, s_store, "DS Grant desk")
    s = d.sign_in("jsmith")
    try:
        ingest(s, base / "in", "phone.txt", b"extraction of the phone")
    finally:
        s.close()
    _sync(unit, d, "jsmith")
    _sync(unit, s_store, "sgt")  # the supervisor's installation is held by the unit, and knows its cosigner
    return Desks(d, d_id, s_store, s_id)


def _fetch(unit: Unit, desks: Desks, user: str = "sgt") -> remote_review.RemoteCase:
    s = desks.supervisor.sign_in(user)
    try:
        return remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.d_id, CASE)
    finally:
        s.close()


def _local_unreviewed(desks: Desks) -> list[int]:
    s = desks.detective.sign_in("jsmith")
    try:
        return [e.seq for e in Custody(s).unreviewed(CASE)]
    finally:
        s.close()


def test_a_supervisor_on_another_installation_sees_the_cases_unreviewed_entries(unit: Unit, desks: Desks) -> None:
    found = _fetch(unit, desks)
    expected = _local_unreviewed(desks)
    assert expected  # the ingest waits for review on D
    assert [e.seq for e in found.unreviewed] == expected
    assert any(e.action == "exhibit.ingested" and e.exhibit_ref for e in found.unreviewed)
    assert found.reviewed_up_to == 0 and found.unit == "casedesk.unit.test"

    # D's own supervisor approves on D's desk; after D's next sync the other desk sees the case reviewed.
    s = desks.detective.sign_in("sgt")
    try:
        Custody(s).review(CASE, "approve", "checked on the laptop")
    finally:
        s.close()
    _sync(unit, desks.detective, "jsmith")
    again = _fetch(unit, desks)
    assert again.unreviewed == [] and again.reviewed_up_to >= expected[-1]


def test_the_command_prints_the_unreviewed_entries(unit: Unit, desks: Desks, tmp_path: Path) -> None:
    s = desks.detective.sign_in("jsmith")
    try:
        ingest(s, tmp_path / "in", "sim.txt", b"the sim card")
    finally:
        s.close()
    _sync(unit, desks.detective, "jsmith")
    env = {"CASEDESK_PASSWORD": PASSWORDS["sgt"], "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"]}
    out = casedesk("--data-dir", str(desks.supervisor.root), "--user", "sgt", "unit-review", "fetch", "--unit",
                   unit.service.url, "--ca", str(unit.tls.ca), "--installation", desks.d_id, CASE, env=env)
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"Case {CASE} of installation {desks.d_id}, as the unit casedesk.unit.test holds it")
    assert lines[1] == "Never approved."
    assert [int(line.split()[0]) for line in lines[2:]] == _local_unreviewed(desks)
    assert sum("exhibit.ingested" in line for line in lines[2:]) == 2 and "JAS/2" in lines[-1]


def test_a_detective_is_refused_by_the_unit_and_by_the_desk(unit: Unit, desks: Desks) -> None:
    with pytest.raises(PermissionDenied):
        _fetch(unit, desks, "jsmith")
    # Past the desk: a request signed by the detective's own key of S reaches the unit, which refuses it.
    _, signer, _ = rows_of(desks.supervisor, "jsmith")
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "jsmith", signer)
    try:
        answer = client.request("GET", f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}")
    finally:
        client.close()
    assert answer.status_code == 403
    assert answer.json() == {"error": review.MSG_NOT_SUPERVISOR.format(user="jsmith", id=desks.s_id)}
    # A supervisor's name with a key that is not theirs (a detective claiming to be sgt) is refused too.
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "sgt", signer)
    try:
        answer = client.request("GET", f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}")
    finally:
        client.close()
    assert answer.status_code == 403


def _served(unit: Unit, desks: Desks) -> tuple[str, str]:
    _, signer, _ = rows_of(desks.supervisor, "sgt")
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "sgt", signer)
    try:
        doc = client.request("GET", f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}").json()
    finally:
        client.close()
    return doc["export"], doc["checkpoint"]


def _check(raw: str, note: str, unit_key: bytes, d_id: str) -> list[str]:
    return remote_review.check(raw, note, d_id, CASE, "casedesk.unit.test", unit_key)[2]


def _unit_key(desks: Desks) -> bytes:
    s = desks.supervisor.sign_in("sgt")
    try:
        known = sync._unit_key(s)
    finally:
        s.close()
    assert known is not None
    return bytes.fromhex(known[1])


def _resign(lines: list[dict[str, object]], signer: Signer, name: str = "casedesk.unit.test") -> str:
    """The lines again, with a trailer whose lines' SHA-256 is right, signed by ``signer``."""
    import hashlib

    from casedesk.custody import export
    body = "".join(json.dumps(x, sort_keys=True, separators=(",", ":")) + "\n" for x in lines[:-1])
    trailer = {**lines[-1], "lines_sha256": hashlib.sha256(body.encode()).hexdigest(), "signed_by": name}
    trailer.pop("signature", None)
    trailer["signature"] = signer.sign(export.signing_message(trailer)).hex()
    return body + json.dumps(trailer, sort_keys=True, separators=(",", ":")) + "\n"


def test_a_changed_served_export_is_rejected_by_the_desk(unit: Unit, desks: Desks) -> None:
    raw, note = _served(unit, desks)
    key = _unit_key(desks)
    assert _check(raw, note, key, desks.d_id) == []
    lines = [json.loads(t) for t in raw.splitlines()]
    ingested = next(i for i, x in enumerate(lines) if x.get("action") == "exhibit.ingested")
    stranger = Signer.generate()

    # An entry's content changed (and the export signed again by a key that is not the unit's).
    changed = [dict(x) for x in lines]
    changed[ingested]["description"] = "nothing"
    changed[ingested]["text"] = "nothing to see"
    problems = _check(_resign(changed, stranger), note, key, desks.d_id)
    assert any("does not match its recorded hash" in p for p in problems)
    assert remote_review.P_UNIT_SIGNATURE.format(name="casedesk.unit.test") in problems

    # An entry of the case served header-only (as another case's): every hash and link still holds; the
    # case commitment in its header gives it away.
    hidden = [dict(x) for x in lines]
    row = remote_review._row(lines[ingested])
    _, body_hash = encoding.hash_row(row)
    keep = {name: lines[ingested][name] for name, _ in encoding.HEADER_FIELDS}
    hidden[ingested] = {"type": "redacted", **keep, "version": lines[ingested]["version"],
                        "commit": lines[ingested]["commit"], "hash": lines[ingested]["hash"],
                        "signature": lines[ingested]["signature"], "body_hash": body_hash}
    problems = _check(_resign(hidden, stranger), note, key, desks.d_id)
    seq = lines[ingested]["seq"]
    assert remote_review.P_COMMIT_HIDDEN.format(seq=seq, case=CASE) in problems

    # The last entries left out: the cosigned checkpoint is of more entries than the export holds.
    short = [x for x in lines if x.get("seq") is None or x["seq"] < lines[-2]["seq"]]
    short[-1] = {**short[-1], "entries": lines[-1]["entries"] - 1}
    problems = _check(_resign(short, stranger), note, key, desks.d_id)
    assert any(p.startswith("the unit cosigned ") for p in problems)


def test_an_installation_that_never_synced_cannot_check_an_answer(unit: Unit, desks: Desks,
                                                                  tmp_path: Path) -> None:
    lone = new_installation(tmp_path / "lone", Path(os.environ["XDG_DATA_HOME"]))
    s = lone.sign_in("sgt")
    try:
        with pytest.raises(UnitError, match="has not synced with a unit yet"):
            remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.d_id, CASE)
    finally:
        s.close()


def test_an_unknown_case_is_not_found(unit: Unit, desks: Desks) -> None:
    s = desks.supervisor.sign_in("sgt")
    try:
        with pytest.raises(UnitError) as caught:
            remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.d_id, "MPS-1999-0001")
    finally:
        s.close()
    assert str(caught.value) == "the unit refused the review: " + review.MSG_NO_CASE.format(
        case="MPS-1999-0001", id=desks.d_id)


def test_a_supervisor_demoted_on_their_installation_reads_nothing_more_after_its_sync(unit: Unit,
                                                                                     desks: Desks) -> None:
    from casedesk.services.accounts import Accounts

    _, signer, _ = rows_of(desks.supervisor, "sgt")  # the sergeant's key, kept by whoever held it
    path = f"/v1/installations/{desks.s_id}/review/{desks.d_id}/{quote(CASE)}"
    client = RawClient(unit.service.url, unit.tls.ca, desks.s_id, "sgt", signer)
    try:
        assert client.request("GET", path).status_code == 200
        s = desks.supervisor.sign_in("admin")
        try:
            Accounts(s).set_role("sgt", "detective")
        finally:
            s.close()
        assert client.request("GET", path).status_code == 200  # the unit knows only what S has synced
        _sync(unit, desks.supervisor, "jsmith")
        answer = client.request("GET", path)
    finally:
        client.close()
    assert answer.status_code == 403
    assert answer.json() == {"error": review.MSG_NOT_SUPERVISOR.format(user="sgt", id=desks.s_id)}


def test_the_desk_shows_nothing_of_a_changed_answer(unit: Unit, desks: Desks,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from casedesk.errors import IntegrityError

    real = sync.UnitClient.request

    def changed(self: sync.UnitClient, method: str, path: str, body: bytes = b"") -> dict[str, object]:
        doc = real(self, method, path, body)
        if "/review/" in path:  # the real unit's answer, one entry of the case changed on the way
            assert '"file phone.txt"' in str(doc["export"])
            doc["export"] = str(doc["export"]).replace('"file phone.txt"', '"file other.txt"')
        return doc

    monkeypatch.setattr(sync.UnitClient, "request", changed)
    with pytest.raises(IntegrityError) as caught:
        _fetch(unit, desks)
    assert str(caught.value).startswith(f"the unit's export of case {CASE} of installation {desks.d_id} does not "
                                        "verify (")
    assert "does not match its recorded hash" in str(caught.value)
    assert str(caught.value).endswith(": it was changed, or it is not your unit")


def test_a_case_reference_with_slashes_is_served(unit: Unit, desks: Desks) -> None:
    from casedesk.services.cases import Cases

    s = desks.detective.sign_in("jsmith")
    try:
        Cases(s).create("OP/HERON/7", "Operation Heron")
    finally:
        s.close()
    _sync(unit, desks.detective, "jsmith")
    s = desks.supervisor.sign_in("sgt")
    try:
        found = remote_review.fetch(s, unit.service.url, unit.tls.ca, desks.d_id, "op/heron/7")
    finally:
        s.close()
    assert found.case_ref == "OP/HERON/7"
    assert [e.action for e in found.entries][:1] == ["case.created"] and found.unreviewed == []
