"""Custody test helpers: evidence to move, the attacker's raw database access, both verifiers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from nacl.bindings import crypto_sign, crypto_sign_seed_keypair
from sqlcipher3 import dbapi2 as sqlcipher

from casedesk.cli.custody import report_json
from casedesk.custody import encoding
from casedesk.services.custody import Custody
from casedesk.services.evidence import Evidence, IngestMetadata
from tests.helpers.cli import run
from tests.helpers.store import CASE, Store

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tools" / "verify_custody.py"
COLUMNS = ", ".join(encoding.ROW_COLUMNS)


def ingest(store: Store, user: str, files: dict[str, bytes], case: str = CASE,
           description: str = "Exhibit for custody tests") -> list[str]:
    """Ingest ``files`` (name -> content) as ``user``; returns the new exhibit references."""
    src = store.root.parent / f"src-{user}-{len(os.listdir(store.root.parent))}"
    src.mkdir()
    paths = []
    for name, content in files.items():
        (src / name).write_bytes(content)
        paths.append(src / name)
    s = store.sign_in(user)
    try:
        summary = Evidence(s).ingest(case, paths, IngestMetadata(description=description))
    finally:
        s.close()
    return [e.reference for e in summary.ingested]


def db_key(store: Store) -> bytes:
    s = store.sign_in("admin")
    try:
        return s.keys.database
    finally:
        s.close()


def signing_seed(store: Store, user: str) -> bytes:
    """A user's private signing seed, as that user (who knows their password) could take it."""
    s = store.sign_in(user)
    try:
        return s.signer.seed
    finally:
        s.close()


@contextmanager
def attacker(store: Store, key: bytes | None = None) -> Iterator[Any]:
    """A raw connection to casedesk.db with the key in hand and the append-only triggers dropped.

    The triggers are put back afterwards, so the store looks untouched. The triggers that keep the exhibits'
    text index (migration 0006) stay: the index follows the attacker's edits, as it would any writer's.
    """
    conn = sqlcipher.connect(str(store.datadir.database), isolation_level=None)
    conn.execute(f"PRAGMA key = \"x'{(key or db_key(store)).hex()}'\"")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "AND name NOT LIKE 'exhibit\\_text\\_%' ESCAPE '\\'").fetchall()
    conn.execute("BEGIN IMMEDIATE")
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield conn
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()


def row(conn: Any, seq: int) -> list[Any]:
    found = conn.execute(f"SELECT {COLUMNS} FROM custody_entries WHERE seq = ?", (seq,)).fetchone()
    assert found is not None, f"no entry {seq}"
    return list(found)


def last_seq(conn: Any, action: str | None = None) -> int:
    if action is None:
        return int(conn.execute("SELECT max(seq) FROM custody_entries").fetchone()[0])
    return int(conn.execute("SELECT max(seq) FROM custody_entries WHERE action = ?", (action,)).fetchone()[0])


def rewrite(conn: Any, seq: int, values: list[Any]) -> None:
    """Replace every column of entry ``seq`` (values in ``ROW_COLUMNS`` order, seq included)."""
    sets = ", ".join(f"{c} = ?" for c in encoding.ROW_COLUMNS)
    conn.execute(f"UPDATE custody_entries SET {sets} WHERE seq = ?", (*values, seq))


def insert(conn: Any, values: list[Any]) -> None:
    marks = ", ".join("?" * len(encoding.ROW_COLUMNS))
    conn.execute(f"INSERT INTO custody_entries ({COLUMNS}) VALUES ({marks})", values)


def recommit(conn: Any, values: list[Any]) -> list[Any]:
    """Give an entry the case commitment its seq and case call for, as an insider holding the store key can."""
    values = list(values)
    salt = None if values[8] is None else conn.execute(
        "SELECT case_salt FROM cases WHERE reference = ?", (values[8],)).fetchone()[0]
    values[encoding.ROW_VERSION] = encoding.VERSION
    values[encoding.ROW_COMMIT] = None if salt is None else encoding.case_commit(bytes.fromhex(salt), values[0])
    return values


def resign(values: list[Any], seed: bytes, conn: Any = None) -> list[Any]:
    """Recompute an entry's hash and sign it with ``seed``, naming that key: a forger's best effort.

    With ``conn`` (the store), the case commitment is recomputed too.
    """
    public, secret = crypto_sign_seed_keypair(seed)
    values = recommit(conn, values) if conn is not None else list(values)
    values[6] = public.hex()
    digest, _ = encoding.hash_row(values)
    values[18] = digest
    values[19] = crypto_sign(encoding.signing_message(digest), secret)[:64].hex()
    return values


def entry_dated_behind(store: Store, user: str, key: bytes | None = None, hours: int = 2,
                       text: str = "written with the clock behind") -> tuple[int, int]:
    """A time anomaly as an older version could leave one: a ``verify.run`` entry of ``user`` appended to the
    log (properly signed by their key) dated ``hours`` before now, i.e. behind the entry before it.
    Returns (the new entry, the entry before it)."""
    from datetime import UTC, datetime, timedelta

    seed = signing_seed(store, user)
    with attacker(store, key) as db:
        top = last_seq(db)
        values = row(db, top)
        values[0], values[1] = top + 1, values[18]
        values[2] = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        values[5], values[7], values[8], values[9], values[16], values[17] = (
            user, "verify.run", CASE, None, text, "{}")
        insert(db, resign(values, seed, db))
    return top + 1, top


def casedesk_verify(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store: Store,
                    case: str | None = CASE, user: str = "jsmith") -> tuple[int, dict[str, Any]]:
    args = ["verify", "--json"] + ([case] if case else [])
    r = run(capsys, monkeypatch, store.root, *args, user=user)
    assert r.code in (0, 7), r.err
    return r.code, r.json()


def export(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store: Store, dest: Path,
           case: str | None = CASE, user: str = "jsmith") -> Path:
    r = run(capsys, monkeypatch, store.root, "custody", "export", *([case] if case else []), "-o", str(dest),
            user=user)
    assert r.code == 0, r.err
    return dest


def _isolated_path(base: Path) -> Path:
    """A folder with PyNaCl (and the cffi backend it loads) and nothing else from site-packages."""
    import _cffi_backend
    import nacl

    iso = base / "pynacl-only"
    if not iso.exists():
        iso.mkdir()
        (iso / "nacl").symlink_to(Path(nacl.__file__).parent)
        backend = Path(_cffi_backend.__file__)
        (iso / backend.name).symlink_to(backend)
    return iso


def tool(export_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """tools/verify_custody.py in a child Python without site-packages: only the standard library and PyNaCl.

    CaseDesk, SQLAlchemy, cryptography and the rest cannot be imported there,
    as on a prosecutor's expert's machine.
    """
    iso = _isolated_path(export_path.parent)
    boot = (f"import sys, runpy; sys.path.insert(0, {str(iso)!r}); "
            f"sys.argv = [{str(TOOL)!r}, *sys.argv[1:]]; runpy.run_path({str(TOOL)!r}, run_name='__main__')")
    proc = subprocess.run([sys.executable, "-S", "-E", "-c", boot, str(export_path), "--json", *extra],
                          capture_output=True, text=True, timeout=300, cwd=export_path.parent)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def both(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, store: Store, tmp: Path,
         case: str | None = CASE, user: str = "jsmith") -> list[dict[str, Any]]:
    """``Custody.verify`` and the stand-alone verifier on a fresh export (one sign-in); they must agree exactly.

    (The ``casedesk verify`` command prints the same report: tests/custody/test_cli.py.)
    """
    s = store.sign_in(user)
    try:
        report = report_json(Custody(s).verify(case))
        path = Custody(s).export_log(case, tmp / f"export-{len(list(tmp.glob('export-*')))}.jsonl")
    finally:
        s.close()
    # The export holds the tree ``verify`` saw, plus the 'verify.run' entry when that could be written.
    code, theirs = tool(path, "--earlier", f"{report['tree']['size']}:{report['tree']['root']}")
    assert theirs["problems"] == report["problems"]
    assert (code == 0, theirs["ok"]) == (report["ok"], report["ok"])
    return list(report["problems"])


def messages(problems: list[dict[str, Any]]) -> list[tuple[int | None, str | None, str]]:
    return [(p["seq"], p["exhibit"], p["message"]) for p in problems]


V1_COLUMNS = (*(column for _, column in encoding.FIELDS), "entry_hash", "signature")


def _legacy_head(db: Any) -> Any:
    from sqlalchemy import text

    from casedesk.custody.log import Head

    found = db.execute(text("SELECT seq, entry_hash FROM custody_entries ORDER BY seq DESC LIMIT 1")).first()
    return None if found is None else Head(int(found[0]), str(found[1]), encoding.LEGACY_VERSION)


def _legacy_append(db: Any, *, actor: str, signer: Any, action: str, case_ref: str | None = None,
                   exhibit_ref: str | None = None, reason: str | None = None, location: str | None = None,
                   from_party: str | None = None, to_party: str | None = None, sha256: str | None = None,
                   text: str | None = None, data: dict[str, Any] | None = None, at: Any = None) -> Any:
    """``custody.log.append`` as CaseDesk wrote entries before encoding version 2 (no commitment, no salts)."""
    from sqlalchemy import text as sql

    from casedesk import tool_id
    from casedesk.store.models import CustodyEntry
    from casedesk.timeutil import DISPLAY_ZONE_NAME, iso_utc, uk_offset, utc_now

    head = _legacy_head(db)
    when = at or utc_now()
    f: dict[str, Any] = {
        "seq": 1 if head is None else head.seq + 1, "prev": encoding.GENESIS_PREV if head is None else head.entry_hash,
        "time": iso_utc(when), "tz": DISPLAY_ZONE_NAME, "offset": uk_offset(when), "actor": actor,
        "key": signer.public_hex, "action": action, "case": case_ref, "exhibit": exhibit_ref, "reason": reason,
        "location": location, "from": from_party, "to": to_party, "sha256": sha256, "tool": tool_id(),
        "text": text, "data": data or {},
    }
    digest, _ = encoding.hash_fields(f)  # version 1
    values = {column: (encoding.canonical_json(f[name]) if name == "data" else f[name])
              for name, column in encoding.FIELDS}
    values.update(entry_hash=digest, signature=signer.sign(encoding.signing_message(digest)).hex())
    db.execute(sql(f"INSERT INTO custody_entries ({', '.join(V1_COLUMNS)}) "
                   f"VALUES ({', '.join(':' + c for c in V1_COLUMNS)})"), values)
    return CustodyEntry(**values, version=encoding.LEGACY_VERSION, case_commit=None)


def _legacy_append_many(db: Any, *, actor: str, signer: Any, action: str, entries: Any) -> list[int]:
    """``custody.log.append_many`` as CaseDesk wrote a batch before encoding version 2: one entry at a time."""
    return [int(_legacy_append(db, actor=actor, signer=signer, action=action, **e).seq) for e in entries]


@contextmanager
def legacy_writer(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While open, CaseDesk writes custody entries as it did before encoding version 2."""
    import casedesk.custody.headcheck as headcheck
    import casedesk.custody.log as log
    import casedesk.services.custody as custody_service
    import casedesk.services.heads as heads

    with monkeypatch.context() as m:
        m.setattr(log, "append", _legacy_append)
        m.setattr(log, "append_many", _legacy_append_many)
        for module in (log, headcheck, custody_service, heads):
            m.setattr(module, "current_head", _legacy_head)
        yield
