"""Every text, number and time a user gives CaseDesk, checked in one place before anything is written.

The service layer calls these for each input, so the command line and the
desktop app get the same bounds and the same one-line errors (``UsageError``,
exit 2). The limits are generous for real use and keep every value printable
in a bundle:

- names and titles (a case title, a person or place an exhibit goes to): 200 characters;
- single-line fields (locations, "seized from", offences): 500 characters;
- an exhibit description: 4,000 characters; a seal or bag number: 64;
- a reason (for a transfer, check-out, return, withdrawal, change of sensitivity): 2,000 characters;
- free text (notes, case summary, review comments, corrections, a case-closing override): 20,000 characters;
- at most 100 offences on a case;
- an entry number: 1 to 2^63 - 1 (SQLite's integer);
- a time: an aware date and time between the years 1900 and 2999 in UTC.

Text must be valid Unicode: a command-line argument that is not UTF-8 comes
to Python as lone surrogates, which cannot be stored, signed or printed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from casedesk.errors import UsageError

TITLE = 200
NAME = 200
LINE = 500
DESCRIPTION = 4000
SEAL = 64
REASON = 2000
TEXT = 20_000
OFFENCES = 100
MAX_SEQ = (1 << 63) - 1
FIRST_YEAR, LAST_YEAR = 1900, 2999


def unicode(value: str, what: str, field: str | None = None, cli_hint: str | None = None) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not valid UTF-8 text; retype it, or set the terminal to UTF-8",
                         field=field, cli_hint=cli_hint) from None


def text(value: str | None, what: str, limit: int, *, single_line: bool = True, empty: str | None = None,
         field: str | None = None, cli_hint: str | None = None) -> str:
    """``value`` checked and tidied: runs of white space become one space on single-line fields.

    ``empty``: the message when the value is required and blank. ``field`` names the form field at fault
    (for the desktop app's focus); ``cli_hint`` is the option the command line shows after the message.
    """
    raw = value or ""
    unicode(raw, what, field, cli_hint)
    tidy = " ".join(raw.split()) if single_line else raw.strip()
    if empty is not None and not tidy:
        raise UsageError(empty, field=field, cli_hint=cli_hint)
    if len(tidy) > limit:
        raise UsageError(f"{what} is too long: {len(tidy):,} characters, at most {limit:,}", field=field,
                         cli_hint=cli_hint)
    return tidy


def optional(value: str | None, what: str, limit: int, *, single_line: bool = True, field: str | None = None,
             cli_hint: str | None = None) -> str | None:
    return text(value, what, limit, single_line=single_line, field=field, cli_hint=cli_hint) or None


def seq(value: int, what: str = "entry number") -> int:
    if not 1 <= value <= MAX_SEQ:
        raise UsageError(f"{what} {value} does not exist: entries are numbered from 1; "
                         "`casedesk custody log` shows them")
    return value


def moment(value: datetime, what: str, cli_hint: str | None = None) -> datetime:
    """An aware time within the years CaseDesk can store and print; returned as given (offset kept)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(f"{what} has no time zone; add Z (UTC) or an offset such as +01:00", cli_hint=cli_hint)
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise UsageError(f"{what} {value.isoformat()} is out of range: give a time between the years "
                         f"{FIRST_YEAR} and {LAST_YEAR}", cli_hint=cli_hint)
    return value
