"""Encryption at rest: a lost laptop reveals nothing."""

from __future__ import annotations

from casedesk.services.cases import Cases
from tests.helpers.store import Store


def _all_bytes(store: Store) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in store.root.rglob("*") if p.is_file()]


def test_case_title_is_not_on_disk_in_the_clear(store: Store) -> None:
    marker = "ZEBRA-MARKER-7f3a9c"
    s = store.sign_in("jsmith")
    Cases(s).create("MPS-2026-9999", f"Operation {marker}", [f"offence {marker}"])
    Cases(s).set_summary("MPS-2026-9999", f"summary text {marker}")
    s.close()
    files = _all_bytes(store)
    assert any(name.endswith("casedesk.db") for name, _ in files)
    for name, data in files:
        assert marker.encode() not in data, name
        assert marker.encode("utf-16-le") not in data, name
        assert b"SQLite format 3" not in data, name


def test_database_cannot_be_opened_by_plain_sqlite(store: Store) -> None:
    import sqlite3

    con = sqlite3.connect(store.datadir.database)
    try:
        try:
            con.execute("SELECT * FROM sqlite_master").fetchall()
        except sqlite3.DatabaseError as exc:
            assert "not a database" in str(exc)
        else:
            raise AssertionError("plain sqlite3 read an encrypted store")
    finally:
        con.close()


def test_data_files_are_private(store: Store) -> None:
    for path in (store.datadir.database, store.datadir.keyslots):
        assert path.stat().st_mode & 0o077 == 0, path
