"""The device secret in the OS keyring cannot be lost by accident (finding 6 of issue 10).

The tests use keyrings.alt's file backend, which rewrites its whole file in
place (open with truncation, then write): the backend that lost the device
secret when several ``casedesk note add`` loops ran at once.
"""

from __future__ import annotations

import base64
import configparser
import multiprocessing
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import PlaintextKeyring
from keyrings.alt.file_base import escape_for_ini

from casedesk.errors import KeyringUnavailable
from casedesk.security import device_secret
from casedesk.security.keyslots import KeySlotFile
from casedesk.services.cases import Cases
from casedesk.services.custody import Custody
from casedesk.services.settings import Settings
from tests.helpers.store import CASE, PASSWORDS, Store

PROCESSES = 8
WRITES = 100
ROUNDS = 3  # each process signs in and out this many times, sharing its writes between the sessions


def _keyring_file(xdg: Path) -> Path:
    path = Path(PlaintextKeyring().file_path)
    assert path.is_relative_to(xdg)
    return path


def _device_secret_in_file(xdg: Path, installation_id: str) -> bytes | None:
    parser = configparser.RawConfigParser()
    parser.read(_keyring_file(xdg), encoding="utf-8")
    try:
        value = parser.get("CaseDesk", escape_for_ini(f"device-secret:{installation_id}"))
    except (configparser.NoSectionError, configparser.NoOptionError):
        return None
    return base64.b64decode(base64.b64decode(value.replace("\n", "")))


def _writer(root: str, user: str, index: int, out: Any) -> None:
    """One process: ROUNDS sessions, WRITES writes in all (notes, summaries, settings), no alert allowed."""
    try:
        keyring.set_keyring(PlaintextKeyring())  # the environment names the backend and its folder
        from casedesk.datadir import DataDir
        from casedesk.services.installation import Installation

        inst = Installation(DataDir(Path(root)))
        done = 0
        for r in range(ROUNDS):
            s = inst.sign_in(user, PASSWORDS[user])
            try:
                if s.integrity_alerts:
                    out.put(f"{user}#{index}: integrity alert at sign-in: {s.integrity_alerts}")
                    return
                share = WRITES // ROUNDS + (1 if r < WRITES % ROUNDS else 0)
                for i in range(share):
                    if user == "admin":
                        # Each administrator process flips its own setting, so every write changes it and is
                        # recorded (setting a value it already has records nothing, and the count would come short).
                        settings_ = Settings(s)
                        if index % 2:
                            settings_.set("digests.extra", [] if settings_.get("digests.extra") else ["md5"])
                        else:
                            marking = settings_.get("bundle.default_marking")
                            settings_.set("bundle.default_marking",
                                          "OFFICIAL" if marking == "OFFICIAL-SENSITIVE" else "OFFICIAL-SENSITIVE")
                    elif i % 10 == 9 and user == "jsmith":
                        Cases(s).set_summary(CASE, f"summary {index}/{r}/{i}")
                    elif i % 10 == 9:
                        Custody(s).review(CASE, "comment", f"looked at it {index}/{r}/{i}")
                    else:
                        Cases(s).add_note(CASE, f"note {index}/{r}/{i} by {user}")
                    done += 1
            finally:
                s.close()
        out.put(f"ok {done}")
    except BaseException:  # reported to the parent, which fails the test with it
        out.put(f"{user}#{index}: " + traceback.format_exc(limit=3))


@pytest.mark.skipif(sys.platform != "linux", reason="fcntl locks and the file keyring as on the target laptops")
def test_eight_processes_writing_at_once_keep_the_device_secret_and_raise_no_alert(store: Store) -> None:
    slots = KeySlotFile.load(store.datadir.keyslots)
    before = _device_secret_in_file(store.xdg, slots.installation_id)
    assert before is not None and len(before) == 32
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    users = ["jsmith", "jsmith", "jsmith", "sgt", "sgt", "sgt", "admin", "admin"]
    procs = [ctx.Process(target=_writer, args=(str(store.root), u, i, out)) for i, u in enumerate(users)]
    for p in procs:
        p.start()
    results = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == [f"ok {WRITES}"] * PROCESSES
    # The device secret is still there, unchanged, and the installation opens and verifies.
    assert _device_secret_in_file(store.xdg, slots.installation_id) == before
    s = store.sign_in("sgt")
    try:
        assert s.integrity_alerts == []
        report = Custody(s).verify()
        assert report.ok, [p.describe() for p in report.problems]
        assert report.entries_checked >= PROCESSES * WRITES
    finally:
        s.close()


class _BrokenKeyring(KeyringBackend):
    """A keyring that is there but cannot answer (locked, or its service crashed)."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the collection is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("the collection is locked")


def test_an_unreadable_keyring_is_reported_as_unreadable_not_as_a_missing_secret(
        store: Store, _template: tuple[Path, Path, str]) -> None:
    keyring_file = _keyring_file(store.xdg)
    before = keyring_file.read_bytes()
    keyring.set_keyring(_BrokenKeyring())
    with pytest.raises(KeyringUnavailable) as err:
        store.sign_in("jsmith")
    assert str(err.value).startswith("the OS keyring cannot be read (KeyringLocked)")
    assert "\n" not in str(err.value)
    # Recovery refuses too: it never writes a device secret over a keyring it cannot read.
    with pytest.raises(KeyringUnavailable, match="cannot be read"):
        store.installation.recover(_template[2])
    keyring.set_keyring(PlaintextKeyring())
    assert keyring_file.read_bytes() == before
    store.sign_in("jsmith").close()


def test_a_stored_device_secret_is_never_replaced(store: Store) -> None:
    slots = KeySlotFile.load(store.datadir.keyslots)
    with pytest.raises(KeyringUnavailable, match="already holds a different device secret"):
        device_secret.store_device_secret(slots.installation_id, os.urandom(32))
    assert _device_secret_in_file(store.xdg, slots.installation_id) is not None
    store.sign_in("jsmith").close()


def test_a_missing_device_secret_points_to_recover(store: Store) -> None:
    _keyring_file(store.xdg).unlink()
    with pytest.raises(KeyringUnavailable, match="casedesk recover"):
        store.sign_in("jsmith")


def test_the_keyring_head_is_not_written_after_every_write(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[str] = []
    real = device_secret.store_head
    monkeypatch.setattr(device_secret, "store_head", lambda i, t: (writes.append(t), real(i, t))[1])
    s = store.sign_in("jsmith")
    at_sign_in = len(writes)
    for i in range(20):
        Cases(s).add_note(CASE, f"note {i}")
    assert len(writes) == at_sign_in  # 20 writes, no keyring write
    s.close()
    assert len(writes) == at_sign_in + 1  # caught up at sign-out
