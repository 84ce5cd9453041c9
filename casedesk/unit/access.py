"""Who may read which case of an installation, by the log the unit holds for it, at the time of the request.

The rule is the installation's own (casedesk/security/roles.py): the case's content (its exhibits' evidence as
the unit holds it) is for an enabled account whose role reaches case content and who is a member of the case or
its officer in charge, or whose role sees every case. A user removed from a case (``case.member_removed``) on the
installation is refused at the unit from the sync that brought the removal on: the unit replays the log it holds,
never a table. The log itself is the installation's and goes whole to any account of it (as on the laptop, where
every account reads it); a case's content is what follows membership. docs/sync-protocol.md, "Who may read a case
at the unit", has the words.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from casedesk.custody import projection
from casedesk.security.roles import Permission, Role, allowed
from casedesk.unit.store import entries

MSG_NOT_READER = ("{user} of installation {id} may not read case {case} by the log the unit holds for it (not a "
                  "member of the case, removed from it, or a role without access to case content): the unit serves "
                  "nothing of the case to them")


class NotReader(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.status, self.message = 403, message


def readable(held: Sequence[Sequence[Any]]) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """({user: the cases they may read}, every case) at the end of ``held``."""
    facts = projection.replay(held)
    cases = frozenset(facts.cases)
    out: dict[str, frozenset[str]] = {}
    for name, user in facts.users.items():
        try:
            role = Role(user.role)
        except ValueError:
            continue
        if user.disabled or not allowed(role, Permission.CASE_CONTENT):
            continue
        out[name] = cases if allowed(role, Permission.CASE_VIEW_ALL) else frozenset(
            c for c in cases if facts.is_member(c, name))
    return out, cases


class CaseReaders:
    """``readable`` per (installation, tree size, last entry hash): read again whenever the log grows, like the
    unit's cache of accounts; a cache of what the database says, nothing more."""

    def __init__(self, limit: int = 64) -> None:
        self.limit = limit
        self.known: dict[tuple[str, int, str], tuple[dict[str, frozenset[str]], frozenset[str]]] = {}
        self.lock = threading.Lock()

    def of(self, conn: Connection, installation: str,
           held: Sequence[Sequence[Any]] | None = None) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
        last = conn.execute(select(entries.c.seq, entries.c.entry_hash)
                            .where(entries.c.installation_id == installation)
                            .order_by(entries.c.seq.desc()).limit(1)).first()
        if last is None:
            return {}, frozenset()
        tag = (installation, int(last.seq), str(last.entry_hash))
        with self.lock:
            found = self.known.get(tag)
        if found is None:
            if held is None:
                from casedesk.unit.store import ROW_COLUMNS

                cols = [entries.c[name] for name in ROW_COLUMNS]
                held = [tuple(r) for r in conn.execute(select(*cols).where(entries.c.installation_id == installation)
                                                       .order_by(entries.c.seq))]
            found = readable(held)
            with self.lock:
                if len(self.known) >= self.limit:
                    self.known.pop(next(iter(self.known)))
                self.known[tag] = found
        return found

    def check(self, conn: Connection, installation: str, user: str, case: str) -> None:
        """NotReader (the unit's words) unless ``user`` may read ``case`` now."""
        mine, _ = self.of(conn, installation)
        if case not in mine.get(user, frozenset()):
            raise NotReader(MSG_NOT_READER.format(user=user, id=installation, case=case))

    def filter(self, conn: Connection, installation: str, user: str, cases: list[str]) -> list[bool]:
        mine, _ = self.of(conn, installation)
        allowed_cases = mine.get(user, frozenset())
        return [c in allowed_cases for c in cases]
