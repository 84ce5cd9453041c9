"""Handing a case over, the unit's half (docs/sync-protocol.md, "Handing a case over").

- ``GET /v1/installations/{D}/officers/{E}/{user}``: for an enabled account of D, the unit vouches (cosigner key)
  for ``user`` of installation E as E's log, as the unit holds it, has them at its end: enabled, their role,
  their current signing key and box key. D seals the case key to that box key; the unit never holds a case key.
- ``GET /v1/installations/{E}/handover/{D}/{case}``: for the officer of E a ``case.handed_over`` entry of D's
  log (as the unit holds it) names, the case as ``unit-review fetch`` serves it (an export signed by the
  cosigner, with the cosigned checkpoint) and the list of D's vault objects of that case.
- ``GET /v1/installations/{E}/handover/{D}/objects/{name}``: one of those objects, to that officer only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from casedesk.custody import encoding, handover, keybook, projection
from casedesk.custody.signing import Signer
from casedesk.unit.objects import held
from casedesk.unit.store import ROW_COLUMNS, entries, object_uploads, objects

MSG_NO_OFFICER = ("{user} is not an enabled officer of installation {id} in the log the unit holds for it: a case is "
                  "handed only to an enabled detective or supervisor whose installation has synced since their "
                  "account was made")
MSG_NO_HANDOVER = ("the unit holds no hand-over of case {case} of installation {other} to {user} of installation "
                   "{id}: installation {other} hands it over (`casedesk unit-handover give`) and syncs first")
MSG_NOT_HANDED = "object {name} of installation {other} is not of a case handed over to {user} of installation {id}"


class HandoverRefusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def officer_statement(held: Sequence[Sequence[Any]], installation: str, user: str, signer: Signer
                      ) -> dict[str, Any]:
    """The unit's word on ``user`` of ``installation`` at the end of the log it holds, signed by its cosigner."""
    state = projection.replay(held)
    fact = state.users.get(user)
    key = keybook.build_registry(held)[0].key_for(user, len(held) + 1) if held else None
    box = state.box_key(user)
    if (fact is None or fact.disabled or fact.role not in ("detective", "supervisor") or key is None or box is None
            or state.creation_pending(user) is not None):
        raise HandoverRefusal(404, MSG_NO_OFFICER.format(user=user, id=installation))
    statement = {"format": handover.OFFICER_FORMAT, "installation": installation, "user": user, "role": fact.role,
                 "key": key, "box_key": box, "tree_size": len(held), "at": int(time.time())}
    return {"statement": statement, "signature": signer.sign(handover.officer_message(statement)).hex()}


def handovers_to(conn: Connection, other: str, case: str, installation: str, user: str | None) -> list[int]:
    """The entries of ``other``'s log the unit holds that hand ``case`` to ``user`` (any, for None) of
    ``installation``."""
    rows = conn.execute(select(entries.c.seq, entries.c.data).where(
        entries.c.installation_id == other, entries.c.action == handover.HANDED_OVER, entries.c.case_ref == case)
        .order_by(entries.c.seq))
    found = []
    for seq, raw in rows:
        try:
            data = encoding.parse_data(str(raw))
        except encoding.EncodingError:
            continue
        if data.get("to_installation") == installation and (user is None or data.get("to_user") == user):
            found.append(int(seq))
    return found


MSG_UNKNOWN_HANDOVER = ("entry {seq}: case.received of case {case} names hand-over entry {n} of installation {other}, "
                        "but the unit holds no hand-over of that case to {user} of installation {id} there with that "
                        "hash: it was written by hand")


def unknown_handover(conn: Connection, installation: str, rows: Sequence[Sequence[Any]]) -> str | None:
    """Why a pushed ``case.received`` takes in a case no hand-over the unit holds gives this installation (None:
    each names one: the giving installation's ``case.handed_over`` of that case, at the number and hash it names,
    to its signer of this installation). Replay takes a ``case.received`` that brings a case back to the
    installation that handed it over as making it held here again; only the unit can tell that a hand-over
    stands behind it, so a hand-written one, by which an insider of that installation would take back a case
    held elsewhere, stops here."""
    for row in rows:
        if row[7] != handover.RECEIVED:
            continue
        try:
            data = encoding.parse_data(str(row[17]))
        except encoding.EncodingError:
            data = {}
        other, named = data.get("from_installation"), data.get("handed_over")
        n = named.get("seq") if isinstance(named, dict) else None
        digest = named.get("hash") if isinstance(named, dict) else None
        found = None
        if isinstance(other, str) and isinstance(n, int) and not isinstance(n, bool):
            found = conn.execute(select(entries.c.action, entries.c.case_ref, entries.c.entry_hash, entries.c.data)
                                 .where(entries.c.installation_id == other, entries.c.seq == n)).first()
        ok = False
        if found is not None and found[0] == handover.HANDED_OVER and found[1] == row[8] and found[2] == digest:
            try:
                given = encoding.parse_data(str(found[3]))
            except encoding.EncodingError:
                given = {}
            ok = given.get("to_installation") == installation and given.get("to_user") == row[5]
        if not ok:
            return MSG_UNKNOWN_HANDOVER.format(seq=row[0], case=row[8], n=n, other=other, user=row[5],
                                               id=installation)
    return None


def case_objects(conn: Connection, installation: str, case: str) -> list[dict[str, str]]:
    """The objects of ``case`` the unit holds for ``installation``: its own uploads, then (by name) those of the
    exhibits it received with the case, held under the installation they came from (``received_objects``)."""
    own = [o for o in held(conn, installation) if json.loads(o["declaration"]).get("case") == case]
    names = {o["name"] for o in own}
    return own + [{"name": name, "declaration": decl} for name, (_, decl)
                  in sorted(received_objects(conn, installation).items())
                  if name not in names and json.loads(decl).get("case") == case]


def held_rows(conn: Connection, installation: str, upto: int) -> list[tuple[Any, ...]]:
    cols = [entries.c[name] for name in ROW_COLUMNS]
    return [tuple(r) for r in conn.execute(select(*cols).where(entries.c.installation_id == installation,
                                                                entries.c.seq <= upto).order_by(entries.c.seq))]


def received_objects(conn: Connection, installation: str) -> dict[str, tuple[str, str]]:
    """Objects held under another installation for the exhibits ``installation`` received in a hand-over:
    name -> (the installation the object is held under, the object's declaration).

    An ``exhibit.received`` of ``installation``'s log names the entry it came from (``data.origin``); the object
    counts only if that installation's log, as the unit holds it, hands the case to ``installation``. The unit keeps
    one copy of each object (by address), under the installation that uploaded it: when the origin is itself an
    ``exhibit.received`` (a case handed on, D to E to F), the object is looked for along that chain, each step
    a hand-over the unit holds. The receiving installation's sync sends none of them again, and its restore reads
    them from here.
    """
    out: dict[str, tuple[str, str]] = {}
    seen: set[str] = {installation}
    step = [(installation, _received_from(conn, installation))]
    while step:
        following = []
        for receiver, wanted in step:
            handed: dict[tuple[str, str], bool] = {}
            onward: set[tuple[str, str, str]] = set()
            for other, case, sha in sorted(wanted):
                if (other, case) not in handed:
                    handed[(other, case)] = bool(handovers_to(conn, other, case, receiver, None))
                if not handed[(other, case)]:
                    continue
                found = False
                for name, declaration in conn.execute(
                        select(object_uploads.c.name, object_uploads.c.declaration)
                        .join(objects, (objects.c.installation_id == object_uploads.c.installation_id)
                              & (objects.c.name == object_uploads.c.name))
                        .where(object_uploads.c.installation_id == other, object_uploads.c.case_ref == case,
                               object_uploads.c.sha256 == sha)):
                    found = True
                    if other != installation:
                        out.setdefault(str(name), (other, str(declaration)))
                if not found and other not in seen:
                    onward.add((other, case, sha))
            by_other: dict[str, set[tuple[str, str, str]]] = {}
            for other, case, sha in onward:
                by_other.setdefault(other, set())
                by_other[other] |= {w for w in _received_from(conn, other) if w[1] == case and w[2] == sha}
            for other, more in by_other.items():
                seen.add(other)
                following.append((other, more))
        step = following
    return out


def _received_from(conn: Connection, installation: str) -> set[tuple[str, str, str]]:
    """(installation it came from, case, SHA-256) of each ``exhibit.received`` of ``installation``'s log."""
    wanted: set[tuple[str, str, str]] = set()
    for case, sha, raw in conn.execute(select(entries.c.case_ref, entries.c.sha256, entries.c.data).where(
            entries.c.installation_id == installation, entries.c.action == handover.EXHIBIT_RECEIVED)):
        try:
            origin = encoding.parse_data(str(raw)).get("origin")
        except encoding.EncodingError:
            continue
        other = origin.get("installation") if isinstance(origin, dict) else None
        if isinstance(other, str) and isinstance(case, str) and isinstance(sha, str):
            wanted.add((other, case, sha))
    return wanted
