"""Verifying a 1,000,000-entry custody log: hash chain only, with signatures, and the stand-alone verifier.

The log is generated straight into a real installation's SQLCipher store
(real canonical encoding, real Ed25519 signatures by the administrator's
registered key, signed on both cores), then checked by
``casedesk.custody.verify.verify_chain`` (the chain alone, and with the
register's replay in the same pass, as ``casedesk verify`` runs it), by the
replay alone, and, on a ``casedesk custody export`` of it, by
``tools/verify_custody.py`` in its own process. The
reference, measured in the same run, is a bare SHA-256 chain over 200-byte
entries (what the issue quotes), and libsodium's Ed25519 verification on
one core. Quick mode: 100,000 entries.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import keyring
from keyring.backends import fail
from nacl.bindings import crypto_sign, crypto_sign_open, crypto_sign_seed_keypair

from bench.common import Row
from casedesk.custody import encoding
from casedesk.custody.chain import ChainResult
from casedesk.custody.export import write_export
from casedesk.custody.log import current_head
from casedesk.custody.verify import default_workers, register_problems, verify_chain
from casedesk.datadir import DataDir
from casedesk.outputs import NewFile, check_target
from casedesk.services.accounts import Accounts
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.installation import Installation
from casedesk.services.session import Session
from casedesk.timeutil import iso_utc, uk_offset, utc_now

PASSWORD = "bench-password-0417"
TOOL = Path(__file__).resolve().parents[1] / "tools" / "verify_custody.py"
# Entries a detective who is a member of every case may make (replay checks each one's authority in full).
ACTIONS = ("exhibit.viewed", "verify.run", "custody.exported", "exhibit.extracted")
CASES = 200


def _sign(job: tuple[bytes, list[str]]) -> list[str]:
    seed, hashes = job
    _, secret = crypto_sign_seed_keypair(seed)
    return [crypto_sign(encoding.signing_message(h), secret)[:64].hex() for h in hashes]


def build_log(session_seed: bytes, db_path: Path, db_key: bytes, start_seq: int, prev: str, n: int,
              actor: str, workers: int) -> None:
    """Append ``n`` signed entries after ``(start_seq - 1, prev)``."""
    public_hex = crypto_sign_seed_keypair(session_seed)[0].hex()
    tool = "CaseDesk 0.1.0"
    t0 = utc_now()
    offset = uk_offset(t0)
    rows: list[list[object]] = []
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
    salts = {ref: bytes.fromhex(salt) for ref, salt in conn.execute("SELECT reference, case_salt FROM cases")}
    conn.close()
    for i in range(n):
        seq = start_seq + i
        stamp = iso_utc(t0 + timedelta(microseconds=100 * i))
        case, exhibit = f"MPS-2026-{i % CASES:04d}", f"JAS/{i % 997 + 1}"
        action = ACTIONS[i % len(ACTIONS)]
        row: list[object] = [seq, prev, stamp, "Europe/London", offset, actor, public_hex, action, case,
                             exhibit, "routine examination" if action != "exhibit.viewed" else None,
                             "Exhibits store" if action == "exhibit.extracted" else None, None, None,
                             hashlib.sha256(exhibit.encode()).hexdigest(), tool, None,
                             f'{{"size":{1000 + i % 5000}}}']
        row += ["", "", encoding.VERSION, encoding.case_commit(salts[case], seq)]
        digest, _ = encoding.hash_row(row)
        row[18] = digest
        rows.append(row)
        prev = digest
    step = max(1, len(rows) // (workers * 8))
    jobs = [(session_seed, [str(r[18]) for r in rows[i:i + step]]) for i in range(0, len(rows), step)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        at = 0
        for sigs in pool.imap(_sign, jobs):
            for sig in sigs:
                rows[at][19] = sig
                at += 1
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(db_path), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
    cols = ", ".join(encoding.ROW_COLUMNS)
    conn.execute("BEGIN IMMEDIATE")
    marks = ", ".join("?" * len(encoding.ROW_COLUMNS))
    conn.executemany(f"INSERT INTO custody_entries ({cols}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def bare_chain(n: int) -> float:
    """Entries per second of h = SHA-256(h || 200-byte entry), the issue's reference."""
    entries = [os.urandom(200) for _ in range(1000)]
    h = b"\x00" * 32
    start = time.process_time()  # CPU time: a full core's rate even on a shared machine
    for i in range(n):
        h = hashlib.sha256(h + entries[i % 1000]).digest()
    return n / (time.process_time() - start)


def sodium_one_core(n: int) -> float:
    public, secret = crypto_sign_seed_keypair(bytes(32))
    signed = [crypto_sign(os.urandom(57), secret) for _ in range(1000)]
    start = time.process_time()
    for i in range(n):
        crypto_sign_open(signed[i % 1000], public)
    return n / (time.process_time() - start)


def _cpu() -> float:
    """CPU seconds used so far by this process and its waited-for children (worker pools, subprocesses)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class Phase:
    """One measured run: wall time, CPU time obtained, and the references measured just before it."""

    entries: int
    wall: float
    cpu: float
    bare: float
    sodium: float

    @property
    def rate(self) -> float:
        return self.entries / self.wall

    def value(self, cores: int) -> str:
        # The machine is shared: CPU obtained says how much of the cores the run actually got, and
        # entries per CPU-second times the cores is what the same code does on an otherwise idle machine.
        return (f"{self.rate:,.0f} entries/s ({self.wall:.1f} s; got {self.cpu / self.wall:.2f} of {cores} cores; "
                f"{self.entries / self.cpu * cores:,.0f}/s at {cores} full cores)")


def measure(entries: int, fn: Callable[[], object], signatures: bool) -> Phase:
    bare = bare_chain(200_000)
    sodium = sodium_one_core(4_000) if signatures else 0.0
    cpu, t = _cpu(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t
    return Phase(entries, wall, _cpu() - cpu, bare, sodium)


def run(workdir: Path, quick: bool) -> list[Row]:
    n = 100_000 if quick else 1_000_000
    keyring.set_keyring(fail.Keyring())  # never touch the desktop keyring: password-only slots
    datadir = DataDir(workdir / "data")
    inst = Installation(datadir)
    inst.initialise("admin", PASSWORD, "Bench Admin", "BA")
    s = inst.sign_in("admin", PASSWORD)
    Accounts(s).add("det", "detective", "Bench Detective", "BD", PASSWORD)
    det = inst.sign_in("det", PASSWORD)
    try:
        for i in range(CASES):
            Cases(det).create(f"MPS-2026-{i:04d}", f"Operation {i}", ["Fraud Act 2006 s.2"])
        det_seed = det.signer.seed
    finally:
        det.close()
    workers = default_workers()
    export = workdir / "log.jsonl"
    try:
        with s.read() as db:
            head = current_head(db)
        assert head is not None
        t = time.perf_counter()
        build_log(det_seed, datadir.database, s.keys.database, head.seq + 1, head.entry_hash, n, "det", workers)
        print(f"built {n:,} signed entries in {time.perf_counter() - t:.1f} s", file=sys.stderr, flush=True)
        s.advance_head()
        total = n + head.seq
        results: dict[str, ChainResult] = {}

        def check(signatures: bool, replay: bool = False) -> None:
            results[f"{signatures}{replay}"] = verify_chain(datadir.database, s.keys.database, signatures=signatures,
                                                            replay=replay)

        chain = measure(total, lambda: check(False), signatures=False)
        found: list[object] = []
        replay = measure(total, lambda: found.extend(register_problems(datadir.database, s.keys.database)),
                         signatures=False)
        assert found == [], found[:3]
        # What `casedesk verify` runs: the chain check and the register's replay in one pass over the log.
        one_pass = measure(total, lambda: check(False, True), signatures=False)
        signed = measure(total, lambda: check(True), signatures=True)
        verify_pass = measure(total, lambda: check(True, True), signatures=True)
        for name, res in results.items():
            assert res.problems == [] and res.register in (None, []), (name, res.problems[:3], res.register)
            assert res.entries == total and res.signatures == (total if name.startswith("True") else 0), name
        t = time.perf_counter()
        _export_all(s, export)
        print(f"export of {total:,} entries: {time.perf_counter() - t:.1f} s", file=sys.stderr)
    finally:
        s.close()

    def standalone() -> None:
        proc = subprocess.run([sys.executable, str(TOOL), str(export)], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"verify_custody.py failed: {proc.stdout[-500:]} {proc.stderr[-500:]}")

    tool = measure(total, standalone, signatures=True)
    label = f"{total:,}-entry log, {workers} cores"

    def ref(p: Phase) -> str:
        text = f"bare SHA-256 chain, 200-byte entries: {p.bare:,.0f} entries per CPU-second"
        return text + (f"; libsodium Ed25519 verify, 1 core: {p.sodium:,.0f} per CPU-second" if p.sodium else "")

    # The machine is shared: every ratio compares CPU with CPU. The references are CPU-time rates of one core; the
    # CaseDesk rates are entries per CPU-second obtained times the cores the phase runs on (workers for the chain
    # check, one for the replay), i.e. what the same code does with its cores to itself.
    def full(p: Phase, cores: int) -> float:
        return p.entries / p.cpu * cores

    def signed_ratio(p: Phase) -> float:
        # The goal: >= 0.8x libsodium's one-core verify rate times the cores used.
        return full(p, workers) / (p.sodium * workers)

    # The one pass runs its workers and, beside them, the replay in this process: its CPU is all of theirs, and
    # ``workers`` cores is what it runs on (the same accounting as the chain check alone).
    both = full(one_pass, workers)
    return [
        Row(f"custody verify, hash chain alone ({label})", chain.value(workers), ref(chain),
            f"{full(chain, workers) / chain.bare:.3f}x", "-", None),
        Row(f"custody verify, register replay with authority alone ({label})", replay.value(1), ref(replay),
            f"{full(replay, 1) / replay.bare:.3f}x", "-", None),
        Row(f"custody verify, hash chain + register replay in one pass ({label})", one_pass.value(workers),
            ref(one_pass), f"{both / one_pass.bare:.3f}x", ">= 0.1x", both >= 0.1 * one_pass.bare),
        Row(f"custody verify, chain + signatures ({label})", signed.value(workers), ref(signed),
            f"{signed_ratio(signed):.2f}x of libsodium x {workers} cores", "-", None),
        Row(f"custody verify, chain + signatures + register replay in one pass, as `casedesk verify` runs ({label})",
            verify_pass.value(workers), ref(verify_pass),
            f"{signed_ratio(verify_pass):.2f}x of libsodium x {workers} cores", ">= 0.8x",
            signed_ratio(verify_pass) >= 0.8),
        Row(f"tools/verify_custody.py on the export ({label})", tool.value(workers), ref(tool),
            f"{signed_ratio(tool):.2f}x of libsodium x {workers} cores", "-", None),
    ]


def _export_all(s: Session, dest: Path) -> None:
    """The whole log as ``custody export`` writes it (directly: the administrator sees no case content)."""
    heads, errors = Custody(s).outside_heads()
    with NewFile(check_target(dest, s.datadir.root)) as out:
        write_export(s.datadir.database, s.keys.database, out, scope=None, visible=None,
                     installation_id=s.installation_id, exported_by=s.user.username, signer=s.signer,
                     case_salt=None, outside_heads=heads,
                     outside_problems=[p.message for p in errors], exhibits=[])
        out.publish()
