"""Installation settings: declared once, typed, with defaults; stored in the encrypted store."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session as OrmSession

from casedesk.errors import UsageError
from casedesk.store.models import Setting

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
EXTRA_DIGESTS = ("md5", "sha1")


@dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    description: str

    def validate(self, value: Any) -> Any:
        if self.key == "digests.extra":
            if isinstance(value, str):
                value = [v for v in (p.strip().lower() for p in value.split(",")) if v]
            bad = [v for v in value if v not in EXTRA_DIGESTS]
            if bad:
                raise UsageError(f"unknown digest {bad[0]!r}; extra digests can be: md5, sha1")
            return sorted(set(value))
        if self.key == "desktop.lock_after_minutes":
            try:
                minutes = int(str(value).strip())
            except ValueError:
                raise UsageError(f"lock after {value!r} minutes: give a whole number of minutes, 0 for never") \
                    from None
            if not 0 <= minutes <= 480:
                raise UsageError("lock after 0 to 480 minutes of inactivity (0: never)")
            return minutes
        if self.key == "bundle.default_marking":
            text = str(value).strip().upper()
            if text not in MARKINGS:
                raise UsageError(f"unknown marking {value!r}; choose OFFICIAL or OFFICIAL-SENSITIVE")
            return text
        return value


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        SettingSpec("digests.extra", [], "MD5 and/or SHA-1 computed at ingest beside SHA-256"),
        SettingSpec("bundle.default_marking", "OFFICIAL-SENSITIVE", "security marking for bundles"),
        SettingSpec("desktop.lock_after_minutes", 10,
                    "the desktop app locks after this many minutes without keyboard or mouse (0: never)"),
    )
}


def get(db: OrmSession, key: str) -> Any:
    spec = SPECS[key]
    row = db.get(Setting, key)
    return spec.default if row is None else json.loads(row.value)


def all_settings(db: OrmSession) -> dict[str, Any]:
    return {key: get(db, key) for key in SPECS}


def put(db: OrmSession, key: str, value: Any) -> Any:
    if key not in SPECS:
        raise UsageError(f"unknown setting {key!r}; known settings: {', '.join(SPECS)}")
    value = SPECS[key].validate(value)
    row = db.get(Setting, key)
    if row is None:
        db.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
    return value
