"""Unit key, fingerprint, certificates and revocations (docs/unit-trust.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from casedesk.custody.encoding import canonical_json
from casedesk.errors import AuthenticationError, UsageError
from casedesk.trust import certs, keyfile
from casedesk.trust.unitkey import UnitKey, UnitSigner, grouped, normalise_fingerprint

FAST_KDF = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}


@pytest.fixture(scope="module")
def unit() -> UnitSigner:
    return UnitSigner.generate("casedesk.example.police.uk")


def officer_cert(unit: UnitSigner, key: str = "ab" * 32) -> certs.Certificate:
    return certs.issue_certificate(unit, kind=certs.KIND_OFFICER, installation_id="inst-1", subject="jsmith",
                                   full_name="Jane Smith", role="detective", public_key=key)


def test_key_id_and_verifier_key_follow_the_c2sp_signed_note_reference_vector() -> None:
    # The example verifier key of Go's golang.org/x/mod/sumdb/note documentation.
    key = UnitKey.from_vkey("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
    assert key.key_id == "c74f20a3"
    assert key.vkey == "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    assert key.fingerprint == hashlib.sha256(b"PeterNeumann\n\x01" + key.public_key).hexdigest()


def test_a_verifier_key_whose_key_id_does_not_match_is_refused() -> None:
    with pytest.raises(ValueError, match="key ID does not match"):
        UnitKey.from_vkey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_fingerprint_as_typed_with_spaces_colons_and_capitals(unit: UnitSigner) -> None:
    fp = unit.public.fingerprint
    assert normalise_fingerprint(grouped(fp).upper()) == fp
    assert normalise_fingerprint(":".join(fp[i:i + 2] for i in range(0, 64, 2))) == fp
    with pytest.raises(UsageError, match="is not a unit fingerprint"):
        normalise_fingerprint(fp[:-1])


def test_a_unit_key_name_with_a_plus_or_space_is_refused() -> None:
    for name in ("a+b", "a b", ""):
        with pytest.raises(UsageError):
            UnitSigner.generate(name)


def test_certificate_round_trip_and_signature(unit: UnitSigner) -> None:
    cert = officer_cert(unit)
    text = canonical_json(cert.encode())
    again = certs.Certificate.decode(json.loads(text))
    assert again == cert
    assert certs.signature_problem(again, unit.public.fingerprint) is None
    assert certs.verified_certificate(json.loads(text), unit.public.fingerprint) == cert
    # The signature is over the domain string and the canonical body.
    body = {k: v for k, v in cert.encode().items() if k != "signature"}
    assert cert.signed_message() == b"CASEDESK-UNIT-CERT-V1\x00" + canonical_json(body).encode()


def test_a_certificate_of_another_unit_key_is_named(unit: UnitSigner) -> None:
    other = UnitSigner.generate("casedesk.example.police.uk")  # same name, another key
    cert = officer_cert(other)
    fp = unit.public.fingerprint
    assert certs.signature_problem(cert, fp) == (
        f"is signed by unit key {other.public.fingerprint}, not by the pinned unit key {fp}")
    with pytest.raises(certs.MalformedError, match="not by the pinned unit key"):
        certs.verified_certificate(cert.encode(), fp)


def test_a_changed_certificate_no_longer_verifies(unit: UnitSigner) -> None:
    obj = officer_cert(unit).encode()
    obj["role"] = "supervisor"
    cert = certs.Certificate.decode(obj)
    assert certs.signature_problem(cert, unit.public.fingerprint) == (
        f"does not carry a valid signature of unit key {unit.public.fingerprint}")


def test_malformed_certificates_say_why(unit: UnitSigner) -> None:
    good = officer_cert(unit).encode()
    for change, why in (({"kind": "printer"}, "kind"), ({"serial": "1"}, "serial"),
                        ({"valid_from": "2026-13-01T00:00:00.000000Z"}, "valid_from"),
                        ({"checkpoint": {"size": 1, "root": "00" * 32}}, "checkpoint")):
        with pytest.raises(certs.MalformedError, match=why):
            certs.Certificate.decode({**good, **change})
    with pytest.raises(certs.MalformedError, match="fields"):
        certs.Certificate.decode({**good, "extra": 1})


def test_installation_certificate_carries_its_checkpoint(unit: UnitSigner) -> None:
    cert = certs.issue_certificate(unit, kind=certs.KIND_INSTALLATION, installation_id="inst-1",
                                   subject="inst-1", public_key="cd" * 32,
                                   checkpoint=certs.Checkpoint(12, "ef" * 32))
    assert certs.Certificate.decode(cert.encode()).checkpoint == certs.Checkpoint(12, "ef" * 32)
    assert cert.encode()["checkpoint"] == {"root": "ef" * 32, "size": 12}


def test_revocation_round_trip(unit: UnitSigner) -> None:
    cert = officer_cert(unit)
    rev = certs.issue_revocation(unit, cert, "laptop stolen")
    again = certs.Revocation.decode(json.loads(canonical_json(rev.encode())))
    assert again == rev and again.serial == cert.serial and again.public_key == cert.public_key
    assert certs.signature_problem(again, unit.public.fingerprint) is None
    assert rev.signed_message().startswith(b"CASEDESK-UNIT-REVOCATION-V1\x00")


def test_key_file_round_trip_wrong_passphrase_and_no_overwrite(tmp_path: Path, unit: UnitSigner) -> None:
    path = tmp_path / "unit-key.json"
    keyfile.write_new(path, unit, "correct horse battery", FAST_KDF)
    assert path.stat().st_mode & 0o777 == 0o600
    doc = json.loads(path.read_text())
    assert doc["fingerprint"] == unit.public.fingerprint and doc["vkey"] == unit.public.vkey
    assert unit.seed.hex() not in path.read_text()
    assert keyfile.read(path, "correct horse battery").public == unit.public
    with pytest.raises(AuthenticationError, match="wrong passphrase"):
        keyfile.read(path, "correct horse batterY")
    with pytest.raises(UsageError, match="already exists"):
        keyfile.write_new(path, unit, "correct horse battery", FAST_KDF)
    with pytest.raises(UsageError, match="at least 12"):
        keyfile.write_new(tmp_path / "k2.json", unit, "short", FAST_KDF)
