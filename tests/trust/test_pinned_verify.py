"""`casedesk verify --unit-fingerprint`: a log is accepted only if its keys chain to the pinned unit key.

Each test is the genuine case or an attack, asserted as the exact problem lines verify names.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from casedesk.errors import UsageError
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.enrolment import MSG_UNCERTIFIED_KEY, Enrolment, prefix_root
from casedesk.store.models import CustodyEntry
from casedesk.trust import certs, enrolment, pinning
from casedesk.trust.unitkey import UnitSigner
from tests.helpers.store import CASE, Store
from tests.trust.helpers import answer_file, build_fake, enrol


@pytest.fixture(scope="module")
def unit() -> UnitSigner:
    return UnitSigner.generate("casedesk.test.police.uk")


def verify(store: Store, fp: str | None, user: str = "sgt") -> tuple[bool, list[tuple[int | None, str]]]:
    s = store.sign_in(user)
    try:
        report = Custody(s).verify(None, unit_fingerprint=fp)
    finally:
        s.close()
    return report.ok, [(p.seq, p.message) for p in report.problems]


def note(store: Store, user: str, text: str) -> None:
    s = store.sign_in(user)
    try:
        Cases(s).add_note(CASE, text)
    finally:
        s.close()


def enrolment_data(store: Store, seq: int) -> dict[str, Any]:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            data = db.scalar(select(CustodyEntry.data).where(CustodyEntry.seq == seq))
    finally:
        s.close()
    return dict(json.loads(data))


def entries_by(store: Store, actor: str, after: int) -> list[int]:
    s = store.sign_in("admin")
    try:
        with s.read() as db:
            return list(db.scalars(select(CustodyEntry.seq).where(CustodyEntry.actor == actor,
                                                                  CustodyEntry.seq > after)))
    finally:
        s.close()


def not_enrolled(fp: str) -> tuple[None, str]:
    return None, pinning.M_NOT_ENROLLED.format(fp=fp)


def test_the_genuine_enrolled_installation_verifies_against_its_unit(store: Store, tmp_path: Path,
                                                                     unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    note(store, "jsmith", "written after enrolment")
    assert verify(store, unit.public.fingerprint) == (True, [])
    s = store.sign_in("sgt")
    try:
        report = Custody(s).verify(None, unit_fingerprint=unit.public.fingerprint.upper())
    finally:
        s.close()
    assert report.summary().endswith(f"every key chains to unit {unit.public.fingerprint}")


def test_an_unenrolled_installation_works_as_before_but_fails_against_a_fingerprint(store: Store,
                                                                                   unit: UnitSigner) -> None:
    assert verify(store, None) == (True, [])
    fp = unit.public.fingerprint
    assert verify(store, fp) == (False, [not_enrolled(fp)])


def test_a_fake_installation_with_the_same_names_id_and_case_back_dated_fails(
        store: Store, tmp_path: Path, unit: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    seq = enrol(store, unit, tmp_path)
    genuine = enrolment_data(store, seq)
    genuine_id = store.sign_in("admin").installation_id
    # The forger makes an installation with the genuine one's id, users and case, its clock a year back, and
    # copies the genuine enrolment entry (certificates are public) into its own log, signed as its own admin.
    with monkeypatch.context() as m:
        m.setattr("casedesk.services.installation.uuid.uuid4", lambda: uuid.UUID(genuine_id))
        fake = build_fake(tmp_path / "fake", monkeypatch)
    s = fake.sign_in("admin")
    try:
        with s.write() as db:
            forged = s.record(db, pinning.ENROLLED, data=genuine).seq
            size = genuine["certificates"][0]["checkpoint"]["size"]
            actual = prefix_root(db, size)
    finally:
        s.close()
    note(fake, "jsmith", "back-dated note")
    fp = unit.public.fingerprint
    cert = certs.Certificate.decode(genuine["certificates"][0])
    assert cert.checkpoint is not None
    if size >= forged:
        expected = pinning.M_CHECKPOINT_AHEAD.format(n=size, m=forged - 1)
    else:
        expected = pinning.M_CHECKPOINT_ROOT.format(n=size, root=cert.checkpoint.root, actual=actual)
    assert verify(fake, fp) == (False, [not_enrolled(fp), (
        forged, f"certificate 1 (installation {genuine_id}) {expected}")])
    # Without the fingerprint the fake passes every check, as it did before enrolment existed.
    assert verify(fake, None) == (True, [])


def test_a_fake_with_its_own_id_names_every_copied_certificate(
        store: Store, tmp_path: Path, unit: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    genuine = enrolment_data(store, enrol(store, unit, tmp_path))
    genuine_id = store.sign_in("admin").installation_id
    fake = build_fake(tmp_path / "fake", monkeypatch)
    s = fake.sign_in("admin")
    try:
        fake_id = s.installation_id
        with s.write() as db:
            forged = s.record(db, pinning.ENROLLED, data=genuine).seq
    finally:
        s.close()
    fp = unit.public.fingerprint
    wrong = pinning.M_OTHER_INSTALLATION.format(theirs=genuine_id, ours=fake_id)
    whos = [certs.Certificate.decode(c).describe() for c in genuine["certificates"]]
    assert verify(fake, fp) == (False, [not_enrolled(fp), *[
        (forged, f"certificate {i} ({who}) {wrong}") for i, who in enumerate(whos, 1)]])


def test_a_revoked_key_is_named_for_every_entry_after_the_revocation(store: Store, tmp_path: Path,
                                                                      unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    answer = json.loads((tmp_path / "answer-0.json").read_text())
    jsmith = next(certs.Certificate.decode(c) for c in answer["certificates"] if c["subject"] == "jsmith")
    (tmp_path / "revoke.json").write_text(json.dumps(enrolment.revocation_answer(unit, jsmith, "laptop stolen")))
    s = store.sign_in("admin")
    try:
        imported, _ = Enrolment(s).import_answer(tmp_path / "revoke.json")
    finally:
        s.close()
    note(store, "jsmith", "written with a revoked key")
    rev = certs.Revocation.decode(enrolment_data(store, imported)["revocations"][0])
    fp = unit.public.fingerprint
    message = pinning.M_REVOKED.format(actor="jsmith", serial=jsmith.serial, fp=fp[:16], at=rev.revoked_at,
                                       reason="laptop stolen")
    after = entries_by(store, "jsmith", imported)
    assert after  # the sign-in and the note
    assert verify(store, fp) == (False, [(seq, message) for seq in after])


def test_a_certificate_of_another_unit_key_is_refused_at_import_and_named_in_the_log(
        store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    other = UnitSigner.generate("casedesk.test.police.uk")
    s = store.sign_in("admin")
    try:
        Enrolment(s).write_request(tmp_path / "again.json")
        answer_file(other, tmp_path / "again.json", tmp_path / "other.json")
        with pytest.raises(UsageError) as refused:
            Enrolment(s).import_answer(tmp_path / "other.json")
        assert str(refused.value) == (f"{tmp_path / 'other.json'} comes from unit key {other.public.fingerprint}, "
                                      f"not from the unit {unit.public.fingerprint}: check the fingerprint with "
                                      "the unit administrator")
        # An administrator who writes the entry by hand gets it into the log; verify names it.
        data = json.loads((tmp_path / "other.json").read_text())
        with s.write() as db:
            forged = s.record(db, pinning.ENROLLED, data={"unit": other.public.vkey, "certificates":
                                                          data["certificates"][1:2], "revocations": []}).seq
    finally:
        s.close()
    fp = unit.public.fingerprint
    who = certs.Certificate.decode(data["certificates"][1]).describe()
    assert verify(store, fp) == (False, [(forged, f"certificate 1 ({who}) " + certs.M_OTHER_UNIT.format(
        other=other.public.fingerprint, pinned=fp))])


def test_an_account_the_unit_never_certified_is_named_until_it_is_enrolled(store: Store, tmp_path: Path,
                                                                           unit: UnitSigner) -> None:
    enrolled_at = enrol(store, unit, tmp_path)
    s = store.sign_in("admin")
    try:
        Accounts(s).add("mole", "detective", "Max Mole", "MM", "mole-password-123")
    finally:
        s.close()
    mole = store.installation.sign_in("mole", "mole-password-123")
    mole.close()
    assert MSG_UNCERTIFIED_KEY.format(name=unit.public.name) in mole.notices
    jsmith = store.sign_in("jsmith")
    jsmith.close()
    assert not any("not certified" in n for n in jsmith.notices)
    fp = unit.public.fingerprint
    spliced = entries_by(store, "mole", enrolled_at)
    assert spliced
    assert verify(store, fp) == (False, [
        (seq, pinning.M_UNCERTIFIED.format(actor="mole", fp=fp[:16])) for seq in spliced])
    # The unit certifies the new officer the same way: what mole signed since the key's registration counts.
    enrol(store, unit, tmp_path, first=False)
    assert verify(store, fp) == (True, [])
    mole = store.installation.sign_in("mole", "mole-password-123")
    mole.close()
    assert not any("not certified" in n for n in mole.notices)
