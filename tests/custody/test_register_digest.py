"""The register seal: sign-in checks the tables in one pass over them, without replaying the log (docs/register-digest.md).

An insider who holds the store key edits one column of one row with sqlcipher; the next sign-in raises the integrity
alert, for every column of every projected table. A sign-in on a sealed store reads no custody entry to replay.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from casedesk.custody import chain, digest, verify
from casedesk.custody.projection import CREATION_ACTIONS, Projection
from casedesk.custody.signing import Signer
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.settings import Settings
from casedesk.store.models import Base
from tests.custody.conftest import CaseStore
from tests.helpers.custody import attacker
from tests.helpers.store import CASE, copy_store

ALERT = "register differs from the signed custody log"
COLUMNS = [(table, column) for table, columns in digest.TABLES.items() for column in columns]


def test_the_digest_covers_every_column_of_every_projected_table() -> None:
    """A column added to one of these tables must be added to the digest (and its format changed)."""
    for table, columns in digest.TABLES.items():
        assert tuple(c.name for c in Base.metadata.tables[table].columns) == columns, table


def test_captured_rows_never_reach_a_temporary_file() -> None:
    """The capture table holds row encodings (descriptions, notes): TEMP storage must be memory by default."""
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(":memory:")
    try:
        options = {r[0] for r in conn.execute("PRAGMA compile_options")}
        assert options & {"TEMP_STORE=2", "TEMP_STORE=3"}
        assert conn.execute("PRAGMA temp_store").fetchone()[0] in (0, 2)  # default (memory here) or memory
    finally:
        conn.close()


@pytest.fixture(scope="module")
def sealed(_case_template: tuple[Path, Path, bytes, dict[str, int]], tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[CaseStore]:
    """One store for the module (each test puts back what it edits): a row in every projected table, sealed."""
    root, xdg, key, seqs = _case_template
    base = tmp_path_factory.mktemp("sealed")
    store = copy_store(root, xdg, base / "store", base / "xdg")
    cs = CaseStore(store, key, dict(seqs))
    with _keyring(cs):
        s = store.sign_in("jsmith")
        try:
            Cases(s).add_note(CASE, "Spoke to the landlord; CCTV requested", "JAS/1")
        finally:
            s.close()
        s = store.sign_in("admin")
        try:
            Settings(s).set("bundle.default_marking", "OFFICIAL-SENSITIVE")
        finally:
            s.close()
        with attacker(store, key) as conn:
            for table in digest.TABLES:
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, f"no row in {table}"
        s = store.sign_in("sgt")
        try:
            assert s.integrity_alerts == []
        finally:
            s.close()
    yield cs


class _keyring:
    """The module store's own file keyring, for the length of a block (each test's hermetic one is empty)."""

    def __init__(self, cs: CaseStore) -> None:
        self.xdg = str(cs.store.xdg)

    def __enter__(self) -> None:
        import os

        self.old = os.environ.get("XDG_DATA_HOME")
        os.environ["XDG_DATA_HOME"] = self.xdg
        keyring.set_keyring(PlaintextKeyring())

    def __exit__(self, *exc: object) -> None:
        import os

        if self.old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = self.old
        keyring.set_keyring(PlaintextKeyring())


def _edit(table: str, column: str) -> str:
    """One column of one row changed, whatever its type: what an insider does with sqlcipher."""
    return (f"UPDATE {table} SET {column} = CASE typeof({column}) WHEN 'integer' THEN {column} + 1000 "
            f"WHEN 'null' THEN 'x' WHEN 'blob' THEN randomblob(length({column})) ELSE {column} || 'x' END "
            f"WHERE rowid = (SELECT min(rowid) FROM {table})")


@pytest.mark.parametrize(("table", "column"), COLUMNS, ids=[f"{t}.{c}" for t, c in COLUMNS])
def test_an_sql_edit_of_any_column_raises_the_sign_in_alert(sealed: CaseStore, table: str, column: str) -> None:
    store = sealed.store
    with _keyring(sealed):
        with attacker(store, sealed.key) as conn:
            rowid, before = conn.execute(f"SELECT rowid, {column} FROM {table} ORDER BY rowid LIMIT 1").fetchone()
            conn.execute(_edit(table, column))
            assert conn.execute("SELECT changes()").fetchone()[0] == 1
            if column == "id":  # the row id itself (INTEGER PRIMARY KEY): the row is found by its new one
                rowid += 1000
            after = conn.execute(f"SELECT {column} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()[0]
            assert after != before
        try:
            s = store.sign_in("sgt")
            try:
                assert any(ALERT in a for a in s.integrity_alerts), s.integrity_alerts
            finally:
                s.close()
        finally:
            with attacker(store, sealed.key) as conn:
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (before, rowid))
                # Put back as it was: the seal holds again (nothing was written meanwhile) for the next column.
                seal = digest.load(conn.execute)
                assert seal is not None and digest.scan(conn.execute) == seal.sums


def test_sign_in_on_a_sealed_store_replays_no_entry(sealed: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    applied: list[str] = []
    real = Projection.apply

    def counted(self: Projection, e: Any) -> None:
        applied.append(e.action)
        real(self, e)

    monkeypatch.setattr(verify, "replay_register", _refuse)
    monkeypatch.setattr(Projection, "apply", counted)
    with _keyring(sealed):
        s = sealed.store.sign_in("jsmith")
        try:
            assert s.integrity_alerts == []
            assert Cases(s).add_note(CASE, "a write after a sign-in without replay")  # sealed again by the write
        finally:
            s.close()
        s = sealed.store.sign_in("sgt")
        s.close()
    # Only the few account entries that say which accounts await a second administrator (as every write asks), and
    # the key registry's (the log's first entries and its account entries: who may register a key is decided by
    # the same replay, casedesk/custody/keybook.py).
    assert set(applied) <= set(CREATION_ACTIONS) | chain.REGISTRY_ACTIONS | {"installation.initialised"}


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("sign-in replayed the custody log")


def test_without_a_seal_sign_in_replays_once_then_seals(cs: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """As after the upgrade: entries written before seals existed are checked by one full replay, then sealed."""
    with attacker(cs.store, cs.key) as conn:
        conn.execute("DELETE FROM casedesk_meta WHERE key = ?", (digest.META_KEY,))
    calls: list[int] = []
    real = verify.replay_register

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "replay_register", counted)
    for _ in range(2):
        s = cs.store.sign_in("sgt")
        try:
            assert s.integrity_alerts == []
        finally:
            s.close()
    assert calls == [1]


def test_a_seal_the_insider_made_with_a_key_the_log_never_registered_proves_nothing(cs: CaseStore) -> None:
    """Edit, recompute the digests, sign a seal with a key of one's own making: the full replay names the edit."""
    with attacker(cs.store, cs.key) as conn:
        conn.execute("UPDATE exhibits SET description = 'a harmless holiday photo' WHERE reference = 'JAS/1'")
        seq, entry_hash = conn.execute("SELECT seq, entry_hash FROM custody_entries ORDER BY seq DESC").fetchone()
        forged = digest.make(seq, entry_hash, digest.scan(conn.execute), "jsmith", Signer.generate())
        conn.execute("UPDATE casedesk_meta SET value = ? WHERE key = ?", (forged.text(), digest.META_KEY))
    s = cs.store.sign_in("sgt")
    try:
        assert any("JAS/1: the register's description is 'a harmless holiday photo'" in a
                   for a in s.integrity_alerts), s.integrity_alerts
    finally:
        s.close()


def test_verify_names_the_table_of_an_edit_no_entry_records(cs: CaseStore) -> None:
    """A value the log does not carry (an exhibit's file time): the seal catches it, verify names the table."""
    with attacker(cs.store, cs.key) as conn:
        conn.execute("UPDATE exhibits SET fs_modified = '2001-01-01T00:00:00.000000Z' WHERE reference = 'JAS/1'")
    s = cs.store.sign_in("sgt")
    try:
        assert any(ALERT in a and "exhibits table" in a for a in s.integrity_alerts), s.integrity_alerts
        report = Custody(s).verify()
    finally:
        s.close()
    assert not report.ok
    assert any("the exhibits table differs from the register digest" in p.describe() for p in report.problems)


def test_a_session_does_not_take_back_its_own_signature_on_other_digests(cs: CaseStore) -> None:
    """The insider puts the last writer's signature on digests recomputed over an edit: that writer's next write
    checks the whole seal, not the signature it remembers, so it never signs the edit into a seal of its own."""
    s = cs.store.sign_in("jsmith")
    try:
        Cases(s).add_note(CASE, "first note of the session")
        with attacker(cs.store, cs.key) as conn:
            conn.execute("UPDATE exhibits SET description = 'a harmless holiday photo' WHERE reference = 'JAS/1'")
            own = digest.load(conn.execute)
            assert own is not None and own.signer == "jsmith"
            forged = digest.Seal(own.seq, own.entry_hash, digest.scan(conn.execute), own.signer, own.key,
                                 own.signature)
            conn.execute("UPDATE casedesk_meta SET value = ? WHERE key = ?", (forged.text(), digest.META_KEY))
        Cases(s).add_note(CASE, "second note of the session")
    finally:
        s.close()
    s = cs.store.sign_in("sgt")
    try:
        assert any("JAS/1: the register's description is 'a harmless holiday photo'" in a
                   for a in s.integrity_alerts), s.integrity_alerts
    finally:
        s.close()
