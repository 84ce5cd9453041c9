"""Where this installation stands with the unit service, read from its own log (no network).

What the desktop shows in its status bar and its sync dialog: the unit this installation last synced with
(the last ``unit.checkpoint_cosigned`` entry: its name, address, the size of the log it cosigned and when),
how many entries were written since that the unit has not yet got, and every roll-back a sync found
(``unit.rollback_detected``). Nothing here talks to the unit: a laptop answers this offline.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from casedesk.custody import encoding
from casedesk.services.session import Session
from casedesk.services.sync import COSIGNED, witnessed_problems
from casedesk.store.models import CustodyEntry


@dataclass(frozen=True)
class UnitStatus:
    log_size: int  # entries in this installation's log
    url: str | None = None  # the unit last synced with; None: never synced
    unit: str | None = None  # its cosigner name
    cosigned_size: int = 0  # entries the unit held and cosigned at the last sync
    cosigned_at: int | None = None  # when (Unix seconds, the unit's clock)
    unsent: int = 0  # entries written since, not counting the records of cosignatures themselves
    rollbacks: tuple[tuple[int, str], ...] = ()  # (entry, message) of each roll-back a sync found

    @property
    def synced(self) -> bool:
        return self.url is not None


def status(session: Session) -> UnitStatus:
    """This installation's standing with the unit, as its own log records it."""
    with session.read() as db:
        size = int(db.scalar(select(func.coalesce(func.max(CustodyEntry.seq), 0))) or 0)
        rollbacks = tuple(witnessed_problems(db))
        data = db.scalar(select(CustodyEntry.data).where(CustodyEntry.action == COSIGNED)
                         .order_by(CustodyEntry.seq.desc()).limit(1))
        if not isinstance(data, str):
            return UnitStatus(size, rollbacks=rollbacks)
        try:
            d = encoding.parse_data(data)
            held = int(d.get("tree_size") or 0)
            stamp = d.get("cosigned_at")
            cosigned_at = int(stamp) if isinstance(stamp, int) else None
        except (encoding.EncodingError, TypeError, ValueError):
            d, held, cosigned_at = {}, 0, None
        # Entries since, less the records of cosignatures among them (counted by the action index: the status
        # bar asks this after every change, and a count of every entry since would scan them all).
        records = int(db.scalar(select(func.count()).select_from(CustodyEntry).where(
            CustodyEntry.action == COSIGNED, CustodyEntry.seq > held)) or 0)
        unsent = max(0, size - held - records)
    url, unit = d.get("url"), d.get("unit")
    return UnitStatus(size, str(url) if url else None, str(unit) if unit else None, held, cosigned_at, unsent,
                      rollbacks)
