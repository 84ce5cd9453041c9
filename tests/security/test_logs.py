"""A realistic working session, then a search of the log and of every file in the data directory:
no password, no key, no exhibit content, no case text in the clear.

The session goes through the command line: a mistyped password, a new case,
an ingest of files whose names and bytes carry unique markers, descriptions,
notes, a summary, a transfer with a reason, a supervisor's query, an
extraction, a bundle export, a verification and a password change. Each
piece of free text carries its own marker so a hit says which one leaked.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError as SqlIntegrityError

from casedesk.logsetup import log_file
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile
from casedesk.store.engine import make_engine, write_session
from casedesk.store.models import Setting
from tests.helpers.bundle import page_texts
from tests.helpers.cli import run
from tests.helpers.security import files_under, find, session_secrets
from tests.helpers.store import CASE, PASSWORDS, Store

NEW_PASSWORD = "jsmith-changed-her-password-77"
WRONG_PASSWORD = "Wrong-Password-typed-at-9am"


def marker(what: str) -> str:
    return f"MARK{what.upper()}{uuid.uuid4().hex[:12]}"


@pytest.fixture
def worked_on(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> tuple[Store, dict[str, str], Path]:
    m = {k: marker(k) for k in ("title", "offence", "description", "seizedfrom", "location", "seal", "content",
                                "filename", "summary", "note", "reason", "place", "query", "newcase")}
    out = tmp_path / "out"
    out.mkdir()
    src = tmp_path / "seized"
    src.mkdir()
    (src / f"{m['filename']}.txt").write_bytes(f"Account list\n{m['content']}\nsort code 00-00-01\n".encode())
    (src / "ledger.csv").write_bytes(f"date,amount,memo\n2026-03-01,4000,{m['content']}\n".encode() * 50)

    def cli(*args: str, user: str = "jsmith", password: str | None = None, new_password: str | None = None) -> None:
        r = run(capsys, monkeypatch, store.root, *args, user=user, password=password, new_password=new_password)
        assert r.code == 0, (args, r.err)

    r = run(capsys, monkeypatch, store.root, "case", "list", user="jsmith", password=WRONG_PASSWORD)
    assert r.code == 4
    cli("case", "create", "MPS-2026-0500", "--title", f"Operation {m['title']}", "--offence", m["offence"])
    cli("ingest", CASE, str(src), "--description", m["description"], "--seized-from", m["seizedfrom"],
        "--location", m["location"], "--seal", m["seal"])
    cli("case", "summary", CASE, f"Summary: {m['summary']}")
    cli("note", "add", CASE, f"Note: {m['note']}")
    cli("custody", "transfer", CASE, "JAS/1", "--to", f"Locker {m['place']}", "--reason", m["reason"])
    cli("review", CASE, "--query", "--comment", m["query"], user="sgt")
    cli("extract", CASE, "JAS/2", "-o", str(out))
    cli("export", CASE, "-o", str(out / "bundle.pdf"))
    cli("verify", user="sgt")
    cli("user", "passwd", new_password=NEW_PASSWORD)
    cli("case", "list", password=NEW_PASSWORD)
    return store, m, out


def _passwords() -> dict[str, bytes | str]:
    secrets: dict[str, bytes | str] = {f"password of {u}": p for u, p in PASSWORDS.items()}
    secrets["the mistyped password"] = WRONG_PASSWORD
    secrets["jsmith's new password"] = NEW_PASSWORD
    return secrets


def _keys(store: Store) -> dict[str, bytes | str]:
    keys: dict[str, bytes | str] = {}
    for user, password in (("jsmith", NEW_PASSWORD), ("sgt", PASSWORDS["sgt"]), ("admin", PASSWORDS["admin"])):
        s = store.installation.sign_in(user, password)
        try:
            keys.update(session_secrets(s))
            secret = device_secret.load_device_secret(s.installation_id)
            assert secret is not None  # the tests' file keyring holds it
            keys["device secret"] = secret
        finally:
            s.close()
    return keys


def test_after_a_working_session(worked_on: tuple[Store, dict[str, str], Path]) -> None:
    store, m, out = worked_on
    passwords, keys = _passwords(), _keys(store)

    # The log: written, and free of passwords, keys and case text.
    text = log_file(store.datadir.logs).read_text("utf-8")
    assert "signed in: jsmith" in text and "bundle exported" in text
    logs = files_under(store.datadir.logs)  # the log and any rotated copies
    assert find(passwords, logs) == []
    assert find(keys, logs) == []
    assert find(dict(m), logs) == []

    # Every file of the data directory: the database, its journal, the vault, the key slots, the ledger.
    everything = files_under(store.root)
    assert {p.name for p in everything} >= {"casedesk.db", "keyslots.json", "auth.json", "casedesk.log"}
    assert find(passwords, everything) == []
    assert find(keys, everything) == []
    assert find(dict(m), everything) == []
    assert set(KeySlotFile.load(store.datadir.keyslots).slots) == {"admin", "jsmith", "bpatel", "sgt"}

    # The search can fail: the markers are there in the clear where they belong, outside the data directory.
    bundle_text = "\n".join(page_texts(out / "bundle.pdf"))
    for name in ("description", "summary", "reason", "content"):
        assert m[name] in bundle_text, name
    assert m["content"].encode() in (out / "ledger.csv").read_bytes()
    assert find({"a password": PASSWORDS["jsmith"]}, [_written(out / "probe.txt", PASSWORDS["jsmith"])]) != []


def _written(path: Path, text: str) -> Path:
    path.write_text(f"a note holding {text} in UTF-8\n", "utf-8")
    return path


def test_an_sql_error_never_carries_the_values_of_its_statement(store: Store) -> None:
    """Errors reach the log with their text; a statement's values (a description, a note) must not."""
    s = store.sign_in("admin")
    try:
        key = s.keys.database
    finally:
        s.close()
    secret = marker("value")
    engine = make_engine(store.datadir.database, key)
    try:
        with pytest.raises(SqlIntegrityError) as caught:
            with write_session(engine) as db:
                db.add(Setting(key="duplicate", value=secret))
                db.flush()
                db.add(Setting(key="duplicate", value=secret))
                db.flush()
    finally:
        engine.dispose()
    assert "UNIQUE" in str(caught.value)
    assert secret not in str(caught.value) and secret not in repr(caught.value)
