"""N simulated installations syncing at once into one unit service instance (then two) over one PostgreSQL.

Each simulated installation is a real custody log (the genesis as ``casedesk init`` writes it, a detective's
account and key, a case, then notes), canonically encoded and signed with real Ed25519 keys, registered with
the unit; all push their whole log at once in batches, over TLS, to ``casedesk unit serve`` processes, which
verify every entry in full (chain, signatures, authority replay, checkpoint, consistency proof) before
storing it with COPY. The reference, measured in the same run on the same cluster, is PostgreSQL ``COPY`` of
the very same rows into a table of the same shape. Reported: entries/s and the ratio to COPY, p99 latency of
one push and of a whole installation's sync, and the service processes' CPU time per verified entry.

    python -m bench.sync            # quick: 4 installations x 1,000 entries
    python -m bench.sync --full     # the issue's figure: 20 installations x 10,000 entries

Evidence: each installation then sends vault objects (vault format 1 bytes: a real header, random records; the
unit checks sizes, the header, the entries that reference them and the SHA-256 of every byte, never the
content, which it cannot decrypt) in parts of 8 MiB, all at once, to one service instance. The reference is
PostgreSQL ``COPY`` of the very same bytes, in the same 8 MiB rows, into a table of the same shape, same run.
Reported: MiB/s, the ratio to COPY, and the service's peak resident memory (bounded by the part size, not the
object size).

A throwaway cluster is made with Debian's PostgreSQL (initdb; Unix socket only).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import Row
from casedesk.custody import checkpoint, encoding, merkle, wire
from casedesk.custody.signing import Signer
from casedesk.unit import admin
from casedesk.unit.store import ROW_COLUMNS, engine_for, migrate

REPO = Path(__file__).resolve().parents[1]
PG = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))


# --- the cluster and the service ------------------------------------------------------------------------------
def _as_owner(base: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    import pwd
    owner = pwd.getpwnam("postgres")
    os.chown(base, owner.pw_uid, owner.pw_gid)
    return ["setpriv", f"--reuid={owner.pw_uid}", f"--regid={owner.pw_gid}", "--init-groups", "--"]


@dataclass
class Cluster:
    base: Path
    proc: subprocess.Popen[bytes]

    def url(self, db: str) -> str:
        return f"postgresql://postgres@/{db}?host={self.base}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=60)


def start_cluster() -> Cluster:
    if not PG:
        raise SystemExit("bench.sync needs PostgreSQL (Debian's postgresql package)")
    bin_dir = PG[-1].parent
    base = Path(tempfile.mkdtemp(prefix="cdbench-pg-"))
    owner = _as_owner(base)
    subprocess.run([*owner, str(bin_dir / "initdb"), "-D", str(base / "data"), "--auth=trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8"], check=True, capture_output=True)
    proc = subprocess.Popen([*owner, str(bin_dir / "postgres"), "-D", str(base / "data"), "-k", str(base),
                             "-c", "listen_addresses=", "-c", "max_connections=100"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if subprocess.run([str(bin_dir / "pg_isready"), "-h", str(base), "-U", "postgres"],
                          capture_output=True).returncode == 0:
            return Cluster(base, proc)
        time.sleep(0.1)
    raise SystemExit("PostgreSQL did not start")


def psql(cluster: Cluster, sql: str, db: str = "postgres") -> None:
    subprocess.run([str(PG[-1].parent / "psql"), "-h", str(cluster.base), "-U", "postgres", "-d", db, "-qc", sql],
                   check=True, capture_output=True)


def make_tls(directory: Path) -> tuple[Path, Path, Path]:
    sys.path.insert(0, str(REPO))
    from tests.unit_service.conftest import make_tls as _make  # the tests' throwaway CA

    tls = _make(directory)
    return tls.ca, tls.cert, tls.key


@dataclass
class Service:
    proc: subprocess.Popen[str]
    url: str

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss(self) -> int:
        """The process's peak resident memory so far (VmHWM), KiB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)  # uvicorn's graceful shutdown
        self.proc.wait(timeout=60)


def start_service(database: str, key: Path, cert: Path, tls_key: Path) -> Service:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "casedesk.cli.main", "unit", "serve", "--database", database,
                             "--cosigner-key", str(key), "--tls-cert", str(cert), "--tls-key", str(tls_key),
                             "--port", "0"], stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        raise SystemExit(f"the unit service did not start: {line!r}")
    return Service(proc, line.split("listening on ", 1)[1].strip())


# --- simulated installations ------------------------------------------------------------------------------------
@dataclass
class BenchObject:
    name: str
    sha256: str  # of the (simulated) content: what the ingest entry records
    size: int  # of the content
    block: bytes  # the object is this block repeated, then cut to its stored size; the header is its own
    header: bytes

    @property
    def stored_size(self) -> int:
        return 48 + self.size + 16 * (self.size // (1 << 20) + 1)

    def parts(self) -> list[tuple[int, bytes]]:
        out, offset = [], 0
        while offset < self.stored_size:
            n = min(wire.PART_BYTES, self.stored_size - offset)
            data = (self.header + self.block[48:])[:n] if offset == 0 else self.block[:n]
            out.append((offset, data))
            offset += n
        return out


def bench_objects(count: int, mib: int) -> list[BenchObject]:
    block = secrets.token_bytes(wire.PART_BYTES)
    return [BenchObject(secrets.token_hex(32), secrets.token_hex(32), mib << 20, block,
                        b"CDVAULT\x00\x00\x01\x00\x00" + (1 << 20).to_bytes(4, "big") + secrets.token_bytes(32))
            for _ in range(count)]


@dataclass
class Simulated:
    installation: str
    genesis_key: str
    user: str
    signer: Signer
    rows: list[tuple[Any, ...]]
    objects: list[BenchObject]


def simulate(entries: int, objects: list[BenchObject] | None = None) -> Simulated:
    """A valid log of ``entries`` entries: genesis, a detective, a case, an exhibit.ingested entry per object,
    then the detective's notes."""
    installation = str(uuid.uuid4())
    boss, det = Signer.generate(), Signer.generate()
    salt = secrets.token_bytes(encoding.SALT_BYTES)
    case = "BENCH-0001"
    rows: list[tuple[Any, ...]] = []
    t0 = time.time() - entries - 60

    def add(actor: str, signer: Signer, action: str, data: dict[str, Any], case_ref: str | None = None,
            to: str | None = None, text: str | None = None, exhibit: str | None = None,
            sha256: str | None = None, location: str | None = None) -> None:
        seq = len(rows) + 1
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t0 + seq)) + ".000000Z"
        fields = {"seq": seq, "prev": rows[-1][18] if rows else encoding.GENESIS_PREV, "time": stamp,
                  "tz": "Europe/London", "offset": "+00:00", "actor": actor, "key": signer.public_hex,
                  "action": action, "case": case_ref, "exhibit": exhibit, "reason": None, "location": location,
                  "from": None, "to": to, "sha256": sha256, "tool": "CaseDesk bench", "text": text, "data": data,
                  "version": encoding.VERSION,
                  "commit": None if case_ref is None else encoding.case_commit(salt, seq)}
        digest, _ = encoding.hash_fields(fields)
        signature = signer.sign(encoding.signing_message(digest)).hex()
        rows.append((*(encoding.canonical_json(data) if name == "data" else fields[name]
                       for name, _ in encoding.FIELDS), digest, signature, encoding.VERSION, fields["commit"]))

    add("admin", boss, "installation.initialised", {"installation_id": installation, "device_bound": True})
    add("admin", boss, "account.created", {"user": "admin", "role": "admin", "initials": "AA",
                                           "full_name": "Ada Admin"}, to="admin")
    add("admin", boss, "account.key_registered", {"user": "admin", "public_key": boss.public_hex}, to="admin")
    add("admin", boss, "account.created", {"user": "jsmith", "role": "detective", "initials": "JS",
                                           "full_name": "Jane Smith"}, to="jsmith")
    add("admin", boss, "account.key_registered", {"user": "jsmith", "public_key": det.public_hex}, to="jsmith")
    add("jsmith", det, "case.created", {"title": "Operation Bench", "offences": ["Fraud Act 2006 s.2"],
                                        "officer_in_charge": "jsmith", "case_salt": salt.hex()}, case, to="jsmith")
    for i, obj in enumerate(objects or [], start=1):
        add("jsmith", det, "exhibit.ingested", {
            "size": obj.size, "mime": "application/octet-stream", "type": "data", "original_name": f"disk{i}.img",
            "relative_path": f"disk{i}.img", "producer": "jsmith", "seized_from": "a suspect",
            "seized_location": "", "seal": "", "sensitive": False, "seized_at": None, "seized_offset": None,
            "fs_modified": None, "fs_changed": None, "fs_accessed": None}, case, to="jsmith",
            text=f"disk image {i}", exhibit=f"JS/{i}", sha256=obj.sha256, location="CaseDesk vault")
    while len(rows) < entries:
        add("jsmith", det, "note.added", {}, case, text=f"observation {len(rows)}: " + "x" * 120)
    return Simulated(installation, boss.public_hex, "jsmith", det, rows, list(objects or []))


# --- syncing ---------------------------------------------------------------------------------------------------
def push_all(sim: Simulated, url: str, ca: Path, batch: int, latencies: list[float], errors: list[str]) -> float:
    """One installation's whole sync, as ``casedesk sync`` makes it; returns its duration."""
    start = time.perf_counter()
    leaves = [bytes.fromhex(r[18]) for r in sim.rows]
    with httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(ca)), timeout=600) as client:
        size = 0
        while size < len(sim.rows):
            end = min(len(sim.rows), size + batch)
            root = merkle.root(leaves[:end])
            text = checkpoint.Checkpoint(checkpoint.origin(sim.installation), end, root).text()
            note = checkpoint.Note(text, (checkpoint.sign_note(
                text, checkpoint.log_key_name(sim.installation, sim.user), sim.signer),)).render()
            proof = [] if size == 0 else merkle.consistency_proof(leaves[:end], size)
            body = json.dumps({"entries": [wire.row_to_json(r) for r in sim.rows[size:end]], "checkpoint": note,
                               "proof": [base64.b64encode(p).decode() for p in proof]}).encode()
            path = f"/v1/installations/{sim.installation}/push"
            now = int(time.time())
            sig = sim.signer.sign(wire.request_message("POST", path, sim.installation, sim.user, now, body)).hex()
            headers = {wire.HEADER_INSTALLATION: sim.installation, wire.HEADER_USER: sim.user,
                       wire.HEADER_KEY: sim.signer.public_hex, wire.HEADER_TIME: str(now), wire.HEADER_SIGNATURE: sig}
            t = time.perf_counter()
            try:
                answer = client.post(path, content=body, headers=headers)
            except httpx.RemoteProtocolError:  # as `casedesk sync` does: a push may be sent again, once
                answer = client.post(path, content=body, headers=headers)
            latencies.append(time.perf_counter() - t)
            if answer.status_code != 200:
                errors.append(answer.text)
                return time.perf_counter() - start
            size = end
    return time.perf_counter() - start


def send_objects(sim: Simulated, url: str, ca: Path, errors: list[str]) -> int:
    """One installation's objects, part by part, as ``casedesk sync`` sends them; returns the bytes sent."""
    sent = 0
    with httpx.Client(base_url=url, verify=ssl.create_default_context(cafile=str(ca)), timeout=600) as client:
        for obj in sim.objects:
            parts = obj.parts()
            address = wire.object_address([hashlib.sha256(data).digest() for _, data in parts])
            decl = wire.declaration("BENCH-0001", obj.sha256, obj.size, 1, obj.stored_size, address)
            for offset, data in parts:
                path = f"/v1/installations/{sim.installation}/objects/{obj.name}/{offset}"
                now = int(time.time())
                message = wire.signed_message("PUT", path, sim.installation, sim.user, now,
                                              wire.part_sha256(decl, data))
                headers = {wire.HEADER_INSTALLATION: sim.installation, wire.HEADER_USER: sim.user,
                           wire.HEADER_KEY: sim.signer.public_hex, wire.HEADER_TIME: str(now),
                           wire.HEADER_SIGNATURE: sim.signer.sign(message).hex(), wire.HEADER_OBJECT: decl}
                try:
                    answer = client.put(path, content=data, headers=headers)
                except httpx.RemoteProtocolError:
                    answer = client.put(path, content=data, headers=headers)
                if answer.status_code != 200:
                    errors.append(answer.text)
                    return sent
                sent += len(data)
    return sent


def measure_objects(cluster: Cluster, tls: tuple[Path, Path, Path], key: Path, sims: list[Simulated],
                    instances: int = 1) -> dict[str, float]:
    db = f"bench_{uuid.uuid4().hex[:10]}"
    psql(cluster, f"CREATE DATABASE {db}")
    engine = engine_for(cluster.url(db))
    migrate(engine)
    for sim in sims:
        admin.register(engine, sim.installation, sim.genesis_key, "bench", "bench")
    services = [start_service(cluster.url(db), key, tls[1], tls[2]) for _ in range(instances)]
    try:
        errors: list[str] = []
        for sim in sims:  # the entries first (not timed): the objects' ingest entries must be held
            push_all(sim, services[0].url, tls[0], 1_000, [], errors)
        rss0 = max(s.peak_rss() for s in services)
        cpu0 = sum(s.cpu_seconds() for s in services)
        sent: list[int] = []
        threads = [threading.Thread(target=lambda s=sim, u=services[i % instances].url: sent.append(
            send_objects(s, u, tls[0], errors))) for i, sim in enumerate(sims)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = sum(s.cpu_seconds() for s in services) - cpu0
        rss = max(s.peak_rss() for s in services)
    finally:
        for s in services:
            s.stop()
    if errors:
        raise SystemExit(f"an object was refused: {errors[0]}")
    total = sum(sent)
    from sqlalchemy import text as sql
    with engine.begin() as conn:
        conn.execute(sql("CREATE TABLE copy_reference (LIKE object_parts INCLUDING DEFAULTS)"))
        conn.execute(sql("ALTER TABLE copy_reference ALTER COLUMN data SET STORAGE EXTERNAL"))
    raw = engine.raw_connection()
    try:
        t = time.perf_counter()
        with raw.driver_connection.cursor() as cur:  # type: ignore[union-attr]
            with cur.copy('COPY copy_reference (installation_id, name, "offset", data, sha256) FROM STDIN') as c:
                for sim in sims:
                    for obj in sim.objects:
                        for offset, data in obj.parts():
                            c.write_row((sim.installation, obj.name, offset, data, b"\0" * 32))
        raw.commit()
        copy_s = time.perf_counter() - t
    finally:
        raw.close()
    with engine.connect() as conn:
        held = conn.execute(sql("SELECT count(*) FROM objects")).scalar_one()
    engine.dispose()
    if held != sum(len(s.objects) for s in sims):
        raise SystemExit(f"the unit holds {held} objects, not {sum(len(s.objects) for s in sims)}")
    mib = total / (1 << 20)
    return {"mib": mib, "wall": wall, "rate": mib / wall, "copy_rate": mib / copy_s, "cpu_s_per_gib": cpu / mib * 1024,
            "peak_rss_mib": rss / 1024, "rss_before_mib": rss0 / 1024, "largest_mib": max(
                o.stored_size for s in sims for o in s.objects) / (1 << 20)}


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def measure(cluster: Cluster, workdir: Path, tls: tuple[Path, Path, Path], key: Path, sims: list[Simulated],
            instances: int, batch: int) -> dict[str, float]:
    db = f"bench_{uuid.uuid4().hex[:10]}"
    psql(cluster, f"CREATE DATABASE {db}")
    engine = engine_for(cluster.url(db))
    migrate(engine)
    for sim in sims:
        admin.register(engine, sim.installation, sim.genesis_key, "bench", "bench")
    services = [start_service(cluster.url(db), key, tls[1], tls[2]) for _ in range(instances)]
    try:
        cpu0 = sum(s.cpu_seconds() for s in services)
        latencies: list[float] = []
        errors: list[str] = []
        durations: list[float] = []
        threads = [threading.Thread(target=lambda s=sim, u=services[i % instances].url: durations.append(
            push_all(s, u, tls[0], batch, latencies, errors))) for i, sim in enumerate(sims)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = sum(s.cpu_seconds() for s in services) - cpu0
    finally:
        for s in services:
            s.stop()
    if errors:
        raise SystemExit(f"a push was refused: {errors[0]}")
    total = sum(len(s.rows) for s in sims)
    # The reference: COPY of the very same rows into a table of the same shape, same cluster, same run.
    from sqlalchemy import text as sql
    with engine.begin() as conn:
        conn.execute(sql("CREATE TABLE copy_reference (LIKE entries)"))
    raw = engine.raw_connection()
    try:
        cols = ", ".join(f'"{c}"' for c in ("installation_id", *ROW_COLUMNS, "checkpoint_id"))
        t = time.perf_counter()
        with raw.driver_connection.cursor() as cur:  # type: ignore[union-attr]
            with cur.copy(f"COPY copy_reference ({cols}) FROM STDIN") as copy:
                for sim in sims:
                    for r in sim.rows:
                        copy.write_row((sim.installation, *r, 1))
        raw.commit()
        copy_s = time.perf_counter() - t
    finally:
        raw.close()
    with engine.connect() as conn:
        stored = conn.execute(sql("SELECT count(*) FROM entries")).scalar_one()
    engine.dispose()
    if stored != total:
        raise SystemExit(f"the unit holds {stored} entries, not {total}")
    return {"entries": total, "wall": wall, "rate": total / wall, "copy_rate": total / copy_s,
            "p99_push": p99(latencies), "p99_sync": p99(durations), "cpu_per_entry_us": 1e6 * cpu / total,
            "pushes": len(latencies)}


def ed25519_verify_rate(n: int = 2_000) -> float:
    """libsodium's Ed25519 verifications per second on one core, in this run (what one entry costs at least)."""
    from nacl.bindings import crypto_sign_open

    signer = Signer.generate()
    signed = [signer.sign(encoding.signing_message(f"{i:064x}")) + encoding.signing_message(f"{i:064x}")
              for i in range(n)]
    t = time.perf_counter()
    for blob in signed:
        crypto_sign_open(blob, signer.public_key)
    return n / (time.perf_counter() - t)


def run(workdir: Path, quick: bool, installations: int | None = None, entries: int | None = None,
        batch: int | None = None, objects_only: bool = False) -> list[Row]:
    n = installations or (4 if quick else 20)
    m = entries or (1_000 if quick else 10_000)
    b = batch or (250 if quick else 1_000)
    print(f"simulating {n} installations x {m} entries", file=sys.stderr, flush=True)
    sims = [simulate(m) for _ in range(n)]
    cluster = start_cluster()
    try:
        tls = make_tls(workdir)
        key = workdir / "cosigner.key"
        from casedesk.unit.server import write_cosigner_key
        write_cosigner_key(key, "casedesk.unit.bench")
        rows = []
        per_object = 32 if quick else 64
        each = 2 if quick else 4  # quick: 4 x 64 MiB; full: 20 x 256 MiB, the figure
        for instances in (1, 2):
            osims = [simulate(200, bench_objects(each, per_object)) for _ in range(n)]
            f = measure_objects(cluster, tls, key, osims, instances)
            rows.append(Row(
                f"sync evidence: {n} installations x {each} objects of {per_object} MiB at once, {instances} service "
                "instance(s)",
                f"{f['rate']:,.1f} MiB/s ({f['mib']:,.0f} MiB in {f['wall']:.1f} s; service CPU "
                f"{f['cpu_s_per_gib']:.1f} s/GiB; peak RSS of an instance {f['peak_rss_mib']:.0f} MiB, "
                f"{f['rss_before_mib']:.0f} before)",
                f"PostgreSQL COPY of the same bytes in the same 8 MiB rows, one stream: {f['copy_rate']:,.1f} MiB/s",
                f"{f['rate'] / f['copy_rate']:.3f}x", "-", None))
            print(rows[-1], file=sys.stderr, flush=True)
        if objects_only:
            return rows
        for instances in (1, 2):
            # Fresh installations per run (the same ones would be refused as already held... and as rewritten).
            if instances == 2:
                sims = [simulate(m) for _ in range(n)]
            f = measure(cluster, workdir, tls, key, sims, instances, b)
            verify_rate = ed25519_verify_rate()
            label = f"sync {n} installations x {m:,} entries at once, {instances} service instance(s), batch {b}"
            rows.append(Row(
                label, f"{f['rate']:,.0f} entries/s ({f['wall']:.1f} s; p99 push {1000 * f['p99_push']:.0f} ms, "
                       f"p99 sync {f['p99_sync']:.1f} s; service CPU {f['cpu_per_entry_us']:.0f} us/entry)",
                f"PostgreSQL COPY of the same rows: {f['copy_rate']:,.0f} entries/s (libsodium Ed25519 verify, "
                f"1 core: {verify_rate:,.0f}/s = {1e6 / verify_rate:.0f} us each)",
                f"{f['rate'] / f['copy_rate']:.3f}x", "-", None))
            print(rows[-1], file=sys.stderr, flush=True)
        return rows
    finally:
        cluster.stop()
        shutil.rmtree(cluster.base, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync")
    parser.add_argument("--full", action="store_true", help="20 installations x 10,000 entries (the issue's figure)")
    parser.add_argument("--installations", type=int)
    parser.add_argument("--entries", type=int)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--objects-only", action="store_true", help="only the evidence (vault objects) figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-sync-") as tmp:
        rows = run(Path(tmp), not args.full, args.installations, args.entries, args.batch, args.objects_only)
    print("| Benchmark | CaseDesk | Reference (same run) | Ratio |")
    print("| --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r.benchmark} | {r.value} | {r.reference} | {r.ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
