"""Running the ``casedesk`` command in-process (fast) or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from casedesk.cli.main import main
from tests.helpers.store import PASSWORDS


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data_dir: Path,
    *args: str,
    user: str | None = None,
    password: str | None = None,
    new_password: str | None = None,
) -> Result:
    """``casedesk --data-dir DIR [--user U] ARGS`` in this process, with the password from the environment."""
    with monkeypatch.context() as m:
        if user is not None:
            m.setenv("CASEDESK_PASSWORD", password if password is not None else PASSWORDS[user])
        elif password is not None:
            m.setenv("CASEDESK_PASSWORD", password)
        if new_password is not None:
            m.setenv("CASEDESK_NEW_PASSWORD", new_password)
        argv = ["--data-dir", str(data_dir)]
        if user is not None:
            argv += ["--user", user]
        capsys.readouterr()
        code = main([*argv, *args])
        captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_subprocess(data_dir: Path, *args: str, user: str | None = None, password: str | None = None,
                   env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """The real installed entry point in a child process (same keyring environment)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    if password is not None:
        full_env["CASEDESK_PASSWORD"] = password
    elif user is not None:
        full_env["CASEDESK_PASSWORD"] = PASSWORDS[user]
    argv = [sys.executable, "-m", "casedesk.cli.main", "--data-dir", str(data_dir)]
    if user is not None:
        argv += ["--user", user]
    proc = subprocess.run([*argv, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    return Result(proc.returncode, proc.stdout, proc.stderr)
