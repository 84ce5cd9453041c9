"""Time: stored as UTC, shown in UK local time with its offset.

A custody entry without a time zone is a gift to the defence, so every
timestamp CaseDesk stores is an aware UTC datetime and every timestamp it
shows carries the Europe/London offset (GMT +00:00 or BST +01:00).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
DISPLAY_ZONE_NAME = "Europe/London"


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_utc(value: datetime) -> datetime:
    """Refuse naive datetimes: a time without a zone cannot be relied on."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("timestamp has no time zone")
    return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """Canonical text form: ``2026-11-20T10:00:00.123456Z`` (always microseconds)."""
    utc = value if value.tzinfo is UTC else to_utc(value)
    if utc.year < 1000:  # strftime writes such years without leading zeros: kept as they always were
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # The same text as strftime above, at a fraction of the cost (an ingest writes several per exhibit).
    return f"{utc.replace(tzinfo=None).isoformat(timespec='microseconds')}Z"


def parse_iso(text: str) -> datetime:
    """Parse an ISO 8601 time that names its zone (``Z`` or ``+01:00``)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone; add Z (UTC) or an offset such as +01:00")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"time {text!r} is out of range: in UTC it falls outside the years 1 to 9999") from None


def uk_display(value: datetime | None) -> str:
    """``20 Nov 2026 10:00:00 GMT (+00:00)``: UK local time with its offset."""
    if value is None:
        return ""
    local = to_utc(value).astimezone(UK)
    offset = local.strftime("%z")
    return f"{local:%d %b %Y %H:%M:%S} {local.tzname()} ({offset[:3]}:{offset[3:]})"


def utc_and_uk(value: datetime | None) -> str:
    """Both forms, as bundles and reports print them."""
    if value is None:
        return ""
    return f"{to_utc(value):%Y-%m-%d %H:%M:%S} UTC / {uk_display(value)}"


def uk_offset(value: datetime) -> str:
    """The Europe/London offset in force at ``value``, e.g. ``+01:00``."""
    off = to_utc(value).astimezone(UK).strftime("%z")
    return f"{off[:3]}:{off[3:]}"
