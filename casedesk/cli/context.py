"""What every command gets: the data directory, sign-in, output in text or JSON."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import os
import sys
from datetime import datetime
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casedesk.datadir import DataDir, resolve
from casedesk.display import visible
from casedesk.errors import UsageError
from casedesk.timeutil import iso_utc

if TYPE_CHECKING:
    from casedesk.services.installation import Installation
    from casedesk.services.session import Session

ENV_USER = "CASEDESK_USER"
ENV_PASSWORD = "CASEDESK_PASSWORD"  # noqa: S105 (the variable's name, not a password)
ENV_NEW_PASSWORD = "CASEDESK_NEW_PASSWORD"  # noqa: S105


def read_password(prompt: str, env: str = ENV_PASSWORD, confirm: bool = False) -> str:
    """From ``env`` when set (scripts, tests), else asked at the terminal (twice to confirm)."""
    value = os.environ.get(env)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"no password: set {env} or run in a terminal to be asked")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat: ") != first:
        raise UsageError("the two passwords differ; nothing was changed")
    return first


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def one_line(text: str) -> str:
    """Outside text (a file name, a path) on one line: control, direction-override and invisible
    characters shown as ``[U+XXXX]``, so a seized file's name can neither drive the terminal
    (escape sequences), pose as another name (``invoice<U+202E>fdp.exe``) nor forge lines."""
    return visible(text)


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.datadir: DataDir = resolve(getattr(args, "data_dir", None))
        self._session: Session | None = None

    @cached_property
    def installation(self) -> Installation:
        # Imported here: ``casedesk gui`` needs none of the service layer before its sign-in window is up.
        from casedesk.services.installation import Installation

        return Installation(self.datadir)

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def session(self) -> Session:
        """Sign in with ``--user``/``CASEDESK_USER`` and the password from the environment or a prompt."""
        if self._session is None:
            user = getattr(self.args, "user", None) or os.environ.get(ENV_USER)
            if not user:
                if not sys.stdin.isatty():
                    raise UsageError(f"no user: pass --user NAME or set {ENV_USER}")
                user = input("User: ").strip()
            self.installation.load_slots()  # clear errors about the data dir before asking
            password = read_password(f"Password for {user}: ")
            self._session = self.installation.sign_in(user, password)
            for notice in self._session.notices:
                self.warn(notice)
            for alert in self._session.integrity_alerts:
                self.warn(f"INTEGRITY ALERT: {alert}")
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def emit(self, data: Any, text: str | list[str] | None = None) -> None:
        """JSON for scripts with ``--json``, else the human-readable lines."""
        if self.json:
            print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))
            return
        if text is None:
            return
        # Line breaks stay (a summary has paragraphs); escape sequences and direction overrides never reach
        # the terminal.
        print(visible(text if isinstance(text, str) else "\n".join(text), keep="\n"))

    def warn(self, message: str) -> None:
        print(f"casedesk: warning: {one_line(message)}", file=sys.stderr)
