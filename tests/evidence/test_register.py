"""The exhibit register: references, duplicates, withdrawal, sensitivity, permissions, custody entries."""

from __future__ import annotations

import dataclasses
import gc
import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from casedesk.errors import NotFound, PermissionDenied, UsageError
from casedesk.services.cases import Cases
from casedesk.services.evidence import IngestMetadata
from casedesk.store.models import CustodyEntry
from tests.helpers.evidence import META, evidence_for, write
from tests.helpers.store import CASE, Store


def entries(ev, action: str) -> list[CustodyEntry]:  # type: ignore[no-untyped-def]
    with ev.s.read() as db:
        return list(db.scalars(select(CustodyEntry).where(CustodyEntry.action == action).order_by(CustodyEntry.seq)))


def test_natural_order_and_numbers_never_reused(store: Store, tmp_path: Path) -> None:
    paths = [write(tmp_path / f"{i:02d}.txt", f"item {i}\n".encode()) for i in range(11)]
    with evidence_for(store) as ev:
        ev.ingest(CASE, paths[:10], META)
        assert [v.reference for v in ev.list(CASE)] == [f"JAS/{i}" for i in range(1, 11)]
        ev.withdraw(CASE, "JAS/10", "entered twice by mistake")
        assert "JAS/10" not in [v.reference for v in ev.list(CASE)]
        assert [v.reference for v in ev.list(CASE, include_withdrawn=True)][-1] == "JAS/10"
        new = ev.ingest(CASE, [paths[10]], META).ingested[0]
        assert new.reference == "JAS/11"  # 10 stays taken
        withdrawn = ev.show(CASE, "jas / 10")
        assert (withdrawn.status, withdrawn.withdrawn_reason) == ("withdrawn", "entered twice by mistake")
        with pytest.raises(UsageError, match="already withdrawn"):
            ev.withdraw(CASE, "JAS/10", "again")
        with pytest.raises(UsageError, match="reason"):
            ev.withdraw(CASE, "JAS/2", "  ")
        # a withdrawn exhibit can still be extracted (unused material is retained)
        ev.extract(CASE, "JAS/10", tmp_path / "out.txt")
        assert (tmp_path / "out.txt").read_bytes() == b"item 9\n"
        (entry,) = entries(ev, "exhibit.withdrawn")
        assert (entry.exhibit_ref, entry.reason) == ("JAS/10", "entered twice by mistake")


def test_duplicates_point_at_the_first_exhibit_and_share_one_object(store: Store, tmp_path: Path) -> None:
    a = write(tmp_path / "a.pdf", b"%PDF-1.4 same bytes")
    b = write(tmp_path / "copy" / "a-copy.pdf", b"%PDF-1.4 same bytes")
    c = write(tmp_path / "other.pdf", b"%PDF-1.4 different")
    with evidence_for(store) as ev:
        first = ev.ingest(CASE, [a, b], META)
        assert [v.duplicate_of for v in first.ingested] == [None, "JAS/1"]
        assert [v.reference for v in first.duplicates] == ["JAS/2"]
        second = ev.ingest(CASE, [c, a], META)
        assert [v.duplicate_of for v in second.ingested] == [None, "JAS/1"]
        logged = entries(ev, "exhibit.ingested")
        assert json.loads(logged[-1].data)["duplicate_of"] == "JAS/1"
        assert ev.verify(CASE) == []
    objects = [p for p in (store.root / "vault").rglob("*") if p.is_file() and p.parent.name not in ("tmp",)
               and not p.name.startswith(".")]
    assert len(objects) == 2  # two distinct contents


def test_ingest_custody_entry_carries_the_facts(store: Store, tmp_path: Path) -> None:
    src = write(tmp_path / "statement.txt", b"I am a witness.\n")
    with evidence_for(store) as ev:
        v = ev.ingest(CASE, [src], META).ingested[0]
        (e,) = entries(ev, "exhibit.ingested")
    data = json.loads(e.data)
    assert (e.case_ref, e.exhibit_ref, e.sha256, e.to_party, e.location, e.actor) == (
        CASE, v.reference, v.sha256, "jsmith", "New Scotland Yard", "jsmith")
    assert e.text == META.description
    assert data["size"] == 16 and data["mime"] == "text/plain" and data["original_name"] == "statement.txt"
    assert data["relative_path"] == "statement.txt" and data["seal"] == "MPS-SEAL-0001"
    assert "md5" not in data and "duplicate_of" not in data
    assert e.timestamp.endswith("Z")


def test_producer_and_membership_rules(store: Store, tmp_path: Path) -> None:
    src = write(tmp_path / "x.txt", b"x")
    other = write(tmp_path / "y.txt", b"y")
    with evidence_for(store) as ev:
        with pytest.raises(UsageError, match="bpatel is not a member"):
            ev.ingest(CASE, [src], IngestMetadata("x", producer="bpatel"))
        with pytest.raises(UsageError, match="administrator"):
            ev.ingest(CASE, [src], IngestMetadata("x", producer="admin"))
        with pytest.raises(NotFound):
            ev.ingest(CASE, [src], IngestMetadata("x", producer="nobody"))
        v = ev.ingest(CASE, [src], IngestMetadata("x", producer="sgt")).ingested[0]
        assert (v.reference, v.producer, v.custodian, v.ingested_by) == ("SG/1", "sgt", "sgt", "jsmith")
        assert ev.ingest(CASE, [other], META).ingested[0].reference == "JAS/1"
    with evidence_for(store, "bpatel") as ev:
        with pytest.raises(PermissionDenied, match="not a member"):
            ev.ingest(CASE, [src], META)
        with pytest.raises(PermissionDenied):
            ev.list(CASE)
    with evidence_for(store, "admin") as ev:
        with pytest.raises(PermissionDenied):
            ev.list(CASE)
        with pytest.raises(PermissionDenied):
            ev.ingest(CASE, [src], META)
    with evidence_for(store, "sgt") as ev:  # supervisors see every case
        assert [v.reference for v in ev.list(CASE)] == ["JAS/1", "SG/1"]


def test_metadata_is_checked(store: Store, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    src = write(tmp_path / "x.txt", b"x")
    with evidence_for(store) as ev:
        with pytest.raises(UsageError, match="description"):
            ev.ingest(CASE, [src], IngestMetadata("   "))
        with pytest.raises(UsageError, match="time zone"):
            ev.ingest(CASE, [src], IngestMetadata("x", seized_at=datetime(2026, 1, 1, 10, 0)))
        with pytest.raises(UsageError, match="future"):
            ev.ingest(CASE, [src], IngestMetadata("x", seized_at=datetime.now(UTC) + timedelta(days=2)))
        with pytest.raises(UsageError, match="nothing to ingest"):
            ev.ingest(CASE, [], META)
        with pytest.raises(NotFound):
            ev.ingest("MPS-0000-0000", [src], META)
        with pytest.raises(NotFound, match="no exhibit JAS/7"):
            ev.show(CASE, "JAS/7")
        with pytest.raises(UsageError, match="invalid exhibit reference"):
            ev.show(CASE, "7")


def test_closed_case_refuses_changes_but_allows_reading(store: Store, tmp_path: Path) -> None:
    src = write(tmp_path / "x.txt", b"x")
    with evidence_for(store) as ev:
        ev.ingest(CASE, [src], META)
    with evidence_for(store, "sgt") as ev:
        Cases(ev.s).close(CASE, override_reason="test closes the case")
        with pytest.raises(UsageError, match="closed"):
            ev.ingest(CASE, [write(tmp_path / "y.txt", b"y")], META)
        with pytest.raises(UsageError, match="closed"):
            ev.withdraw(CASE, "JAS/1", "no")
        with pytest.raises(UsageError, match="closed"):
            ev.set_sensitive(CASE, "JAS/1", True, "no")
        assert ev.extract(CASE, "JAS/1", tmp_path / "out.txt").read_bytes() == b"x"
        assert ev.verify(CASE) == []


def test_sensitivity_changes_are_logged(store: Store, tmp_path: Path) -> None:
    src = write(tmp_path / "informant.txt", b"CHIS contact sheet")
    with evidence_for(store) as ev:
        ev.ingest(CASE, [src], META)
        ev.set_sensitive(CASE, "JAS/1", True, "identifies a covert source")
        assert ev.show(CASE, "JAS/1").sensitive
        with pytest.raises(UsageError, match="already marked sensitive"):
            ev.set_sensitive(CASE, "JAS/1", True, "again")
        ev.set_sensitive(CASE, "JAS/1", False, "source consented")
        assert not ev.show(CASE, "JAS/1").sensitive
        logged = entries(ev, "exhibit.sensitivity_changed")
    assert [json.loads(e.data)["sensitive"] for e in logged] == [True, False]
    assert [e.reason for e in logged] == ["identifies a covert source", "source consented"]


def test_extract_refuses_to_overwrite_and_into_folders(store: Store, tmp_path: Path) -> None:
    src = write(tmp_path / "in" / "photo.jpg", b"\xff\xd8\xff\xe0 not really a photo")
    with evidence_for(store) as ev:
        sha = ev.ingest(CASE, [src], META).ingested[0].sha256
        out = tmp_path / "out"
        out.mkdir()
        assert ev.extract(CASE, "JAS/1", out) == out / "photo.jpg"
        with pytest.raises(UsageError, match="already exists"):
            ev.extract(CASE, "JAS/1", out)
        with pytest.raises(UsageError, match="does not exist"):
            ev.extract(CASE, "JAS/1", tmp_path / "nope" / "x.jpg")
        extracted = entries(ev, "exhibit.extracted")
    assert len(extracted) == 1 and json.loads(extracted[0].data)["destination"] == str(out / "photo.jpg")
    assert extracted[0].sha256 == sha


def test_extract_to_a_full_disk_says_so_and_leaves_nothing(store: Store, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import casedesk.services.evidence as service

    src = write(tmp_path / "in.bin", b"x" * 5000)
    out = tmp_path / "out"
    out.mkdir()

    def full(fd: int, data: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with evidence_for(store) as ev:
        ev.ingest(CASE, [src], META)
        monkeypatch.setattr(service, "write_all", full)
        with pytest.raises(UsageError, match=r"cannot write .*No space left on device"):
            ev.extract(CASE, "JAS/1", out / "copy.bin")
        assert list(out.iterdir()) == []
        assert ev.verify(CASE) == []  # a full destination is not an integrity problem


def test_register_rows_say_what_the_full_register_says(store: Store, tmp_path: Path) -> None:
    """``Evidence.rows`` (the GUI register's read, issue 13) gives each exhibit's line exactly as ``list`` has it:
    same exhibits, same order, same values, withdrawn ones only when asked, and the same refusals."""
    from casedesk.services.evidence import ROW_FIELDS, ExhibitRow

    paths = [write(tmp_path / f"{i:02d}.txt", f"item {i}\n".encode()) for i in range(11)]
    dup = write(tmp_path / "copy" / "00-again.txt", b"item 0\n")
    fake = write(tmp_path / "photo.jpg", b"not a JPEG at all\n")  # the type warning
    seized = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    with evidence_for(store) as ev:
        ev.ingest(CASE, [*paths[:6]], META)  # no seizure time
        ev.ingest(CASE, [*paths[6:], dup, fake], dataclasses.replace(META, seized_at=seized))
        ev.withdraw(CASE, "JAS/3", "entered twice by mistake")
        ev.set_sensitive(CASE, "JAS/5", True, "identifies a covert source")
        for withdrawn in (False, True):
            full, rows = ev.list(CASE, include_withdrawn=withdrawn), ev.rows(CASE, include_withdrawn=withdrawn)
            assert [r.reference for r in rows] == [v.reference for v in full]  # JAS/2 before JAS/10
            for row, view in zip(rows, full, strict=True):
                assert isinstance(row, ExhibitRow)
                for name in ROW_FIELDS:
                    assert getattr(row, name) == getattr(view, name), (row.reference, name)
                    assert type(getattr(row, name)) is type(getattr(view, name)), (row.reference, name)
        rows = {r.reference: r for r in ev.rows(CASE, include_withdrawn=True)}
        assert "JAS/3" not in {r.reference for r in ev.rows(CASE)}
        assert (rows["JAS/3"].status, rows["JAS/5"].sensitive, rows["JAS/12"].duplicate_of) == (
            "withdrawn", True, "JAS/1")
        assert rows["JAS/13"].type_warning and rows["JAS/13"].original_name == "photo.jpg"
        assert rows["JAS/1"].seized_at is None and rows["JAS/1"].case_ref == CASE
        assert rows["JAS/7"].seized_at == seized == ev.show(CASE, "JAS/7").seized_at
    with evidence_for(store, "bpatel") as ev, pytest.raises(PermissionDenied, match="not a member"):
        ev.rows(CASE)
    with evidence_for(store, "admin") as ev, pytest.raises(PermissionDenied):
        ev.rows(CASE)


def test_each_file_of_a_folder_gets_its_own_description(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    for name in ("sms.txt", "calls.txt", "notes.txt"):
        write(folder / name, f"{name}\n".encode())
    own = {"phone/sms.txt": "Text messages with the buyer", "./phone/calls.txt": "Call log, March"}
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, [folder], META, descriptions=own)
        shown = {v.relative_path: v.description for v in ev.list(CASE)}
        logged = {e.exhibit_ref: e.text for e in entries(ev, "exhibit.ingested")}
    assert shown == {"phone/sms.txt": "Text messages with the buyer", "phone/calls.txt": "Call log, March",
                     "phone/notes.txt": META.description}  # a file not named takes the common description
    assert {v.reference: v.description for v in summary.ingested} == logged  # each signed entry says its own


def test_per_file_descriptions_refuse_unknown_paths_and_undescribed_files(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "phone"
    write(folder / "sms.txt", b"sms\n")
    write(folder / "calls.txt", b"calls\n")
    with evidence_for(store) as ev:
        with pytest.raises(UsageError, match=r"given for phone/photo\.jpg, which is not among the files"):
            ev.ingest(CASE, [folder], META, descriptions={"phone/photo.jpg": "A photo"})
        with pytest.raises(UsageError, match=r"phone/calls\.txt has no description"):
            ev.ingest(CASE, [folder], IngestMetadata(""), descriptions={"phone/sms.txt": "Texts"})
        with pytest.raises(UsageError, match="two descriptions"):
            ev.ingest(CASE, [folder], META, descriptions={"phone/sms.txt": "a", "./phone/sms.txt": "b"})
        assert ev.list(CASE) == []  # nothing was ingested by any of them
        # Every file described: no common description is needed.
        done = ev.ingest(CASE, [folder], IngestMetadata(""),
                         descriptions={"phone/sms.txt": "Texts", "phone/calls.txt": "Calls"})
    assert sorted(v.description for v in done.ingested) == ["Calls", "Texts"]


def test_a_register_read_after_another_installation_process_wrote_sees_the_change(store: Store, tmp_path: Path) -> None:
    """Connections keep the pages they decrypted (engine.CACHE_KIB, issue 13): a register read again after another
    connection (another window, the CLI) changed the store shows the change, never the pages kept from before."""
    with evidence_for(store) as ev, evidence_for(store) as other:
        ev.ingest(CASE, [write(tmp_path / f"{i}.txt", f"item {i}\n".encode()) for i in range(3)], META)
        assert [r.status for r in ev.rows(CASE, include_withdrawn=True)] == ["active"] * 3
        other.withdraw(CASE, "JAS/2", "entered twice by mistake")
        other.set_sensitive(CASE, "JAS/3", True, "identifies a covert source")
        rows = ev.rows(CASE, include_withdrawn=True)
        assert [(r.status, r.sensitive) for r in rows] == [("active", False), ("withdrawn", False), ("active", True)]
        assert [r.reference for r in ev.rows(CASE)] == ["JAS/1", "JAS/3"]


def test_the_garbage_collector_runs_again_after_every_register_read(store: Store, tmp_path: Path) -> None:
    """A register read pauses Python's cyclic collector (issue 13); it is on again afterwards: after a read, a
    refused read, and reads on several threads at once, whichever ends last."""
    assert gc.isenabled()
    with evidence_for(store) as ev:
        ev.ingest(CASE, [write(tmp_path / "a.txt", b"a\n")], META)
        assert len(ev.rows(CASE)) == 1 and gc.isenabled()
        with pytest.raises(NotFound):
            ev.rows("NO-SUCH-CASE")
        assert gc.isenabled()
        errors: list[BaseException] = []

        def read() -> None:
            try:
                for _ in range(20):
                    ev.list(CASE)
                    ev.rows(CASE)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=read) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and gc.isenabled()


def test_a_description_for_a_path_two_files_share_is_refused(store: Store, tmp_path: Path) -> None:
    """photo.jpg from two folders, given as files: both are recorded as photo.jpg, so one description cannot
    say which it is for."""
    first = write(tmp_path / "bag1" / "photo.jpg", b"first photo")
    second = write(tmp_path / "bag2" / "photo.jpg", b"second photo")
    with evidence_for(store) as ev:
        with pytest.raises(UsageError, match=r"photo\.jpg is the path of 2 of the files given"):
            ev.ingest(CASE, [first, second], META, descriptions={"photo.jpg": "The first bag's photo"})
        assert ev.list(CASE) == []
        done = ev.ingest(CASE, [tmp_path / "bag1", tmp_path / "bag2"], META,
                         descriptions={"bag1/photo.jpg": "First bag", "bag2/photo.jpg": "Second bag"})
    assert [v.description for v in done.ingested] == ["First bag", "Second bag"]
