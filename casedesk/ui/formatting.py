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
    """Binary units, as the bundle prints them: ``1.5 KiB``, ``3.2 MiB`` (a KB here and KiB there disagreed)."""
    if n is None:
        return ""
    if n < 1024:
        return f"{n:,} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:,.1f} {unit}"
    return f"{n:,} bytes"


ACTION_LABELS = {
    "exhibit.ingested": "Ingested", "exhibit.viewed": "Viewed", "exhibit.extracted": "Extracted",
    "exhibit.transferred": "Transferred", "exhibit.checked_out": "Checked out", "exhibit.returned": "Returned",
    "exhibit.withdrawn": "Withdrawn", "exhibit.sensitivity_changed": "Sensitivity changed",
    "case.created": "Case opened", "case.closed": "Case closed", "case.close_override": "Closed despite review",
    "case.member_added": "Member added", "case.member_removed": "Member removed",
    "case.summary_edited": "Summary edited", "case.reviewed": "Reviewed", "note.added": "Note added",
    "entry.corrected": "Correction", "verify.run": "Verified", "custody.exported": "Log exported",
    "bundle.exported": "Bundle exported", "account.login": "Signed in", "account.login_failed": "Failed sign-in",
}


def action_label(action: str) -> str:
    """A custody action in words (``exhibit.checked_out`` → ``Checked out``); the identifier is the tooltip."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def short_hash(digest: str | None, length: int = 12) -> str:
    return "" if not digest else f"{digest[:length]}…"
