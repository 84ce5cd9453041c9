"""An installation whose log was written before case commitments (encoding version 1) upgrades and still proves itself.

Its entries keep their version-1 hashes and signatures. The first entry
written after the upgrade vouches for each old case's new salt and records how
many version-1 entries the case has, so an export of an old case still proves
that none of its own entries hides among the header-only lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casedesk.custody import chain, encoding
from casedesk.custody.log import ENCODING_UPGRADED, salt_commitment
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from tests.custody.test_export_proof import read, redact, write
from tests.helpers.custody import attacker, db_key, ingest, legacy_writer, signing_seed, tool
from tests.helpers.store import CASE, Store, build_template

OTHER = "MPS-2026-0999"


@pytest.fixture
def legacy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Store, int]:
    """A store with a case, two exhibits, a transfer and another case's note, all written in version 1."""
    store = Store(tmp_path / "store", tmp_path / "xdg")
    with legacy_writer(monkeypatch):
        build_template(store.root)
        key = db_key(store)
        assert ingest(store, "jsmith", {"a.txt": b"first\n", "b.txt": b"second\n"}) == ["JAS/1", "JAS/2"]
        s = store.sign_in("jsmith")
        try:
            transfer = Custody(s).transfer(CASE, "JAS/1", "Property store, Charing Cross, locker 14", "booked in").seq
        finally:
            s.close()
        s = store.sign_in("bpatel")
        try:
            Cases(s).create(OTHER, "Operation Kestrel")
            Cases(s).add_note(OTHER, "informant lives at 12 Acacia Avenue")
        finally:
            s.close()
    with attacker(store, key) as db:
        assert db.execute("SELECT DISTINCT version FROM custody_entries").fetchall() == [(1,)]
        assert db.execute("SELECT count(*) FROM cases WHERE case_salt IS NOT NULL").fetchone() == (0,)
    return store, transfer


def test_old_entries_verify_and_the_upgrade_vouches_for_each_old_case(
        legacy: tuple[Store, int], tmp_path: Path) -> None:
    store, transfer = legacy
    s = store.sign_in("jsmith")  # the first write since the upgrade
    try:
        moved = Custody(s).transfer(CASE, "JAS/2", "sgt", "for the supervisor's review").seq
        report = Custody(s).verify(CASE)
        path = Custody(s).export_log(CASE, tmp_path / "log.jsonl")
    finally:
        s.close()
    assert report.ok, [p.describe() for p in report.problems]
    lines = read(path)
    upgrade = next(x for x in lines if x.get("action") == ENCODING_UPGRADED)
    entries = [x for x in lines if x["type"] in ("entry", "redacted")]
    assert [x["version"] for x in entries] == sorted(x["version"] for x in entries)  # 1s, then 2s
    assert upgrade["version"] == 2 and upgrade["seq"] == min(x["seq"] for x in entries if x["version"] == 2)
    old = sum(1 for x in entries if x["type"] == "entry" and x.get("case") == CASE and x["version"] == 1)
    assert old >= 4  # created, two ingests, the transfer (and any case key entries)
    assert upgrade["data"]["legacy_cases"][salt_commitment(lines[0]["case_salt"], CASE)] == old
    assert next(x for x in entries if x["seq"] == moved)["commit"] == encoding.case_commit(
        bytes.fromhex(lines[0]["case_salt"]), moved)
    code, result = tool(path)
    assert code == 0 and result["ok"], result["problems"]
    # The other case's entries from before the upgrade (its creation, note and case key entries).
    assert result["legacy_redacted"] == sum(1 for x in entries if x["type"] == "redacted" and x["version"] == 1) >= 2

    # The case's own version-1 transfer passed off as another case's: the count gives it away.
    edited = [redact(x) if x.get("seq") == transfer else x for x in lines]
    edited[-1]["redacted"] += 1
    code, result = tool(write(tmp_path / "edited.jsonl", edited, signing_seed(store, "jsmith")))
    assert code == 1
    assert (upgrade["seq"], None, chain.MSG_LEGACY_WITHHELD.format(n=old - 1, m=old, case=CASE)) in [
        (p["seq"], p["exhibit"], p["message"]) for p in result["problems"]]
