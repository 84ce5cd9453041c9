"""Transfers, check-out and return, review, corrections and the log, through the service layer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casedesk.errors import NotFound, PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence
from casedesk.store.models import CustodyEntry
from casedesk.timeutil import utc_now
from tests.custody.conftest import CaseStore
from tests.helpers.store import CASE

PROPERTY_STORE = "Property store, Charing Cross, locker 14"


def test_register_shows_the_custodian_and_location_after_each_move(cs: CaseStore) -> None:
    s = cs.store.sign_in("jsmith")
    try:
        ev = Evidence(s)
        one = ev.show(CASE, "JAS/1")
        assert (one.custodian, one.custodian_is_user, one.location) == (PROPERTY_STORE, False, PROPERTY_STORE)
        two = ev.show(CASE, "JAS/2")
        assert (two.custodian, two.custodian_is_user, two.checked_out) == ("jsmith", True, False)
        entry = Custody(s).transfer(CASE, "jas/2", "sgt", "handed over for the file review", "Sergeant's safe")
        assert (entry.action, entry.from_party, entry.to_party, entry.location, entry.reason) == (
            "exhibit.transferred", "jsmith", "sgt", "Sergeant's safe", "handed over for the file review")
        assert entry.sha256 == two.sha256 and entry.actor == "jsmith"
        two = ev.show(CASE, "JAS/2")
        assert (two.custodian, two.custodian_is_user, two.location) == ("sgt", True, "Sergeant's safe")
    finally:
        s.close()


def test_check_out_and_return_restore_the_lender(cs: CaseStore) -> None:
    s = cs.store.sign_in("jsmith")
    try:
        c, ev = Custody(s), Evidence(s)
        before = ev.show(CASE, "JAS/2")
        out = c.check_out(CASE, "JAS/2", "Forensic lab, Lambeth", "second examination", "Lab store B")
        held = ev.show(CASE, "JAS/2")
        assert held.checked_out and held.custodian == "Forensic lab, Lambeth" and held.location == "Lab store B"
        with pytest.raises(UsageError, match="checked out"):
            c.transfer(CASE, "JAS/2", "sgt", "while out")
        with pytest.raises(UsageError, match="already checked out"):
            c.check_out(CASE, "JAS/2", "Another lab", "again")
        back = c.return_(CASE, "JAS/2", "report received")
        assert back.data["checked_out_at"] == out.seq and back.to_party == "jsmith"
        after = ev.show(CASE, "JAS/2")
        assert (after.custodian, after.location, after.checked_out) == ("jsmith", before.location, False)
        with pytest.raises(UsageError, match="not checked out"):
            c.return_(CASE, "JAS/2", "twice")
    finally:
        s.close()


def test_only_the_custodian_or_a_supervisor_may_move_an_exhibit(cs: CaseStore) -> None:
    sgt = cs.store.sign_in("sgt")
    Cases(sgt).add_member(CASE, "bpatel")
    sgt.close()
    b = cs.store.sign_in("bpatel")
    try:
        with pytest.raises(PermissionDenied, match=r"bpatel is not the custodian of JAS/2 \(held by jsmith\)"):
            Custody(b).transfer(CASE, "JAS/2", "bpatel", "taking it")
        with pytest.raises(PermissionDenied, match="not the custodian"):
            Custody(b).check_out(CASE, "JAS/2", "Lab", "taking it")
    finally:
        b.close()
    j = cs.store.sign_in("jsmith")
    try:  # JAS/1 is at the property store: even the officer who put it there needs a supervisor
        with pytest.raises(PermissionDenied, match=f"at {PROPERTY_STORE}"):
            Custody(j).transfer(CASE, "JAS/1", "jsmith", "booking it out")
        with pytest.raises(UsageError, match="reason"):
            Custody(j).transfer(CASE, "JAS/2", "sgt", "   ")
        with pytest.raises(UsageError, match="admin is an administrator"):
            Custody(j).transfer(CASE, "JAS/2", "admin", "no")
        with pytest.raises(NotFound, match="no exhibit JAS/9"):
            Custody(j).transfer(CASE, "JAS/9", "sgt", "no")
    finally:
        j.close()
    sgt = cs.store.sign_in("sgt")
    try:
        e = Custody(sgt).transfer(CASE, "JAS/1", "jsmith", "booked out for court")
        assert (e.actor, e.from_party, e.to_party) == ("sgt", PROPERTY_STORE, "jsmith")
    finally:
        sgt.close()


def test_a_transfer_to_a_non_member_is_refused(cs: CaseStore) -> None:
    j = cs.store.sign_in("jsmith")
    try:
        with pytest.raises(UsageError, match="bpatel is not a member of case"):
            Custody(j).transfer(CASE, "JAS/2", "bpatel", "handover")
    finally:
        j.close()


def test_review_approve_query_and_the_queue(cs: CaseStore) -> None:
    j = cs.store.sign_in("jsmith")
    with pytest.raises(PermissionDenied, match="may not review custody logs"):
        Custody(j).review(CASE, "approve", "")
    pending = Custody(j).unreviewed(CASE)
    j.close()
    assert pending and all(e.case_ref == CASE for e in pending)
    assert {e.action for e in pending} <= {"exhibit.ingested", "exhibit.transferred", "exhibit.checked_out",
                                           "exhibit.returned"}  # movements and ingests, not views or notes

    sgt = cs.store.sign_in("sgt")
    c = Custody(sgt)
    assert c.review_queue() == [(CASE, len(pending))]
    with pytest.raises(UsageError, match="needs a comment"):
        c.review(CASE, "query", "  ")
    query = c.review(CASE, "query", "Who sealed JAS/1?", up_to=cs.seqs["transfer JAS/1"])
    assert query.data == {"decision": "query", "up_to": cs.seqs["transfer JAS/1"],
                          "entries": len([e for e in pending if e.seq <= cs.seqs["transfer JAS/1"]]), "settles": []}
    assert [q.seq for q in c.queries(CASE)] == [query.seq]
    with pytest.raises(UsageError, match="must be an entry number between"):
        c.review(CASE, "approve", "", up_to=10**6)
    approval = c.review(CASE, "approve", "Seals and times checked")
    assert approval.data["settles"] == [query.seq]
    assert c.queries(CASE) == [] and c.unreviewed(CASE) == [] and c.review_queue() == []
    sgt.close()

    j = cs.store.sign_in("jsmith")
    Cases(j).add_note(CASE, "Spoke to the lab", exhibit="JAS/2")
    assert Custody(j).unreviewed(CASE) == []  # a note is not something a supervisor must judge
    Custody(j).transfer(CASE, "JAS/2", "sgt", "for the file review")
    assert [e.action for e in Custody(j).unreviewed(CASE)] == ["exhibit.transferred"]
    j.close()


def test_case_cannot_close_with_unreviewed_exhibit_entries_unless_a_supervisor_overrides(cs: CaseStore) -> None:
    sgt = cs.store.sign_in("sgt")
    try:
        with pytest.raises(UsageError, match="unreviewed custody entries"):
            Cases(sgt).close(CASE)
        Custody(sgt).review(CASE, "approve", "all in order")
        assert Cases(sgt).close(CASE).status == "closed"
    finally:
        sgt.close()


def test_corrections_are_new_entries_that_point_back(cs: CaseStore) -> None:
    n = cs.seqs["transfer JAS/1"]
    b = cs.store.sign_in("bpatel")
    with pytest.raises(PermissionDenied):  # not even allowed to see the case
        Custody(b).correct(n, "wrong locker")
    b.close()
    sgt = cs.store.sign_in("sgt")
    Cases(sgt).add_member(CASE, "bpatel")
    sgt.close()
    b = cs.store.sign_in("bpatel")
    with pytest.raises(PermissionDenied, match="only jsmith, who wrote entry"):
        Custody(b).correct(n, "wrong locker")
    b.close()
    j = cs.store.sign_in("jsmith")
    try:
        fix = Custody(j).correct(n, "Locker 41, not 14")
        assert (fix.action, fix.case_ref, fix.exhibit_ref, fix.text) == ("entry.corrected", CASE, "JAS/1",
                                                                         "Locker 41, not 14")
        assert fix.data == {"corrects": n, "corrected_action": "exhibit.transferred"}
        original = Custody(j).entry(n)
        assert original.corrected_by == (fix.seq,) and original.location == PROPERTY_STORE
        with pytest.raises(NotFound):
            Custody(j).correct(10**6, "nothing there")
    finally:
        j.close()


def test_log_filters(cs: CaseStore) -> None:
    s = cs.store.sign_in("sgt")
    try:
        c = Custody(s)
        everything = c.log(CASE)
        assert [e.seq for e in everything] == sorted(e.seq for e in everything)
        assert {e.case_ref for e in everything} == {CASE}
        assert [e.seq for e in c.log(CASE, "jas/2", "checked_out")] == [cs.seqs["checkout JAS/2"]]
        assert {e.action for e in c.log(CASE, action="exhibit")} >= {"exhibit.ingested", "exhibit.transferred"}
        assert {e.actor for e in c.log(CASE, user="jsmith")} == {"jsmith"}
        assert c.log(CASE, since=utc_now() + timedelta(hours=1)) == []
        assert len(c.log(CASE, until=utc_now())) == len(everything)
        first = everything[0]
        assert first.timestamp.tzinfo is not None and first.time_zone == "Europe/London"
        assert first.utc_offset in ("+00:00", "+01:00") and len(first.entry_hash) == 64
        installation = c.log(None)
        assert {e.case_ref for e in installation} == {None, CASE}
        assert installation[0].action == "installation.initialised"
    finally:
        s.close()
    admin = cs.store.sign_in("admin")
    try:  # the administrator sees account events, not case content
        assert {e.case_ref for e in Custody(admin).log(None)} == {None}
        with pytest.raises(PermissionDenied):
            Custody(admin).log(CASE)
    finally:
        admin.close()


def test_every_service_action_is_one_signed_entry_by_its_actor(cs: CaseStore) -> None:
    s = cs.store.sign_in("sgt")
    try:
        with s.read() as db:
            before = db.scalar(select(CustodyEntry.seq).order_by(CustodyEntry.seq.desc()).limit(1))
        e = Custody(s).transfer(CASE, "JAS/2", "sgt", "supervisor takes it")
        assert e.seq == before + 1
        with s.read() as db:
            assert db.scalar(select(CustodyEntry.seq).order_by(CustodyEntry.seq.desc()).limit(1)) == e.seq
        assert e.actor == "sgt" and e.actor_key == s.signer.public_hex
    finally:
        s.close()


def test_several_exhibits_are_checked_out_and_returned_each_on_its_own(cs: CaseStore) -> None:
    from tests.helpers.custody import ingest

    assert ingest(cs.store, "jsmith", {"sim.bin": b"sim card", "usb.bin": b"usb stick"}) == ["JAS/3", "JAS/4"]
    s = cs.store.sign_in("jsmith")
    try:
        c, ev = Custody(s), Evidence(s)
        before = ev.show(CASE, "JAS/1")
        out = c.check_out_several(CASE, ["JAS/2", "JAS/1", "jas/3", "JAS/9", "JAS/2"], "Forensic lab, Lambeth",
                                  "imaging of the devices")
        assert [(e.exhibit_ref, e.action, e.to_party) for e in out.done] == [
            ("JAS/2", "exhibit.checked_out", "Forensic lab, Lambeth"),
            ("JAS/3", "exhibit.checked_out", "Forensic lab, Lambeth")]
        assert [(r.exhibit_ref, r.exit_code) for r in out.refused] == [("JAS/1", 5), ("JAS/9", 3)]
        assert "jsmith is not the custodian of JAS/1" in out.refused[0].reason
        assert "no exhibit JAS/9" in out.refused[1].reason
        assert ev.show(CASE, "JAS/1") == before  # the refused one is exactly as it was
        assert not c.log(CASE, "JAS/1", "exhibit.checked_out")
        assert [e.checked_out for e in (ev.show(CASE, "JAS/2"), ev.show(CASE, "JAS/3"))] == [True, True]

        back = c.return_several(CASE, ["JAS/2", "JAS/3", "JAS/4"], "imaging complete, seals intact")
        assert [(e.exhibit_ref, e.to_party) for e in back.done] == [("JAS/2", "jsmith"), ("JAS/3", "jsmith")]
        assert [(r.exhibit_ref, r.reason) for r in back.refused] == [("JAS/4", "JAS/4 is not checked out")]

        # What is wrong for every exhibit alike is refused once, before anything moves.
        with pytest.raises(UsageError, match="reason"):
            c.check_out_several(CASE, ["JAS/2", "JAS/3"], "Forensic lab", " ")
        with pytest.raises(UsageError, match="bpatel is not a member"):
            c.check_out_several(CASE, ["JAS/2", "JAS/3"], "bpatel", "for review")
        with pytest.raises(UsageError, match="at least one exhibit"):
            c.return_several(CASE, [], "back")
        assert [e.checked_out for e in (ev.show(CASE, "JAS/2"), ev.show(CASE, "JAS/3"))] == [False, False]
    finally:
        s.close()
