"""A bundle exported "as at" a time is the same bytes whenever, and in whatever process, it is made again."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.reports.sample import make_evidence
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.timeutil import iso_utc, utc_now
from tests.helpers.bundle import CASE, ingest_evidence, page_texts
from tests.helpers.cli import run_subprocess
from tests.helpers.store import Store


def test_the_same_export_in_processes_with_different_hash_seeds_is_byte_identical(
        store: Store, tmp_path: Path) -> None:
    session = store.sign_in("jsmith")
    try:
        ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:3])
    finally:
        session.close()
    at = iso_utc(utc_now())
    outputs = []
    for seed in ("1", "2", "3"):
        folder = tmp_path / f"seed-{seed}"
        folder.mkdir()
        result = run_subprocess(store.root, "export", CASE, "-o", str(folder / "bundle.pdf"), "--at", at,
                                "--marking", "OFFICIAL", user="jsmith", env={"PYTHONHASHSEED": seed})
        assert result.code == 0, result.err
        outputs.append((folder / "bundle.pdf").read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def _entries_after(session, seq: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.action for e in Custody(session).log(CASE) if e.seq > seq]


def test_an_export_as_at_a_past_time_is_reproduced_after_the_case_has_grown(store: Store, tmp_path: Path) -> None:
    evidence = make_evidence(tmp_path / "evidence", awkward=False)
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, evidence[:3])
        at = utc_now()
        first = Bundles(session).export(CASE, tmp_path / "first.pdf", at=at, marking="OFFICIAL")
        # The case goes on: more exhibits, a transfer, one withdrawn, one marked sensitive.
        later = ingest_evidence(session, evidence[3:5])
        Custody(session).transfer(CASE, refs[0], "Property store", "booked into the store")
        Evidence(session).withdraw(CASE, refs[1], "duplicate of the bank's own extract")
        Evidence(session).set_sensitive(CASE, refs[2], True, "names an informant (MG6D)")
        (tmp_path / "again").mkdir()
        again = Bundles(session).export(CASE, tmp_path / "again" / "first.pdf", at=at, marking="OFFICIAL")
        now = Bundles(session).export(CASE, tmp_path / "now.pdf", marking="OFFICIAL")
    finally:
        session.close()
    assert again.path.read_bytes() == first.path.read_bytes()
    assert again.included == first.included == refs and again.head_seq == first.head_seq
    # What the log recorded after the time asked for is not in the reproduction ...
    texts = "\n".join(page_texts(again.path))
    assert all(ref not in texts for ref in later)
    assert "Property store" not in texts
    # ... and is in an export of the case as it is now.
    assert now.included == [refs[0], *later]
    assert {(e.reference, e.reason) for e in now.excluded} == {(refs[1], "withdrawn"), (refs[2], "sensitive")}
    manifest = json.loads(now.manifest_path.read_text())
    assert [e["reference"] for e in manifest["exhibits"]] == now.included


def test_an_export_as_at_a_time_before_the_exhibit_was_ingested_leaves_it_out(store: Store, tmp_path: Path) -> None:
    evidence = make_evidence(tmp_path / "evidence", awkward=False)
    session = store.sign_in("jsmith")
    try:
        refs = ingest_evidence(session, evidence[:2])
        between = utc_now()
        more = ingest_evidence(session, evidence[2:3])
        result = Bundles(session).export(CASE, tmp_path / "bundle.pdf", at=between)
        assert _entries_after(session, result.head_seq)[:1] == ["exhibit.ingested"]
    finally:
        session.close()
    assert result.included == refs
    assert more[0] not in {e.reference for e in result.excluded}  # it did not exist then
    assert all(more[0] not in t for t in page_texts(result.path))


def test_a_time_before_the_first_entry_is_refused(store: Store, tmp_path: Path) -> None:
    from casedesk.errors import UsageError

    session = store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="before the first custody log entry"):
            Bundles(session).export(CASE, tmp_path / "b.pdf", at=datetime(2001, 1, 1, tzinfo=UTC))
        with pytest.raises(UsageError, match="in the future"):
            Bundles(session).export(CASE, tmp_path / "b.pdf", at=utc_now() + timedelta(hours=1))
    finally:
        session.close()


def test_a_summary_edited_after_the_time_is_shown_as_it_was_then(store: Store, tmp_path: Path) -> None:
    from casedesk.services.cases import Cases

    session = store.sign_in("jsmith")
    try:
        ingest_evidence(session, make_evidence(tmp_path / "evidence", awkward=False)[:1])
        Cases(session).set_summary(CASE, "First account: the dossier was handed over on 3 March.")
        at = utc_now()
        first = Bundles(session).export(CASE, tmp_path / "first.pdf", at=at)
        Cases(session).set_summary(CASE, "Revised account: a second buyer approached the seller.")
        (tmp_path / "again").mkdir()
        again = Bundles(session).export(CASE, tmp_path / "again" / "first.pdf", at=at)
    finally:
        session.close()
    assert again.path.read_bytes() == first.path.read_bytes()
    texts = " ".join(" ".join(page_texts(again.path)).split())
    assert "First account" in texts and "Revised account" not in texts
