"""Failed sign-ins: counted before the store can be opened.

A wrong password cannot be written to the encrypted store (it cannot be
opened without a correct password), so failures are kept in ``auth.json``:
a counter per account for the lockout, and the times of failures that the
next successful sign-in copies into the custody log. The file holds user
names and times only. Deleting it resets the counters; the Argon2id cost and
the keyring secret, not this file, are what defeat an offline attack.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from casedesk.fsutil import atomic_write_bytes, file_lock
from casedesk.timeutil import iso_utc, parse_iso, utc_now

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


class AuthLedger:
    def __init__(self, path: Path, lock_path: Path) -> None:
        self.path = path
        self.lock_path = lock_path

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save(self, data: dict[str, Any]) -> None:
        atomic_write_bytes(self.path, json.dumps(data, indent=1, sort_keys=True).encode())

    def locked_until(self, username: str, now: datetime | None = None) -> datetime | None:
        entry = self._load().get(username) or {}
        until = entry.get("locked_until")
        if not until:
            return None
        when = parse_iso(until)
        return when if when > (now or utc_now()) else None

    def record_failure(self, username: str) -> int:
        """Count a failure; returns how many attempts are left before the lockout."""
        with file_lock(self.lock_path):
            data = self._load()
            entry = data.setdefault(username, {"failures": 0, "pending": []})
            entry["failures"] = int(entry.get("failures", 0)) + 1
            entry.setdefault("pending", []).append(iso_utc(utc_now()))
            left = MAX_FAILURES - int(entry["failures"])
            if left <= 0:
                entry["locked_until"] = iso_utc(utc_now() + LOCKOUT)
                entry["failures"] = 0
                left = 0
            self._save(data)
            return left

    def record_success(self, username: str) -> None:
        with file_lock(self.lock_path):
            data = self._load()
            entry = data.get(username)
            if entry and (entry.get("failures") or entry.get("locked_until")):
                entry["failures"] = 0
                entry.pop("locked_until", None)
                self._save(data)

    def clear(self, username: str) -> None:
        with file_lock(self.lock_path):
            data = self._load()
            if username in data:
                data[username]["failures"] = 0
                data[username].pop("locked_until", None)
                self._save(data)

    def pending(self) -> list[tuple[str, str]]:
        """Failures not yet copied into the custody log, as (user name, UTC time)."""
        data = self._load()
        return sorted(((u, t) for u, e in data.items() for t in e.get("pending", [])), key=lambda p: p[1])

    def acknowledge(self, items: list[tuple[str, str]]) -> None:
        """Forget failures once the custody log holds them (after the commit)."""
        if not items:
            return
        done = set(items)
        with file_lock(self.lock_path):
            data = self._load()
            for user, entry in data.items():
                entry["pending"] = [t for t in entry.get("pending", []) if (user, t) not in done]
            self._save(data)
