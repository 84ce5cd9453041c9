"""``casedesk verify`` reads the log once: the chain check and the register's replay from the same pass, on worker
processes, and a worker that dies ends it with an error (never a hang, never an OK)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from casedesk.custody import keybook, verify
from casedesk.errors import VerifyIncomplete
from tests.custody.conftest import CaseStore
from tests.helpers.custody import attacker
from tests.helpers.store import CASE

ROOT = Path(__file__).resolve().parents[2]


def test_the_replay_from_the_chain_pass_finds_what_the_replay_on_its_own_finds(
        cs: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    n = cs.seqs["transfer JAS/1"]
    with attacker(cs.store, cs.key) as db:
        db.execute("UPDATE custody_entries SET text = 'edited' WHERE seq = ?", (n,))  # a broken entry
        db.execute("UPDATE exhibits SET seal = 'SEAL-FORGED' WHERE reference = 'JAS/2'")  # a register edit
        db.execute("UPDATE exhibits SET location = 'Home address' WHERE reference = 'JAS/1'")
    path = cs.store.datadir.database
    monkeypatch.setattr(verify, "CHUNK", 4)  # many small blocks over two workers
    for workers in (1, 2):
        result = verify.verify_chain(path, cs.key, workers=workers, parallel_min=0, replay=True)
        broken = frozenset(p.seq for p in result.problems if p.seq is not None)
        assert n in broken
        assert result.register_error is None
        assert result.register == verify.register_problems(path, cs.key, None, broken)
        shown = [(p.exhibit, p.message) for p in result.register or []]
        assert any(e == "JAS/2" and "seal" in m and "SEAL-FORGED" in m for e, m in shown), shown
    # A case's verify names only what the case may see, as before.
    scoped = verify.verify_chain(path, cs.key, visible=frozenset({CASE}), workers=2, parallel_min=0, replay=True)
    assert scoped.register == verify.register_problems(path, cs.key, frozenset({CASE}),
                                                       frozenset(p.seq for p in scoped.problems if p.seq))


def test_a_worker_that_dies_ends_the_verify_with_an_error_not_a_hang_or_an_ok(cs: CaseStore) -> None:
    # The script's top level runs in every worker too (spawn): there the check of entries 9 and 10 kills its
    # own process, as the out-of-memory killer or an operator would.
    script = textwrap.dedent("""
        import os, signal, sys
        from pathlib import Path
        from casedesk.custody import verify
        from casedesk.errors import CaseDeskError

        verify.CHUNK = 2
        check = verify._check_block

        def dies_on_the_fifth_block(block):
            if block[0] == 9:
                os.kill(os.getpid(), signal.SIGKILL)
            return check(block)

        verify._check_block = dies_on_the_fifth_block

        if __name__ == "__main__":
            try:
                result = verify.verify_chain(Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), workers=2,
                                             parallel_min=0, replay=True)
            except CaseDeskError as exc:
                print(type(exc).__name__, exc)
                sys.exit(1)
            print("OK", result.entries, len(result.problems))
    """)
    runner = cs.store.root / "kill_a_worker.py"
    runner.write_text(script, encoding="utf-8")
    try:
        # A verify that waited for the dead worker's block would never end: the bound is only there to say so.
        proc = subprocess.run([sys.executable, str(runner), str(cs.store.datadir.database), cs.key.hex()],
                              capture_output=True, text=True, timeout=300, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("verify hung after one of its worker processes was killed")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"{VerifyIncomplete.__name__} the check stopped: one of its worker processes "
                                  "ended unexpectedly"), proc.stdout + proc.stderr
    assert "nothing is concluded" in proc.stdout


def test_entries_appended_during_a_verify_are_not_half_read(cs: CaseStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks end at the last entry of the verify's own snapshot, which the register is compared in."""
    path = cs.store.datadir.database
    last = verify.verify_chain(path, cs.key).last_seq
    monkeypatch.setattr(verify, "CHUNK", 1 << 20)
    plan = verify._Plan(str(path), cs.key.hex(), keybook.build_registry([])[0], False, None, None, last - 3, None)
    conn = verify.open_raw(path, cs.key)
    try:
        res, _ = verify._check(conn, plan, (1, 1 << 20))
    finally:
        conn.close()
    assert res.last_seq == last - 3 and res.count == last - 3
