"""The unit's team list: which supervisors may review which installations' cases, signed by the unit key.

Without it, any enabled supervisor of any installation the unit holds may read
(and review) any case of any other installation it holds. A force that wants
"only the detective's own sergeant" gives every instance of the unit service
the team list the unit administrator signs offline with the unit key
(``casedesk unit teams``); the service then serves another installation's case
only to a supervisor that a team of the list names beside that installation.

The list is one JSON object, signed like a certificate (docs/unit-trust.md,
"Teams"): every member but ``signature`` in the canonical encoding of custody
entries, after a domain string ending in a zero byte. A new list replaces the
whole old one; the service takes one list, checked against the pinned unit
key at start, so stateless instances given the same file decide the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from casedesk.custody.encoding import canonical_json
from casedesk.errors import UsageError
from casedesk.timeutil import iso_utc, utc_now
from casedesk.trust import certs
from casedesk.trust.unitkey import UnitKey, UnitSigner

TEAMS_FORMAT = "casedesk-unit-teams/1"
TEAMS_DOMAIN = b"CASEDESK-UNIT-TEAMS-V1\x00"
FIELDS = ("format", "unit", "serial", "issued_at", "teams")
MAX_TEAMS = 1000
MAX_MEMBERS = 1000
MAX_NAME = 100
MAX_FILE = 4 * 1024 * 1024
# An installation id and a user name as CaseDesk makes them (a UUID in its 36-character form; a login name as
# casedesk.services.accounts.USERNAME_RE allows).
INSTALLATION_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
USER_RE = re.compile(r"[a-z][a-z0-9._-]{1,31}\Z")

M_NOT_IN_TEAM = ("{user} of installation {id} supervises no team that holds installation {other} in the unit's team "
                 "list {serial}: only a supervisor of the detective's team may read or review the case (the unit "
                 "administrator changes the list with `casedesk unit teams`)")


@dataclass(frozen=True)
class Team:
    name: str
    supervisors: tuple[tuple[str, str], ...]  # (installation id, user name)
    installations: tuple[str, ...]

    def encode(self) -> dict[str, Any]:
        return {"name": self.name,
                "supervisors": [{"installation_id": i, "user": u} for i, u in self.supervisors],
                "installations": list(self.installations)}


def _team(obj: Any, n: int) -> Team:
    where = f"team {n}"
    if not isinstance(obj, Mapping) or set(obj) != {"name", "supervisors", "installations"}:
        raise certs.MalformedError(f"{where} is not an object of name, supervisors and installations")
    name = obj["name"]
    if type(name) is not str or not name.strip() or len(name) > MAX_NAME or not name.isprintable():
        raise certs.MalformedError(f"{where}'s name is not 1 to {MAX_NAME} printable characters")
    sups, insts = obj["supervisors"], obj["installations"]
    if not isinstance(sups, list) or not isinstance(insts, list) or not insts or not sups:
        raise certs.MalformedError(f"team {name!r} needs at least one supervisor and one installation")
    if len(sups) > MAX_MEMBERS or len(insts) > MAX_MEMBERS:
        raise certs.MalformedError(f"team {name!r} has more than {MAX_MEMBERS} supervisors or installations")
    pairs: list[tuple[str, str]] = []
    for s in sups:
        if (not isinstance(s, Mapping) or set(s) != {"installation_id", "user"}
                or type(s["installation_id"]) is not str or not INSTALLATION_RE.match(s["installation_id"])
                or type(s["user"]) is not str or not USER_RE.match(s["user"])):
            raise certs.MalformedError(f"a supervisor of team {name!r} is not {{\"installation_id\": an "
                                       "installation id, \"user\": a user name}")
        pairs.append((s["installation_id"], s["user"]))
    for i in insts:
        if type(i) is not str or not INSTALLATION_RE.match(i):
            raise certs.MalformedError(f"an installation of team {name!r} is not an installation id (a UUID as "
                                       "`casedesk unit identity` prints it)")
    if len(set(pairs)) != len(pairs) or len(set(insts)) != len(insts):
        raise certs.MalformedError(f"team {name!r} names a supervisor or an installation twice")
    return Team(name, tuple(pairs), tuple(insts))


def _teams(value: Any) -> tuple[Team, ...]:
    if not isinstance(value, list) or not value or len(value) > MAX_TEAMS:
        raise certs.MalformedError(f"its teams are not a list of 1 to {MAX_TEAMS} teams")
    out = tuple(_team(t, n) for n, t in enumerate(value, 1))
    names = [t.name for t in out]
    if len(set(names)) != len(names):
        raise certs.MalformedError("two of its teams have the same name")
    return out


@dataclass(frozen=True)
class TeamList:
    unit: str  # the unit's verifier key
    serial: str
    issued_at: str
    teams: tuple[Team, ...]
    signature: str = ""

    def body(self) -> dict[str, Any]:
        return {"format": TEAMS_FORMAT, "unit": self.unit, "serial": self.serial, "issued_at": self.issued_at,
                "teams": [t.encode() for t in self.teams]}

    def signed_message(self) -> bytes:
        return TEAMS_DOMAIN + canonical_json(self.body()).encode("utf-8")

    def encode(self) -> dict[str, Any]:
        return {**self.body(), "signature": self.signature}

    @classmethod
    def decode(cls, obj: Any) -> TeamList:
        if not isinstance(obj, Mapping):
            raise certs.MalformedError("it is not a JSON object")
        if set(obj) != {*FIELDS, "signature"}:
            raise certs.MalformedError("its fields are not " + ", ".join(sorted({*FIELDS, "signature"})))
        if obj["format"] != TEAMS_FORMAT:
            raise certs.MalformedError(f"its format is not {TEAMS_FORMAT}")
        if type(obj["serial"]) is not str or not certs.SERIAL_RE.match(obj["serial"]):
            raise certs.MalformedError("its serial is not 32 hex digits")
        if type(obj["signature"]) is not str or not certs.HEX128.match(obj["signature"]):
            raise certs.MalformedError("its signature is not 128 hex digits")
        try:
            UnitKey.from_vkey(obj["unit"])
        except (ValueError, TypeError):
            raise certs.MalformedError("its unit is not a unit's verifier key") from None
        if type(obj["issued_at"]) is not str or not certs.TIME_RE.match(obj["issued_at"]):
            raise certs.MalformedError("its issued_at is not a UTC time YYYY-MM-DDTHH:MM:SS.ffffffZ")
        return cls(unit=obj["unit"], serial=obj["serial"], issued_at=obj["issued_at"], teams=_teams(obj["teams"]),
                   signature=obj["signature"])

    def may_review(self, installation: str, user: str, other: str) -> bool:
        """Whether ``user`` of ``installation`` supervises a team that holds installation ``other``."""
        return any((installation, user) in t.supervisors and other in t.installations for t in self.teams)

    def refusal(self, installation: str, user: str, other: str) -> str | None:
        """None when the list lets ``user`` of ``installation`` review ``other``'s cases; else the exact words."""
        if self.may_review(installation, user, other):
            return None
        return M_NOT_IN_TEAM.format(user=user, id=installation, other=other, serial=self.serial)


def issue(unit: UnitSigner, teams: Sequence[Team], now: datetime | None = None) -> TeamList:
    """Sign a team list with the unit key (the values are checked as ``decode`` checks them)."""
    draft = TeamList(unit=unit.public.vkey, serial=certs.new_serial(), issued_at=iso_utc(now or utc_now()),
                     teams=tuple(teams))
    signed = TeamList(**{**draft.__dict__, "signature": unit.sign(draft.signed_message()).hex()})
    return TeamList.decode(signed.encode())


def verified(obj: Any, fingerprint: str) -> TeamList:
    """Decode and check the unit's signature against a pinned fingerprint; MalformedError with the words if not."""
    found = TeamList.decode(obj)
    key = UnitKey.from_vkey(found.unit)
    if key.fingerprint != fingerprint:
        raise certs.MalformedError(certs.M_OTHER_UNIT.format(other=key.fingerprint, pinned=fingerprint))
    if not key.verify(bytes.fromhex(found.signature), found.signed_message()):
        raise certs.MalformedError(certs.M_BAD_SIGNATURE.format(pinned=fingerprint))
    return found


def _read_json(path: Path, what: str) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise UsageError(f"{path} is larger than {MAX_FILE // (1024 * 1024)} MiB: it is not {what}")
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise UsageError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"{path} is not {what} (not readable JSON: {exc.__class__.__name__})") from None


def read_definition(path: Path) -> tuple[Team, ...]:
    """The unit administrator's plain list: ``{"teams": [{"name", "supervisors", "installations"}]}``."""
    obj = _read_json(path, "a team definition")
    if not isinstance(obj, Mapping) or set(obj) != {"teams"}:
        raise UsageError(f"{path} is not a team definition: it must be a JSON object with one member, \"teams\"")
    try:
        return _teams(obj["teams"])
    except certs.MalformedError as exc:
        raise UsageError(f"{path} is not a team definition: {exc}") from None


def load(path: Path, fingerprint: str) -> TeamList:
    """A signed team list file, checked against the pinned unit key (UsageError with one line if it does not hold)."""
    obj = _read_json(path, "a team list")
    try:
        return verified(obj, fingerprint)
    except certs.MalformedError as exc:
        raise UsageError(f"{path} is not a team list of the pinned unit key: it {exc}") from None
