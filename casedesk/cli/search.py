"""``casedesk search TEXT``: exhibits and notes across every case you may open."""

from __future__ import annotations

import argparse
from typing import Any

from casedesk.cli.context import Context
from casedesk.services.search import DEFAULT_LIMIT, NOTE, Search


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("search", parents=[common],
                       help="find exhibits (SHA-256 prefix, file name, reference, description) and notes "
                            "in every case you may open")
    p.add_argument("text", help="what to look for, e.g. IMG_2041, 3fa9c2, JAS/12 or a word from a note")
    p.add_argument("--all", action="store_true", help="include withdrawn exhibits")
    p.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                   help=f"list at most N results (default {DEFAULT_LIMIT})")
    p.set_defaults(func=cmd_search)


def cmd_search(ctx: Context) -> int:
    a = ctx.args
    result = Search(ctx.session()).find(a.text, include_withdrawn=a.all, limit=a.limit)
    lines = []
    for hit in result.hits:
        if hit.matched == NOTE and hit.note is not None:
            about = f" on {hit.exhibit.reference}" if hit.exhibit else ""
            text = " ".join(hit.note.text.split())
            lines.append(f"{hit.case_ref:<16} note {hit.note.id}{about} by {hit.note.author}: {text[:80]}")
        elif hit.exhibit is not None:
            e = hit.exhibit
            flags = "".join(f" [{f}]" for f, on in (("withdrawn", e.status == "withdrawn"),
                                                    ("sensitive", e.sensitive)) if on)
            lines.append(f"{hit.case_ref:<16} {e.reference:<9} {e.sha256[:12]}  {e.original_name[:40]:<40} "
                         f"({hit.matched}){flags}")
    if not lines:
        lines.append(f"Nothing found for {result.text!r}.")
    if result.more:
        lines.append(f"More than {a.limit} results: the first {a.limit} are listed; search for more of the text, "
                     "or use --limit.")
    for ref in result.notes_locked:
        lines.append(f"The notes of {ref} were not searched: its key is sealed to you at the next sign-in of a "
                     "member who holds it.")
    ctx.emit(result, lines)  # emit shows control and direction characters as [U+XXXX]
    return 0
