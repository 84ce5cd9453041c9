"""The verification engine: both cores, time order, keys as the log registers them, the tree."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nacl.bindings import crypto_sign_seed_keypair

from casedesk.custody import chain, merkle, verify
from casedesk.services.accounts import Accounts
from casedesk.services.custody import Custody
from casedesk.services.installation import Installation
from casedesk.timeutil import utc_now
from tests.custody.conftest import CaseStore
from tests.helpers.custody import (
    attacker,
    both,
    export,
    insert,
    last_seq,
    messages,
    resign,
    row,
    signing_seed,
    tool,
)
from tests.helpers.store import CASE


def test_worker_processes_find_what_one_process_finds(cs: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    n = cs.seqs["transfer JAS/1"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET text = 'edited' WHERE seq = ?", (n,))
        db.execute("DELETE FROM custody_entries WHERE seq = ?", (n - 5,))
    path = cs.store.datadir.database
    monkeypatch.setattr(verify, "CHUNK", 4)  # many small blocks, so several workers each get some
    one = verify.verify_chain(path, cs.key, workers=1)
    two = verify.verify_chain(path, cs.key, workers=2, parallel_min=0)
    assert one.problems == two.problems and one.tree_root == two.tree_root and one.entries == two.entries
    assert messages([p._asdict() for p in one.problems])[:2] == [
        (n - 5, None, chain.MSG_MISSING_ONE.format(n=n - 5)),
        (n - 4, None, chain.MSG_LINK.format(p=n - 6)),
    ]
    assert (n, "JAS/1", chain.MSG_HASH) in [(p.seq, p.exhibit, p.message) for p in one.problems]
    monkeypatch.undo()
    assert verify.verify_chain(path, cs.key).tree_root == one.tree_root


def test_tree_root_is_over_the_recomputed_entry_hashes(cs: CaseStore) -> None:
    with attacker(cs.store, cs.key) as db:
        hashes = [bytes.fromhex(r[0]) for r in db.execute("SELECT entry_hash FROM custody_entries ORDER BY seq")]
    result = verify.verify_chain(cs.store.datadir.database, cs.key)
    assert result.problems == [] and result.tree_size == len(hashes) == result.last_seq
    assert result.tree_root == merkle.root(hashes).hex()


def test_time_may_step_back_within_the_tolerance_only(cs: CaseStore) -> None:
    """CaseDesk no longer writes an entry behind the head (tests/custody/test_time.py); a log written by an
    earlier version, or by hand, may hold one: here it is signed with jsmith's own key, as he could."""
    s = cs.store.sign_in("jsmith")
    try:
        with s.write() as db:
            ok = s.record(db, "verify.run", case_ref=CASE, text="clock corrected by NTP",
                          at=utc_now() - timedelta(seconds=chain.TIME_TOLERANCE_SECONDS - 60))
    finally:
        s.close()
    seed = signing_seed(cs.store, "jsmith")
    with attacker(cs.store, cs.key) as db:
        top = last_seq(db)
        values = row(db, top)
        values[0], values[1] = top + 1, values[18]
        values[2] = (utc_now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values[16] = "backdated"
        insert(db, resign(values, seed, db))
        late_seq, late_time = top + 1, values[2]
    s = cs.store.sign_in("jsmith")
    try:
        report = Custody(s).verify(CASE)
    finally:
        s.close()
    assert [(p.seq, p.message.split(" is more than")[0]) for p in report.problems] == [
        (late_seq, f"timestamp {late_time}")]
    assert ok.seq not in {p.seq for p in report.problems}
    assert f"{chain.TIME_TOLERANCE_SECONDS} s earlier than" in report.problems[0].message


def test_a_key_registered_by_a_non_administrator_is_ignored(
        cs: CaseStore, capsys: Any, monkeypatch: Any, tmp_path: Path) -> None:
    """jsmith (with his own key) registers a key for sgt, then writes an approval as sgt."""
    seed = signing_seed(cs.store, "jsmith")
    fake = bytes(range(1, 33))
    with attacker(cs.store, cs.key) as db:
        top = last_seq(db)
        reg = row(db, top)
        reg[0], reg[1] = top + 1, reg[18]
        reg[5], reg[7], reg[8], reg[9] = "jsmith", "account.key_registered", None, None
        reg[17] = f'{{"public_key":"{crypto_sign_seed_keypair(fake)[0].hex()}","user":"sgt"}}'
        reg = resign(reg, seed, db)
        insert(db, reg)
        forged = list(reg)
        forged[0], forged[1] = top + 2, reg[18]
        forged[5], forged[7], forged[8], forged[17] = "sgt", "case.reviewed", CASE, '{"decision":"approve","up_to":1}'
        insert(db, resign(forged, fake, db))
    problems = messages(both(capsys, monkeypatch, cs.store, tmp_path, user="sgt"))
    assert problems == [
        (top + 1, None, chain.MSG_NOT_ADMIN.format(action="account.key_registered", actor="jsmith")),
        (top + 2, None, chain.MSG_WRONG_KEY.format(actor="sgt")),
    ]


def test_keys_replaced_by_a_password_reset_sign_what_follows(cs: CaseStore) -> None:
    admin = cs.store.sign_in("admin")
    Accounts(admin).reset_password("jsmith", "a-brand-new-password-1")
    admin.close()
    s = Installation(cs.store.datadir).sign_in("jsmith", "a-brand-new-password-1")
    try:
        Custody(s).transfer(CASE, "JAS/2", "sgt", "after the reset")
        report = Custody(s).verify(CASE)
        assert report.ok, report.problems
        # The old key is revoked (account.key_revoked) just before the new one is registered.
        registry = verify.verify_chain(cs.store.datadir.database, cs.key).registry
        keys = [key for user, key, _ in registry.listing() if user == "jsmith"]
        assert len(keys) == 2 and keys[-1] == s.signer.public_hex
        assert list(registry.revoked["jsmith"]) == [keys[0]]
    finally:
        s.close()


def test_report_records_a_verify_entry_with_the_result(cs: CaseStore) -> None:
    s = cs.store.sign_in("sgt")
    try:
        report = Custody(s).verify(None)
        entry = Custody(s).entry(report.recorded_as or 0)
    finally:
        s.close()
    assert report.ok and report.exhibits_checked == 2 and report.case_ref is None
    assert [h.source for h in report.outside_heads] == ["key slots file", "OS keyring"]
    assert entry.action == "verify.run" and entry.data["ok"] is True
    assert entry.data["head_seq"] == report.head_seq and entry.data["tree_root"] == report.tree_root


def test_export_tree_matches_and_the_log_only_grew(cs: CaseStore, capsys: Any, monkeypatch: Any,
                                                    tmp_path: Path) -> None:
    first = export(capsys, monkeypatch, cs.store, tmp_path / "first.jsonl")
    code, before = tool(first)
    assert code == 0
    size, root = before["tree"]["size"], before["tree"]["root"]
    s = cs.store.sign_in("jsmith")
    Custody(s).transfer(CASE, "JAS/2", "sgt", "file review")
    s.close()
    second = export(capsys, monkeypatch, cs.store, tmp_path / "second.jsonl")
    code, after = tool(second, "--earlier", f"{size}:{root}",
                       "--expect-head", f"{before['head']['seq']}:{before['head']['hash']}")
    assert code == 0 and after["tree"]["size"] > size
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET text = 'rewritten history' WHERE seq = 2")
    third = export(capsys, monkeypatch, cs.store, tmp_path / "third.jsonl")
    code, changed = tool(third, "--earlier", f"{size}:{root}")
    assert code == 1
    assert messages(changed["problems"])[-1] == (None, None, tool_message_earlier(size))
    code, short = tool(first, "--earlier", f"{size + 5}:{root}")
    assert code == 1 and "entries were removed" in short["problems"][-1]["message"]


def tool_message_earlier(size: int) -> str:
    return (f"the first {size} entries are not those of the earlier log (Merkle root differs): "
            "entries were changed, removed or reordered since")


def test_an_administrator_resetting_their_own_password_signs_on_with_the_new_key(cs: CaseStore) -> None:
    admin = cs.store.sign_in("admin")
    try:
        Accounts(admin).reset_password("admin", "a-brand-new-admin-pass")
        Accounts(admin).set_role("bpatel", "supervisor")  # signed after the reset, in the same session
    finally:
        admin.close()
    result = verify.verify_chain(cs.store.datadir.database, cs.key)
    assert result.problems == []
    assert len(result.registry.keys["admin"]) == 2
