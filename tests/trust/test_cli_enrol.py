"""The offline enrolment round on the command line, as the two administrators type it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from casedesk.trust import keyfile, pinning
from tests.helpers.cli import run
from tests.helpers.store import Store

PASSPHRASE = "unit passphrase 0417"


def test_init_key_request_answer_import_and_verify(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", {"time_cost": 1, "memory_cost": 8192, "parallelism": 1})
    monkeypatch.setenv("CASEDESK_UNIT_PASSPHRASE", PASSPHRASE)
    key = tmp_path / "unit-key.json"
    r = run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "casedesk.test.police.uk", "-o", str(key))
    assert r.code == 0, r.err
    fp = json.loads(key.read_text())["fingerprint"]
    grouped = " ".join(fp[i:i + 4] for i in range(0, 64, 4))
    assert f"Unit fingerprint: {grouped}" in r.out
    again = run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "x", "-o", str(key))
    assert (again.code, again.err.strip()) == (
        2, f"casedesk: error: {key} already exists; CaseDesk never replaces a file: choose a new name")

    r = run(capsys, monkeypatch, store.root, "enrol", "request", "-o", str(tmp_path / "req.json"), user="admin")
    assert r.code == 0, r.err
    refused = run(capsys, monkeypatch, store.root, "enrol", "request", "-o", str(tmp_path / "r2.json"), user="jsmith")
    assert refused.code == 5
    r = run(capsys, monkeypatch, store.root, "unit", "enrol", str(tmp_path / "req.json"), "--key", str(key),
            "-o", str(tmp_path / "certs.json"))
    assert r.code == 0, r.err
    assert "certified jsmith (Jane A Smith, detective)" in r.out

    r = run(capsys, monkeypatch, store.root, "enrol", "import", str(tmp_path / "certs.json"), user="admin")
    assert (r.code, r.err.strip()) == (2, "casedesk: error: give the unit's fingerprint, as the unit administrator "
                                          "told it to you, to import its first answer (--unit-fingerprint FP)")
    r = run(capsys, monkeypatch, store.root, "enrol", "import", str(tmp_path / "certs.json"),
            "--unit-fingerprint", grouped.upper(), user="admin")
    assert r.code == 0, r.err

    r = run(capsys, monkeypatch, store.root, "verify", "--json", "--unit-fingerprint", fp, user="sgt")
    assert (r.code, r.json()["problems"], r.json()["unit_fingerprint"]) == (0, [], fp)
    wrong = "0" * 64
    r = run(capsys, monkeypatch, store.root, "verify", "--json", "--unit-fingerprint", wrong, user="sgt")
    assert r.code == 7
    assert r.json()["problems"][0]["message"] == pinning.M_NOT_ENROLLED.format(fp=wrong)
    r = run(capsys, monkeypatch, store.root, "verify", "--unit-fingerprint", "not-a-fingerprint", user="sgt")
    assert (r.code, r.err.strip()) == (2, "casedesk: error: 'not-a-fingerprint' is not a unit fingerprint (64 "
                                          "hexadecimal digits, as `casedesk unit init-key` printed it)")
    r = run(capsys, monkeypatch, store.root, "enrol", "status", user="jsmith")
    assert r.code == 0 and "Certified: admin, bpatel, jsmith, sgt" in r.out


def test_the_unit_keeps_its_own_signed_log_of_what_it_issued(store: Store, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", {"time_cost": 1, "memory_cost": 8192, "parallelism": 1})
    monkeypatch.setenv("CASEDESK_UNIT_PASSPHRASE", PASSPHRASE)
    key = tmp_path / "unit-key.json"
    assert run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "u.test", "-o", str(key)).code == 0
    fp = json.loads(key.read_text())["fingerprint"]
    assert run(capsys, monkeypatch, store.root, "enrol", "request", "-o", str(tmp_path / "req.json"),
               user="admin").code == 0
    assert run(capsys, monkeypatch, store.root, "unit", "enrol", str(tmp_path / "req.json"), "--key", str(key),
               "-o", str(tmp_path / "certs.json")).code == 0
    log = tmp_path / "unit-key.json.issued.jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    answer = json.loads((tmp_path / "certs.json").read_text())
    assert [line["item"] for line in lines] == answer["certificates"]
    assert {line["kind"] for line in lines} == {"certificate"}
    jsmith = next(c["serial"] for c in answer["certificates"] if c["subject"] == "jsmith")

    # Revoked from the unit's log alone (no answer file at hand), then published as one file.
    r = run(capsys, monkeypatch, store.root, "unit", "revoke", "--serial", jsmith, "--reason", "laptop stolen",
            "--key", str(key), "-o", str(tmp_path / "rev.json"))
    assert r.code == 0, r.err
    r = run(capsys, monkeypatch, store.root, "unit", "revocations", str(log), "--unit-fingerprint", fp,
            "-o", str(tmp_path / "published.json"))
    assert r.code == 0, r.err
    published = json.loads((tmp_path / "published.json").read_text())["revocations"]
    assert [r["serial"] for r in published] == [jsmith]

    # A changed line: the next use of the log says so, and nothing more is issued.
    text = log.read_text().replace('"role":"detective"', '"role":"supervisor"', 1)
    log.write_text(text)
    r = run(capsys, monkeypatch, store.root, "unit", "revoke", "--serial", jsmith, "--reason", "again",
            "--key", str(key), "-o", str(tmp_path / "rev2.json"))
    assert r.code == 7 and "of the unit's issuance log" in r.err and "was changed, removed or not written" in r.err
    assert not (tmp_path / "rev2.json").exists()


def test_the_unit_ca_and_an_installations_tls_certificate_on_the_command_line(
        store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography import x509

    from casedesk.services import unit_tls
    from casedesk.trust import certs, tlscert

    monkeypatch.setattr(keyfile, "DEFAULT_KDF", {"time_cost": 1, "memory_cost": 8192, "parallelism": 1})
    monkeypatch.setenv("CASEDESK_UNIT_PASSPHRASE", PASSPHRASE)
    key = tmp_path / "unit-key.json"
    assert run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "u.test", "-o", str(key)).code == 0
    fp = json.loads(key.read_text())["fingerprint"]
    grouped = " ".join(fp[i:i + 4] for i in range(0, 64, 4))
    ca = tmp_path / "unit-client-ca.pem"
    r = run(capsys, monkeypatch, store.root, "unit", "tls-ca", "--key", str(key), "-o", str(ca))
    assert r.code == 0, r.err
    assert r.out.splitlines() == [f"Unit CA certificate of unit key {grouped} written to {ca}.",
                                  "Give it to every instance of the unit service: casedesk unit serve ... "
                                  "--client-ca FILE"]
    assert tlscert.unit_of_ca(ca.read_bytes()).fingerprint == fp
    again = run(capsys, monkeypatch, store.root, "unit", "tls-ca", "--key", str(key), "-o", str(ca))
    assert (again.code, again.err.strip()) == (
        2, f"casedesk: error: {ca} already exists; CaseDesk never replaces a file: choose a new name")

    assert run(capsys, monkeypatch, store.root, "enrol", "request", "-o", str(tmp_path / "req.json"),
               user="admin").code == 0
    r = run(capsys, monkeypatch, store.root, "unit", "enrol", str(tmp_path / "req.json"), "--key", str(key),
            "-o", str(tmp_path / "certs.json"))
    assert r.code == 0, r.err
    answer = json.loads((tmp_path / "certs.json").read_text())
    serial = answer["certificates"][0]["serial"]
    assert f"with the installation's TLS client certificate (serial {serial})" in r.out
    client = x509.load_pem_x509_certificate(answer["tls_certificate"].encode())
    client.verify_directly_issued_by(x509.load_pem_x509_certificate(ca.read_bytes()))

    # An answer whose TLS certificate another unit key signed is not imported.
    other = tmp_path / "other-key.json"
    assert run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "o.test", "-o", str(other)).code == 0
    other_answer = json.loads(json.dumps(answer))
    signer = keyfile.read(other, PASSPHRASE)
    forged = tlscert.client_certificate(signer, certs.Certificate.decode(answer["certificates"][0]))
    other_answer["tls_certificate"] = forged.decode()
    (tmp_path / "forged.json").write_text(json.dumps(other_answer))
    r = run(capsys, monkeypatch, store.root, "enrol", "import", str(tmp_path / "forged.json"), "--unit-fingerprint",
            fp, user="admin")
    assert (r.code, r.err.strip()) == (
        2, f"casedesk: error: {tmp_path / 'forged.json'}: its TLS certificate is not signed by the unit key")

    r = run(capsys, monkeypatch, store.root, "enrol", "import", str(tmp_path / "certs.json"), "--unit-fingerprint",
            fp, user="admin")
    assert r.code == 0, r.err
    s = store.sign_in("jsmith")
    try:
        found = unit_tls.identity_of(s)
        assert found is not None and found.serial == serial
        unit_tls.client_context(None, found)  # OpenSSL takes the key from memory (memfd), no file
    finally:
        s.close()


def test_unit_files_never_go_inside_the_data_directory(store: Store, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The unit administrator's files (key, CA certificate, cosigner key, answers) are refused inside CaseDesk's
    data directory, as every other output is: `unit tls-ca -o DATA/casedesk.db-journal` wrote there before."""
    monkeypatch.setattr(keyfile, "DEFAULT_KDF", {"time_cost": 1, "memory_cost": 8192, "parallelism": 1})
    monkeypatch.setenv("CASEDESK_UNIT_PASSPHRASE", PASSPHRASE)
    key = tmp_path / "unit-key.json"
    assert run(capsys, monkeypatch, store.root, "unit", "init-key", "--name", "u.test", "-o", str(key)).code == 0
    before = sorted(p.relative_to(store.root) for p in store.root.rglob("*") if "logs" not in p.parts)
    for argv in (["unit", "init-key", "--name", "u.test", "-o", str(store.root / "unit-key.json")],
                 ["unit", "tls-ca", "--key", str(key), "-o", str(store.root / "casedesk.db-journal")],
                 ["unit", "cosigner-key", "--name", "c.test", "-o", str(store.root / "cosigner.key")]):
        r = run(capsys, monkeypatch, store.root, *argv)
        assert r.code == 2 and "is inside CaseDesk's data directory" in r.err and len(r.err.splitlines()) == 1, \
            (argv, r.code, r.err)
    assert sorted(p.relative_to(store.root) for p in store.root.rglob("*") if "logs" not in p.parts) == before
