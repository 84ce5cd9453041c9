"""How values read on screen: UK local time with its offset, sizes, short hashes."""

from __future__ import annotations

from datetime import datetime

from casedesk.timeutil import UK, to_utc, uk_display


def when(value: datetime | None) -> str:
    """``20 Nov 2026 10:00:00 GMT (+00:00)``; empty for no time."""
    return uk_display(value) if value is not None else ""


def short_when(value: datetime | None) -> str:
    """A compact form for table cells: ``20 Nov 2026 10:00 GMT`` (the full form is in the tooltip)."""
    if value is None:
        return ""
    local = to_utc(value).astimezone(UK)
    return f"{local:%d %b %Y %H:%M} {local.tzname()}"


def size(n: int | None) -> str:
    if n is None:
        return ""
    value = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{int(value)} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{n} bytes"


def short_hash(digest: str | None, length: int = 12) -> str:
    return "" if not digest else f"{digest[:length]}…"
