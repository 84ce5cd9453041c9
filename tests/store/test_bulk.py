"""Rows written in bulk: the values an ingest sends ready-made are stored exactly as the columns' own conversions
would store them (type and bytes: what the register digest and verify's replay read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session as OrmSession

from casedesk.custody.digest import row_sql
from casedesk.services.evidence import _EXHIBIT_COLUMNS, _OBJECT_COLUMNS
from casedesk.store.bulk import insert_rows, insert_values
from casedesk.store.models import Base, Exhibit, VaultObject
from casedesk.timeutil import iso_utc

WHEN = datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC)
SEIZED = datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def _exhibit(sensitive: bool, md5: str | None) -> dict[str, Any]:
    return {
        "id": 7, "case_id": 1, "reference": "DET/1", "initials": "DET", "number": 1, "description": "Phone é",
        "producer_id": 2, "seized_from": "J Smith", "seized_at": SEIZED, "seized_offset": "+01:00",
        "seized_location": "Leeds", "seal": "SB-1", "original_name": "a.bin", "relative_path": "d/a.bin",
        "size": 10240, "fs_modified": WHEN, "fs_changed": WHEN + timedelta(seconds=1), "fs_accessed": None,
        "mime_type": "application/octet-stream", "type_description": "data", "type_warning": None, "sha256": "ab" * 32,
        "md5": md5, "sha1": None, "object_id": 3, "duplicate_of_id": None, "ingested_by_id": 2, "ingested_at": WHEN,
        "tool": "casedesk 0.1", "sensitive": sensitive, "status": "active", "withdrawn_reason": None,
        "custodian": "det", "custodian_is_user": True, "location": "CaseDesk vault", "checked_out": False,
    }


def _ready(row: dict[str, Any]) -> tuple[Any, ...]:
    """The values as the ingest's fast path makes them: times as iso_utc text, flags as 0 or 1."""
    out = []
    for name in _EXHIBIT_COLUMNS:
        value = row[name]
        if isinstance(value, datetime):
            value = iso_utc(value)
        elif isinstance(value, bool):
            value = int(value)
        out.append(value)
    return tuple(out)


def _stored(write: Any) -> list[str]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[VaultObject.__table__, Exhibit.__table__])  # type: ignore[list-item]
    with OrmSession(engine) as db:
        write(db)
        db.commit()
        return [e for (e,) in db.connection().exec_driver_sql(f"SELECT {row_sql('exhibits')} FROM exhibits")] + \
            [e for (e,) in db.connection().exec_driver_sql(f"SELECT {row_sql('vault_objects')} FROM vault_objects")]


@pytest.mark.parametrize(("sensitive", "md5"), [(False, None), (True, "cd" * 16)])
def test_values_given_ready_are_stored_as_the_columns_convert_them(sensitive: bool, md5: str | None) -> None:
    row = _exhibit(sensitive, md5)
    obj = {"id": 3, "name": "ef" * 32, "size": 10240, "sha256": "ab" * 32, "created_at": WHEN, "case_id": 1,
           "epoch": 1}
    by_orm_conversion = _stored(lambda db: (insert_rows(db, VaultObject, [obj]), insert_rows(db, Exhibit, [row])))
    ready_obj = tuple(iso_utc(obj[n]) if isinstance(obj[n], datetime) else obj[n] for n in _OBJECT_COLUMNS)
    by_values = _stored(lambda db: (insert_values(db, VaultObject, _OBJECT_COLUMNS, [ready_obj]),
                                    insert_values(db, Exhibit, _EXHIBIT_COLUMNS, [_ready(row)])))
    assert by_values == by_orm_conversion
    assert "|integer:31|" in by_values[0]  # custodian_is_user stored as the integer 1, not text or a real


def test_an_ingested_exhibit_row_is_stored_as_the_orm_would_store_it() -> None:
    """The row ``Evidence.ingest`` builds (``_IngestBatch.exhibit``) against the same exhibit as a dict of model
    values converted by the columns: same stored types and bytes, column by column."""
    from pathlib import Path
    from types import SimpleNamespace

    from casedesk.evidence.filetype import FileType
    from casedesk.evidence.pipeline import StoredFile
    from casedesk.evidence.sources import SourceFile
    from casedesk.evidence.vault import Pending
    from casedesk.services.evidence import IngestMetadata, _IngestBatch

    user = SimpleNamespace(id=2, username="det", full_name="Dana E Thompson", initials="DET")
    meta = IngestMetadata("Phone é", seized_from="J Smith", seized_at=SEIZED, location="Leeds", seal="SB-1",
                          sensitive=True)
    stored = StoredFile(SourceFile(Path("/in/d/a.bin"), "d/a.bin", 10240, 1, 2), Pending(Path("/t/x.part"), "ef" * 32,
                        10240), {"sha256": "ab" * 32, "md5": "cd" * 16}, FileType("text/plain", "ASCII text", "w"),
                        WHEN, WHEN + timedelta(seconds=1), None)
    row, entry, view = _IngestBatch(1, "OP-1", user, user, WHEN, "casedesk 0.1").exhibit(  # type: ignore[arg-type]
        meta, stored, 7, "DET/1", 1, 3, (5, "DET/0"), {"name": "ef" * 32, "address": "01" * 32})
    expected = {**_exhibit(True, "cd" * 16), "location": "Leeds", "mime_type": "text/plain",
                "type_description": "ASCII text", "type_warning": "w", "duplicate_of_id": 5}
    assert _stored(lambda db: insert_values(db, Exhibit, _EXHIBIT_COLUMNS, [row])) == \
        _stored(lambda db: insert_rows(db, Exhibit, [expected]))
    assert view.duplicate_of == "DET/0" and view.seized_at == SEIZED and view.fs_modified == WHEN
    assert entry["data"]["fs_modified"] == iso_utc(WHEN) and entry["data"]["duplicate_of"] == "DET/0"
    assert entry["data"]["object"] == {"name": "ef" * 32, "address": "01" * 32}


def test_every_exhibit_column_is_written_once() -> None:
    assert sorted(_EXHIBIT_COLUMNS) == sorted(c.name for c in Exhibit.__table__.columns)
    assert sorted(_OBJECT_COLUMNS) == sorted(c.name for c in VaultObject.__table__.columns)


def test_a_column_the_table_lacks_is_refused_before_writing() -> None:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine, tables=[VaultObject.__table__])  # type: ignore[list-item]
    with OrmSession(engine) as db, pytest.raises(ValueError, match="no column colour"):
        insert_values(db, VaultObject, ("id", "colour"), [(1, "red")])
