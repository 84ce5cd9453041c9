"""Installation settings through the service layer (administrators change them, with a custody entry)."""

from __future__ import annotations

from typing import Any

from casedesk.security.roles import Permission
from casedesk.services.session import Session
from casedesk.settings import SPECS, all_settings, get, put


class Settings:
    def __init__(self, session: Session) -> None:
        self.s = session

    def all(self) -> dict[str, Any]:
        with self.s.read() as db:
            return all_settings(db)

    def get(self, key: str) -> Any:
        with self.s.read() as db:
            return get(db, key)

    def set(self, key: str, value: Any) -> Any:
        self.s.require(Permission.SETTINGS_MANAGE)
        with self.s.write() as db:
            old = get(db, key) if key in SPECS else None
            new = put(db, key, value)
            if new != old:
                self.s.record(db, "settings.changed", data={"key": key, "from": old, "to": new})
        return new
