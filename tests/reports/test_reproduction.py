"""A bundle exported "as at" a time is the same bytes whenever, and in whatever process, it is made again."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from casedesk.reports.sample import make_evidence
from casedesk.services.bundles import Bundles
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.timeutil import iso_utc, utc_now
from tests.helpers.bundle import CASE, ingest_evidence, page_texts, searchable_pages
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


def test_an_export_with_tools_is_byte_identical_whatever_the_hash_seed_cores_and_thread_settings(
        store: Store, tmp_path: Path) -> None:
    """The reproducibility matrix: hash seeds x CPU cores x the thread settings a machine may carry.

    The case holds what the outside tools work on (a Word statement laid out by LibreOffice, a photographed
    letter and a scanned PDF read by Tesseract through OCRmyPDF), whose thread pools could reach the bytes;
    CaseDesk runs them on one thread whatever the environment says.
    """
    from casedesk.demo import bank_statement_docx
    from casedesk.reports.sample import EvidenceFile
    from tests.reports.test_rendering_ocr import _files as scanned_files
    from tests.reports.test_rendering_ocr import _require_tools

    _require_tools()
    folder = tmp_path / "evidence"
    folder.mkdir()
    docx = folder / "MG11_Graham_Pell.docx"
    bank_statement_docx(docx, datetime(2026, 11, 22, 13, 0, tzinfo=UTC))
    files = [EvidenceFile(docx, docx.name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                          "MG11 witness statement", "Microsoft Word 2007+"),
             *scanned_files(folder), *make_evidence(tmp_path / "more", awkward=False)[:2]]
    session = store.sign_in("jsmith")
    try:
        ingest_evidence(session, files)
    finally:
        session.close()
    at = iso_utc(utc_now())
    cores = sorted(os.sched_getaffinity(0))
    runs = [  # (hash seed, cores the export may use, environment)
        ("1", {cores[0]}, {"OMP_NUM_THREADS": "1", "OMP_THREAD_LIMIT": "1"}),
        ("2", set(cores), {"OMP_NUM_THREADS": "16", "OMP_THREAD_LIMIT": "16", "OCRMYPDF_JOBS": "16"}),
        ("3", set(cores), {}),
    ]
    outputs = []
    for n, (seed, allowed, env) in enumerate(runs):
        folder = tmp_path / f"run-{n}"
        folder.mkdir()
        before = os.sched_getaffinity(0)
        os.sched_setaffinity(0, allowed)  # the child and the tools it starts inherit it
        try:
            clean = {k: "" for k in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT", "OCRMYPDF_JOBS") if k not in env}
            result = run_subprocess(store.root, "export", CASE, "-o", str(folder / "bundle.pdf"), "--at", at,
                                    "--marking", "OFFICIAL", user="jsmith",
                                    env={"PYTHONHASHSEED": seed, **clean, **env}, timeout=600)
        finally:
            os.sched_setaffinity(0, before)
        assert result.code == 0, result.err
        outputs.append((folder / "bundle.pdf").read_bytes())
    # The tools did run: the scan's words are found (OCR), the statement's text is laid out (LibreOffice).
    text = " ".join(" ".join(page.split()) for page in searchable_pages(tmp_path / "run-0" / "bundle.pdf"))
    assert "Scanned statement" in text and "Photographed letter" in text and "Graham Pell" in text
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
