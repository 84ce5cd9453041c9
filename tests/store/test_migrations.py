"""Schema migrations run on open, keep data, and take a copy first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

import casedesk.services.installation as installation_mod
from casedesk.datadir import DataDir
from casedesk.security import device_secret
from casedesk.security.keys import StoreKeys
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.cases import Cases
from casedesk.services.installation import Installation
from casedesk.store import engine as store_engine
from casedesk.store.models import Base, BoxKey, Setting, modelled
from tests.helpers.custody import legacy_writer

PW = "old-schema-password"


def _db_key(dd: DataDir) -> bytes:
    slots = KeySlotFile.load(dd.keyslots)
    secret = device_secret.load_device_secret(slots.installation_id)
    return StoreKeys.derive(slots.unwrap("admin", PW, secret).store_key).database


def test_store_at_first_schema_upgrades_with_data_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dd = DataDir(tmp_path / "old")
    real_migrate = store_engine.migrate

    def migrate_to_first(engine: Any, db_path: Path, backup_dir: Path, target: str = "head") -> Any:
        return real_migrate(engine, db_path, backup_dir, target="0001")

    monkeypatch.setattr(installation_mod, "migrate", migrate_to_first)
    # Schema 0001 has no box_keys table: the admin's box key row is left out, as before case keys (the
    # first sign-in after the upgrade registers the box key found in the slot).
    monkeypatch.setattr(installation_mod, "BoxKey", lambda **_: Setting(key="test.no-box-key-row", value="0"))
    with legacy_writer(monkeypatch):  # as CaseDesk wrote entries then (encoding version 1)
        Installation(dd).initialise("admin", PW, "Ada Admin", "AA")
    monkeypatch.setattr(installation_mod, "migrate", real_migrate)
    monkeypatch.setattr(installation_mod, "BoxKey", BoxKey)

    engine = store_engine.make_engine(dd.database, _db_key(dd))
    with engine.begin() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == "0001"
        conn.execute(text(
            "INSERT INTO cases (reference, title, offences, status, officer_in_charge_id, summary, "
            "created_at, created_by_id) VALUES ('MPS-2025-0001', 'Operation Old', 'Theft Act 1968 s.1', "
            "'open', 1, 'written before the upgrade', '2025-01-02T03:04:05.000000Z', 1)"
        ))
        entries_before = conn.execute(text("SELECT seq, entry_hash FROM custody_entries ORDER BY seq")).all()
    engine.dispose()

    session = Installation(dd).sign_in("admin", PW)
    try:
        assert store_engine.current_revision(session.engine) == store_engine.head_revision()
        backups = list(dd.backups.glob("casedesk-schema-0001-*.db"))
        assert len(backups) == 1 and backups[0].stat().st_size > 0
        detail = Cases(session).show("MPS-2025-0001")
        assert detail.title == "Operation Old" and detail.offences == ["Theft Act 1968 s.1"]
        with session.engine.connect() as conn:
            after = conn.execute(text("SELECT seq, entry_hash FROM custody_entries ORDER BY seq")).all()
            assert after[: len(entries_before)] == entries_before
            assert conn.execute(text("SELECT count(*) FROM exhibits")).scalar_one() == 0
    finally:
        session.close()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    engine = store_engine.make_engine(tmp_path / "fresh.db", b"\x01" * 32)
    store_engine.migrate(engine, tmp_path / "fresh.db", tmp_path)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "include_name": lambda name, type_, _parents: type_ != "table" or modelled(name)})
        diffs = compare_metadata(context, Base.metadata)
        tables = {name for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert {t for t in tables if not modelled(t)} == {  # what the filter leaves out: the text index, no more
        "exhibit_text", "exhibit_text_data", "exhibit_text_idx", "exhibit_text_docsize", "exhibit_text_config"}
    engine.dispose()
    # UTCDateTime is stored as String(32); alembic reports no type change for it.
    assert [d for d in diffs if d[0] not in ("modify_type",)] == []


def test_append_only_triggers_refuse_update_and_delete(tmp_path: Path) -> None:
    from sqlalchemy.exc import DatabaseError

    engine = store_engine.make_engine(tmp_path / "t.db", b"\x02" * 32)
    store_engine.migrate(engine, tmp_path / "t.db", tmp_path)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO custody_entries (seq, prev_hash, timestamp, time_zone, utc_offset, actor, actor_key, "
            "action, tool, data, entry_hash, signature) VALUES (1, 'p', 't', 'z', '+00:00', 'a', 'k', "
            "'x', 'tool', '{}', 'h', 's')"
        ))
    for sql in ("UPDATE custody_entries SET actor = 'mallory'", "DELETE FROM custody_entries"):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    engine.dispose()


def test_exhibits_ingested_before_the_text_index_are_found_through_it(store: Any, tmp_path: Path) -> None:
    """Migration 0006 indexes the exhibits a store already holds (issue 13): a store taken back to 0005 with an
    exhibit in it, opened again, finds that exhibit by a text the index looks up, and exhibits ingested after it
    (the triggers) as well."""
    from alembic import command

    from casedesk.services import search as search_module
    from casedesk.services.evidence import Evidence, IngestMetadata
    from casedesk.services.search import FILE_NAME, Search
    from tests.helpers.custody import db_key
    from tests.helpers.store import CASE

    def found(text: str) -> list[tuple[str, str | None]]:
        session = store.sign_in("jsmith")
        try:
            return [(h.matched, h.exhibit.reference if h.exhibit else None) for h in Search(session).find(text).hits]
        finally:
            session.close()

    source = tmp_path / "Harbour_Freight_manifest.pdf"
    source.write_bytes(b"%PDF-1.4 manifest")
    session = store.sign_in("jsmith")
    Evidence(session).ingest(CASE, [source], IngestMetadata(description="Shipping manifest"))
    session.close()
    engine = store_engine.make_engine(store.datadir.database, db_key(store))
    with engine.begin() as conn:
        command.downgrade(store_engine._alembic_config(conn), "0005")
        assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'exhibit_text%'")).scalar() == 0
    engine.dispose()
    assert search_module.text_index_finds("freight_man")  # looked up in the index alone: found only if indexed
    assert found("freight_man") == [(FILE_NAME, "JAS/1")]  # the sign-in migrated the store to 0006
    later = tmp_path / "later" / "Harbour_Freight_invoice.pdf"
    later.parent.mkdir()
    later.write_bytes(b"%PDF-1.4 invoice")
    session = store.sign_in("jsmith")
    Evidence(session).ingest(CASE, [later], IngestMetadata(description="Invoice"))
    session.close()
    assert found("harbour_freight") == [(FILE_NAME, "JAS/1"), (FILE_NAME, "JAS/2")]
