"""``casedesk ingest``, ``casedesk extract`` and ``casedesk evidence list|show|withdraw|sensitive``."""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import signal
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from casedesk.cli.context import Context, one_line, to_jsonable
from casedesk.cli.progress import ProgressBar
from casedesk.errors import UsageError
from casedesk.progress import CancelToken
from casedesk.services.conflicts import Conflicts
from casedesk.services.evidence import Evidence, ExhibitView, IngestMetadata
from casedesk.timeutil import uk_display, uk_offset, utc_and_uk


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ingest", parents=[common], help="hash, encrypt and register files or folders as exhibits")
    p.add_argument("reference", help="case reference, e.g. MPS-2026-0417")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files and folders (folders are taken recursively)")
    p.add_argument("--description", default="", help="what the exhibit is (applies to every file given a "
                   "description of its own in --descriptions; required without it)")
    p.add_argument("--descriptions", metavar="CSV", help="a description per file: a CSV file of rows 'path,"
                   "description', the path as the register shows it (photos/IMG_0001.jpg); an optional first "
                   "row 'path,description' is a header")
    p.add_argument("--seized-by", metavar="USER", help="producing officer (default: you); their initials prefix "
                   "the exhibit references")
    p.add_argument("--seized-from", default="", metavar="WHO", help="seized or received from, e.g. 'journalist'")
    p.add_argument("--seized-at", metavar="TIME", help="when, ISO 8601 with a zone: 2026-03-14T10:30+00:00")
    p.add_argument("--location", default="", help="where it was seized or received")
    p.add_argument("--seal", default="", help="seal or bag number")
    p.add_argument("--sensitive", action="store_true", help="sensitive material (MG6D), left out of bundles")
    p.add_argument("--skip-existing", action="store_true",
                   help="leave out files already in the case (same path and SHA-256), e.g. after a cancel")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("extract", parents=[common], help="write an exhibit's original bytes to a file")
    p.add_argument("reference", help="case reference")
    p.add_argument("exhibit", help="exhibit reference, e.g. JAS/1")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="new file, or an existing folder")
    p.set_defaults(func=cmd_extract)

    ev = sub.add_parser("evidence", help="the exhibit register")
    es = ev.add_subparsers(dest="evidence_command", metavar="ACTION", required=True)
    p = es.add_parser("list", parents=[common], help="a case's exhibits")
    p.add_argument("reference")
    p.add_argument("--all", action="store_true", help="include withdrawn exhibits")
    p.set_defaults(func=cmd_list)

    p = es.add_parser("show", parents=[common], help="one exhibit's record")
    p.add_argument("reference")
    p.add_argument("exhibit")
    p.set_defaults(func=cmd_show)

    p = es.add_parser("withdraw", parents=[common], help="withdraw an exhibit (kept, never deleted)")
    p.add_argument("reference")
    p.add_argument("exhibit")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_withdraw)

    p = es.add_parser("sensitive", parents=[common], help="mark an exhibit sensitive (MG6D) or not")
    p.add_argument("reference")
    p.add_argument("exhibit")
    onoff = p.add_mutually_exclusive_group(required=True)
    onoff.add_argument("--on", dest="sensitive", action="store_true")
    onoff.add_argument("--off", dest="sensitive", action="store_false")
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_sensitive)


@contextlib.contextmanager
def interrupt_cancels(token: CancelToken) -> Iterator[None]:
    """The first Ctrl+C cancels cleanly (work finished so far is kept); a second one interrupts."""
    def handler(signum: int, frame: FrameType | None) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("\ncasedesk: cancelling; finished files are kept (Ctrl+C again to interrupt)", file=sys.stderr)

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _line(e: ExhibitView) -> str:
    dup = f"  (duplicate of {e.duplicate_of})" if e.duplicate_of else ""
    return f"{e.reference:<8} {e.sha256}  {e.mime_type:<28} {human_size(e.size):>10}  {one_line(e.relative_path)}{dup}"


def parse_seized_at(text: str | None) -> datetime | None:
    """An ISO 8601 time that names its zone, keeping the offset it was entered with."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(f"--seized-at: cannot read {text!r} as a date and time; "
                         "e.g. 2026-03-14T10:30:00+00:00") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(f"--seized-at: {text!r} has no time zone; add Z (UTC) or an offset such as +01:00")
    return value


def read_descriptions(name: str) -> dict[str, str]:
    """``--descriptions``: relative path -> description, from a UTF-8 CSV file (a spreadsheet's "CSV UTF-8")."""
    try:
        with open(name, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise UsageError(f"--descriptions: {name} does not exist") from None
    except IsADirectoryError:
        raise UsageError(f"--descriptions: {name} is a folder; name a CSV file") from None
    except UnicodeDecodeError:
        raise UsageError(f"--descriptions: {name} is not UTF-8 text; save it as CSV UTF-8") from None
    except OSError as exc:
        raise UsageError(f"--descriptions: cannot read {name}: {(exc.strerror or type(exc).__name__).lower()}") \
            from None
    found: dict[str, tuple[str, int]] = {}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != 2:
                raise UsageError(f"--descriptions: {name} line {line}: expected two columns, path and description; "
                                 f"found {len(row)}")
            path, description = row[0].strip(), row[1]
            if not found and (path.lower(), description.strip().lower()) == ("path", "description"):
                continue  # the header
            if not path:
                raise UsageError(f"--descriptions: {name} line {line}: the path is empty")
            if path in found:
                raise UsageError(f"--descriptions: {name} line {line}: {path} is already described on line "
                                 f"{found[path][1]}")
            found[path] = (description, line)
    except csv.Error as exc:
        raise UsageError(f"--descriptions: {name} line {reader.line_num}: not CSV ({exc})") from None
    if not found:
        raise UsageError(f"--descriptions: {name} describes no file")
    return {path: description for path, (description, _line) in found.items()}


def cmd_ingest(ctx: Context) -> int:
    a = ctx.args
    seized_at = parse_seized_at(a.seized_at)
    descriptions = read_descriptions(a.descriptions) if a.descriptions else None
    meta = IngestMetadata(
        description=a.description, seized_from=a.seized_from, seized_at=seized_at, location=a.location,
        seal=a.seal, producer=a.seized_by, sensitive=a.sensitive,
    )
    evidence = Evidence(ctx.session())
    bar = ProgressBar("Ingesting")
    token = CancelToken()
    try:
        with interrupt_cancels(token):
            summary = evidence.ingest(a.reference, [Path(p) for p in a.paths], meta, bar, token,
                                      skip_existing=a.skip_existing, descriptions=descriptions)
    finally:
        bar.finish()
    for e in summary.warnings:
        ctx.warn(f"{e.reference} {one_line(e.relative_path)}: {e.type_warning}")
    lines = [_line(e) for e in summary.ingested]
    if summary.skipped:
        lines += ["", "Skipped:"] + [f"  {one_line(s.path)}: {s.reason}" for s in summary.skipped]
    total = sum(e.size for e in summary.ingested)
    lines += ["", f"Ingested {len(summary.ingested)} exhibit(s), {human_size(total)}; "
              f"{len(summary.duplicates)} duplicate(s) of earlier exhibits; "
              f"{len(summary.already)} already in the case (same path and SHA-256); {len(summary.skipped)} skipped"
              + ("; CANCELLED before the end" if summary.cancelled else ".")]
    ctx.emit({"ingested": summary.ingested, "duplicates": [e.reference for e in summary.duplicates],
              "skipped": summary.skipped, "already": [{"path": p, "exhibit": r} for p, r in summary.already],
              "cancelled": summary.cancelled}, lines)
    if summary.cancelled:
        return 130
    return 1 if summary.skipped else 0


def cmd_extract(ctx: Context) -> int:
    a = ctx.args
    evidence = Evidence(ctx.session())
    bar = ProgressBar("Extracting")
    token = CancelToken()
    try:
        with interrupt_cancels(token):
            path = evidence.extract(a.reference, a.exhibit, Path(a.output), bar, token)
    finally:
        bar.finish()
    view = evidence.show(a.reference, a.exhibit)
    ctx.emit({"case": view.case_ref, "exhibit": view.reference, "path": str(path), "sha256": view.sha256,
              "size": view.size},
             f"Extracted {view.reference} to {one_line(str(path))} ({human_size(view.size)}, SHA-256 {view.sha256} "
             "verified).")
    return 0


def cmd_list(ctx: Context) -> int:
    session = ctx.session()
    rows = Evidence(session).list(ctx.args.reference, include_withdrawn=ctx.args.all)
    # An exhibit this log and the installation's other copy moved differently (services/conflicts.py).
    disputed = {c.exhibit_ref: c.message for c in Conflicts(session).list(ctx.args.reference)}
    lines = [f"{'EXHIBIT':<8} {'SIZE':>10}  {'TYPE':<28} {'CUSTODIAN':<14} DESCRIPTION"]
    for e in rows:
        flags = "".join(f" [{f}]" for f, on in (("CUSTODY CONFLICT", e.reference in disputed),
                                                ("withdrawn", e.status == "withdrawn"), ("sensitive", e.sensitive),
                                                ("type warning", bool(e.type_warning))) if on)
        lines.append(f"{e.reference:<8} {human_size(e.size):>10}  {e.mime_type[:28]:<28} {e.custodian[:14]:<14} "
                     f"{e.description[:60]}{flags}")
    data = [dict(to_jsonable(e), custody_conflict=disputed.get(e.reference)) for e in rows] if disputed else rows
    ctx.emit(data, lines if rows else ["No exhibits."])
    return 0


def cmd_show(ctx: Context) -> int:
    session = ctx.session()
    e = Evidence(session).show(ctx.args.reference, ctx.args.exhibit)
    disputed = next((c.message for c in Conflicts(session).list(e.case_ref) if c.exhibit_ref == e.reference), None)
    lines = [
        f"Exhibit:            {e.reference} ({e.case_ref})",
        f"Description:        {e.description}",
        f"Status:             {e.status}" + (f" ({e.withdrawn_reason})" if e.withdrawn_reason else ""),
        f"Sensitive:          {'yes (MG6D)' if e.sensitive else 'no'}",
        f"Producing officer:  {e.producer_name} ({e.producer})",
        f"Seized from:        {e.seized_from or '-'}",
        f"Seized at:          {utc_and_uk(e.seized_at) or '-'}"
        + (f" (entered with offset {e.seized_offset})"
           if e.seized_at and e.seized_offset and e.seized_offset != uk_offset(e.seized_at) else ""),
        f"Seized location:    {e.seized_location or '-'}",
        f"Seal / bag:         {e.seal or '-'}",
        f"Original name:      {one_line(e.original_name)}",
        f"Relative path:      {one_line(e.relative_path)}",
        f"Size:               {e.size} bytes ({human_size(e.size)})",
        f"Type:               {e.mime_type}: {e.type_description}",
    ]
    if e.type_warning:
        lines.append(f"TYPE WARNING:       {e.type_warning}")
    lines += [f"SHA-256:            {e.sha256}"]
    if e.md5:
        lines.append(f"MD5:                {e.md5}")
    if e.sha1:
        lines.append(f"SHA-1:              {e.sha1}")
    if e.duplicate_of:
        lines.append(f"Duplicate of:       {e.duplicate_of} (identical content)")
    lines += [
        f"File modified:      {uk_display(e.fs_modified) or '-'}",
        f"File changed:       {uk_display(e.fs_changed) or '-'}",
        f"File accessed:      {uk_display(e.fs_accessed) or '-'}",
        f"Ingested:           {uk_display(e.ingested_at)} by {e.ingested_by} with {e.tool}",
        f"Custodian:          {e.custodian}{'' if e.custodian_is_user else ' (place)'}"
        + (" - checked out" if e.checked_out else ""),
        f"Location:           {e.location}",
    ]
    if disputed is not None:
        lines.append(f"CUSTODY CONFLICT:   {disputed}")
    ctx.emit(e if disputed is None else dict(to_jsonable(e), custody_conflict=disputed), lines)
    return 0


def cmd_withdraw(ctx: Context) -> int:
    a = ctx.args
    ev = Evidence(ctx.session())
    ev.withdraw(a.reference, a.exhibit, a.reason)
    e = ev.show(a.reference, a.exhibit)
    ctx.emit(e, f"Withdrew {e.reference} from {e.case_ref}; it stays in the vault and its number is not reused.")
    return 0


def cmd_sensitive(ctx: Context) -> int:
    a = ctx.args
    ev = Evidence(ctx.session())
    ev.set_sensitive(a.reference, a.exhibit, a.sensitive, a.reason)
    e = ev.show(a.reference, a.exhibit)
    ctx.emit(e, f"{e.reference} is now {'marked sensitive (MG6D)' if e.sensitive else 'not sensitive'}.")
    return 0
