"""Notes written before case keys, on the real old installation (4f98baa): what a store-key holder who is no key holder
reads, and what `casedesk case reencrypt-legacy` says of them.

Their text is in the clear inside their signed `note.added` entries, whose hash covers it with the rest of the body;
sealing them would take every check of those bodies from each verifier without the case key and rewrite the
append-only log (docs/custody-encoding.md, "Entries written in the clear before case keys"). So they stay readable
with the store key, and the command says how many, instead of letting the holder believe the case is sealed. A note
written after the upgrade is not readable so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.legacyvault import LegacyVault
from tests.helpers.cli import run
from tests.helpers.custody import tool
from tests.security.test_backups_rekeyed import _slot_keys
from tests.store.test_reencrypt_legacy import Old, old  # noqa: F401  (the fixture: an installation of 4f98baa)
from tests.store.test_upgrade_real_installation import CASE, PASSWORDS, _sign_in

OLD_WORDS = "Reporter confirms she kept no other copy"  # a note of the old demo
NEW_WORDS = "Written after the upgrade: the courier's name is on the docket"


def _readable_by(db: Path, key: bytes, words: str) -> list[str]:
    """Where ``words`` can be read with ``key`` alone (an insider's SQL)."""
    conn = sqlcipher.connect(str(db))
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        found = ["notes" for (text,) in conn.execute("SELECT text FROM notes") if words in (text or "")]
        found += [action for action, text, data in conn.execute("SELECT action, text, data FROM custody_entries")
                  if words in (text or "") or words in (data or "")]
        return found
    finally:
        conn.close()


def test_legacy_notes_stay_readable_with_the_store_key_and_the_command_says_so(
        old: Old, tmp_path: Path, capsys: Any, monkeypatch: Any) -> None:  # noqa: F811
    inst, _ = old
    _sign_in(inst, "pramsden").close()  # the upgrade
    attacker_key, _ = _slot_keys(inst.datadir.keyslots, "pramsden", PASSWORDS["pramsden"])  # an admin: no key holder
    assert _readable_by(inst.datadir.database, attacker_key, OLD_WORDS) == ["notes", "note.added"]

    s = _sign_in(inst, "hfarrow")
    try:
        legacy = sum(1 for e in Custody(s).log(CASE, action="note.added"))
        assert legacy >= 1
        Cases(s).add_note(CASE, NEW_WORDS)
        report = LegacyVault(s).reencrypt(CASE)
        assert report.notes_in_clear == legacy  # the new note is sealed, and not counted
        assert any(OLD_WORDS in (n.text or "") for n in Cases(s).notes(CASE))  # the holder reads it as before
        verdict = Custody(s).verify(CASE)
        path = Custody(s).export_log(CASE, tmp_path / "log.jsonl")
    finally:
        s.close()
    assert verdict.ok, verdict.problems
    assert tool(path)[0] == 0
    assert _readable_by(inst.datadir.database, attacker_key, OLD_WORDS) == ["notes", "note.added"]
    assert _readable_by(inst.datadir.database, attacker_key, NEW_WORDS) == []

    r = run(capsys, monkeypatch, inst.datadir.root, "case", "reencrypt-legacy", CASE, user="hfarrow",
            password=PASSWORDS["hfarrow"])
    assert r.code == 0, r.err
    assert f"{legacy} note(s) written before case keys stay in the clear in their signed custody entries" in r.out
