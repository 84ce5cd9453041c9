"""The tamper catalogue: the strongest attacker short of a user's password edits the store directly.

Each case is made with the database key in hand (raw SQLCipher connection,
append-only triggers dropped and restored) or by editing the vault, and must
be found both by ``casedesk verify`` and by ``tools/verify_custody.py`` on an
export, naming the entry or the exhibit, with the same problem list.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from casedesk.custody import chain, encoding
from casedesk.services.custody import Custody
from tests.custody.conftest import CaseStore
from tests.helpers.custody import (
    attacker,
    both,
    casedesk_verify,
    insert,
    last_seq,
    messages,
    resign,
    rewrite,
    row,
    signing_seed,
)
from tests.helpers.store import CASE


def test_untouched_store_verifies_clean_in_both(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    assert both(capsys, monkeypatch, cs.store, tmp_path) == []
    assert both(capsys, monkeypatch, cs.store, tmp_path, case=None, user="sgt") == []


def test_changed_field_is_found_at_its_entry(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    n = cs.seqs["transfer JAS/1"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET reason = 'never happened' WHERE seq = ?", (n,))
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert messages(problems) == [(n, "JAS/1", chain.MSG_HASH)]


def test_changed_field_with_recomputed_hash_breaks_signature_and_link(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    n = cs.seqs["transfer JAS/1"]
    with attacker(cs.store, cs.key) as db:
        values = row(db, n)
        values[13] = "Somewhere else entirely"  # to_party
        values[18] = encoding.hash_row(values)[0]
        rewrite(db, n, values)
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert (n, "JAS/1", chain.MSG_SIGNATURE.format(actor="jsmith")) in messages(problems)
    assert (n + 1, "JAS/2", chain.MSG_LINK.format(p=n)) in messages(problems)


def test_deleted_entry_is_named(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    n = cs.seqs["checkout JAS/2"]
    with attacker(cs.store, cs.key) as db:
        db.execute("DELETE FROM custody_entries WHERE seq = ?", (n,))
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert messages(problems)[:2] == [
        (n, None, chain.MSG_MISSING_ONE.format(n=n)),
        (n + 1, "JAS/2", chain.MSG_LINK.format(p=n - 1)),
    ]


def test_forged_entry_inserted_in_the_middle(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """Make room by renumbering the later entries, then slip in a well-formed entry signed by an outsider."""
    n = cs.seqs["transfer JAS/1"]
    outsider = bytes(range(32))
    with attacker(cs.store, cs.key) as db:
        top = last_seq(db)
        for seq in range(top, n, -1):
            db.execute("UPDATE custody_entries SET seq = seq + 1 WHERE seq = ?", (seq,))
        forged = row(db, n)
        forged[0] = n + 1
        forged[1] = forged[18]  # links correctly to entry n
        forged[7], forged[12], forged[13] = "exhibit.transferred", "jsmith", "Home address of a suspect"
        insert(db, resign(forged, outsider, db))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert (n + 1, "JAS/1", chain.MSG_WRONG_KEY.format(actor="jsmith")) in problems
    assert (n + 2, None, chain.MSG_HASH) in problems or any(p[0] == n + 2 and p[2] == chain.MSG_HASH for p in problems)
    # The head kept outside the store no longer matches the entry with its number.
    assert any(p[2].startswith("the key slots file records a different hash") for p in problems)


def test_forged_entry_appended_in_another_officers_name(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    with attacker(cs.store, cs.key) as db:
        top = last_seq(db)
        forged = row(db, top)
        forged[0], forged[1] = top + 1, forged[18]
        forged[5], forged[7], forged[8], forged[9] = "jsmith", "exhibit.extracted", CASE, "JAS/1"
        insert(db, resign(forged, bytes(32), db))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert problems == [(top + 1, "JAS/1", chain.MSG_WRONG_KEY.format(actor="jsmith"))]


def test_swapped_entries(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    a = cs.seqs["checkout JAS/2"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET seq = -1 WHERE seq = ?", (a,))
        db.execute("UPDATE custody_entries SET seq = ? WHERE seq = ?", (a, a + 1))
        db.execute("UPDATE custody_entries SET seq = ? WHERE seq = -1", (a + 1,))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert (a, "JAS/2", chain.MSG_HASH) in problems
    assert (a + 1, "JAS/2", chain.MSG_HASH) in problems
    assert (a, "JAS/2", chain.MSG_LINK.format(p=a - 1)) in problems


def test_truncated_tail_is_caught_by_the_heads_kept_outside(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    with attacker(cs.store, cs.key) as db:
        top = last_seq(db)
        db.execute("DELETE FROM custody_entries WHERE seq > ?", (top - 3,))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    expected = [chain.MSG_HEAD_AHEAD.format(source=src, seq=top, last=top - 3)
                for src in ("key slots file", "OS keyring")]
    assert problems == [(top, None, m) for m in expected]


def test_restored_older_copy_of_the_database(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    db_file = cs.store.datadir.database
    aside = tmp_path / "casedesk.db.old"
    shutil.copy2(db_file, aside)
    s = cs.store.sign_in("jsmith")
    Custody(s).transfer(CASE, "JAS/2", "Property store, Charing Cross, locker 15", "booked in")
    s.close()
    shutil.copy2(aside, db_file)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert len(problems) == 2
    assert all(p[2].endswith("or an older copy of the database was restored") for p in problems)


def test_entry_resigned_with_another_users_key(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """bpatel, who knows his own password and so holds his own key, rewrites one of jsmith's entries."""
    n = cs.seqs["transfer JAS/1"]
    seed = signing_seed(cs.store, "bpatel")
    with attacker(cs.store, cs.key) as db:
        values = row(db, n)
        values[10] = "returned to the suspect"
        rewrite(db, n, resign(values, seed, db))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert problems[0] == (n, "JAS/1", chain.MSG_WRONG_KEY.format(actor="jsmith"))
    assert (n + 1, "JAS/2", chain.MSG_LINK.format(p=n)) in problems


def test_changed_exhibit_hash_in_the_register(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    ingest_seq = cs.seqs["ingest JAS/1"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE exhibits SET sha256 = ? WHERE reference = 'JAS/1'", ("ab" * 32,))
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert problems, "a changed exhibit hash must be found"
    assert all(p["exhibit"] == "JAS/1" and p["case"] == CASE for p in problems)
    assert problems[0]["seq"] == ingest_seq
    assert problems[0]["message"].startswith(f"the exhibit register records SHA-256 {'ab' * 32}")


def test_replaced_vault_object(cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    with attacker(cs.store, cs.key) as db:
        names = dict(db.execute(
            "SELECT e.reference, o.name FROM exhibits e JOIN vault_objects o ON o.id = e.object_id").fetchall())
    vault = cs.store.datadir.vault
    target = next(p for p in vault.rglob("*") if p.is_file() and p.name in names["JAS/1"])
    other = next(p for p in vault.rglob("*") if p.is_file() and p.name in names["JAS/2"])
    shutil.copy2(other, target)
    problems = both(capsys, monkeypatch, cs.store, tmp_path)
    assert problems and all(p["exhibit"] == "JAS/1" and p["case"] == CASE for p in problems)


def test_restored_older_copy_of_database_and_key_slots_is_caught_by_the_keyring(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    files = [cs.store.datadir.database, cs.store.datadir.keyslots]
    for f in files:
        shutil.copy2(f, tmp_path / f.name)
    s = cs.store.sign_in("jsmith")
    Custody(s).transfer(CASE, "JAS/2", "sgt", "handed over")
    s.close()
    for f in files:
        shutil.copy2(tmp_path / f.name, f)
    Path(f"{files[0]}-wal").unlink(missing_ok=True)
    Path(f"{files[0]}-shm").unlink(missing_ok=True)
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path))
    assert len(problems) == 1 and problems[0][2].startswith("the OS keyring records entry")


def test_data_nested_thousands_deep_is_named_not_a_crash(cs: CaseStore, capsys: Any, monkeypatch: Any) -> None:
    """An insider writes arrays nested 100,000 deep into an entry's data: ``casedesk verify`` names the entry as
    one that cannot be encoded (was: Python's recursion limit hit while reading it, and the verify crashed)."""
    n = cs.seqs["transfer JAS/1"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET data = ? WHERE seq = ?",
                   ('{"a":' + "[" * 100_000 + "]" * 100_000 + "}", n))
    code, report = casedesk_verify(capsys, monkeypatch, cs.store)
    assert code == 7
    assert (n, "JAS/1", chain.MSG_UNENCODABLE) in messages(report["problems"])
