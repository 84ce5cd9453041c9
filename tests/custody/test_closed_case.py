"""A closed case is closed for every exhibit change, and only what needs judging waits for review (defect 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.errors import UsageError
from casedesk.services.bundles import Bundles
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.custody.conftest import CaseStore
from tests.helpers.store import CASE


def test_views_exports_and_notes_do_not_fill_the_review_queue(cs: CaseStore, tmp_path: Path) -> None:
    sgt = cs.store.sign_in("sgt")
    Custody(sgt).review(CASE, "approve", "all in order")
    sgt.close()
    j = cs.store.sign_in("jsmith")
    try:
        ev = Evidence(j)
        with ev.open_content(CASE, "JAS/1") as f:
            f.read()
        ev.extract(CASE, "JAS/1", tmp_path / "out")
        Cases(j).add_note(CASE, "Spoke to the lab")
        Cases(j).set_summary(CASE, "The seller offered records of customers.")
        Bundles(j).export(CASE, tmp_path / "bundle.pdf")
        Custody(j).export_log(CASE, tmp_path / "log.jsonl")
        assert Custody(j).unreviewed(CASE) == []
        Custody(j).check_out(CASE, "JAS/2", "Forensic lab", "second look")
        Evidence(j).set_sensitive(CASE, "JAS/1", True, "names a witness")
        assert [e.action for e in Custody(j).unreviewed(CASE)] == ["exhibit.checked_out",
                                                                    "exhibit.sensitivity_changed"]
    finally:
        j.close()


def test_a_closed_case_refuses_transfers_as_it_refuses_ingest(cs: CaseStore, tmp_path: Path) -> None:
    sgt = cs.store.sign_in("sgt")
    try:
        c = Custody(sgt)
        c.review(CASE, "approve", "all in order")
        closed = Cases(sgt).close(CASE)
        assert closed.status == "closed"
        # The supervisor's own close entry puts nothing back in the queue.
        assert c.review_queue() == [] and c.unreviewed(CASE) == []
        (tmp_path / "late.txt").write_bytes(b"late material")
        with pytest.raises(UsageError, match="is closed; its exhibits can no longer change"):
            Evidence(sgt).ingest(CASE, [tmp_path / "late.txt"], IngestMetadata("late"))
        with pytest.raises(UsageError, match="is closed; its exhibits can no longer change"):
            c.transfer(CASE, "JAS/1", "sgt", "after closing")
        with pytest.raises(UsageError, match="is closed; its exhibits can no longer change"):
            c.check_out(CASE, "JAS/1", "Lab", "after closing")
    finally:
        sgt.close()


def test_an_exhibit_out_when_the_case_closes_can_still_come_back(cs: CaseStore) -> None:
    sgt = cs.store.sign_in("sgt")
    try:
        c = Custody(sgt)
        c.check_out(CASE, "JAS/2", "Forensic lab", "second look")
        c.review(CASE, "approve", "fine")
        Cases(sgt).close(CASE)
        with pytest.raises(UsageError, match="is closed"):
            c.transfer(CASE, "JAS/2", "sgt", "after closing")
        assert c.return_(CASE, "JAS/2", "back from the lab").action == "exhibit.returned"
    finally:
        sgt.close()
