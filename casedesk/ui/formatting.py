"""How values read on screen: UK local time with its offset, sizes, short hashes."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication

from casedesk.timeutil import UK, to_utc, uk_display
from casedesk.ui.translator import QT_TRANSLATE_NOOP


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
        return QCoreApplication.translate("formatting", "{n} bytes").format(n=f"{n:,}")
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            return f"{value:,.1f} {unit}"
    return QCoreApplication.translate("formatting", "{n} bytes").format(n=f"{n:,}")


CONTEXT = "formatting"  # the translation context of the words below (lupdate needs it literal in each NOOP)


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate(CONTEXT, text, None, n)


ACTION_LABELS = {
    "exhibit.ingested": QT_TRANSLATE_NOOP("formatting", "Ingested"),
    "exhibit.received": QT_TRANSLATE_NOOP("formatting", "Received (hand-over)"),
    "exhibit.viewed": QT_TRANSLATE_NOOP("formatting", "Viewed"),
    "exhibit.extracted": QT_TRANSLATE_NOOP("formatting", "Extracted"),
    "exhibit.transferred": QT_TRANSLATE_NOOP("formatting", "Transferred"),
    "exhibit.checked_out": QT_TRANSLATE_NOOP("formatting", "Checked out"),
    "exhibit.returned": QT_TRANSLATE_NOOP("formatting", "Returned"),
    "exhibit.withdrawn": QT_TRANSLATE_NOOP("formatting", "Withdrawn"),
    "exhibit.sensitivity_changed": QT_TRANSLATE_NOOP("formatting", "Sensitivity changed"),
    "case.created": QT_TRANSLATE_NOOP("formatting", "Case opened"),
    "case.closed": QT_TRANSLATE_NOOP("formatting", "Case closed"),
    "case.close_override": QT_TRANSLATE_NOOP("formatting", "Closed despite review"),
    "case.member_added": QT_TRANSLATE_NOOP("formatting", "Member added"),
    "case.member_removed": QT_TRANSLATE_NOOP("formatting", "Member removed"),
    "case.summary_edited": QT_TRANSLATE_NOOP("formatting", "Summary edited"),
    "case.handed_over": QT_TRANSLATE_NOOP("formatting", "Case handed over"),
    "case.received": QT_TRANSLATE_NOOP("formatting", "Case received"),
    "case.reviewed": QT_TRANSLATE_NOOP("formatting", "Reviewed"),
    "note.added": QT_TRANSLATE_NOOP("formatting", "Note added"),
    "entry.corrected": QT_TRANSLATE_NOOP("formatting", "Correction"),
    "custody.fork_recorded": QT_TRANSLATE_NOOP("formatting", "Other copy's entries recorded (conflict)"),
    "custody.conflict_resolved": QT_TRANSLATE_NOOP("formatting", "Conflict resolved"),
    "verify.run": QT_TRANSLATE_NOOP("formatting", "Verified"),
    "custody.exported": QT_TRANSLATE_NOOP("formatting", "Log exported"),
    "bundle.exported": QT_TRANSLATE_NOOP("formatting", "Bundle exported"),
    "account.login": QT_TRANSLATE_NOOP("formatting", "Signed in"),
    "account.login_failed": QT_TRANSLATE_NOOP("formatting", "Failed sign-in"),
}

# Values the service layer gives as words (roles, account and case states): shown translated, stored as they are.
VALUE_LABELS = {
    "detective": QT_TRANSLATE_NOOP("formatting", "detective"),
    "supervisor": QT_TRANSLATE_NOOP("formatting", "supervisor"),
    "admin": QT_TRANSLATE_NOOP("formatting", "admin"),
    "active": QT_TRANSLATE_NOOP("formatting", "active"),
    "disabled": QT_TRANSLATE_NOOP("formatting", "disabled"),
    "locked": QT_TRANSLATE_NOOP("formatting", "locked"),
    "pending": QT_TRANSLATE_NOOP("formatting", "pending"),
    "open": QT_TRANSLATE_NOOP("formatting", "open"),
    "closed": QT_TRANSLATE_NOOP("formatting", "closed"),
    "handed_over": QT_TRANSLATE_NOOP("formatting", "handed over"),
}


def value_label(value: str) -> str:
    """A role, an account's or a case's state in the user's language (``supervisor``, ``locked``, ``open``)."""
    return _tr(VALUE_LABELS[value]) if value in VALUE_LABELS else value


def action_label(action: str) -> str:
    """A custody action in words (``exhibit.checked_out`` → ``Checked out``); the identifier is the tooltip."""
    if action in ACTION_LABELS:
        return _tr(ACTION_LABELS[action])
    words = action.replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def short_hash(digest: str | None, length: int = 12) -> str:
    return "" if not digest else f"{digest[:length]}…"
