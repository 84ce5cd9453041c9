"""Hermetic tests: a real file keyring per test, a private data dir, no user environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

from casedesk.logsetup import remove_file_logs
from tests.helpers.store import Store, build_template, copy_store

FULL = os.environ.get("CASEDESK_TEST_FULL") == "1"

for var in ("CASEDESK_USER", "CASEDESK_PASSWORD", "CASEDESK_NEW_PASSWORD", "CASEDESK_HOME"):
    os.environ.pop(var, None)


def use_file_keyring(xdg: Path) -> None:
    os.environ["XDG_DATA_HOME"] = str(xdg)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    keyring.set_keyring(PlaintextKeyring())


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("CASEDESK_HOME", str(tmp_path / "casedesk-home"))
    keyring.set_keyring(PlaintextKeyring())
    yield
    remove_file_logs()


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(data dir, keyring dir, recovery key) of the template installation."""
    base = tmp_path_factory.mktemp("template")
    xdg = base / "xdg"
    xdg.mkdir()
    old = os.environ.get("XDG_DATA_HOME")
    use_file_keyring(xdg)
    try:
        recovery_key = build_template(base / "data")
    finally:
        remove_file_logs()
        if old is None:
            os.environ.pop("XDG_DATA_HOME", None)
        else:
            os.environ["XDG_DATA_HOME"] = old
    return base / "data", xdg, recovery_key


@pytest.fixture
def store(_template: tuple[Path, Path, str], tmp_path: Path) -> Store:
    """A copy of the template installation (admin, jsmith, bpatel, sgt; case MPS-2026-0417)."""
    return copy_store(_template[0], _template[1], tmp_path / "store", tmp_path / "xdg")
