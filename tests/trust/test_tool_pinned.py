"""tools/verify_custody.py --unit-fingerprint: the stand-alone verifier (stdlib + PyNaCl only) names exactly what
`casedesk verify --unit-fingerprint` names, on an export of the same log."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from casedesk.cli.custody import report_json
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.services.enrolment import Enrolment
from casedesk.trust import certs, enrolment, pinning
from casedesk.trust.unitkey import UnitSigner, grouped
from tests.helpers.custody import tool
from tests.helpers.store import CASE, Store
from tests.trust.helpers import build_fake, enrol
from tests.trust.test_pinned_verify import enrolment_data, entries_by, note


@pytest.fixture(scope="module")
def unit() -> UnitSigner:
    return UnitSigner.generate("casedesk.test.police.uk")


def pair(store: Store, tmp: Path, fp: str) -> tuple[list[tuple[int | None, str]], list[tuple[int | None, str]]]:
    """(casedesk's problems, the tool's), for checks where the store shows more than an export can."""
    s = store.sign_in("sgt")
    try:
        report = report_json(Custody(s).verify(CASE, unit_fingerprint=fp))
        path = Custody(s).export_log(CASE, tmp / f"export-{len(list(tmp.glob('export-*')))}.jsonl")
    finally:
        s.close()
    _, theirs = tool(path, "--unit-fingerprint", fp)
    return ([(p["seq"], p["message"]) for p in report["problems"]],
            [(p["seq"], p["message"]) for p in theirs["problems"]])


def both(store: Store, tmp: Path, fp: str, typed: str | None = None,
         revocations: tuple[Path, ...] = ()) -> list[tuple[int | None, str]]:
    """casedesk's verify of the case and the tool on a fresh export of it (as the supervisor); they must agree."""
    given = [r for f in revocations for r in enrolment.read_revocations(f)]
    s = store.sign_in("sgt")
    try:
        report = report_json(Custody(s).verify(CASE, unit_fingerprint=fp, unit_revocations=given))
        path = Custody(s).export_log(CASE, tmp / f"export-{len(list(tmp.glob('export-*')))}.jsonl")
    finally:
        s.close()
    extra = [a for f in revocations for a in ("--unit-revocations", str(f))]
    code, theirs = tool(path, "--unit-fingerprint", typed or fp, *extra)
    assert theirs["problems"] == report["problems"]
    assert (code == 0, theirs["ok"]) == (report["ok"], report["ok"])
    assert theirs["unit"]["fingerprint"] == fp
    return [(p["seq"], p["message"]) for p in report["problems"]]


def test_the_genuine_installation_passes_both_verifiers(store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    note(store, "jsmith", "after enrolment")
    fp = unit.public.fingerprint
    assert both(store, tmp_path, fp, typed=grouped(fp).upper()) == []


def test_an_unenrolled_export_fails_with_the_exact_words(store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    fp = unit.public.fingerprint
    assert both(store, tmp_path, fp) == [(None, pinning.M_NOT_ENROLLED.format(fp=fp))]
    assert pinning.M_NOT_ENROLLED.format(fp=fp) == (
        f"the log holds no installation.enrolled entry with a certificate of this installation from unit {fp}: "
        "nothing shows that this installation or its keys belong to the unit")


def test_a_fake_installation_back_dated_with_the_same_names_fails_both(
        store: Store, tmp_path: Path, unit: UnitSigner, monkeypatch: pytest.MonkeyPatch) -> None:
    genuine = enrolment_data(store, enrol(store, unit, tmp_path))
    genuine_id = store.sign_in("admin").installation_id
    with monkeypatch.context() as m:
        m.setattr("casedesk.services.installation.uuid.uuid4", lambda: uuid.UUID(genuine_id))
        fake = build_fake(tmp_path / "fake", monkeypatch)
    s = fake.sign_in("admin")
    try:
        with s.write() as db:
            forged = s.record(db, pinning.ENROLLED, data=genuine).seq
    finally:
        s.close()
    note(fake, "jsmith", "back-dated")
    fp = unit.public.fingerprint
    found = both(fake, tmp_path, fp)
    assert found[0] == (None, pinning.M_NOT_ENROLLED.format(fp=fp))
    assert [seq for seq, _ in found[1:]] == [forged]
    assert found[1][1].startswith(f"certificate 1 (installation {genuine_id}) vouches for ")


def test_revoked_key_other_unit_and_uncertified_account_are_named_by_both(
        store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    enrolled_at = enrol(store, unit, tmp_path)
    fp = unit.public.fingerprint
    answer = json.loads((tmp_path / "answer-0.json").read_text())
    jsmith = next(certs.Certificate.decode(c) for c in answer["certificates"] if c["subject"] == "jsmith")
    (tmp_path / "revoke.json").write_text(json.dumps(enrolment.revocation_answer(unit, jsmith, "laptop stolen")))
    other = UnitSigner.generate("casedesk.test.police.uk")
    other_cert = certs.issue_certificate(other, kind=certs.KIND_OFFICER, installation_id=genuine_id(store),
                                         subject="bpatel", full_name="Bilal Patel", role="detective",
                                         public_key="ab" * 32)
    s = store.sign_in("admin")
    try:
        revoked_at, _ = Enrolment(s).import_answer(tmp_path / "revoke.json")
        with s.write() as db:
            spliced = s.record(db, pinning.ENROLLED, data={"unit": other.public.vkey, "revocations": [],
                                                           "certificates": [other_cert.encode()]}).seq
        Accounts(s).add("mole", "detective", "Max Mole", "MM", "mole-password-123")
    finally:
        s.close()
    store.installation.sign_in("mole", "mole-password-123").close()
    note(store, "jsmith", "with a revoked key")
    rev = certs.Revocation.decode(enrolment_data(store, revoked_at)["revocations"][0])
    expected: dict[int, str] = {seq: pinning.M_REVOKED.format(actor="jsmith", serial=jsmith.serial, fp=fp[:16],
                                                             at=rev.revoked_at, reason="laptop stolen")
                                for seq in entries_by(store, "jsmith", revoked_at)}
    expected[spliced] = f"certificate 1 ({other_cert.describe()}) " + certs.M_OTHER_UNIT.format(
        other=other.public.fingerprint, pinned=fp)
    expected |= {seq: pinning.M_UNCERTIFIED.format(actor="mole", fp=fp[:16])
                 for seq in entries_by(store, "mole", enrolled_at)}
    assert both(store, tmp_path, fp) == sorted(expected.items())


def genuine_id(store: Store) -> str:
    s = store.sign_in("admin")
    try:
        return s.installation_id
    finally:
        s.close()




def test_a_revocation_the_log_never_imported_counts_when_given_to_the_verifiers(
        store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    enrol(store, unit, tmp_path)
    answer = json.loads((tmp_path / "answer-0.json").read_text())
    jsmith = next(certs.Certificate.decode(c) for c in answer["certificates"] if c["subject"] == "jsmith")
    note(store, "jsmith", "before the revocation")
    revocation = enrolment.revocation_answer(unit, jsmith, "laptop stolen")
    (tmp_path / "revoke.json").write_text(json.dumps(revocation))
    rev = certs.Revocation.decode(revocation["revocations"][0])
    before = max(entries_by(store, "jsmith", 0))
    note(store, "jsmith", "after the revocation, which this installation never imports")
    fp = unit.public.fingerprint
    assert both(store, tmp_path, fp) == []  # the log alone does not know
    message = pinning.M_REVOKED.format(actor="jsmith", serial=jsmith.serial, fp=fp[:16], at=rev.revoked_at,
                                       reason="laptop stolen")
    assert both(store, tmp_path, fp, revocations=(tmp_path / "revoke.json",)) == [
        (seq, message) for seq in entries_by(store, "jsmith", before)]
    # A revocation file of another unit key is named, not used.
    other = UnitSigner.generate(unit.public.name)
    (tmp_path / "other.json").write_text(json.dumps(enrolment.revocation_answer(other, jsmith, "forged")))
    found = both(store, tmp_path, fp, revocations=(tmp_path / "other.json",))
    assert found == [(None, "revocation 1 given to the verifier " + certs.M_OTHER_UNIT.format(
        other=other.public.fingerprint, pinned=fp))]


def test_an_entry_older_than_its_certificate_is_named_by_both(store: Store, tmp_path: Path,
                                                              unit: UnitSigner) -> None:
    """A key the unit certified only from a later time (say, an officer who joined later) does not vouch for
    entries dated before that (less the 300 s tolerance)."""
    enrol(store, unit, tmp_path)
    s = store.sign_in("admin")
    try:
        Accounts(s).add("mole", "detective", "Max Mole", "MM", "mole-password-123")
    finally:
        s.close()
    mole = store.installation.sign_in("mole", "mole-password-123")
    key = mole.signer.public_hex
    mole.close()
    later = "2999-01-01T00:00:00.000000Z"
    cert = certs.issue_certificate(unit, kind=certs.KIND_OFFICER, installation_id=genuine_id(store), subject="mole",
                                   full_name="Max Mole", role="detective", public_key=key, valid_from=later)
    s = store.sign_in("admin")
    try:
        with s.write() as db:
            s.record(db, pinning.ENROLLED, data={"unit": unit.public.vkey, "certificates": [cert.encode()],
                                                 "revocations": []})
    finally:
        s.close()
    fp = unit.public.fingerprint
    found = both(store, tmp_path, fp)
    assert [seq for seq, _ in found] == entries_by(store, "mole", 0)
    for seq, message in found:
        assert message.startswith("signed at 20") and message.endswith(
            f", before unit {fp[:16]}'s certificate of mole's key (serial {cert.serial}) became valid at {later}")


def test_an_entry_before_enrolment_changed_in_the_database_is_named_alike_by_both(
        store: Store, tmp_path: Path, unit: UnitSigner) -> None:
    """The checkpoint is over the recorded hashes: an entry changed under its recorded hash is the hash check's
    finding, in both verifiers; one whose recorded hash was changed too breaks the unit's checkpoint as well."""
    from tests.helpers.custody import attacker, row

    enrolled_at = enrol(store, unit, tmp_path)
    fp = unit.public.fingerprint
    with attacker(store) as db:
        login = db.execute("SELECT max(seq) FROM custody_entries WHERE action = 'account.login' AND seq < ?",
                           (enrolled_at,)).fetchone()[0]
        db.execute("UPDATE custody_entries SET data = ? WHERE seq = ?", ('{"role":"supervisor"}', login))
    found = both(store, tmp_path, fp)
    assert found[0] == (login, "content does not match its recorded hash: the entry was changed after it was "
                               "written")
    assert not any("vouches for" in message for _, message in found)
    with attacker(store) as db:
        values = row(db, 2)
        values[18] = "f" * 64
        db.execute("UPDATE custody_entries SET entry_hash = ? WHERE seq = 2", (values[18],))
    ours, theirs = pair(store, tmp_path, fp)  # the store also names the rows entry 2 made (register)

    def unit_part(found: list[tuple[int | None, str]]) -> list[tuple[int | None, str]]:
        return [p for p in found if "unit" in p[1] or "vouches for" in p[1]]

    assert unit_part(ours) == unit_part(theirs)
    assert unit_part(ours)[0] == (None, pinning.M_NOT_ENROLLED.format(fp=fp))
    assert [seq for seq, message in unit_part(ours) if "vouches for the first" in message] == [enrolled_at]
