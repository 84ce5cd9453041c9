"""Ingest then extract gives back the same bytes; hashes equal hashlib's."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from casedesk.evidence.objectformat import CHUNK_SIZE, encrypted_size
from casedesk.services.evidence import IngestMetadata
from tests.helpers.evidence import META, evidence_for, object_path, pattern, write
from tests.helpers.store import CASE, Store

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 12345, 5 * CHUNK_SIZE]


def test_round_trip_sizes(store: Store, tmp_path: Path) -> None:
    sources = [write(tmp_path / "src" / f"f{size}.bin", pattern(size, seed=i)) for i, size in enumerate(SIZES)]
    out = tmp_path / "out"
    out.mkdir()
    with evidence_for(store) as ev:
        summary = ev.ingest(CASE, sources, META)
        assert [e.size for e in summary.ingested] == SIZES
        assert not summary.skipped and not summary.cancelled
        for src, view in zip(sources, summary.ingested, strict=True):
            data = src.read_bytes()
            assert view.sha256 == hashlib.sha256(data).hexdigest()
            assert view.md5 is None and view.sha1 is None
            target = ev.extract(CASE, view.reference, out / view.original_name)
            assert target.read_bytes() == data
            assert oct(target.stat().st_mode & 0o777) == "0o600"
            assert object_path(store, view).stat().st_size == encrypted_size(view.size)
        assert ev.verify(CASE) == []


def test_extra_digests_when_the_setting_asks(store: Store, tmp_path: Path) -> None:
    from casedesk.services.settings import Settings

    with evidence_for(store, "admin") as ev:
        Settings(ev.s).set("digests.extra", ["md5", "sha1"])  # through the service: a setting is a logged fact
    data = pattern(6 * CHUNK_SIZE + 5, seed=9)  # large enough for the threaded path
    small = b"small file"
    paths = [write(tmp_path / "big.bin", data), write(tmp_path / "small.txt", small)]
    with evidence_for(store) as ev:
        big_view, small_view = ev.ingest(CASE, paths, META).ingested
        for view, content in ((big_view, data), (small_view, small)):
            assert view.sha256 == hashlib.sha256(content).hexdigest()
            assert view.md5 == hashlib.md5(content).hexdigest()
            assert view.sha1 == hashlib.sha1(content).hexdigest()
        assert ev.verify(CASE) == []


def test_open_content_streams_the_original_and_records_one_entry(store: Store, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from casedesk.store.models import CustodyEntry

    data = pattern(2 * CHUNK_SIZE + 3)
    src = write(tmp_path / "a.bin", data)
    with evidence_for(store) as ev:
        ref = ev.ingest(CASE, [src], META).ingested[0].reference
        with ev.open_content(CASE, ref) as stream:
            assert stream.read() == data
        with ev.read_original(CASE, ref) as stream:
            assert stream.read() == data
        with ev.s.read() as db:
            viewed = db.scalar(select(func.count()).select_from(CustodyEntry).where(
                CustodyEntry.action == "exhibit.viewed", CustodyEntry.exhibit_ref == ref))
        assert viewed == 1


def test_large_object_streams(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the in-memory limit the stream is chunked, and still byte-identical."""
    import casedesk.evidence.readback as readback

    original = readback.open_verified
    monkeypatch.setattr(readback, "open_verified",
                        lambda *a, **k: original(*a, **{**k, "whole_up_to": 10}))
    import casedesk.services.evidence as service

    monkeypatch.setattr(service, "open_verified", readback.open_verified)
    data = pattern(3 * CHUNK_SIZE + 77, seed=4)
    src = write(tmp_path / "v.bin", data)
    with evidence_for(store) as ev:
        ref = ev.ingest(CASE, [src], META).ingested[0].reference
        with ev.read_original(CASE, ref) as stream:
            got = b"".join(iter(lambda: stream.read(300_000), b""))
        assert got == data


def test_metadata_is_recorded(store: Store, tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    bst = timezone(timedelta(hours=1))
    seized = datetime(2026, 6, 3, 14, 5, tzinfo=bst)
    meta = IngestMetadata(description="  Photo of   the call-centre desk ", seized_from="call centre manager",
                          seized_at=seized, location="Unit 4, Leeds", seal="EVB-123", sensitive=True)
    src = write(tmp_path / "photos" / "desk.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100)
    with evidence_for(store) as ev:
        v = ev.ingest(CASE, [tmp_path / "photos"], meta).ingested[0]
    assert v.reference == "JAS/1"
    assert v.description == "Photo of the call-centre desk"
    assert v.seized_at == seized and v.seized_offset == "+01:00"
    assert (v.seized_from, v.seized_location, v.seal, v.sensitive) == ("call centre manager", "Unit 4, Leeds",
                                                                       "EVB-123", True)
    assert (v.original_name, v.relative_path) == ("desk.jpg", "photos/desk.jpg")
    assert v.producer == "jsmith" and v.producer_name == "Jane A Smith" and v.ingested_by == "jsmith"
    assert v.custodian == "jsmith" and v.custodian_is_user and v.location == "Unit 4, Leeds"
    assert v.tool.startswith("CaseDesk ")
    assert v.fs_modified is not None and abs(v.fs_modified.timestamp() - src.stat().st_mtime) < 1e-3
    assert v.mime_type == "image/jpeg"
