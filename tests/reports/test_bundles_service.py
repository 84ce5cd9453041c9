"""Exporting a bundle through the service layer: selection, verification, custody entry, reproduction."""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.errors import IntegrityError, PermissionDenied, UsageError
from casedesk.reports import manifest as M
from casedesk.reports.sample import make_evidence
from casedesk.reports.verify_bundle import verify_bundle
from casedesk.services.bundles import EXPORTED, Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.models import Exhibit, VaultObject
from casedesk.timeutil import iso_utc, utc_now
from tests.helpers.bundle import CASE, attachments, ingest_evidence, page_texts
from tests.helpers.store import Store


@pytest.fixture
def case_with_evidence(store: Store, tmp_path: Path) -> tuple[Store, list[str]]:
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False))
        Evidence(session).set_sensitive(CASE, refs[5], True, "informant's voicemail (MG6D)")
        Evidence(session).withdraw(CASE, refs[3], "duplicate of the bank's own extract")
    finally:
        session.close()
    return store, refs


def test_export_writes_pdf_sidecar_manifest_and_one_custody_entry(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        before = Custody(session).log(CASE)
        (tmp_path / "out").mkdir()
        result = Bundles(session).export(CASE, tmp_path / "out" / "bundle.pdf")
        after = Custody(session).log(CASE)
    finally:
        session.close()
    assert result.marking == "OFFICIAL-SENSITIVE"
    assert result.included == [refs[0], refs[1], refs[2], refs[4]]
    assert {(e.reference, e.reason) for e in result.excluded} == {(refs[3], "withdrawn"), (refs[5], "sensitive")}
    data = result.path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == result.sha256
    assert result.sidecar_path.read_text() == f"{result.sha256}  bundle.pdf\n"
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["bundle"] == {"file": "bundle.pdf", "sha256": result.sha256, "size": len(data)}
    assert [e["reference"] for e in manifest["exhibits"]] == result.included
    assert manifest["custody_head"] == {"seq": result.head_seq, "entry_hash": result.head_hash}
    # The export adds its verification entry and exactly one bundle.exported entry.
    new = [e for e in after if e.seq > before[-1].seq]
    exports = [e for e in new if e.action == EXPORTED]
    assert [e.action for e in new] == ["verify.run", EXPORTED]
    entry = exports[0]
    assert entry.seq == result.recorded_as and entry.sha256 == result.sha256
    assert entry.data["included"] == result.included
    assert {(x["exhibit"], x["reason"]) for x in entry.data["excluded"]} == {(refs[3], "withdrawn"), (refs[5], "sensitive")}
    assert entry.data["marking"] == "OFFICIAL-SENSITIVE"
    # The head printed is the one before the export's own entries.
    assert result.head_seq < new[0].seq
    texts = page_texts(result.path)
    assert f"entry {result.head_seq}" in texts[0] and result.head_hash[:40] in texts[0].replace("\n", "")
    # Exhibits left out are named only with the reason (no description, name or hash of theirs).
    everything = "\n".join(texts)
    assert "withdrawn from the register" in everything and "sensitive (MG6D), withheld" in everything
    assert "informant" not in everything and "voicemail" not in everything.lower()
    files = attachments(result.path)
    assert len(files) == len(result.included) + 1
    # sha256sum -c works without CaseDesk.
    check = subprocess.run(["sha256sum", "-c", "bundle.pdf.sha256"], cwd=result.path.parent, capture_output=True, text=True)
    assert check.returncode == 0 and "bundle.pdf: OK" in check.stdout
    assert sorted(p.name for p in result.path.parent.iterdir()) == [
        "bundle.pdf", "bundle.pdf.manifest.json", "bundle.pdf.sha256", "bundle.pdf.verify.html"]
    assert (result.path.parent / "bundle.pdf.verify.html").read_bytes() == M.verifier_bytes()


def test_same_state_and_time_reproduce_the_same_bytes(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        at = utc_now()
        first = Bundles(session).export(CASE, tmp_path / "bundle.pdf", at=at, marking="OFFICIAL")
        (tmp_path / "again").mkdir()
        second = Bundles(session).export(CASE, tmp_path / "again" / "bundle.pdf", at=at, marking="OFFICIAL")
    finally:
        session.close()
    assert first.sha256 == second.sha256 and first.head_seq == second.head_seq
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.recorded_as != second.recorded_as


def test_an_export_before_the_last_change_shows_the_case_as_it_was(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        before = Bundles(session).export(CASE, tmp_path / "before.pdf", at=_before_last_change(session))
        assert refs[3] in before.included  # withdrawn only after that time
        with pytest.raises(UsageError, match="in the future"):
            Bundles(session).export(CASE, tmp_path / "bundle.pdf", at=utc_now() + timedelta(hours=1))
    finally:
        session.close()
    assert not (tmp_path / "bundle.pdf").exists()


def _before_last_change(session):  # type: ignore[no-untyped-def]
    entries = [e for e in Custody(session).log(CASE) if e.action == "exhibit.withdrawn"]
    return entries[-1].timestamp - timedelta(microseconds=1)


def test_selection_rules(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        bundles = Bundles(session)
        with pytest.raises(UsageError, match="withdrawn"):
            bundles.export(CASE, tmp_path / "a.pdf", exhibits=[refs[3]])
        with pytest.raises(UsageError, match="is marked sensitive"):
            bundles.export(CASE, tmp_path / "a.pdf", exhibits=[refs[5]])
        with pytest.raises(UsageError, match="no exhibit"):
            bundles.export(CASE, tmp_path / "a.pdf", exhibits=["JAS/99"])
        chosen = bundles.export(CASE, tmp_path / "b.pdf", exhibits=[refs[2].lower(), refs[5]], include_sensitive=True)
    finally:
        session.close()
    assert chosen.included == [refs[2], refs[5]]
    assert (refs[0], "not selected") in {(e.reference, e.reason) for e in chosen.excluded}
    assert not (tmp_path / "a.pdf").exists()


def test_permissions(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case_with_evidence
    for user, pattern in (("bpatel", "not a member"), ("admin", "may not")):
        session = store.sign_in(user)
        try:
            with pytest.raises(PermissionDenied, match=pattern):
                Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        finally:
            session.close()
    supervisor = store.sign_in("sgt")
    try:
        result = Bundles(supervisor).export(CASE, tmp_path / "bundle.pdf")
    finally:
        supervisor.close()
    assert result.pages > 0


def test_a_failed_verification_stops_the_export(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, refs = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        with session.read() as db:
            name = db.scalar(select(VaultObject.name).join(Exhibit, Exhibit.object_id == VaultObject.id)
                             .where(Exhibit.reference == refs[0]))
        assert name is not None
        obj = Evidence(session).vault.object_path(name)
        raw = bytearray(obj.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        obj.write_bytes(bytes(raw))
        with pytest.raises(IntegrityError, match="nothing was exported"):
            Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        exports = [e for e in Custody(session).log(CASE) if e.action == EXPORTED]
    finally:
        session.close()
    assert exports == []
    assert list(tmp_path.glob("*bundle*")) == []


def test_verify_bundle_checks_files_and_store(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
        check = verify_bundle(result.path, session)
        assert check.ok, check.checks
        assert check.recorded_as == result.recorded_as
        assert {c.name for c in check.checks} >= {"bundle hash", "attachments", "manifest", "custody head in the store",
                                                  "export entry in the store"}
        # One byte changed anywhere: the file no longer verifies.
        data = bytearray(result.path.read_bytes())
        data[len(data) // 2] ^= 0x01
        result.path.write_bytes(bytes(data))
        broken = verify_bundle(result.path, session)
    finally:
        session.close()
    assert not broken.ok
    failed = {c.name for c in broken.checks if not c.ok}
    assert {"bundle hash", "manifest", "export entry in the store"} <= failed


def test_export_time_is_printed_in_utc_and_uk_time(case_with_evidence, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store, _ = case_with_evidence
    session = store.sign_in("jsmith")
    try:
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf")
    finally:
        session.close()
    cover = page_texts(result.path)[0]
    assert f"{result.at:%Y-%m-%d %H:%M:%S} UTC" in cover
    assert "GMT (+00:00)" in cover or "BST (+01:00)" in cover
    assert json.loads(result.manifest_path.read_text())["exported_at"] == iso_utc(result.at)
